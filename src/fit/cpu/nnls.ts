/**
 * Small (k <= ~10) least-squares problems on their normal equations, some coefficients
 * constrained to be >= 0: the inner solve of variable projection (projected.ts).
 *
 *   minimise 0.5 c'Mc - v'c    subject to c_k >= 0 for k with nonNegative[k]
 *
 * (M = G'ΩG, v = G'Ωt for a weighted least-squares problem.) Active-set method of Lawson & Hanson,
 * "Solving Least Squares Problems" (1974), ch. 23, on the Jacobi-scaled normal equations
 * (M~ = D^-1 M D^-1 with D = sqrt(diag M)), so coefficients of very different sizes (E ~ 2 against
 * A ~ 400 in Chinchilla's units) are treated alike. Unconstrained coefficients are always in the
 * passive set. A singular subproblem (collinear or all-zero columns at this θ) gets a ridge of
 * 1e-12 of the scaled diagonal; a column that is exactly zero gets coefficient 0.
 */
import { choleskyInPlace, choleskySolveInPlace } from '../linalg.js';

export interface NnlsResult {
  /** The coefficients (natural units). */
  c: Float64Array;
  /** passive[k]: coefficient k is free (not held at its bound 0). */
  passive: Uint8Array;
}

export function nnlsNormal(M: Float64Array, v: Float64Array, k: number, nonNegative: readonly boolean[]): NnlsResult | undefined {
  const d = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const m = M[i * k + i]!;
    if (!Number.isFinite(m)) return undefined;
    d[i] = m > 0 ? Math.sqrt(m) : 0;
  }
  const S = new Float64Array(k * k);
  const s = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    s[i] = d[i]! > 0 ? v[i]! / d[i]! : 0;
    for (let j = 0; j < k; j++) S[i * k + j] = d[i]! > 0 && d[j]! > 0 ? M[i * k + j]! / (d[i]! * d[j]!) : 0;
  }
  const passive = new Uint8Array(k);
  for (let i = 0; i < k; i++) passive[i] = !nonNegative[i] && d[i]! > 0 ? 1 : 0;
  const x = new Float64Array(k);
  const z = new Float64Array(k);
  const solvePassive = (): boolean => {
    const idx: number[] = [];
    for (let i = 0; i < k; i++) if (passive[i]) idx.push(i);
    z.fill(0);
    const m = idx.length;
    if (m === 0) return true;
    for (const ridge of [0, 1e-12, 1e-8]) {
      const L = new Float64Array(m * m);
      const b = new Float64Array(m);
      for (let a = 0; a < m; a++) {
        b[a] = s[idx[a]!]!;
        for (let c = 0; c < m; c++) L[a * m + c] = S[idx[a]! * k + idx[c]!]! + (a === c ? ridge : 0);
      }
      if (!choleskyInPlace(L, m)) continue;
      choleskySolveInPlace(L, m, b);
      if (!b.every(Number.isFinite)) continue;
      idx.forEach((i, a) => (z[i] = b[a]!));
      return true;
    }
    return false;
  };
  if (!solvePassive()) return undefined;
  x.set(z);
  for (let outer = 0; outer < 3 * k + 3; outer++) {
    // The most violated constraint: the largest positive gradient among coefficients held at 0.
    let best = -1;
    let bestG = 1e-13;
    for (let i = 0; i < k; i++) {
      if (passive[i] || !nonNegative[i] || d[i] === 0) continue;
      let gi = s[i]!;
      for (let j = 0; j < k; j++) gi -= S[i * k + j]! * x[j]!;
      if (gi > bestG) {
        bestG = gi;
        best = i;
      }
    }
    if (best < 0) break;
    passive[best] = 1;
    for (let inner = 0; inner < 3 * k + 3; inner++) {
      if (!solvePassive()) return undefined;
      let alpha = 1;
      let blocked = false;
      for (let i = 0; i < k; i++) {
        if (!passive[i] || !nonNegative[i] || z[i]! > 0) continue;
        blocked = true;
        const t = x[i]! / (x[i]! - z[i]!);
        if (t < alpha) alpha = t;
      }
      if (!blocked) {
        x.set(z);
        break;
      }
      for (let i = 0; i < k; i++) {
        x[i] = x[i]! + alpha * (z[i]! - x[i]!);
        if (passive[i] && nonNegative[i] && x[i]! <= 1e-15) {
          passive[i] = 0;
          x[i] = 0;
        }
      }
    }
  }
  const c = new Float64Array(k);
  for (let i = 0; i < k; i++) c[i] = d[i]! > 0 ? Math.max(nonNegative[i] ? 0 : -Infinity, x[i]!) / d[i]! : 0;
  return { c, passive };
}
