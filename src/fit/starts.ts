/**
 * Start points for multi-start fits, in the solvers' internal coordinates.
 *
 * - `grid`: the product of per-parameter axes (natural units). The default is the law's own grid
 *   (the one its paper used, e.g. Hoffmann's 4,500 points for Chinchilla); a caller may replace
 *   any axis.
 * - `sobol` / `random`: n points spread over each free parameter's range. Log-positive parameters
 *   are spread log-uniformly (uniformly in u = log p), the others uniformly in their natural range.
 *   Sobol points use Joe & Kuo's direction numbers (new-joe-kuo-6.21201, "Constructing Sobol
 *   sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2008), skipping
 *   the all-zero first point; random points use a seeded xoroshiro128+ (pure-rand), so a seed
 *   reproduces them exactly.
 * - `points`: explicit start vectors (natural units).
 *
 * A law parameter without a start axis gets one derived from its range; without either, the
 * defaults below (said in `lawfit laws NAME`).
 */
import { expandGroupedStarts } from '../law/groups.js';
import { LawfitError } from '../errors.js';
import type { CompiledLaw, FreeParam } from '../law/compile.js';
import { toInternal, toNatural } from '../law/transforms.js';
import { createRng, nextDouble } from '../util/rng.js';
import { own } from '../util/names.js';
import { formatCount } from '../util/format-count.js';

export type StartSpec =
  | { kind: 'default' }
  | { kind: 'grid'; axes: Readonly<Record<string, readonly number[]>> }
  | { kind: 'sobol'; count: number }
  | { kind: 'random'; count: number; seed: number }
  | { kind: 'points'; points: readonly (readonly number[])[] };

/** Starts for a law that declares no start axes or ranges at all. */
export const DEFAULT_SOBOL_STARTS = 256;

/** Used when a parameter has neither a start axis nor a range. */
export const FALLBACK_RANGE = { log: [1e-3, 1e3] as const, none: [-1, 1] as const };

export interface StartSet {
  /** nStarts x nFree, internal coordinates (NaN where a value is outside a transform's domain). */
  u: Float64Array;
  count: number;
  /** Human-readable description, e.g. "law grid (4,500 points)". */
  description: string;
}

const MAX_GRID = 5_000_000;

export function rangeOf(law: CompiledLaw, fp: FreeParam): readonly [number, number] {
  const d = law.declaration.params[fp.declIndex]!;
  if (d.range !== undefined) return d.range;
  if (fp.transform.kind === 'bounded') {
    const w = fp.transform.upper - fp.transform.lower;
    return [fp.transform.lower + 0.01 * w, fp.transform.upper - 0.01 * w];
  }
  const axis = (d.start ?? []).filter((v) => fp.transform.kind !== 'log' || v > 0);
  if (axis.length >= 2) return [Math.min(...axis), Math.max(...axis)];
  if (axis.length === 1) {
    const v = axis[0]!;
    if (fp.transform.kind === 'log') return [v / 10, v * 10];
    return v === 0 ? [-1, 1] : [v - Math.abs(v), v + Math.abs(v)];
  }
  return fp.transform.kind === 'log' ? FALLBACK_RANGE.log : FALLBACK_RANGE.none;
}

function axisOf(law: CompiledLaw, fp: FreeParam): readonly number[] {
  const d = law.declaration.params[fp.declIndex]!;
  if (d.start !== undefined && d.start.length > 0) return d.start;
  const [lo, hi] = rangeOf(law, fp);
  return [fp.transform.kind === 'log' ? Math.sqrt(lo * hi) : (lo + hi) / 2];
}

