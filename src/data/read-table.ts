/**
 * One entry point from file contents to a Table: decodes bytes (UTF-8, BOM removed, UTF-16
 * refused with a clear message), picks the format from the file name or, failing that, from the
 * contents, and hands over to the CSV/TSV or JSON readers. Browser-safe: no Node imports.
 */
import { DataError } from '../errors.js';
import { readDelimited, sniffDelimiter, stripBom } from './read-delimited.js';
import { readJson, readJsonl } from './read-json.js';
import type { Table, TableFormat } from './table.js';

/** A format, or 'auto' to decide from the file name and contents. */
export type FormatChoice = TableFormat | 'auto';

const EXTENSIONS: Record<string, TableFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * The format of a file: by extension (.csv .tsv .tab .json .jsonl .ndjson), otherwise by content
 * (JSON if it starts with '[' or '{', JSONL if it is several lines each starting with '{', else
 * delimited). CSV whose header line has tabs and no commas is read as TSV.
 */
export function detectFormat(name: string, text: string, choice: FormatChoice = 'auto'): TableFormat {
  const chosen = choice === 'auto' ? EXTENSIONS[extensionOf(name)] : choice;
  if (chosen === 'csv') return sniffDelimiter(text) === '\t' ? 'tsv' : 'csv';
  if (chosen !== undefined) return chosen;
  const body = stripBom(text).trim();
  if (body.startsWith('[')) return 'json';
  if (body.startsWith('{')) {
    const lines = body.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '');
    const firstLine = lines[0]?.trim() ?? '';
    if (lines.length > 1 && lines.every((l) => l.trim().startsWith('{')) && firstLine.endsWith('}')) return 'jsonl';
    return 'json';
  }
  return sniffDelimiter(text) === '\t' ? 'tsv' : 'csv';
}

/**
 * Decode file bytes as UTF-8 (a leading BOM is dropped). Files saved as UTF-16 (common from Excel
 * "Unicode text") are refused with a message saying how to fix them, rather than read as garbage.
 */
export function decodeText(bytes: Uint8Array, source: string): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    throw new DataError('data-file', { file: source }, 'the file is encoded as UTF-16; save it as UTF-8 (e.g. "CSV UTF-8" in Excel)');
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/** Parse file contents into a Table. `source` names the file in error messages. */
export function readTable(content: string | Uint8Array, source: string, format: FormatChoice = 'auto'): Table {
  const text = stripBom(typeof content === 'string' ? content : decodeText(content, source));
  const fmt = detectFormat(source, text, format);
  switch (fmt) {
    case 'csv':
      return readDelimited(text, source, ',');
    case 'tsv':
      return readDelimited(text, source, '\t');
    case 'json':
      return readJson(text, source);
    case 'jsonl':
      return readJsonl(text, source);
  }
}
