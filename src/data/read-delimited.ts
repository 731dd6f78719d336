/**
 * CSV and TSV reading. papaparse does the quoting rules (quoted fields, embedded delimiters, quotes
 * and newlines, CRLF); this module adds what papaparse leaves to us: the physical line number of
 * every record (so an error can say "row 4" and mean line 4 of the file), blank-line skipping, a
 * trimmed and duplicate-free header, and a hard error for ragged rows instead of silent padding.
 */
import Papa from 'papaparse';
import { DataError } from '../errors.js';
import type { Table } from './table.js';
import { tooManyRows } from './row-limit.js';
import { LIMITS } from '../limits.js';

export type Delimiter = ',' | '\t';

/** Leading byte-order mark, which papaparse would otherwise strip and shift every offset by one. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first line that is not blank (the header of a delimited file). */
export function firstNonBlankLine(text: string): string {
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line.trim() !== '') return line;
  }
  return '';
}

/** Tab-separated if the header line has tabs and no commas. */
export function sniffDelimiter(text: string): Delimiter {
  const header = firstNonBlankLine(text);
  return header.includes('\t') && !header.includes(',') ? '\t' : ',';
}

/** Counts line breaks up to increasing offsets, giving 1-based line numbers. */
class LineCounter {
  private offset = 0;
  private line = 1;
  private readonly nl: string;
  constructor(private readonly text: string) {
    // A file uses '\n' (possibly preceded by '\r') or, rarely, bare '\r' (classic Mac).
    this.nl = text.includes('\n') ? '\n' : '\r';
  }
  lineAt(offset: number): number {
    const end = Math.min(offset, this.text.length);
    for (let i = this.offset; i < end; i++) if (this.text[i] === this.nl) this.line++;
    this.offset = Math.max(this.offset, end);
    return this.line;
  }
}

function isBlankRecord(fields: readonly string[]): boolean {
  return fields.length === 1 && (fields[0] ?? '').trim() === '';
}

/**
 * Parse CSV/TSV text (BOM already stripped or not) into a Table. The first non-blank line is the
 * header. Throws DataError on an empty file, a header without data rows, duplicated column names,
 * an unterminated quoted field, or a row whose field count differs from the header's.
 */
export function readDelimited(rawText: string, source: string, delimiter: Delimiter): Table {
  const text = stripBom(rawText);
  const kind = delimiter === ',' ? 'CSV' : 'TSV';
  const sepName = delimiter === ',' ? "','" : 'tab';
  if (text.trim() === '') throw new DataError('data-file', { file: source }, 'the file is empty; expected a header line and data rows');

  const lines = new LineCounter(text);
  let header: string[] | undefined;
  let headerLine = 0;
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  let failure: DataError | undefined;
  let start = 0;

  Papa.parse<string[]>(text, {
    header: false,
    delimiter,
    quoteChar: '"',
    skipEmptyLines: false,
    dynamicTyping: false,
    step: (result, parser) => {
      const line = lines.lineAt(start);
      start = result.meta.cursor;
      if (failure !== undefined) return;
      const fields = result.data;
      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (quoteError !== undefined) {
        const detail =
          quoteError.code === 'InvalidQuotes'
            ? `a quoted field on this row has text after its closing '"'; quote the whole value and write a literal quote as '""'`
            : `a quoted field starting on this row is never closed; add the closing '"' or write a literal quote as '""'`;
        failure = new DataError('data-parse', { file: source, row: line }, detail);
        parser.abort();
        return;
      }
      const otherError = result.errors[0];
      if (otherError !== undefined) {
        failure = new DataError('data-parse', { file: source, row: line }, `cannot parse the ${kind} row: ${otherError.message}`);
        parser.abort();
        return;
      }
      if (isBlankRecord(fields)) return;
      if (header === undefined) {
        header = fields.map((f) => f.trim());
        headerLine = line;
        const seen = new Map<string, number>();
        header.forEach((name, i) => {
          if (name === '') return;
          const first = seen.get(name);
          if (first !== undefined && failure === undefined) {
            failure = new DataError(
              'data-parse',
              { file: source, row: line, column: name },
              `column name appears twice in the header (fields ${first + 1} and ${i + 1}); rename one of them`,
            );
          }
          seen.set(name, i);
        });
        if (failure !== undefined) parser.abort();
        return;
      }
      if (fields.length !== header.length) {
        const fix =
          fields.length > header.length
            ? `quote any value that contains a ${sepName}`
            : 'add the missing field (every row needs one field per column, even an empty one)';
        failure = new DataError(
          'data-parse',
          { file: source, row: line },
          `row has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header (row ${headerLine}) has ${header.length}; ${fix}`,
        );
        parser.abort();
        return;
      }
      if (rows.length === LIMITS.rows.max) {
        failure = tooManyRows(source, line);
        parser.abort();
        return;
      }
      rows.push(fields);
      rowNumbers.push(line);
    },
  });

  if (failure !== undefined) throw failure;
  if (header === undefined) throw new DataError('data-file', { file: source }, 'the file is empty; expected a header line and data rows');
  if (rows.length === 0) {
    throw new DataError('data-too-few', { file: source, row: headerLine }, `the ${kind} file has a header but no data rows`);
  }
  return { source, format: delimiter === ',' ? 'csv' : 'tsv', columns: header, rows, rowNumbers };
}
