/**
 * The built-in example file: the SYNTHETIC Chinchilla ladder of src/examples/chinchilla-ladder.ts
 * (default seed and noise) as CSV. The page loads it from here and the worker recognises it by
 * its digest (worker/truth.ts), so the two can never disagree on what "the example" is.
 */
import { chinchillaLadder, ladderCsv } from '../../src/examples/chinchilla-ladder.js';

export const EXAMPLE_NAME = 'chinchilla-ladder-synthetic.csv';

/** What the page says about the file when it is loaded. */
export const EXAMPLE_NOTE = 'synthetic: drawn from Hoffmann et al.’s published law with 1 % noise, so the true parameters are known';

/** The file's text (header N,D,loss; 56 rows). */
export function exampleCsv(): string {
  return ladderCsv(chinchillaLadder());
}