export function makeStarts(law: CompiledLaw, spec: StartSpec): StartSet {
  // A grouped law's starts are the shared law's, copied to every group's copy (law/groups.ts).
  if (law.grouping !== undefined && spec.kind !== 'points') {
    const shared = makeStarts(law.grouping.base, spec);
    return { ...shared, u: expandGroupedStarts(law, shared.u, shared.count), description: `${shared.description}, copied to each of ${law.grouping.levels.length} groups` };
  }
  switch (spec.kind) {
    case 'default': {
      // A law that declares no start values (a formula typed on the command line or in the app,
      // perhaps with ranges) gets a Sobol design over its ranges (declared, else the defaults)
      // rather than the single midpoint a one-point "grid" would give.
      const noAxes = law.free.every((fp) => {
        const d = law.declaration.params[fp.declIndex]!;
        return d.start === undefined || d.start.length === 0;
      });
      if (noAxes) {
        const someRanges = law.free.some((fp) => law.declaration.params[fp.declIndex]!.range !== undefined);
        const over = someRanges ? 'its ranges' : 'default ranges';
        return spread(law, DEFAULT_SOBOL_STARTS, sobolPoints(DEFAULT_SOBOL_STARTS, law.free.length), `Sobol (${DEFAULT_SOBOL_STARTS} points over ${over}; the law declares no starts)`);
      }
      const axes = law.free.map((fp) => axisOf(law, fp));
      return productGrid(law, axes, `law grid`);
    }
    case 'grid': {
      const names = law.free.map((f) => f.name);
      for (const k of Object.keys(spec.axes)) {
        if (!names.includes(k)) {
          const fixed = law.fixed.has(k) ? ` ('${k}' is fixed)` : '';
          throw new LawfitError('unknown-parameter', `starts: law '${law.name}' has no free parameter '${k}'${fixed} (free: ${names.join(', ')})`);
        }
      }
      const axes = law.free.map((fp) => own(spec.axes, fp.name) ?? axisOf(law, fp));
      return productGrid(law, axes, 'grid');
    }
    case 'sobol':
      return spread(law, spec.count, sobolPoints(spec.count, law.free.length), `Sobol (${spec.count} points)`);
    case 'random': {
      const rng = createRng(spec.seed);
      const p = law.free.length;
      const unit = new Float64Array(spec.count * p);
      for (let k = 0; k < unit.length; k++) unit[k] = nextDouble(rng);
      return spread(law, spec.count, unit, `random (${spec.count} points, seed ${spec.seed})`);
    }
    case 'points': {
      const p = law.free.length;
      const u = new Float64Array(spec.points.length * p);
      spec.points.forEach((pt, s) => {
        if (pt.length !== p) {
          throw new LawfitError('bad-option', `starts: point ${s + 1} has ${pt.length} values; law '${law.name}' has ${p} free parameters (${law.free.map((f) => f.name).join(', ')})`);
        }
        law.free.forEach((fp, j) => (u[s * p + j] = toInternal(fp.transform, pt[j]!)));
      });
      return { u, count: spec.points.length, description: `${spec.points.length} given points` };
    }
  }
}

function productGrid(law: CompiledLaw, axes: readonly (readonly number[])[], label: string): StartSet {
  const p = law.free.length;
  let count = 1;
  for (const a of axes) count *= a.length;
  if (count === 0) throw new LawfitError('bad-option', `starts: an empty start axis gives no start points`);
  if (count > MAX_GRID) throw new LawfitError('bad-option', `starts: the grid has ${formatCount(count)} points; at most ${formatCount(MAX_GRID)}`);
  const u = new Float64Array(count * p);
  const idx = new Array<number>(p).fill(0);
  // Row-major: the last parameter varies fastest.
  for (let s = 0; s < count; s++) {
    for (let j = 0; j < p; j++) u[s * p + j] = toInternal(law.free[j]!.transform, axes[j]![idx[j]!]!);
    for (let j = p - 1; j >= 0; j--) {
      if (++idx[j]! < axes[j]!.length) break;
      idx[j] = 0;
    }
  }
  return { u, count, description: `${label} (${formatCount(count)} points)` };
}

