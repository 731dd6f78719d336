/**
 * Levenberg–Marquardt in float64: the reference algorithm, Moré's trust-region form as MINPACK's
 * lmder implements it (J. J. Moré, "The Levenberg–Marquardt algorithm: implementation and theory",
 * Numerical Analysis, LNM 630, 1978), on the normal equations.
 *
 * DERIVATION
 * Minimise cost(u) = 0.5 sum_i w_i delta^2 rho(r_i(u)^2/delta^2) with r_i = yt_i - m_i(u). With the
 * corrected Jacobian (losses.ts) the Gauss–Newton model of the cost around u is
 *
 *   q(h) = cost - b'h + 0.5 h'A h,     A = J~'J~,  b = -grad cost      (normal-equations.ts)
 *
 * Each trial step minimises q within a trust region |D h| <= Delta: h = (A + par D^2)^-1 b with
 * par = 0 when the Gauss–Newton step fits, else the par >= 0 for which |D h| is within 10 % of
 * Delta, found by Moré's safeguarded Newton iteration on phi(par) = |D h(par)| - Delta (`lmpar`,
 * each iterate a Cholesky solve). D = I (`damping: 'levenberg'`, the default) or D = the running
 * maximum of the column norms of J~ (`'marquardt'`, MINPACK's mode 1). The gain ratio
 * actual/predicted reduction (both relative to the cost, as MINPACK) decides acceptance
 * (>= 1e-4) and the radius: <= 0.25 shrinks it (by a factor from the directional derivative,
 * clamped to [0.1, 0.5]), >= 0.75 (or a Gauss–Newton step) doubles the step as the new radius.
 * The first radius is `stepBound` * |D u0| (MINPACK's `factor`), capped by the first step.
 * `maxRadius`, when given, caps the radius throughout (Ceres Solver's max_trust_region_radius;
 * MINPACK has none): the radius may double on every good step, and a long step through a flat
 * region can leave the basin or overflow an exponent before the gain ratio can shrink it.
 *
 * WHY A TRUST REGION. Measured on the NIST StRD suite (test/reference/nist.test.ts) and on
 * Hoffmann's 4,500-start Chinchilla grid: Nielsen's damping update (mu <- mu * max(1/3,
 * 1 - (2 rho - 1)^3)), which this engine used first, lets the step length jump, and MGH17 from
 * start 1 ended on a flat ridge (0 digits); the radius that can at most double per step solves
 * all 54 runs to >= 6 digits, with D = I, in fewer iterations (3,955 against 8,988), and raises the
 * Chinchilla starts reaching the optimum from 99.96 % to 100 %.
 *
 * TERMINATION (each its own status code; MINPACK's tests):
 *   ftol: |actual| <= ftol and predicted <= ftol (relative) and rho <= 2          -> CONVERGED_FTOL
 *   xtol: Delta <= xtol * |D u|                                                   -> CONVERGED_XTOL
 *   gtol: max_j |b_j| / sqrt(A_jj |r~|^2) <= gtol (cosine of r~ and column j)     -> CONVERGED_GTOL
 *   Delta below machine precision, or no damping makes A + par D^2 definite       -> STALLED
 *     (NONFINITE instead when the rejected trials were non-finite)
 *   maxIterations trial steps                                                     -> MAX_ITERATIONS
 * A start at which the law or its gradient is not finite ends at once with NONFINITE_START.
 *
 * The cost and normal equations of a trial are computed in one fused pass: when the step is
 * accepted (the usual case) they are already the ones the next iteration needs.
 */
import type { CompiledLaw } from '../../law/compile.js';
import { choleskyInPlace, choleskySolveInPlace } from '../linalg.js';
import type { LmOptions } from '../options.js';
import { STATUS } from '../status.js';
import { allFinite, allocateNormalEquations, normalEquationsPass, type NormalEquations } from './normal-equations.js';

export interface LmData {
  n: number;
  X: Float64Array;
  yt: Float64Array;
  /** Weight storage and the offset of this problem's weight vector in it. */
  w: Float64Array;
  wOffset: number;
}

/** A cost and normal-equations pass at u: sets out.cost, out.rr, out.A (full), out.b. */
export type Evaluate = (u: Float64Array, out: NormalEquations) => void;

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
  readonly diag: Float64Array;
  readonly w: Float64Array;
  constructor(readonly p: number) {
    this.cur = allocateNormalEquations(p);
    this.trial = allocateNormalEquations(p);
    this.g = new Float64Array(p);
    this.M = new Float64Array(p * p);
    this.h = new Float64Array(p);
    this.uTrial = new Float64Array(p);
    this.D = new Float64Array(p);
    this.diag = new Float64Array(p);
    this.w = new Float64Array(p);
  }
}

const ACCEPT = 1e-4;
const EPS = 2.220446049250313e-16;

