/**
 * Levenberg–Marquardt in float64: the reference algorithm. The WebGPU engine runs the same
 * iteration in f32 with the same options and status codes; this one judges it.
 *
 * DERIVATION
 * Minimise cost(u) = 0.5 sum_i w_i delta^2 rho(r_i(u)^2/delta^2) with r_i = yt_i - m_i(u). With the
 * corrected Jacobian (losses.ts) the Gauss–Newton model of the cost around u is
 *
 *   q(h) = cost - b'h + 0.5 h'A h,     A = J~'J~,  b = -grad cost      (normal-equations.ts)
 *
 * and each trial step solves the damped system (A + mu D) h = b by Cholesky, D = I (Levenberg,
 * the default) or D = diag(max_k A_jj^(k)) (Marquardt/MINPACK scaling; see options.ts for why
 * the default is D = I). The gain ratio (Madsen, Nielsen & Tingleff 2004, eq. 2.18)
 *
 *   rho = (cost(u) - cost(u + h)) / (q(0) - q(h)),   q(0) - q(h) = 0.5 h'(mu D h + b)
 *
 * decides acceptance (rho > 1e-4, MINPACK's threshold) and the damping update of Nielsen (1999):
 * on success mu <- mu * max(1/3, 1 - (2 rho - 1)^3), nu <- 2; on failure mu <- mu * nu, nu <- 2 nu.
 * The initial damping is mu = tau * max_j A_jj.
 *
 * TERMINATION (each its own status code; MINPACK lmder's tests, More 1978, with the trust radius
 * replaced by the step length since this LM is damping-driven):
 *   ftol: |actual| <= ftol * cost and predicted <= ftol * cost and rho <= 2  -> CONVERGED_FTOL
 *   xtol: |h| <= xtol * (|u| + xtol)                                          -> CONVERGED_XTOL
 *   gtol: max_j |b_j| / sqrt(A_jj |r~|^2) <= gtol  (cosine of r~ and column j) -> CONVERGED_GTOL
 *   the damping passes 1e300 (or 60 straight rejections) with no acceptable step -> STALLED
 *     (NONFINITE instead when the rejected trials were non-finite)
 *   maxIterations trial steps                                                 -> MAX_ITERATIONS
 * A start at which the law or its gradient is not finite ends at once with NONFINITE_START.
 *
 * The cost and normal equations of a trial are computed in one fused pass: when the step is
 * accepted (the usual case) they are already the ones the next iteration needs.
 */
import type { CompiledLaw } from '../../law/compile.js';
import { choleskyInPlace, choleskySolveInPlace } from '../linalg.js';
import type { LmOptions } from '../options.js';
import { STATUS } from '../status.js';
import { allFinite, allocateNormalEquations, normalEquations, type NormalEquations } from './normal-equations.js';

export interface LmData {
  n: number;
  X: Float64Array;
  yt: Float64Array;
  /** Weight storage and the offset of this problem's weight vector in it. */
  w: Float64Array;
  wOffset: number;
}

export interface LmOutcome {
  status: number;
  iterations: number;
  cost: number;
}

/** Scratch buffers for one solver; reuse across problems of the same law to avoid allocation. */
export class LmWorkspace {
  readonly cur: NormalEquations;
  readonly trial: NormalEquations;
  readonly g: Float64Array;
  readonly M: Float64Array;
  readonly h: Float64Array;
  readonly uTrial: Float64Array;
  readonly D: Float64Array;
  constructor(readonly p: number) {
    this.cur = allocateNormalEquations(p);
    this.trial = allocateNormalEquations(p);
    this.g = new Float64Array(p);
    this.M = new Float64Array(p * p);
    this.h = new Float64Array(p);
    this.uTrial = new Float64Array(p);
    this.D = new Float64Array(p);
  }
}

const ACCEPT = 1e-4;
const MU_CEILING = 1e300;
const MAX_REJECTIONS = 60;

/**
 * Run LM from u (overwritten with the final parameters). The returned cost is the cost at the
 * final u; for NONFINITE_START it is NaN.
 */
