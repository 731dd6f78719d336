/**
 * The hyperparameter-optimum law: ln h* = ln c + Σ_j e_j ln x_j (h* = η* or B*; x = N, D or C),
 * i.e. h* = c · Π x_j^e_j, by weighted least squares in log space (the protocol of Step Law's
 * code/fit_tool.py `fit_models`, github.com/step-law/steplaw: sklearn's LinearRegression of ln lr
 * and ln bs on ln N, ln D).
 *
 * Closed form in float64: the model is linear in (ln c, e), so one p×p solve (p = 1 + inputs ≤ 4)
 * gives the exact least-squares answer. The regressors are centred at their weighted means first
 * (the normal matrix of (1, ln N − mean, …) has entries of order 1, not (ln N)² ≈ 400), and the
 * intercept is moved back after. With m = Σ w (the points, a bootstrap copy counted as a point),
 * σ² = Σ w r² / (m − p) and Cov = σ² (XᵀWX)⁻¹: ordinary least-squares standard errors, which
 * treat the cells' optima as independent observations with equal noise. That is what the t
 * intervals say; the bootstrap over the runs (hpopt.ts) is the interval that carries the optimum
 * choice's own variability.
 */
import { invertSpd } from '../fit/linalg.js';
import { studentTQuantile } from './student-t.js';

export interface LogLinearFit {
  /** ln c and the exponents, in input order. */
  logC: number;
  exponents: number[];
  /** Covariance of (ln c, e_1, …, e_k), uncentred, p×p row-major. */
  covariance: number[];
  /** Standard errors of ln c and of each exponent. */
  logCSe: number;
  exponentSe: number[];
  sigma2: number;
  dof: number;
  /** Σ of the weights (points, counting copies). */
  points: number;
  residuals: number[];
}

/**
 * Fit y = ln c + Σ e_j X[j] with weights w; undefined when the design is singular (an input that
 * does not vary across the points, or fewer points than parameters).
 */
export function fitLogLinear(X: readonly (readonly number[])[], y: readonly number[], w: readonly number[]): LogLinearFit | undefined {
  const k = X.length;
  const p = k + 1;
  const m = y.length;
  let sw = 0;
  for (let i = 0; i < m; i++) sw += w[i]!;
  if (!(sw > 0)) return undefined;
  const mean = X.map((col) => col.reduce((s, v, i) => s + w[i]! * v, 0) / sw);
  const yMean = y.reduce((s, v, i) => s + w[i]! * v, 0) / sw;
  // Centred normal equations of the slopes (the intercept decouples: it is the weighted mean).
  const A = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < k; r++) {
      const ur = X[r]![i]! - mean[r]!;
      b[r] = b[r]! + w[i]! * ur * (y[i]! - yMean);
      for (let c = 0; c < k; c++) A[r * k + c] = A[r * k + c]! + w[i]! * ur * (X[c]![i]! - mean[c]!);
    }
  }
  const inv = k > 0 ? invertSpd(A, k) : new Float64Array(0);
  if (inv === undefined) return undefined;
  const e = Array.from({ length: k }, (_, r) => {
    let s = 0;
    for (let c = 0; c < k; c++) s += inv[r * k + c]! * b[c]!;
    return s;
  });
  const logC = yMean - e.reduce((s, v, j) => s + v * mean[j]!, 0);
  const residuals = y.map((v, i) => v - logC - e.reduce((s, ej, j) => s + ej * X[j]![i]!, 0));
  let points = 0;
  let rss = 0;
  for (let i = 0; i < m; i++) {
    points += w[i]!;
    rss += w[i]! * residuals[i]! ** 2;
  }
  const dof = points - p;
  const sigma2 = dof > 0 ? rss / dof : NaN;
  // Uncentred covariance: slopes σ² A⁻¹; intercept = ȳ − eᵀx̄, so Var = σ²/sw + x̄ᵀ Cov(e) x̄,
  // Cov(ln c, e) = −Cov(e) x̄ (ȳ is uncorrelated with the centred slopes).
  const cov = new Array<number>(p * p).fill(0);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) cov[(r + 1) * p + (c + 1)] = sigma2 * inv[r * k + c]!;
  let v0 = sigma2 / sw;
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += cov[(r + 1) * p + (c + 1)]! * mean[c]!;
    cov[r + 1] = -s;
    cov[(r + 1) * p] = -s;
    v0 += s * mean[r]!;
  }
  cov[0] = v0;
  return {
    logC,
    exponents: e,
    covariance: cov,
    logCSe: Math.sqrt(v0),
    exponentSe: e.map((_, j) => Math.sqrt(cov[(j + 1) * p + (j + 1)]!)),
    sigma2,
    dof,
    points,
    residuals,
  };
}

/** ln h* at ln x, with its standard error from the covariance. */
export function predictLogLinear(f: LogLinearFit, lnX: readonly number[]): { log: number; se: number } {
  const v = [1, ...lnX];
  const p = v.length;
  let s = 0;
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) s += v[r]! * f.covariance[r * p + c]! * v[c]!;
  return { log: f.logC + f.exponents.reduce((acc, e, j) => acc + e * lnX[j]!, 0), se: Math.sqrt(Math.max(0, s)) };
}

/** The two-sided t interval at `level` (dof from the fit; NaN bounds without degrees of freedom). */
export function tInterval(estimate: number, se: number, dof: number, level: number): [number, number] {
  if (!(dof > 0) || !Number.isFinite(se)) return [NaN, NaN];
  const t = studentTQuantile(0.5 + level / 2, dof);
  return [estimate - t * se, estimate + t * se];
}