function dampedSolve(A: Float64Array, b: Float64Array, p: number, par: number, d2: Float64Array, M: Float64Array, x: Float64Array): boolean {
  for (let k = 0; k < p * p; k++) M[k] = A[k]!;
  for (let j = 0; j < p; j++) {
    M[j * p + j] = M[j * p + j]! + par * d2[j]!;
    x[j] = b[j]!;
  }
  if (!choleskyInPlace(M, p)) return false;
  choleskySolveInPlace(M, p, x);
  return true;
}

/** |D x|. (lmpar's helpers are plain functions, not closures made on every call: lmpar runs once or more per LM iteration.) */
function dxnorm(diag: Float64Array, x: Float64Array, p: number): number {
  let s = 0;
  for (let j = 0; j < p; j++) s += (diag[j]! * x[j]!) ** 2;
  return Math.sqrt(s);
}

/** |L^-1 D^2 x / |Dx||^2 with M holding the Cholesky factor L of A + par D^2 (w is scratch). */
function slope(dn: number, d2: Float64Array, x: Float64Array, M: Float64Array, w: Float64Array, p: number): number {
  for (let j = 0; j < p; j++) w[j] = (d2[j]! * x[j]!) / dn;
  for (let i = 0; i < p; i++) {
    let s = w[i]!;
    for (let k = 0; k < i; k++) s -= M[i * p + k]! * w[k]!;
    w[i] = s / M[i * p + i]!;
  }
  let s = 0;
  for (let j = 0; j < p; j++) s += w[j]! * w[j]!;
  return s;
}

/**
 * Moré's lmpar on the normal equations: the damping par >= 0 whose step x = (A + par D^2)^-1 b has
 * | |D x| - delta | <= 0.1 delta, or par = 0 when the Gauss–Newton step lies inside the region.
 * Returns NaN when no damping gives a positive definite system.
 */
function lmpar(A: Float64Array, b: Float64Array, p: number, diag: Float64Array, d2: Float64Array, delta: number, par0: number, M: Float64Array, x: Float64Array, w: Float64Array): number {
  let parl = 0;
  let fp = NaN;
  if (dampedSolve(A, b, p, 0, d2, M, x)) {
    const dn = dxnorm(diag, x, p);
    fp = dn - delta;
    if (fp <= 0.1 * delta) return 0;
    parl = fp / (delta * slope(dn, d2, x, M, w, p));
    if (!Number.isFinite(parl)) parl = 0;
  }
  let gnorm = 0;
  for (let j = 0; j < p; j++) gnorm += (b[j]! / diag[j]!) ** 2;
  gnorm = Math.sqrt(gnorm);
  let paru = gnorm / delta;
  if (paru === 0) paru = Number.MIN_VALUE / Math.min(delta, 0.1);
  let par = Math.min(Math.max(par0, parl), paru);
  if (par === 0) par = paru * 1e-3;
  for (let iter = 1; iter <= 60; iter++) {
    if (par === 0) par = Math.max(Number.MIN_VALUE, 0.001 * paru);
    if (!dampedSolve(A, b, p, par, d2, M, x)) {
      parl = par;
      par = Math.max(par * 10, 0.001 * paru);
      continue;
    }
    const dn = dxnorm(diag, x, p);
    const prev = fp;
    fp = dn - delta;
    if (Math.abs(fp) <= 0.1 * delta || (parl === 0 && fp <= prev && prev < 0) || iter >= 10) return par;
    const parc = fp / (delta * slope(dn, d2, x, M, w, p));
    if (fp > 0) parl = Math.max(parl, par);
    if (fp < 0) paru = Math.min(paru, par);
    par = Math.max(parl, par + parc);
  }
  return NaN;
}

/**
 * Run LM from u (overwritten with the final parameters). The returned cost is the cost at the
 * final u; for NONFINITE_START it is NaN. (Trust-region step control, Moré 1978 / MINPACK lmder.)
 */
