/**
 * The IsoFLOP parabola: weighted least squares of y = c0 + c1·x + c2·x² (x = ln N or ln D, y = the
 * loss of the runs at one compute budget), in closed form, in float64, with its vertex and the
 * vertex's standard error by the delta method.
 *
 * Why closed form and not an engine: the model is linear in (c0, c1, c2), so the least-squares
 * solution is exact after one 3×3 solve (about a hundred flops a budget); an iterative solver
 * could only reach the same numbers more slowly, and an f32 GPU pass would then be polished back
 * to these in float64 anyway.
 *
 * Conditioning: x is centred at its weighted mean first (u = x − x̄), so the normal matrix of
 * (1, u, u²) has entries of order 1 instead of (ln N)⁴ ≈ 10⁵; the vertex is shift-invariant
 * (x* = x̄ + u*). With coefficients b of the centred fit, σ² = Σ w r² / (m − 3) (m = Σ of the
 * observation counts, i.e. the number of runs, counting a bootstrap copy as a run) and
 * Cov(b) = σ² (UᵀWU)⁻¹:
 *
 *   u*  = −b1 / (2 b2),           ∇u* = (0, −1/(2 b2), b1/(2 b2²))
 *   L*  = b0 − b1² / (4 b2),      ∇L* = (1, −b1/(2 b2), b1²/(4 b2²))
 *
 * and Var(x*) = ∇u*ᵀ Cov(b) ∇u*, Var(L*) likewise. The curvature c2 = b2 (centring does not change
 * it) has the interval b2 ± t_{m−3} · se(b2).
 *
 * Leave-one-out residuals come from the hat matrix without refitting: for linear least squares the
 * prediction error of run i from the fit without it is e_i / (1 − h_ii), h_ii = w_i u_iᵀ(UᵀWU)⁻¹u_i
 * (Cook & Weisberg 1982, §2.2); removing a run removes all its weight (every bootstrap copy).
 */
import { studentTQuantile } from './student-t.js';

export interface ParabolaFit {
  /** Runs with positive weight. */
  points: number;
  /** Observation count (Σ of the multiplicities): the residual degrees of freedom are count − 3. */
  count: number;
  /** Coefficients in the original x: y = c[0] + c[1] x + c[2] x². */
  coefficients: [number, number, number];
  /** Curvature c2 and its standard error. */
  curvature: number;
  curvatureSe: number;
  /** Vertex position x* (NaN when c2 = 0) and its standard error. */
  vertex: number;
  vertexSe: number;
  /** Loss at the vertex and its standard error. */
  vertexLoss: number;
  vertexLossSe: number;
  /** Residual variance σ² (NaN with no degrees of freedom). */
  sigma2: number;
  /** Weighted mean of x (the centring point). */
  centre: number;
  /** Smallest and largest x among the runs with positive weight. */
  xMin: number;
  xMax: number;
  /** Per input point: the leave-one-out prediction error (NaN for weight 0 or leverage 1). */
  looResiduals: Float64Array;
  /** Per input point: its leverage h_ii (NaN for weight 0); the residual bootstrap's :leverage adjustment. */
  leverage: Float64Array;
  /** False when the normal matrix is singular (fewer than 3 distinct x). */
  ok: boolean;
}

function invert3(m: readonly number[]): number[] | undefined {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const scale = Math.abs(a) * Math.abs(e) * Math.abs(i) + 1e-300;
  if (!(Math.abs(det) > 1e-13 * scale)) return undefined;
  const r = 1 / det;
  return [A * r, -(b * i - c * h) * r, (b * f - c * e) * r, B * r, (a * i - c * g) * r, -(a * f - c * d) * r, C * r, -(a * h - b * g) * r, (a * e - b * d) * r];
}

const quad = (v: readonly number[], M: readonly number[]): number => {
  let s = 0;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) s += v[r]! * M[r * 3 + c]! * v[c]!;
  return s;
};

/**
 * Fit the parabola to the points idx of x, y with weights w (multiplicity × precision weight);
 * `counts` are the multiplicities (1 each for the data as given, the bootstrap copies in a replicate).
 */
