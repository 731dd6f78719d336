/**
 * JSON and JSON Lines reading. Accepts the two shapes data tools write: an array of records
 * (`[{"N": 1e9, "loss": 2.5}, ...]`, pandas `orient="records"`) or an object of equal-length column
 * arrays (`{"N": [...], "loss": [...]}`, pandas `orient="list"`), and JSONL with one record per line.
 * Cells keep their JSON type; whether they are numbers is decided later, only for the cells a fit
 * actually uses. Row numbers are the 1-based record index (JSON) or the line number (JSONL).
 */
import { DataError } from '../errors.js';
import { findJsonSyntaxError } from './json-error.js';
import { findDuplicateKey } from './json-duplicates.js';
import { stripBom } from './read-delimited.js';
import type { Cell, Table } from './table.js';
import { checkRowCount, tooManyRows } from './row-limit.js';
import { LIMITS } from '../limits.js';

const SHAPES = 'expected an array of records [{"N": 1e9, "loss": 2.5}, ...] or an object of equal-length column arrays {"N": [...], "loss": [...]}';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toCell(v: unknown): Cell {
  if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  // A nested value becomes its JSON text (not a number, so reading it as one names the cell). A
  // value nested deeper than JSON.stringify can recurse (found by test/data/properties.test.ts)
  // stands as a short placeholder instead of a RangeError.
  try {
    return JSON.stringify(v);
  } catch {
    return Array.isArray(v) ? '[...]' : '{...}';
  }
}

/**
 * Build a Table from records (plain objects, column name → value). Columns are the union of the
 * records' keys in order of first appearance; a record without a key has an `undefined` cell there.
 * `rowNumbers` defaults to the 1-based record index. Used for JSON/JSONL and for in-memory rows.
 */
export function tableFromRecords(
  records: readonly unknown[],
  source: string,
  format: Table['format'] = 'json',
  rowNumbers?: readonly number[],
): Table {
  const index = new Map<string, number>();
  const columns: string[] = [];
  records.forEach((r, i) => {
    const row = rowNumbers?.[i] ?? i + 1;
    if (!isRecord(r)) {
      throw new DataError(
        'data-parse',
        { file: source, row },
        `record is ${typeName(r)}, expected an object mapping column names to values, such as {"N": 1e9, "loss": 2.5}`,
      );
    }
    for (const key of Object.keys(r)) {
      if (!index.has(key)) {
        index.set(key, columns.length);
        columns.push(key);
      }
    }
  });
  const rows: Cell[][] = records.map((r) => {
    const rec = r as Record<string, unknown>;
    return columns.map((c) => (Object.hasOwn(rec, c) ? toCell(rec[c]) : undefined));
  });
  if (rows.length === 0) throw new DataError('data-too-few', { file: source }, 'the file has no records (no data rows)');
  return { source, format, columns, rows, rowNumbers: rowNumbers ? [...rowNumbers] : rows.map((_, i) => i + 1) };
}

/** Parse JSON text, or throw a one-line DataError naming the line and column of the syntax error. */
function parseJsonText(text: string, source: string, row?: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    const problem = findJsonSyntaxError(text);
    const where = problem === undefined ? '' : row === undefined ? ` at line ${problem.line}, col ${problem.col}` : ` at col ${problem.col}`;
    const detail = problem?.detail ?? (e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e));
    throw new DataError('data-parse', row === undefined ? { file: source } : { file: source, row }, `malformed JSON${where}: ${detail}`);
  }
  // JSON.parse keeps the last of repeated keys; a value lost that way is refused instead.
  const dup = findDuplicateKey(text);
  if (dup !== undefined) {
    const where = row === undefined ? `line ${dup.line}, col ${dup.col}` : `col ${dup.col}`;
    const first = row === undefined ? `line ${dup.firstLine}, col ${dup.firstCol}` : `col ${dup.firstCol}`;
    throw new DataError(
      'data-parse',
      row === undefined ? { file: source, column: dup.key } : { file: source, row, column: dup.key },
      `duplicate key at ${where} (first at ${first}); JSON keeps only one of the two values, so rename or remove one`,
    );
  }
  return value;
}

/** A JSON file: an array of records or an object of equal-length column arrays. */
export function readJson(rawText: string, source: string): Table {
  const text = stripBom(rawText);
  if (text.trim() === '') throw new DataError('data-file', { file: source }, `the file is empty; ${SHAPES}`);
  const data = parseJsonText(text, source);
  if (Array.isArray(data)) {
    if (data.length === 0) throw new DataError('data-too-few', { file: source }, 'the JSON array is empty (no data rows)');
    checkRowCount(source, data.length);
    return tableFromRecords(data, source, 'json');
  }
  if (!isRecord(data)) throw new DataError('data-parse', { file: source }, `the JSON value is ${typeName(data)}; ${SHAPES}`);
  const columns = Object.keys(data);
  if (columns.length === 0) throw new DataError('data-too-few', { file: source }, `the JSON object has no columns; ${SHAPES}`);
  let length: number | undefined;
  let first = '';
  for (const c of columns) {
    const values = data[c];
    if (!Array.isArray(values)) {
      throw new DataError('data-parse', { file: source, column: c }, `the value of this key is ${typeName(values)}, not an array of column values; ${SHAPES}`);
    }
    if (length === undefined) {
      length = values.length;
      first = c;
    } else if (values.length !== length) {
      throw new DataError(
        'data-parse',
        { file: source, column: c },
        `column has ${values.length} values but column '${first}' has ${length}; all column arrays must have the same length`,
      );
    }
  }
  const n = length ?? 0;
  checkRowCount(source, n);
  if (n === 0) throw new DataError('data-too-few', { file: source }, 'the JSON column arrays are empty (no data rows)');
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) rows.push(columns.map((c) => toCell((data[c] as unknown[])[i])));
  return { source, format: 'json', columns, rows, rowNumbers: rows.map((_, i) => i + 1) };
}

/** A JSON Lines file: one JSON object per line; blank lines are skipped; row numbers are line numbers. */
export function readJsonl(rawText: string, source: string): Table {
  const text = stripBom(rawText);
  if (text.trim() === '') throw new DataError('data-file', { file: source }, 'the file is empty; expected one JSON object per line');
  const records: unknown[] = [];
  const rowNumbers: number[] = [];
  // Lines end in \n, \r\n or a bare \r (classic Mac, some exporters): a CR-only file is not one
  // long line, so its row numbers are its real line numbers.
  text.split(/\r\n|\n|\r/).forEach((line, i) => {
    if (line.trim() === '') return;
    if (records.length === LIMITS.rows.max) throw tooManyRows(source, i + 1);
    records.push(parseJsonText(line, source, i + 1));
    rowNumbers.push(i + 1);
  });
  return tableFromRecords(records, source, 'jsonl', rowNumbers);
}