export function levenbergMarquardt(law: CompiledLaw, data: LmData, u: Float64Array, opt: LmOptions, ws: LmWorkspace, evaluate?: Evaluate): LmOutcome {
  // `evaluate` replaces the law's normal-equations pass: variable projection (projected.ts) runs
  // this same algorithm over the nonlinear parameters with its reduced cost and Jacobian.
  const p = evaluate !== undefined ? ws.p : law.js.nFree;
  // The law's pass, looked up once per run rather than on each of its hundreds of passes.
  const pass = evaluate ?? normalEquationsPass(law, data, opt.loss);
  let cur = ws.cur;
  let trial = ws.trial;
  const { M, h, uTrial, D } = ws;
  const { diag, w } = ws;

  for (let j = 0; j < p; j++) {
    if (!Number.isFinite(u[j]!)) return { status: STATUS.NONFINITE_START, iterations: 0, cost: NaN };
  }
  pass(u, cur);
  if (!allFinite(cur)) return { status: STATUS.NONFINITE_START, iterations: 0, cost: NaN };

  const marquardt = opt.damping === 'marquardt';
  const unorm = (): number => {
    let s = 0;
    for (let j = 0; j < p; j++) s += (diag[j]! * u[j]!) ** 2;
    return Math.sqrt(s);
  };
  for (let j = 0; j < p; j++) {
    const c = Math.sqrt(cur.A[j * p + j]!);
    diag[j] = marquardt ? (c > 0 ? c : 1) : 1;
    D[j] = diag[j]! * diag[j]!;
  }
  let xnorm = unorm();
  const maxRadius = opt.maxRadius ?? Infinity;
  let delta = opt.stepBound * xnorm;
  if (delta === 0) delta = opt.stepBound;
  delta = Math.min(delta, maxRadius);
  let par = 0;
  let iterations = 0;
  let first = true;
  let lastRejectNonFinite = false;

  for (;;) {
    if (cur.cost === 0 || cur.rr === 0) return { status: STATUS.CONVERGED_GTOL, iterations, cost: cur.cost };
    let gnorm = 0;
    for (let j = 0; j < p; j++) {
      const ajj = cur.A[j * p + j]!;
      if (ajj > 0) gnorm = Math.max(gnorm, Math.abs(cur.b[j]!) / Math.sqrt(ajj * cur.rr));
    }
    if (gnorm <= opt.gtol) return { status: STATUS.CONVERGED_GTOL, iterations, cost: cur.cost };
    if (marquardt && !first) {
      for (let j = 0; j < p; j++) {
        diag[j] = Math.max(diag[j]!, Math.sqrt(cur.A[j * p + j]!));
        D[j] = diag[j]! * diag[j]!;
      }
    }

    for (;;) {
      if (iterations >= opt.maxIterations) return { status: STATUS.MAX_ITERATIONS, iterations, cost: cur.cost };
      par = lmpar(cur.A, cur.b, p, diag, D, delta, par, M, h, w);
      if (!Number.isFinite(par)) return { status: lastRejectNonFinite ? STATUS.NONFINITE : STATUS.STALLED, iterations, cost: cur.cost };
      let pnorm = 0;
      let jp2 = 0;
      for (let j = 0; j < p; j++) {
        uTrial[j] = u[j]! + h[j]!;
        pnorm += D[j]! * h[j]! * h[j]!;
        let t = 0;
        for (let k = 0; k < p; k++) t += cur.A[j * p + k]! * h[k]!;
        jp2 += h[j]! * t;
      }
      pnorm = Math.sqrt(pnorm);
      if (first) delta = Math.min(delta, pnorm);
      iterations++;
      pass(uTrial, trial);
      const finite = allFinite(trial);
      // MINPACK's reductions, relative to the cost (= |r|^2 / 2).
      const actred = finite && trial.cost < 100 * cur.cost ? 1 - trial.cost / cur.cost : -1;
      const t1 = (0.5 * jp2) / cur.cost;
      const t2 = (0.5 * par * pnorm * pnorm) / cur.cost;
      const prered = t1 + 2 * t2;
      const dirder = -(t1 + t2);
      const ratio = prered !== 0 ? actred / prered : 0;
      if (ratio <= 0.25) {
        let temp = actred >= 0 ? 0.5 : (0.5 * dirder) / (dirder + 0.5 * actred);
        if (!(trial.cost < 100 * cur.cost) || !finite || !(temp >= 0.1)) temp = 0.1;
        delta = temp * Math.min(delta, pnorm / 0.1);
        par /= temp;
      } else if (par === 0 || ratio >= 0.75) {
        delta = pnorm / 0.5;
        par *= 0.5;
      }
      delta = Math.min(delta, maxRadius);
      const accepted = finite && ratio >= ACCEPT;
      if (accepted) {
        for (let j = 0; j < p; j++) u[j] = uTrial[j]!;
        xnorm = unorm();
        const t = cur;
        cur = trial;
        trial = t;
        lastRejectNonFinite = false;
      } else {
        lastRejectNonFinite = !finite;
      }
      first = false;
      if (finite && Math.abs(actred) <= opt.ftol && prered <= opt.ftol && 0.5 * ratio <= 1) {
        return { status: STATUS.CONVERGED_FTOL, iterations, cost: cur.cost };
      }
      if (delta <= opt.xtol * xnorm) return { status: STATUS.CONVERGED_XTOL, iterations, cost: cur.cost };
      if (delta <= EPS * xnorm || !(delta > 0)) {
        return { status: lastRejectNonFinite ? STATUS.NONFINITE : STATUS.STALLED, iterations, cost: cur.cost };
      }
      if (accepted) break;
    }
  }
}
