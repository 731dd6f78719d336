/**
 * Errors as data. Every error lawfit raises on purpose carries a stable `code` (what went wrong,
 * for programs) and a message written for people that names the place: a formula position, or a
 * file, row and column. Type guards check `name`/`code` rather than `instanceof`, because errors
 * that cross a worker boundary (comlink, worker_threads) arrive rebuilt as plain objects.
 *
 * Bad input is exit code 2 in the CLI; anything else that escapes is an internal error (exit 1).
 */

export type LawfitErrorCode =
  // formula language
  | 'formula-syntax'
  | 'formula-unknown-name'
  | 'formula-arity'
  | 'formula-unused'
  | 'formula-not-allowed'
  | 'formula-too-large'
  // law declarations and options
  | 'law-declaration'
  | 'unknown-law'
  | 'unknown-parameter'
  | 'bad-option'
  // data input
  | 'data-file'
  | 'data-parse'
  | 'data-column'
  | 'data-value'
  | 'data-too-few'
  // artifacts
  | 'artifact'
  // a run stopped by its caller (Ctrl-C in the CLI, the app's cancel button): not a failure
  | 'cancelled';

/** Where in a formula something went wrong: 0-based offset, 1-based line and column. */
export interface SourcePosition {
  offset: number;
  line: number;
  col: number;
}

/** Where in a data file something went wrong. Row numbers are the file's own line/record numbers (1-based, header = row 1 for CSV). */
export interface DataLocation {
  file?: string;
  row?: number;
  column?: string;
}

export class LawfitError extends Error {
  override name = 'LawfitError';
  readonly code: LawfitErrorCode;
  /** True for errors caused by what the user supplied (CLI exit code 2). */
  readonly badInput: boolean;
  constructor(code: LawfitErrorCode, message: string, badInput = true) {
    super(message);
    this.code = code;
    this.badInput = badInput;
  }
}

export class FormulaError extends LawfitError {
  override name = 'FormulaError';
  readonly position: SourcePosition;
  /** The bare message without the position prefix. */
  readonly detail: string;
  constructor(code: LawfitErrorCode, position: SourcePosition, detail: string, source?: string) {
    super(code, formatFormulaMessage(position, detail, source));
    this.position = position;
    this.detail = detail;
  }
}

export class DataError extends LawfitError {
  override name = 'DataError';
  readonly location: DataLocation;
  constructor(code: LawfitErrorCode, location: DataLocation, detail: string) {
    super(code, formatDataMessage(location, detail));
    this.location = location;
  }
}

function formatFormulaMessage(pos: SourcePosition, detail: string, source?: string): string {
  const where = pos.line > 1 ? `line ${pos.line}, col ${pos.col}` : `col ${pos.col}`;
  let msg = `${where}: ${detail}`;
  if (source !== undefined) {
    const lineText = source.split('\n')[pos.line - 1] ?? '';
    msg += `\n  ${lineText}\n  ${' '.repeat(Math.max(0, pos.col - 1))}^`;
  }
  return msg;
}

function formatDataMessage(loc: DataLocation, detail: string): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.column !== undefined) parts.push(`column '${loc.column}'`);
  return parts.length > 0 ? `${parts.join(', ')}: ${detail}` : detail;
}

/** True for any error lawfit raised on purpose, including ones rebuilt after crossing a worker boundary. */
export function isLawfitError(e: unknown): e is { name: string; code: LawfitErrorCode; message: string; badInput?: boolean } {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as { name?: unknown; code?: unknown };
  return (
    typeof o.code === 'string' &&
    (o.name === 'LawfitError' || o.name === 'FormulaError' || o.name === 'DataError')
  );
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), for "did you mean"
 * suggestions: 'alpah' is one slip from 'alpha', not two.
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/** The closest candidate to `name`, if it is close enough to be a plausible typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  // At most a third of the name may differ, and never all of it (x is no typo of N).
  const limit = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestD <= limit && bestD < name.length ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}
