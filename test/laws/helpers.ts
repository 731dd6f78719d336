/**
 * Test helpers shared by test/laws and test/law: a minimal CSV reader for the reference data (the
 * project's data module is not used here on purpose: these tests pin the laws, not the loader),
 * the Huber loss as the papers define it, a seeded generator, and Ridders' extrapolated central
 * differences for checking the compiler's derivatives.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CompiledLaw } from '../../src/law/compile.js';

/** Absolute path of a file in the shared reference data (../shared/data from the project root). */
export function dataPath(relative: string): string {
  return fileURLToPath(new URL(`../../../shared/data/${relative}`, import.meta.url));
}

export interface Csv {
  header: string[];
  rows: string[][];
  /** Column `name` of every row, as numbers (NaN for empty cells). */
  num(name: string): number[];
  /** Column `name` of every row, as text. */
  str(name: string): string[];
}

/** Read a plain comma-separated file (no quoted fields): every row must have the header's width. */
export function readCsv(relative: string): Csv {
  const text = readFileSync(dataPath(relative), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l, i) => {
    const cells = l.split(',');
    if (cells.length !== header.length) throw new Error(`${relative}: line ${i + 2} has ${cells.length} cells, header has ${header.length}`);
    return cells;
  });
  const col = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw new Error(`${relative}: no column '${name}'`);
    return k;
  };
  return {
    header,
    rows,
    num: (name) => {
      const k = col(name);
      return rows.map((r) => (r[k] === '' ? NaN : Number(r[k])));
    },
    str: (name) => {
      const k = col(name);
      return rows.map((r) => r[k]!);
    },
  };
}

/** huber_δ(r) = r²/2 for |r| ≤ δ, δ(|r| − δ/2) beyond (Hoffmann et al.; Besiroglu et al.). */
export function huber(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** Mulberry32: a small seeded generator, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Ridders' method (Numerical Recipes, `dfridr`): central differences at steps h0, h0/1.4, ...,
 * extrapolated to h → 0 in a Neville tableau. Returns the derivative and the tableau's own error
 * estimate; in float64 it is typically good to 1e−10 relative where the function is smooth.
 */
export function ridders(f: (h: number) => number, h0: number): { d: number; err: number } {
  const CON = 1.4;
  const CON2 = CON * CON;
  const NTAB = 14;
  const a: Float64Array[] = Array.from({ length: NTAB }, () => new Float64Array(NTAB));
  const at = (i: number, j: number): number => a[i]![j]!;
  let hh = h0;
  a[0]![0] = (f(hh) - f(-hh)) / (2 * hh);
  let err = Infinity;
  let ans = NaN;
  for (let i = 1; i < NTAB; i++) {
    hh /= CON;
    a[0]![i] = (f(hh) - f(-hh)) / (2 * hh);
    let fac = CON2;
    for (let j = 1; j <= i; j++) {
      a[j]![i] = (at(j - 1, i) * fac - at(j - 1, i - 1)) / (fac - 1);
      fac *= CON2;
      const errt = Math.max(Math.abs(at(j, i) - at(j - 1, i)), Math.abs(at(j, i) - at(j - 1, i - 1)));
      if (errt <= err) {
        err = errt;
        ans = at(j, i);
      }
    }
    if (Math.abs(at(i, i) - at(i - 1, i - 1)) >= 2 * err) break;
  }
  return { d: ans, err };
}

/**
 * Ridders from h0, then from h0/10, h0/100, ... while its error estimate is not small: the first
 * step must be "an increment over which f changes substantially" but not much more (a steep
 * sigmoid or a sharp BNSL break needs a smaller one). Returns the estimate with the smallest error.
 */
export function numericDerivative(f: (h: number) => number, h0: number, scale: number): { d: number; err: number } {
  let best = { d: NaN, err: Infinity };
  for (let k = 0, h = h0; k < 6; k++, h /= 10) {
    const r = ridders(f, h);
    if (r.err < best.err) best = r;
    if (best.err <= 1e-11 * Math.max(Math.abs(best.d), scale)) break;
  }
  return best;
}

export interface GradientMismatch {
  row: number;
  param: string;
  u: number[];
  analytic: number;
  numeric: number;
  numericErr: number;
}

export interface GradientCheck {
  /** Components compared. */
  compared: number;
  /** Rows skipped because the value or the gradient is not finite there. */
  nonFinite: number;
  mismatches: GradientMismatch[];
}

/**
 * Compare `valueGrad` with Ridders differences of `value` at internal point u on every row of X.
 * Tolerance: relative `rtol` on the component, plus an absolute floor of `atol` times the scale of
 * that row (max of |m| and the largest |gradient component|): a component 1e−9 of the others is
 * numerically zero for any solver, and differences cannot resolve it anyway.
 */
export function checkGradient(
  law: CompiledLaw,
  u: readonly number[],
  X: Float64Array,
  nRows: number,
  opts: { rtol?: number; atol?: number; valueGrad?: CompiledLaw['js']['valueGrad'] } = {},
): GradientCheck {
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-9;
  const valueGrad = opts.valueGrad ?? law.js.valueGrad;
  const nF = law.js.nFeatures;
  const p = law.free.length;
  const out: GradientCheck = { compared: 0, nonFinite: 0, mismatches: [] };
  const g = new Float64Array(p);
  for (let i = 0; i < nRows; i++) {
    const base = i * nF;
    const m = valueGrad(u, X, base, g);
    if (!Number.isFinite(m) || !g.every((v) => Number.isFinite(v))) {
      out.nonFinite++;
      continue;
    }
    let scale = Math.abs(m);
    for (const v of g) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < p; j++) {
      const v = u.slice();
      const r = numericDerivative((h) => {
        v[j] = u[j]! + h;
        return law.js.value(v, X, base);
      }, 0.05 * Math.max(1, Math.abs(u[j]!)), scale);
      out.compared++;
      const a = g[j]!;
      const ok = Math.abs(a - r.d) <= rtol * Math.max(Math.abs(a), Math.abs(r.d)) + atol * scale;
      if (!ok) out.mismatches.push({ row: i, param: law.free[j]!.name, u: [...u], analytic: a, numeric: r.d, numericErr: r.err });
    }
  }
  return out;
}
