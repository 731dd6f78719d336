/**
 * A global check of Approach 3's optimum, independent of lawfit's solvers (bench/projection.ts):
 * the profile objective of L = E + A/N^alpha + B/D^beta under the Huber loss,
 *
 *   P(alpha, beta) = min over E, A, B >= 0 of  sum_i huber_delta(y_i - E - A N_i^-alpha - B D_i^-beta),
 *
 * on a dense (alpha, beta) grid, as vpnls computes it (a grid over alpha, beta at 0.01; E, A, B by
 * non-negative least squares). For fixed (alpha, beta) the inner problem is convex, so each grid
 * value is the exact minimum, found by majorize-minimize: the Huber loss is majorized at the current
 * residuals by the weighted quadratic with weights min(1, delta/|r|) (the IRLS weights), and each
 * step minimises that quadratic under the bounds by Lawson-Hanson NNLS (src/fit/cpu/nnls.ts). Every
 * step lowers the objective, and the fixed point is the constrained minimum (the majorizer's
 * gradient equals the loss's there). The grid's minimum bounds the global optimum from above to
 * within the grid's resolution; no basin between grid nodes can hide an optimum much lower.
 */
import { nnlsNormal } from '../src/fit/cpu/nnls.js';

export interface ProfilePoint {
  alpha: number;
  beta: number;
  E: number;
  A: number;
  B: number;
  /** Sum of Huber terms (lawfit's objective); divide by n for vpnls's mean. */
  cost: number;
}

export function huber(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** The inner convex problem at fixed (alpha, beta), from `start` coefficients when given. */
export function profileAt(N: Float64Array, D: Float64Array, y: Float64Array, alpha: number, beta: number, delta: number, start?: readonly number[], tol = 1e-13): ProfilePoint {
  const n = y.length;
  const g1 = Float64Array.from(N, (x) => Math.pow(x, -alpha));
  const g2 = Float64Array.from(D, (x) => Math.pow(x, -beta));
  const cost = (c: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += huber(y[i]! - c[0]! - c[1]! * g1[i]! - c[2]! * g2[i]!, delta);
    return s;
  };
  let c: ArrayLike<number> = start ?? [0, 0, 0];
  let f = start !== undefined ? cost(c) : Infinity;
  const M = new Float64Array(9);
  const v = new Float64Array(3);
  for (let it = 0; it < 500; it++) {
    M.fill(0);
    v.fill(0);
    for (let i = 0; i < n; i++) {
      const r = f === Infinity ? 1 : y[i]! - c[0]! - c[1]! * g1[i]! - c[2]! * g2[i]!;
      const w = f === Infinity ? 1 : Math.min(1, delta / Math.max(Math.abs(r), 1e-300));
      const row = [1, g1[i]!, g2[i]!];
      for (let a = 0; a < 3; a++) {
        v[a] = v[a]! + w * row[a]! * y[i]!;
        for (let b = 0; b < 3; b++) M[a * 3 + b] = M[a * 3 + b]! + w * row[a]! * row[b]!;
      }
    }
    const next = nnlsNormal(M, v, 3, [true, true, true]);
    if (next === undefined) break;
    const fn = cost(next.c);
    if (!(fn < f)) break;
    const done = f - fn <= tol * fn;
    c = next.c;
    f = fn;
    if (done) break;
  }
  return { alpha, beta, E: c[0]!, A: c[1]!, B: c[2]!, cost: f };
}

/**
 * P on the grid alpha, beta = lo + k * step (k = 0.. up to hi, both ranges inclusive): the best node,
 * warm-starting along each row (a warm start only speeds MM up; the inner minimum is convex).
 */
export function profileGrid(N: Float64Array, D: Float64Array, y: Float64Array, delta: number, alphas: [number, number], betas: [number, number], step: number, tol = 1e-13): ProfilePoint {
  let best: ProfilePoint | undefined;
  const ka = Math.round((alphas[1] - alphas[0]) / step);
  const kb = Math.round((betas[1] - betas[0]) / step);
  for (let i = 0; i <= ka; i++) {
    let prev: ProfilePoint | undefined;
    for (let j = 0; j <= kb; j++) {
      const alpha = Number((alphas[0] + i * step).toFixed(6));
      const beta = Number((betas[0] + j * step).toFixed(6));
      const p = profileAt(N, D, y, alpha, beta, delta, prev !== undefined ? [prev.E, prev.A, prev.B] : undefined, tol);
      prev = p;
      if (best === undefined || p.cost < best.cost) best = p;
    }
  }
  return best!;
}
