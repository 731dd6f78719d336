/** The row limit's one message (the limit itself is in src/limits.ts with the others). */
import { DataError } from '../errors.js';
import { formatLimit, LIMITS } from '../limits.js';

/** `row`: where the first row over the limit is, when the reader knows it. */
export function tooManyRows(source: string, row?: number): DataError {
  return new DataError(
    'data-file',
    row !== undefined ? { file: source, row } : { file: source },
    `more than lawfit's limit of ${formatLimit(LIMITS.rows.max)} data rows (src/limits.ts); select the runs you need first`,
  );
}

/** Throw when a reader has counted more rows than the limit. */
export function checkRowCount(source: string, n: number): void {
  if (n > LIMITS.rows.max) throw tooManyRows(source);
}
