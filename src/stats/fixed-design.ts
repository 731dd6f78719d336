/**
 * Fixed-design bootstraps: every replicate keeps every row (and its weight) and refits to its own
 * target vector, drawn around the full fit in the law's residual space (log space for a law fitted
 * in log space, e.g. Chinchilla's):
 *
 *   residuals   t*_i = m_i + e*_J / sqrt(w_i),  J uniform over the rows with w_i > 0
 *   wild        t*_i = m_i + e_i v_i,            v_i iid, E v = 0, E v^2 = 1
 *
 * m_i is the fitted value at the full-data optimum, e_i = t_i - m_i its residual, w_i the row's
 * own weight. The residual bootstrap (Efron 1979; Davison & Hinkley 1997, algorithm 6.1) resamples
 * the weight-standardised residuals sqrt(w_i) e_i, which a correctly weighted fit makes
 * exchangeable; optionally centred (their mean subtracted: the raw residuals of a nonlinear fit
 * need not sum to zero) and leverage-adjusted (divided by sqrt(1 - h_ii), h the hat matrix of the
 * linearised fit, W^1/2 J (J'WJ)^-1 J' W^1/2, so that their variance is the noise's: D&H eq. 6.9).
 * The wild bootstrap (Wu 1986, Liu 1988, Mammen 1993) keeps each residual at its own row and flips
 * or scales it, so it is valid under heteroscedastic noise: Rademacher v = +-1 (1/2 each), or
 * Mammen's two-point v = -(sqrt5 - 1)/2 with probability (sqrt5 + 1)/(2 sqrt5), else (sqrt5 + 1)/2
 * (E v^3 = 1: it also matches the residuals' skewness).
 *
 * Why it matters here: scaling-law ladders are small fixed designs; resampling rows drops ~37 % of
 * the distinct rows of each replicate and, with parameters 0.999-correlated, inflates the spread
 * (bench/coverage.ts measures the coverage of each design).
 *
 * Replicate r's targets come from replicateRng(seed, r) (util/rng.ts), so a range of replicates
 * can be drawn alone and equals the same rows of a run that drew them all. The basis is the reusable
 * part (any command that refits around a full fit: fit, compare, chain, isoflop): build it once from
 * the full fit, then draw any range of replicates from it.
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { internalFromNatural, type CompiledLaw } from '../law/compile.js';
import { prepareData } from '../fit/problem.js';
import { nextDouble, nextInt, replicateRng } from '../util/rng.js';
import type { FixedDesign, WildWeights } from './resample.js';

export interface FixedDesignBasis {
  n: number;
  /** Fitted values m_i in the law's residual space. */
  fitted: Float64Array;
  /** Residuals as the design uses them: e_i, leverage-adjusted when asked (wild: per row). */
  residuals: Float64Array;
  /** residuals design: the resampling pool, sqrt(w_i) e_i (adjusted and centred as asked), one per row with w_i > 0. */
  pool: Float64Array;
  /** 1 / sqrt(w_i) per row (0 for rows of weight 0, which keep their fitted value). */
  scale: Float64Array;
  /** Leverages h_ii of the linearised weighted fit. */
  leverage: Float64Array;
}

/** Leverages h_ii = w_i g_i' (J'WJ)^-1 g_i at internal parameters u (g_i = dm_i/du; parametrisation-invariant). */
export function leverages(law: CompiledLaw, X: Float64Array, w: Float64Array, n: number, u: Float64Array): Float64Array {
  const p = law.free.length;
  const nF = law.js.nFeatures;
  const G = new Float64Array(n * p);
  const g = new Float64Array(p);
  const A = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    law.js.valueGrad(u, X, i * nF, g);
    G.set(g, i * p);
    for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) A[j * p + k] = A[j * p + k]! + w[i]! * g[j]! * g[k]!;
  }
  // Cholesky of J'WJ; a singular information matrix gives no leverage adjustment (h = 0).
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) {
      let s = A[j * p + k]!;
      for (let l = 0; l < k; l++) s -= L[j * p + l]! * L[k * p + l]!;
      if (j === k) {
        if (!(s > 0)) return new Float64Array(n);
        L[j * p + j] = Math.sqrt(s);
      } else L[j * p + k] = s / L[k * p + k]!;
    }
  }
  const h = new Float64Array(n);
  const z = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    // h_ii = w_i |L^-1 g_i|^2
    for (let j = 0; j < p; j++) {
      let s = G[i * p + j]!;
      for (let l = 0; l < j; l++) s -= L[j * p + l]! * z[l]!;
      z[j] = s / L[j * p + j]!;
    }
    let q = 0;
    for (let j = 0; j < p; j++) q += z[j]! * z[j]!;
    h[i] = Math.min(w[i]! * q, 0.9999);
  }
  return h;
}

