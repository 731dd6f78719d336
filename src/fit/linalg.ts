/**
 * Small dense linear algebra for p x p symmetric systems (p is a law's parameter count, <= ~16):
 * Cholesky factorisation with failure detection, solves, and the inverse used for covariances.
 * Matrices are row-major Float64Arrays; only what the solvers need, no allocation in the hot path.
 */

/**
 * In-place Cholesky A = L L' of the p x p matrix in `a` (lower triangle read and overwritten).
 * Returns false when a pivot is not positive (A not positive definite to working precision).
 */
export function choleskyInPlace(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) {
      const l = a[j * p + k]!;
      d -= l * l;
    }
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / ljj;
    }
  }
  return true;
}

/** Solve L L' x = b given the factor from choleskyInPlace; b is overwritten with x. */
export function choleskySolveInPlace(l: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * b[k]!;
    b[i] = s / l[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * b[k]!;
    b[i] = s / l[i * p + i]!;
  }
}

/**
 * Inverse of a symmetric positive definite matrix, or undefined if it is singular to working
 * precision (relative pivot below ~1e-14 of the largest diagonal after Jacobi scaling).
 * Scaling by the diagonal first makes the test independent of the parameters' units.
 */
export function invertSpd(a: Float64Array, p: number): Float64Array | undefined {
  const s = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    const d = a[i * p + i]!;
    if (!(d > 0) || !Number.isFinite(d)) return undefined;
    s[i] = 1 / Math.sqrt(d);
  }
  const m = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) m[i * p + j] = a[i * p + j]! * s[i]! * s[j]!;
  if (!choleskyInPlace(m, p)) return undefined;
  for (let i = 0; i < p; i++) if (m[i * p + i]! < 1e-7) return undefined; // pivot^2 < 1e-14: singular
  const inv = new Float64Array(p * p);
  const col = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    col.fill(0);
    col[j] = 1;
    choleskySolveInPlace(m, p, col);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i]! * s[i]! * s[j]!;
  }
  return inv;
}