export function fitParabola(x: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>, counts: ArrayLike<number>, idx: readonly number[]): ParabolaFit {
  let sw = 0;
  let swx = 0;
  let count = 0;
  let points = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const i of idx) {
    const wi = w[i]!;
    if (!(wi > 0)) continue;
    sw += wi;
    swx += wi * x[i]!;
    count += counts[i]!;
    points++;
    if (x[i]! < xMin) xMin = x[i]!;
    if (x[i]! > xMax) xMax = x[i]!;
  }
  const centre = sw > 0 ? swx / sw : NaN;
  const looResiduals = new Float64Array(idx.length).fill(NaN);
  const leverage = new Float64Array(idx.length).fill(NaN);
  const fail: ParabolaFit = {
    points,
    count,
    coefficients: [NaN, NaN, NaN],
    curvature: NaN,
    curvatureSe: NaN,
    vertex: NaN,
    vertexSe: NaN,
    vertexLoss: NaN,
    vertexLossSe: NaN,
    sigma2: NaN,
    centre,
    xMin,
    xMax,
    looResiduals,
    leverage,
    ok: false,
  };
  if (points < 3) return fail;
  // Normal equations of (1, u, u²).
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (const i of idx) {
    const wi = w[i]!;
    if (!(wi > 0)) continue;
    const u = x[i]! - centre;
    const u2 = u * u;
    const yi = y[i]!;
    s0 += wi;
    s1 += wi * u;
    s2 += wi * u2;
    s3 += wi * u2 * u;
    s4 += wi * u2 * u2;
    t0 += wi * yi;
    t1 += wi * u * yi;
    t2 += wi * u2 * yi;
  }
  const inv = invert3([s0, s1, s2, s1, s2, s3, s2, s3, s4]);
  if (inv === undefined) return fail;
  const b0 = inv[0]! * t0 + inv[1]! * t1 + inv[2]! * t2;
  const b1 = inv[3]! * t0 + inv[4]! * t1 + inv[5]! * t2;
  const b2 = inv[6]! * t0 + inv[7]! * t1 + inv[8]! * t2;
  let rss = 0;
  const [i00, i01, i02, , i11, i12, , , i22] = inv as [number, number, number, number, number, number, number, number, number];
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const wi = w[i]!;
    if (!(wi > 0)) continue;
    const u = x[i]! - centre;
    const u2 = u * u;
    const r = y[i]! - (b0 + b1 * u + b2 * u2);
    rss += wi * r * r;
    // Leverage w_i vᵀ (UᵀWU)⁻¹ v with v = (1, u, u²); the inverse is symmetric.
    const h = wi * (i00 + 2 * i01 * u + (2 * i02 + i11) * u2 + 2 * i12 * u2 * u + i22 * u2 * u2);
    looResiduals[k] = h < 1 - 1e-10 ? r / (1 - h) : NaN;
    leverage[k] = h;
  }
  const dof = count - 3;
  const sigma2 = dof > 0 ? rss / dof : NaN;
  const cov = inv.map((v) => v * sigma2);
  const uStar = -b1 / (2 * b2);
  const gu = [0, -1 / (2 * b2), b1 / (2 * b2 * b2)];
  const gl = [1, -b1 / (2 * b2), (b1 * b1) / (4 * b2 * b2)];
  // Back to the original x: y = b0 + b1 (x − x̄) + b2 (x − x̄)².
  const c2 = b2;
  const c1 = b1 - 2 * b2 * centre;
  const c0 = b0 - b1 * centre + b2 * centre * centre;
  return {
    points,
    count,
    coefficients: [c0, c1, c2],
    curvature: c2,
    curvatureSe: Math.sqrt(cov[8]!),
    vertex: centre + uStar,
    vertexSe: Math.sqrt(quad(gu, cov)),
    vertexLoss: b0 - (b1 * b1) / (4 * b2),
    vertexLossSe: Math.sqrt(quad(gl, cov)),
    sigma2,
    centre,
    xMin,
    xMax,
    looResiduals,
    leverage,
    ok: true,
  };
}

/** The two-sided `level` interval of the curvature (t with count − 3 degrees of freedom); NaN bounds without them. */
export function curvatureInterval(f: ParabolaFit, level: number): [number, number] {
  const t = studentTQuantile(0.5 + level / 2, f.count - 3);
  return [f.curvature - t * f.curvatureSe, f.curvature + t * f.curvatureSe];
}

/** Where the vertex sits in the sampled range: 0 at the smallest x, 1 at the largest (outside [0, 1]: extrapolated). */
export function vertexPosition(f: ParabolaFit): number {
  return (f.vertex - f.xMin) / (f.xMax - f.xMin);
}