/**
 * The basis of a fixed-design bootstrap around the full fit whose free parameters have the natural
 * values `natural` (law.free order).
 */
export function fixedDesignBasis(law: CompiledLaw, ds: Dataset, natural: ArrayLike<number>, design: FixedDesign): FixedDesignBasis {
  const data = prepareData(law, ds);
  const n = data.n;
  const u = internalFromNatural(law, natural);
  const nF = law.js.nFeatures;
  const w = data.baseWeights;
  const fitted = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    fitted[i] = law.js.value(u, data.X, i * nF);
    e[i] = data.yt[i]! - fitted[i]!;
    if (!Number.isFinite(fitted[i]!)) throw new LawfitError('bad-option', `--design ${design.kind}: the full fit's value at row ${ds.rowNumbers[i] ?? i + 1} is not finite`);
  }
  return basisFromResiduals(fitted, e, w, design.leverage ? leverages(law, data.X, w, n, u) : new Float64Array(n), design);
}

/**
 * The basis from a full fit's fitted values m_i, residuals e_i, weights w_i and leverages h_ii
 * (zeros for no adjustment), whatever the model: a law (fixedDesignBasis) or an IsoFLOP budget's
 * parabola (isoflop.ts, one basis per budget, so residuals are resampled within their budget).
 */
export function basisFromResiduals(fitted: Float64Array, e: Float64Array, w: Float64Array, leverage: Float64Array, design: FixedDesign): FixedDesignBasis {
  const n = fitted.length;
  const residuals = Float64Array.from(e, (v, i) => v / Math.sqrt(1 - leverage[i]!));
  const scale = Float64Array.from(w, (wi) => (wi > 0 ? 1 / Math.sqrt(wi) : 0));
  const used: number[] = [];
  for (let i = 0; i < n; i++) if (w[i]! > 0) used.push(i);
  const pool = Float64Array.from(used, (i) => Math.sqrt(w[i]!) * residuals[i]!);
  if (design.kind === 'residuals' && design.centre) {
    const mean = pool.reduce((a, b) => a + b, 0) / Math.max(1, pool.length);
    for (let k = 0; k < pool.length; k++) pool[k] = pool[k]! - mean;
  }
  return { n, fitted, residuals, pool, scale, leverage };
}

const SQRT5 = Math.sqrt(5);
const MAMMEN_LOW = -(SQRT5 - 1) / 2;
const MAMMEN_HIGH = (SQRT5 + 1) / 2;
const MAMMEN_P_LOW = (SQRT5 + 1) / (2 * SQRT5);

/**
 * The wild multiplier as a two-point draw: v = low when a uniform double is below pLow, else high
 * (one source for the host's draw and the device's, src/gpu/draw.ts).
 */
export function wildTwoPoint(weights: WildWeights): { pLow: number; low: number; high: number } {
  return weights === 'rademacher' ? { pLow: 0.5, low: -1, high: 1 } : { pLow: MAMMEN_P_LOW, low: MAMMEN_LOW, high: MAMMEN_HIGH };
}

/**
 * Targets of replicates [first, first + count): count x n, row-major, in the law's residual space.
 * `stream` separates independent draws for the same replicate (a chain's stages).
 */
export function replicateTargets(basis: FixedDesignBasis, design: FixedDesign, seed: number, first: number, count: number, stream = 0): Float64Array {
  const { n, fitted, residuals, pool, scale } = basis;
  const t = new Float64Array(count * n);
  for (let r = 0; r < count; r++) {
    const rng = replicateRng(seed, first + r, stream);
    const row = r * n;
    if (design.kind === 'residuals') {
      for (let i = 0; i < n; i++) t[row + i] = scale[i]! > 0 ? fitted[i]! + scale[i]! * pool[nextInt(rng, 0, pool.length - 1)]! : fitted[i]!;
    } else {
      const { pLow, low, high } = wildTwoPoint(design.weights);
      for (let i = 0; i < n; i++) {
        const v = nextDouble(rng) < pLow ? low : high;
        t[row + i] = fitted[i]! + residuals[i]! * v;
      }
    }
  }
  return t;
}
