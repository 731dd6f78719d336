/**
 * Parsing of the CLI's value syntaxes (not of argv itself: node:util's parseArgs does that).
 * Every error is a LawfitError('bad-option') naming the flag and the text it could not read.
 */
import { LawfitError } from '../errors.js';
import { parseLoss, type LossSpec } from '../fit/losses.js';
import type { StartSpec } from '../fit/starts.js';
import { parseTransform, type Transform } from '../law/transforms.js';
import { RESIDUAL_SPACES, type ResidualSpace } from '../law/declaration.js';
import type { FormatChoice } from '../data/read-table.js';
import { TABLE_FORMATS } from '../data/table.js';
import { checkLimit, LIMITS } from '../limits.js';
import { isValidSeed, seedProblem } from '../util/rng.js';
import { nameTable } from '../util/names.js';

const bad = (flag: string, detail: string): never => {
  throw new LawfitError('bad-option', `${flag}: ${detail}`);
};

export function parseNumber(flag: string, text: string): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v)) bad(flag, `'${text}' is not a finite number`);
  return v;
}

/** A tolerance or scale: finite and > 0 (`--ftol -1` is a mistake, not a request). */
export function parsePositiveNumber(flag: string, text: string): number {
  const v = parseNumber(flag, text);
  if (!(v > 0)) bad(flag, `expected a number > 0, got '${text}'`);
  return v;
}

export function parsePositiveInt(flag: string, text: string): number {
  const v = parseNumber(flag, text);
  if (!Number.isInteger(v) || v < 1) bad(flag, `'${text}' is not a positive whole number`);
  return v;
}

/** `--seed S`: a whole number from 0 to 2^32 - 1, refused otherwise (rng.ts says why). */
export function parseSeed(text: string, flag = '--seed'): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !isValidSeed(v)) throw new LawfitError('bad-option', seedProblem(flag, text));
  return v;
}

/** `NAME=VALUE` pairs, one per flag occurrence or comma-separated. */
export function parseAssignments(flag: string, values: readonly string[]): Record<string, string> {
  const out = nameTable<string>();
  for (const v of values) {
    for (const part of v.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) bad(flag, `expected NAME=VALUE, got '${part}'`);
      const name = part.slice(0, eq).trim();
      if (name in out) bad(flag, `'${name}' is given twice`);
      out[name] = part.slice(eq + 1).trim();
    }
  }
  return out;
}

/**
 * One grid axis: `v1,v2,...` (a list), `lin:LO:HI:N` (N evenly spaced values) or
 * `log:LO:HI:N` (N log-spaced values, LO and HI > 0).
 */
export function parseAxis(flag: string, name: string, text: string): number[] {
  const t = text.trim();
  const m = /^(lin|log):([^:]+):([^:]+):([^:]+)$/.exec(t);
  if (m !== null) {
    const lo = parseNumber(flag, m[2]!);
    const hi = parseNumber(flag, m[3]!);
    const n = parsePositiveInt(flag, m[4]!);
    // Before Array.from: lin:0:1:1000000000 would otherwise exhaust the heap.
    if (flag === '--grid') checkLimit('gridPoints', n, `${name}=${t}`);
    else if (n > LIMITS.gridPoints.max) bad(flag, `${name}: ${m[4]} values is more than lawfit's limit of ${LIMITS.gridPoints.max}`);
    if (m[1] === 'log' && !(lo > 0 && hi > 0)) bad(flag, `${name}: log-spaced values need LO and HI > 0`);
    if (n === 1) return [m[1] === 'log' ? Math.sqrt(lo * hi) : (lo + hi) / 2];
    return Array.from({ length: n }, (_, k) =>
      m[1] === 'log' ? Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * k) / (n - 1)) : lo + ((hi - lo) * k) / (n - 1),
    );
  }
  const vals = t.split(/[\s,]+/).filter((s) => s !== '');
  if (vals.length === 0) bad(flag, `${name}: no values`);
  return vals.map((v) => parseNumber(flag, v));
}

/** `--grid NAME=AXIS` occurrences (axis values may themselves contain commas: one parameter per flag). */
export function parseGrid(values: readonly string[]): Record<string, number[]> {
  const out = nameTable<number[]>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) bad('--grid', `expected NAME=VALUES (e.g. alpha=0,0.5,1 or A=log:1:1e10:11), got '${v}'`);
    const name = v.slice(0, eq).trim();
    if (name in out) bad('--grid', `'${name}' is given twice`);
    out[name] = parseAxis('--grid', name, v.slice(eq + 1));
    // The grid is the product of its axes: check the product before any start is made.
    const points = Object.values(out).reduce((k, axis) => k * axis.length, 1);
    checkLimit('gridPoints', points, values.join(' --grid '));
  }
  return out;
}

/** `--format F`: one of the formats lawfit reads; absent, 'auto' (from the file name, then the contents). */
export function parseFormatFlag(text: string | undefined): FormatChoice {
  if (text === undefined) return 'auto';
  const f = TABLE_FORMATS.find((k) => k === text);
  if (f === undefined) bad('--format', `expected ${TABLE_FORMATS.slice(0, -1).join(', ')} or ${TABLE_FORMATS.at(-1)}, got '${text}'`);
  return f!;
}

/** `law` | `sobol:N` | `random:N` (seeded by --seed). */
export function parseStarts(text: string | undefined, grid: Record<string, number[]>, seed: number): StartSpec {
  if (text === undefined || text === 'law' || text === 'default') {
    return Object.keys(grid).length > 0 ? { kind: 'grid', axes: grid } : { kind: 'default' };
  }
  if (Object.keys(grid).length > 0) bad('--starts', `'${text}' cannot be combined with --grid (a grid is its own start set)`);
  const m = /^(sobol|random):(\d+)$/.exec(text.trim());
  if (m === null) return bad('--starts', `expected 'law', 'sobol:N' or 'random:N', got '${text}'`);
  const count = parsePositiveInt('--starts', m[2]!);
  checkLimit('starts', count, text.trim());
  return m[1] === 'sobol' ? { kind: 'sobol', count } : { kind: 'random', count, seed };
}

export function parseLossFlag(text: string, flag = '--loss'): LossSpec {
  const l = parseLoss(text);
  if (l === undefined) bad(flag, `expected linear, huber:DELTA, soft_l1:DELTA, cauchy:DELTA or arctan:DELTA (DELTA > 0), got '${text}'`);
  return l!;
}

export function parseSpace(text: string, flag = '--space'): ResidualSpace {
  if (!(RESIDUAL_SPACES as readonly string[]).includes(text)) bad(flag, `expected ${RESIDUAL_SPACES.join(', ')}, got '${text}'`);
  return text as ResidualSpace;
}

export function parseTransformFlag(name: string, text: string): Transform {
  const t = parseTransform(text);
  if (t === undefined) bad('--transform', `${name}: expected none, log (positive) or bounded:LO:HI, got '${text}'`);
  return t!;
}
