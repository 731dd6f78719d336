/**
 * Standard errors, covariance and correlations at an optimum (float64).
 *
 * Least squares (loss `linear`): the classical estimate (as lmfit and scipy's curve_fit report it)
 *
 *   Cov(u) = s^2 (J'WJ)^-1,   s^2 = sum_i w_i r_i^2 / (n - p)
 *
 * with n the number of points with positive weight.
 *
 * Robust losses: the Huber sandwich (Huber 1967; the M-estimator covariance), with the
 * Gauss–Newton matrix the solver itself uses as the bread,
 *
 *   Cov(u) = n/(n - p) * A^-1 B A^-1,   A = sum_i w_i rho'_i g_i g_i',   B = sum_i (w_i rho'_i r_i)^2 g_i g_i'
 *
 * (w rho' r is the clipped residual psi(r) for Huber). Both are asymptotic; the bootstrap is the
 * honest answer for small ladders, and the report says which estimate it printed.
 *
 * Natural parameters get the delta method: Cov(p) = S Cov(u) S with S = diag(dp_j/du_j).
 * A singular information matrix (a parameter the data cannot pin down) gives no covariance
 * rather than a wrong one.
 */
import type { CompiledLaw } from '../law/compile.js';
import { transformSlope } from '../law/transforms.js';
import { invertSpd } from './linalg.js';
import { lossInfo, type LossSpec } from './losses.js';
import type { PreparedData } from './problem.js';

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
  const g = new Float64Array(p);
  const A = new Float64Array(p * p);
  const B = new Float64Array(p * p);
  const info = lossInfo(loss.kind);
  const d2 = loss.delta * loss.delta;
  let ssr = 0;
  let nUsed = 0;
  for (let i = 0; i < data.n; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    nUsed++;
    const r = data.yt[i]! - law.js.valueGrad(u, data.X, i * nF, g);
    const c = w * info.rho1((r * r) / d2);
    const psi = c * r;
    ssr += w * r * r;
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < p; k++) {
        A[j * p + k] = A[j * p + k]! + c * g[j]! * g[k]!;
        B[j * p + k] = B[j * p + k]! + psi * psi * g[j]! * g[k]!;
      }
    }
  }
  const method = loss.kind === 'linear' ? 'least-squares' : 'sandwich';
  const dof = nUsed - p;
  const stdErrors = new Float64Array(p).fill(NaN);
  const Ainv = dof > 0 ? invertSpd(A, p) : undefined;
  if (Ainv === undefined) return { method, covariance: undefined, stdErrors, correlation: undefined, nUsed };

  let covU: Float64Array;
  if (method === 'least-squares') {
    const s2 = ssr / dof;
    covU = Ainv.map((v) => v * s2);
  } else {
    covU = new Float64Array(p * p);
    const tmp = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += Ainv[i * p + k]! * B[k * p + j]!;
      tmp[i * p + j] = s;
    }
    const scale = nUsed / dof;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += tmp[i * p + k]! * Ainv[k * p + j]!;
      covU[i * p + j] = s * scale;
    }
  }
  const slope = law.free.map((fp, j) => transformSlope(fp.transform, u[j]!));
  const cov = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) cov[i * p + j] = covU[i * p + j]! * slope[i]! * slope[j]!;
  for (let j = 0; j < p; j++) stdErrors[j] = Math.sqrt(Math.max(0, cov[j * p + j]!));
  const correlation = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
    const d = stdErrors[i]! * stdErrors[j]!;
    correlation[i * p + j] = d > 0 ? cov[i * p + j]! / d : i === j ? 1 : 0;
  }
  return { method, covariance: cov, stdErrors, correlation, nUsed };
}
