/**
 * The compute-optimal frontier of an IsoFLOP analysis (Hoffmann et al. 2022, §3.2, "Approach 2"):
 * weighted least squares of ln N* and of ln D* on ln C over the budgets that passed quality
 * control, giving N*(C) = k_N · C^a and D*(C) = k_D · C^b.
 *
 * Both lines share the design (1, ln C − mean) and the weights, so with G = (XᵀWX)⁻¹ their
 * coefficient covariances are σ²_N G and σ²_D G, and the cross-covariance of the two fits is
 * σ_ND G, σ_ND = Σ w r_N r_D / (m − 2) (the two residuals are correlated: ln N* + ln D* ≈ ln C/6).
 * That is what the interval of a + b and of the tokens per parameter D* / N* = (k_D/k_N) C^(b−a)
 * needs. Intervals at a budget are exp(estimate ± t_{m−2} · se) on the log scale.
 *
 * Weights: `equal` (ordinary least squares, the published protocol) or `inverse-variance`
 * (w = 2 / (se(ln N*)² + se(ln D*)²), one weight per budget shared by both lines so the shared-
 * design algebra above holds; ln D* and ln N* have nearly the same se, since D ≈ C / 6N).
 */
import { studentTQuantile } from './student-t.js';

export const FRONTIER_WEIGHTS = ['equal', 'inverse-variance'] as const;
export type FrontierWeights = (typeof FRONTIER_WEIGHTS)[number];

export interface LineFit {
  /** Exponent (slope on ln C). */
  slope: number;
  slopeSe: number;
  /** ln k (the intercept at ln C = 0). */
  logK: number;
  logKSe: number;
  /** Covariance of (ln k, slope). */
  covariance: [number, number, number, number];
  sigma2: number;
  residuals: number[];
}

export interface FrontierFit {
  /** Budgets in the fit (with a bootstrap copy counted as a budget). */
  budgets: number;
  dof: number;
  N: LineFit;
  D: LineFit;
  /** Covariance of (ln k_N, a) with (ln k_D, b): σ_ND (XᵀWX)⁻¹ in uncentred coordinates. */
  cross: [number, number, number, number];
  /** a + b and its standard error (the check that compute is split, a + b ≈ 1 when D ∝ C/N). */
  sum: number;
  sumSe: number;
}

export interface FrontierPrediction {
  C: number;
  level: number;
  N: { estimate: number; interval: [number, number] };
  D: { estimate: number; interval: [number, number] };
  tokensPerParam: { estimate: number; interval: [number, number] };
}

/** Fit both lines; undefined with fewer than 2 distinct budgets (no slope). */
export function fitFrontier(lnC: readonly number[], lnN: readonly number[], lnD: readonly number[], w: readonly number[]): FrontierFit | undefined {
  const m = lnC.length;
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < m; i++) {
    sw += w[i]!;
    swx += w[i]! * lnC[i]!;
  }
  if (!(sw > 0)) return undefined;
  const xbar = swx / sw;
  let sxx = 0;
  for (let i = 0; i < m; i++) sxx += w[i]! * (lnC[i]! - xbar) ** 2;
  if (!(sxx > 1e-12 * sw)) return undefined;
  const line = (y: readonly number[]): { a0: number; slope: number; r: number[] } => {
    let sy = 0;
    let sxy = 0;
    for (let i = 0; i < m; i++) {
      sy += w[i]! * y[i]!;
      sxy += w[i]! * (lnC[i]! - xbar) * y[i]!;
    }
    const a0 = sy / sw;
    const slope = sxy / sxx;
    return { a0, slope, r: y.map((v, i) => v - a0 - slope * (lnC[i]! - xbar)) };
  };
  const n = line(lnN);
  const d = line(lnD);
  // Degrees of freedom: one per entry with positive weight (a budget the bootstrap drew twice is
  // passed twice, as the runs are in parabola.ts).
  let budgets = 0;
  for (let i = 0; i < m; i++) budgets += w[i]! > 0 ? 1 : 0;
  const dof = budgets - 2;
  const ss = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + w[i]! * v * b[i]!, 0);
  const s2N = dof > 0 ? ss(n.r, n.r) / dof : NaN;
  const s2D = dof > 0 ? ss(d.r, d.r) / dof : NaN;
  const sND = dof > 0 ? ss(n.r, d.r) / dof : NaN;
  // (XᵀWX)⁻¹ for the uncentred design (1, ln C): from the centred one, diag(1/sw, 1/sxx), by
  // intercept = a0 − slope·x̄.
  const G: [number, number, number, number] = [1 / sw + (xbar * xbar) / sxx, -xbar / sxx, -xbar / sxx, 1 / sxx];
  const scaled = (s: number): [number, number, number, number] => [G[0] * s, G[1] * s, G[2] * s, G[3] * s];
  const fit = (l: { a0: number; slope: number; r: number[] }, s2: number): LineFit => {
    const cov = scaled(s2);
    return { slope: l.slope, slopeSe: Math.sqrt(cov[3]), logK: l.a0 - l.slope * xbar, logKSe: Math.sqrt(cov[0]), covariance: cov, sigma2: s2, residuals: l.r };
  };
  const N = fit(n, s2N);
  const D = fit(d, s2D);
  const cross = scaled(sND);
  return { budgets, dof, N, D, cross, sum: N.slope + D.slope, sumSe: Math.sqrt(N.covariance[3] + D.covariance[3] + 2 * cross[3]) };
}

/** N*(C), D*(C) and D* / N* at budget C, with `level` intervals from the fits' covariances. */
export function predictFrontier(f: FrontierFit, C: number, level: number): FrontierPrediction {
  const x = Math.log(C);
  const t = studentTQuantile(0.5 + level / 2, f.dof);
  const v = (cov: readonly number[]): number => cov[0]! + 2 * x * cov[1]! + x * x * cov[3]!;
  const lnN = f.N.logK + f.N.slope * x;
  const lnD = f.D.logK + f.D.slope * x;
  // Cross term: x'ᵀ Σ_ND x' with x' = (1, x); Σ_ND symmetric here (a scaled G).
  const seN = Math.sqrt(v(f.N.covariance));
  const seD = Math.sqrt(v(f.D.covariance));
  const seRatio = Math.sqrt(Math.max(0, v(f.N.covariance) + v(f.D.covariance) - 2 * v(f.cross)));
  const band = (est: number, se: number): { estimate: number; interval: [number, number] } => ({ estimate: Math.exp(est), interval: [Math.exp(est - t * se), Math.exp(est + t * se)] });
  return { C, level, N: band(lnN, seN), D: band(lnD, seD), tokensPerParam: band(lnD - lnN, seRatio) };
}

/** Budget weights for the frontier line from the vertices' standard errors (see the module comment). */
export function frontierWeight(kind: FrontierWeights, seLnN: number, seLnD: number): number {
  if (kind === 'equal') return 1;
  const v = (seLnN * seLnN + seLnD * seLnD) / 2;
  return v > 0 && Number.isFinite(v) ? 1 / v : 0;
}
