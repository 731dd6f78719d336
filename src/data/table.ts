/**
 * A table as read from a file, before any meaning is given to it: column names, raw cells and,
 * for every row, the row number a person would use to find it in the source file. The readers
 * (CSV/TSV, JSON, JSONL) produce this shape and the mapping onto a law consumes it, so the file
 * syntax and the numeric validation stay in separate modules.
 */

/** The file formats lawfit reads (the one list: --format checks against it). */
export const TABLE_FORMATS = ['csv', 'tsv', 'json', 'jsonl'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/**
 * One raw cell. CSV/TSV cells are always strings; JSON cells keep their JSON type (`undefined`
 * when a record has no such key; nested arrays/objects are kept as their JSON text).
 */
export type Cell = string | number | boolean | null | undefined;

export interface Table {
  /** The file name (or label) used in error messages. */
  source: string;
  format: TableFormat;
  /** Column names (trimmed for CSV/TSV), in file order, unique. */
  columns: readonly string[];
  /** Raw cells, one array per data row, aligned with `columns`. */
  rows: readonly (readonly Cell[])[];
  /**
   * For each row, its number in the source: the physical line on which it starts for CSV/TSV
   * (the header is row 1, so the first data row is usually row 2) and for JSONL; the 1-based
   * record index for JSON.
   */
  rowNumbers: readonly number[];
}
