/**
 * Student's t distribution: CDF and quantile, for the small-sample intervals of the IsoFLOP
 * analysis (a parabola's curvature from 6–20 runs, a frontier line through 5–15 budgets), where the
 * normal quantile would be visibly too narrow.
 *
 * CDF through the regularized incomplete beta function, P(|T| > t) = I_{v/(v+t²)}(v/2, 1/2), with
 * the continued fraction of Numerical Recipes (3rd ed., §6.4, modified Lentz); the quantile by
 * bisection on the CDF (monotone, so it always converges; 200 halvings reach float64 resolution).
 */
import { normalQuantile } from './normal.js';

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), |error| < 1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `dof` degrees of freedom (dof > 0; Infinity gives the normal). */
export function studentTCdf(t: number, dof: number): number {
  if (!(dof > 0)) return NaN;
  if (t === 0) return 0.5;
  const tail = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

// Bisection costs ~100 incomplete-beta evaluations; a bootstrap asks for the same few (level, dof)
// pairs hundreds of thousands of times, so answers are remembered (a bounded cache).
const cache = new Map<string, number>();

/** The p-quantile of Student's t with `dof` degrees of freedom; NaN when dof is not positive. */
export function studentTQuantile(p: number, dof: number): number {
  const key = `${p}:${dof}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const q = computeQuantile(p, dof);
  if (cache.size > 4096) cache.clear();
  cache.set(key, q);
  return q;
}

function computeQuantile(p: number, dof: number): number {
  if (!(dof > 0)) return NaN;
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (dof === 1) return Math.tan(Math.PI * (p - 0.5));
  if (dof === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  if (!Number.isFinite(dof) || dof > 1e7) return normalQuantile(p);
  if (p < 0.5) return -computeQuantile(1 - p, dof);
  // Bracket: the t quantile lies above the normal one and grows as dof falls.
  let lo = 0;
  let hi = Math.max(1, 2 * normalQuantile(p));
  while (studentTCdf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
