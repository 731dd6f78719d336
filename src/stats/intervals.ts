/**
 * Summaries of bootstrap draws: standard deviation, covariance, percentile intervals and BCa
 * intervals (Efron 1987, "Better bootstrap confidence intervals"; Efron & Tibshirani 1993,
 * ch. 14), the latter with the acceleration estimated by the jackknife.
 */
import { normalCdf, normalQuantile } from './normal.js';

/** Quantile q of sorted values with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const x = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(x);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (x - lo) * (sorted[hi]! - sorted[lo]!);
}

export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Sample standard deviation (n - 1). */
export function sd(v: ArrayLike<number>): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return Math.sqrt(s / (v.length - 1));
}

/** Covariance of the columns of a draws matrix (rows x p, row-major). */
export function covariance(draws: Float64Array, rows: number, p: number): Float64Array {
  const m = new Float64Array(p);
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) m[j] = m[j]! + draws[r * p + j]! / rows;
  const c = new Float64Array(p * p);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < p; i++) {
      const di = draws[r * p + i]! - m[i]!;
      for (let j = 0; j < p; j++) c[i * p + j] = c[i * p + j]! + (di * (draws[r * p + j]! - m[j]!)) / (rows - 1);
    }
  }
  return c;
}

/** The central interval at `level` (e.g. 0.95) from the draws' own quantiles. */
export function percentileInterval(draws: ArrayLike<number>, level: number): [number, number] {
  const s = Float64Array.from(draws).sort();
  const a = (1 - level) / 2;
  return [quantileSorted(s, a), quantileSorted(s, 1 - a)];
}

/**
 * BCa interval at `level`: percentile levels corrected for the draws' median bias (z0) and for
 * the skewness of the estimator (acceleration a from the jackknife estimates).
 */
export function bcaInterval(draws: ArrayLike<number>, estimate: number, jackknife: ArrayLike<number>, level: number): [number, number] {
  const s = Float64Array.from(draws).sort();
  const B = s.length;
  let below = 0;
  let equal = 0;
  for (const v of s) {
    if (v < estimate) below++;
    else if (v === estimate) equal++;
  }
  const z0 = normalQuantile(Math.min(Math.max((below + 0.5 * equal) / B, 0.5 / B), 1 - 0.5 / B));
  const jm = mean(jackknife);
  let num = 0;
  let den = 0;
  for (let i = 0; i < jackknife.length; i++) {
    const d = jm - jackknife[i]!;
    num += d * d * d;
    den += d * d;
  }
  const acc = den > 0 ? num / (6 * Math.pow(den, 1.5)) : 0;
  const adjust = (alpha: number): number => {
    const z = normalQuantile(alpha);
    return normalCdf(z0 + (z0 + z) / (1 - acc * (z0 + z)));
  };
  const a = (1 - level) / 2;
  return [quantileSorted(s, adjust(a)), quantileSorted(s, adjust(1 - a))];
}