export function levenbergMarquardt(law: CompiledLaw, data: LmData, u: Float64Array, opt: LmOptions, ws: LmWorkspace): LmOutcome {
  const ev = law.js;
  const p = ev.nFree;
  let cur = ws.cur;
  let trial = ws.trial;
  const { M, h, uTrial, D } = ws;

  for (let j = 0; j < p; j++) {
    if (!Number.isFinite(u[j]!)) return { status: STATUS.NONFINITE_START, iterations: 0, cost: NaN };
  }
  normalEquations(law, data.X, data.yt, data.w, data.wOffset, data.n, opt.loss, u, cur);
  if (!allFinite(cur)) return { status: STATUS.NONFINITE_START, iterations: 0, cost: NaN };

  const marquardt = opt.damping === 'marquardt';
  let maxDiag = 0;
  for (let j = 0; j < p; j++) {
    const a = cur.A[j * p + j]!;
    D[j] = marquardt ? (a > 0 ? a : 1) : 1;
    if (a > maxDiag) maxDiag = a;
  }
  let mu = opt.tau * (maxDiag > 0 ? maxDiag : 1);
  let nu = 2;
  let iterations = 0;
  let rejections = 0;
  let lastRejectNonFinite = false;

  for (;;) {
    // Gradient test at the current point (MINPACK's gnorm: cosines between r~ and J~'s columns).
    if (cur.cost === 0 || cur.rr === 0) return { status: STATUS.CONVERGED_GTOL, iterations, cost: cur.cost };
    let gnorm = 0;
    for (let j = 0; j < p; j++) {
      const ajj = cur.A[j * p + j]!;
      if (ajj > 0) {
        const c = Math.abs(cur.b[j]!) / Math.sqrt(ajj * cur.rr);
        if (c > gnorm) gnorm = c;
      }
    }
    if (gnorm <= opt.gtol) return { status: STATUS.CONVERGED_GTOL, iterations, cost: cur.cost };

    // Inner loop: trial steps until one is accepted or a termination test passes.
    for (;;) {
      if (iterations >= opt.maxIterations) return { status: STATUS.MAX_ITERATIONS, iterations, cost: cur.cost };
      if (!(mu < MU_CEILING) || rejections >= MAX_REJECTIONS) {
        return { status: lastRejectNonFinite ? STATUS.NONFINITE : STATUS.STALLED, iterations, cost: cur.cost };
      }
      for (let k = 0; k < p * p; k++) M[k] = cur.A[k]!;
      for (let j = 0; j < p; j++) {
        M[j * p + j] = M[j * p + j]! + mu * D[j]!;
        h[j] = cur.b[j]!;
      }
      if (!choleskyInPlace(M, p)) {
        // Not positive definite at this damping (roundoff in A): damp harder and retry.
        mu *= nu;
        nu *= 2;
        rejections++;
        continue;
      }
      choleskySolveInPlace(M, p, h);

      let hnorm2 = 0;
      let unorm2 = 0;
      let predicted = 0;
      for (let j = 0; j < p; j++) {
        const hj = h[j]!;
        uTrial[j] = u[j]! + hj;
        hnorm2 += hj * hj;
        unorm2 += u[j]! * u[j]!;
        predicted += hj * (mu * D[j]! * hj + cur.b[j]!);
      }
      predicted *= 0.5;
      iterations++;
      normalEquations(law, data.X, data.yt, data.w, data.wOffset, data.n, opt.loss, uTrial, trial);
      const finite = allFinite(trial);
      const actual = finite ? cur.cost - trial.cost : -Infinity;
      const ratio = predicted > 0 ? actual / predicted : actual > 0 ? 1 : -1;
      const costBefore = cur.cost;
      const accepted = finite && ratio > ACCEPT;

      if (accepted) {
        for (let j = 0; j < p; j++) u[j] = uTrial[j]!;
        const t = cur;
        cur = trial;
        trial = t;
        mu *= Math.max(1 / 3, 1 - Math.pow(2 * ratio - 1, 3));
        nu = 2;
        rejections = 0;
        lastRejectNonFinite = false;
        if (marquardt) for (let j = 0; j < p; j++) D[j] = Math.max(D[j]!, cur.A[j * p + j]!);
      } else {
        mu *= nu;
        nu *= 2;
        rejections++;
        lastRejectNonFinite = !finite;
      }

      if (finite && Math.abs(actual) <= opt.ftol * costBefore && predicted <= opt.ftol * costBefore && ratio <= 2) {
        return { status: STATUS.CONVERGED_FTOL, iterations, cost: cur.cost };
      }
      if (Math.sqrt(hnorm2) <= opt.xtol * (Math.sqrt(unorm2) + opt.xtol)) {
        return { status: STATUS.CONVERGED_XTOL, iterations, cost: cur.cost };
      }
      if (accepted) break;
    }
  }
}
