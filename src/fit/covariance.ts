/**
 * Standard errors, covariance and correlations at an optimum (float64).
 *
 * Least squares (loss `linear`): the classical estimate (as lmfit and scipy's curve_fit report it)
 *
 *   Cov(u) = s^2 (J'WJ)^-1,   s^2 = sum_i w_i r_i^2 / (n - p)
 *
 * with n the number of points with positive weight.
 *
 * Robust losses: the M-estimator sandwich (Huber 1967; Huber & Ronchetti, "Robust Statistics",
 * 2nd ed. 2009, sec. 7.6),
 *
 *   Cov(u) = n/(n - p) * A^-1 B A^-1,   A = sum_i w_i psi'(r_i) g_i g_i',   B = sum_i w_i^2 psi(r_i)^2 g_i g_i'
 *
 * with psi(r) = rho'(z) r the derivative of the per-point cost and psi'(r) = rho'(z) + 2 z rho''(z).
 * For Huber, psi' is the indicator of |r| <= delta: with the tiny delta of scaling-law practice
 * (1e-3 on log losses whose residuals are ~1e-2) only a handful of points fall inside, so the
 * indicator is replaced by its kernel-smoothed expectation Phi((delta - r)/h) - Phi((-delta - r)/h),
 * h = Silverman's bandwidth of the residuals: a density estimate at zero, as for quantile
 * regression (Koenker 2005, sec. 3.4), that reduces to the indicator when delta >> h.
 *
 * Do NOT use the IRLS matrix sum w rho' g g' as the bread: for Huber with small delta its weights
 * delta/|r| explode for small residuals, and a Monte-Carlo check on the synthetic Chinchilla
 * ladder (150 noise draws) showed it under-reporting the spread of the estimates about four-fold,
 * where this estimator matches it (test/fit/covariance.test.ts).
 *
 * Natural parameters get the delta method: Cov(p) = S Cov(u) S with S = diag(dp_j/du_j).
 * A singular or indefinite information matrix (a parameter the data cannot pin down) gives no
 * covariance rather than a wrong one. The bootstrap is the honest answer for small ladders; the
 * report says which estimate it printed.
 */
import type { CompiledLaw } from '../law/compile.js';
import { transformSlope } from '../law/transforms.js';
import { invertSpd } from './linalg.js';
import { lossInfo, type LossSpec } from './losses.js';
import type { PreparedData } from './problem.js';
import { normalCdf } from '../stats/normal.js';

export interface Uncertainty {
  method: 'least-squares' | 'sandwich';
  /** Free parameters, natural units, p x p row-major; undefined when the information matrix is singular. */
  covariance: Float64Array | undefined;
  stdErrors: Float64Array;
  correlation: Float64Array | undefined;
  /** Points with positive weight. */
  nUsed: number;
}

