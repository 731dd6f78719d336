/**
 * The `--at IN=VALUE,...` syntax of `lawfit predict`: one point at which to evaluate a fitted law,
 * checked against the law's inputs (each given once, none unknown). No Node imports: the browser
 * app's worker reads its predict points with this same function.
 */
import { LawfitError } from '../errors.js';
import { parseAssignments, parseNumber } from './args.js';
import { nameTable, own } from '../util/names.js';

export function parseAtFlag(text: string, inputs: readonly string[], lawName: string): Record<string, number> {
  const given = nameTable(Object.entries(parseAssignments('--at', [text])).map(([k, v]) => [k, parseNumber('--at', v)] as const));
  checkPoint(given, inputs, lawName);
  return given;
}

/** Every input of the law has a value, and nothing else is given. */
export function checkPoint(given: Readonly<Record<string, number>>, inputs: readonly string[], lawName: string): void {
  for (const k of Object.keys(given)) if (!inputs.includes(k)) throw new LawfitError('bad-option', `--at: law '${lawName}' has no input '${k}' (inputs: ${inputs.join(', ')})`);
  for (const k of inputs) if (own(given, k) === undefined) throw new LawfitError('bad-option', `--at: give a value for input '${k}' (inputs: ${inputs.join(', ')})`);
}