/** Map unit-cube points onto the parameters' ranges (log-uniform for log-positive parameters). */
function spread(law: CompiledLaw, count: number, unit: Float64Array, description: string): StartSet {
  const p = law.free.length;
  const u = new Float64Array(count * p);
  law.free.forEach((fp, j) => {
    const [lo, hi] = rangeOf(law, fp);
    for (let s = 0; s < count; s++) {
      const t = unit[s * p + j]!;
      if (fp.transform.kind === 'log') {
        u[s * p + j] = Math.log(lo) + t * (Math.log(hi) - Math.log(lo));
      } else {
        u[s * p + j] = toInternal(fp.transform, lo + t * (hi - lo));
      }
    }
  });
  return { u, count, description };
}

/** Natural values of start s. */
export function startNatural(law: CompiledLaw, starts: StartSet, s: number): number[] {
  const p = law.free.length;
  return law.free.map((fp, j) => toNatural(fp.transform, starts.u[s * p + j]!));
}

// ---- Sobol ---------------------------------------------------------------------------------------

// Joe & Kuo new-joe-kuo-6.21201, dimensions 2..21: `s a m_1 ... m_s` (dimension 1 is van der Corput).
const JOE_KUO =
  '1 0 1|2 1 1 3|3 1 1 3 1|3 2 1 1 1|4 1 1 1 3 3|4 4 1 3 5 13|5 2 1 1 5 5 17|5 4 1 1 5 5 5|5 7 1 1 7 11 19|5 11 1 1 5 1 1|5 13 1 1 1 3 11|5 14 1 3 5 5 31|6 1 1 3 3 9 7 49|6 13 1 1 1 15 21 21|6 16 1 3 1 13 27 49|6 19 1 1 1 15 7 5|6 22 1 3 1 15 13 25|6 25 1 1 5 5 19 61|7 1 1 3 7 11 23 15 103|7 4 1 3 7 13 13 15 69';

export const SOBOL_MAX_DIMENSIONS = 1 + JOE_KUO.split('|').length;
const BITS = 32;

function directionNumbers(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let i = 0; i < BITS; i++) v[i] = 2 ** (31 - i);
    return v;
  }
  const row = JOE_KUO.split('|')[dim - 1]!.split(' ').map(Number);
  const s = row[0]!;
  const a = row[1]!;
  const m = row.slice(2);
  for (let i = 0; i < Math.min(s, BITS); i++) v[i] = (m[i]! * 2 ** (31 - i)) >>> 0;
  for (let i = s; i < BITS; i++) {
    let x = (v[i - s]! ^ (v[i - s]! >>> s)) >>> 0;
    for (let k = 1; k < s; k++) {
      if ((a >>> (s - 1 - k)) & 1) x = (x ^ v[i - k]!) >>> 0;
    }
    v[i] = x;
  }
  return v;
}

/** The first `count` points (after the origin) of the Sobol sequence in `dims` dimensions, row-major. */
export function sobolPoints(count: number, dims: number): Float64Array {
  if (dims > SOBOL_MAX_DIMENSIONS) {
    throw new LawfitError('bad-option', `starts: Sobol points are available for at most ${SOBOL_MAX_DIMENSIONS} free parameters, the law has ${dims}; use random starts`);
  }
  const V = Array.from({ length: dims }, (_, d) => directionNumbers(d));
  const x = new Uint32Array(dims);
  const out = new Float64Array(count * dims);
  // Gray-code order: point k+1 flips the direction number of the lowest zero bit of k.
  for (let k = 0; k < count; k++) {
    let c = 0;
    let kk = k;
    while (kk & 1) {
      kk >>>= 1;
      c++;
    }
    for (let d = 0; d < dims; d++) {
      x[d] = (x[d]! ^ V[d]![c]!) >>> 0;
      out[k * dims + d] = x[d]! / 2 ** 32;
    }
  }
  return out;
}