export function uncertaintyAt(law: CompiledLaw, data: PreparedData, weights: Float64Array, loss: LossSpec, u: ArrayLike<number>): Uncertainty {
  const p = law.free.length;
  const nF = law.js.nFeatures;
  const info = lossInfo(loss.kind);
  const d2 = loss.delta * loss.delta;
  const method = loss.kind === 'linear' ? 'least-squares' : 'sandwich';

  // Residuals and gradient rows at u, once.
  const idx: number[] = [];
  for (let i = 0; i < data.n; i++) if (weights[i]! > 0) idx.push(i);
  const nUsed = idx.length;
  const R = new Float64Array(nUsed);
  const G = new Float64Array(nUsed * p);
  const g = new Float64Array(p);
  idx.forEach((i, k) => {
    R[k] = data.yt[i]! - law.js.valueGrad(u, data.X, i * nF, g);
    G.set(g, k * p);
  });

  const stdErrors = new Float64Array(p).fill(NaN);
  const dof = nUsed - p;
  const none: Uncertainty = { method, covariance: undefined, stdErrors, correlation: undefined, nUsed };
  if (dof <= 0) return none;

  // Scale-safe: the sums below are formed from residuals divided by rScale = max|r| and gradient
  // columns divided by gScale_j = max_k |g_kj| (both exact powers of nothing in particular, just
  // O(1) afterwards), so J'WJ neither underflows nor overflows when the data sit at 1e-300 or
  // 1e+300 (issue 14: unscaled, the SEs of a loss scaled by 1e-300 came out as exactly 0). With
  // D = diag(gScale):  Cov(u) = rScale^2 D^-1 M D^-1,  M = the same estimator on scaled inputs,
  // and SE(p_j) = sqrt(M_jj) * (rScale / gScale_j) * |dp_j/du_j|, a product of O(1)-ratio factors.
  let rScale = 0;
  for (let k = 0; k < nUsed; k++) rScale = Math.max(rScale, Math.abs(R[k]!));
  if (!(rScale > 0) || !Number.isFinite(rScale)) rScale = 1;
  const gScale = new Float64Array(p);
  for (let k = 0; k < nUsed; k++) for (let j = 0; j < p; j++) gScale[j] = Math.max(gScale[j]!, Math.abs(G[k * p + j]!));
  for (let j = 0; j < p; j++) if (!(gScale[j]! > 0) || !Number.isFinite(gScale[j]!)) return none;

  const A = new Float64Array(p * p);
  const B = new Float64Array(p * p);
  const h = loss.kind === 'huber' ? silvermanBandwidth(R) : 0;
  let ssr = 0;
  const gs = new Float64Array(p);
  for (let k = 0; k < nUsed; k++) {
    const w = weights[idx[k]!]!;
    const r = R[k]!;
    const z = (r * r) / d2;
    let a: number;
    let psi: number;
    if (loss.kind === 'linear') {
      a = w;
      psi = 0;
    } else if (loss.kind === 'huber') {
      a = w * (h > 0 ? normalCdf((loss.delta - r) / h) - normalCdf((-loss.delta - r) / h) : Math.abs(r) <= loss.delta ? 1 : 0);
      psi = w * info.rho1(z) * (r / rScale);
    } else {
      a = w * (info.rho1(z) + 2 * z * info.rho2(z));
      psi = w * info.rho1(z) * (r / rScale);
    }
    const rs = r / rScale;
    ssr += w * rs * rs;
    for (let j = 0; j < p; j++) gs[j] = G[k * p + j]! / gScale[j]!;
    for (let j = 0; j < p; j++) {
      const gj = gs[j]!;
      for (let l = 0; l < p; l++) {
        const gl = gs[l]!;
        A[j * p + l] = A[j * p + l]! + a * gj * gl;
        B[j * p + l] = B[j * p + l]! + psi * psi * gj * gl;
      }
    }
  }
  const Ainv = invertSpd(A, p);
  if (Ainv === undefined) return none;

  // M: the covariance of the scaled problem (residuals / rScale, columns / gScale).
  let M: Float64Array;
  if (method === 'least-squares') {
    const s2 = ssr / dof;
    M = Ainv.map((v) => v * s2);
  } else {
    const tmp = matMul(Ainv, B, p);
    M = matMul(tmp, Ainv, p).map((v) => (v * nUsed) / dof);
  }
  const slope = law.free.map((fp, j) => transformSlope(fp.transform, u[j]!));
  for (let j = 0; j < p; j++) stdErrors[j] = Math.sqrt(Math.max(0, M[j * p + j]!)) * (rScale / gScale[j]!) * Math.abs(slope[j]!);
  // Correlations from M directly (scale-free); the covariance from SEs and correlations, so it
  // is as exact as float64 allows (entries below 1e-308 are 0, but the SEs above are not).
  const correlation = new Float64Array(p * p);
  const cov = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
    const d = Math.sqrt(Math.max(0, M[i * p + i]!)) * Math.sqrt(Math.max(0, M[j * p + j]!));
    const sign = Math.sign(slope[i]!) * Math.sign(slope[j]!);
    correlation[i * p + j] = d > 0 ? (M[i * p + j]! / d) * sign : i === j ? 1 : 0;
    cov[i * p + j] = stdErrors[i]! * correlation[i * p + j]! * stdErrors[j]!;
  }
  return { method, covariance: cov, stdErrors, correlation, nUsed };
}

function matMul(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += a[i * p + k]! * b[k * p + j]!;
    out[i * p + j] = s;
  }
  return out;
}

/** Silverman's rule of thumb, 0.9 min(sd, IQR/1.34) n^(-1/5). */
export function silvermanBandwidth(r: Float64Array): number {
  const n = r.length;
  if (n < 2) return 0;
  const mean = r.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const sorted = Array.from(r).sort((a, b) => a - b);
  const q = (t: number): number => {
    const x = t * (n - 1);
    const lo = Math.floor(x);
    return sorted[lo]! + (x - lo) * ((sorted[Math.min(n - 1, lo + 1)] ?? sorted[lo]!) - sorted[lo]!);
  };
  const iqr = q(0.75) - q(0.25);
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  return 0.9 * spread * Math.pow(n, -0.2);
}
