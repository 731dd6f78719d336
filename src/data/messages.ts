/**
 * Shared pieces of error messages about names: the column list appended to "no such column"
 * errors (abbreviated for very wide tables) and a "did you mean" that only suggests a name when
 * the typo is smaller than the name itself (so `C` does not suggest `N`).
 */
import { didYouMean, editDistance, suggest } from '../errors.js';

/** How many column names error messages list before abbreviating. */
const LIST_LIMIT = 40;

/** `'a', 'b', 'c'` — the column list that error messages append, abbreviated for very wide tables. */
export function listColumns(columns: readonly string[]): string {
  const named = columns.filter((c) => c !== '');
  const shown = named.slice(0, LIST_LIMIT).map((c) => `'${c}'`);
  const more = named.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** `; did you mean 'x'?` for a plausible typo of `name`, or '' (see `didYouMean` in errors.ts). */
export function closeMatch(name: string, candidates: readonly string[]): string {
  const s = suggest(name, candidates);
  if (s === undefined || editDistance(name.toLowerCase(), s.toLowerCase()) >= name.length) return '';
  return didYouMean(name, candidates);
}
