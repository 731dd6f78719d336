/**
 * Small pieces shared by the data-transform commands (`lr-areas`, `pass-at-k`; their common
 * skeleton is transform-command.ts): a numeric column of a table read with the file's own row
 * numbers in every message, and CSV output.
 */
import { LawfitError } from '../errors.js';
import { closeMatch, listColumns, parseNumericCell, type Table } from '../data/index.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import type { Io } from './io.js';

/** Index of column `name` in the table; a clear error naming the file, the flag and the columns otherwise. */
export function columnIndex(table: Table, name: string, flag: string): number {
  const k = table.columns.indexOf(name);
  if (k < 0) throw new LawfitError('data-column', `${table.source}: ${flag} names column '${name}', which is not in the file${closeMatch(name, table.columns)} (columns: ${listColumns(table.columns)})`);
  return k;
}

/** Column `name` as float64 numbers; a bad cell is an error naming file, row and column. */
export function numericColumn(table: Table, name: string, flag: string): number[] {
  const k = columnIndex(table, name, flag);
  return table.rows.map((row, i) => {
    const cell = parseNumericCell(row[k]);
    if (!cell.ok) throw new LawfitError('data-value', `${table.source}: row ${table.rowNumbers[i]}, column '${name}': ${cell.problem}; ${cell.fix}`);
    return cell.value;
  });
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text with a header line. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** Write CSV text to `out` (atomically), or to stdout when no file is given. */
export async function writeCsv(text: string, out: string | undefined, io: Io): Promise<void> {
  if (out === undefined) io.out(text);
  else await writeFileAtomic(out, text);
}
