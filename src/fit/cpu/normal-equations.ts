/**
 * One pass over the data at parameters u: the robust cost and the (corrected) normal equations.
 *
 * With residuals r_i = yt_i - m_i(u), gradient rows g_i = dm_i/du, weights w_i and the robust
 * correction c_i = w_i * rho'(r_i^2 / delta^2) (see losses.ts):
 *
 *   cost = 0.5 * sum_i w_i delta^2 rho(r_i^2 / delta^2)
 *   A    = sum_i c_i g_i g_i'            (= J~'J~, the Gauss–Newton matrix)
 *   b    = sum_i c_i r_i g_i             (= -J~'r~ = minus the gradient of the cost)
 *   rr   = sum_i c_i r_i^2               (= |r~|^2, for the gtol cosine test)
 *
 * Points with w_i = 0 are skipped entirely (bootstrap replicates leave about a third of the rows
 * out), so a non-finite model value on such a row cannot poison a replicate that does not use it.
 * A non-finite value anywhere else propagates into cost/A/b, and the caller checks them.
 */
import type { JsEvaluators } from '../../law/emit-js.js';
import { lossInfo, type LossSpec } from '../losses.js';

export interface NormalEquations {
  cost: number;
  rr: number;
  /** p x p, full (both triangles). */
  A: Float64Array;
  b: Float64Array;
}

export function allocateNormalEquations(p: number): NormalEquations {
  return { cost: 0, rr: 0, A: new Float64Array(p * p), b: new Float64Array(p) };
}

export function normalEquations(
  ev: JsEvaluators,
  X: Float64Array,
  yt: Float64Array,
  w: Float64Array,
  wOffset: number,
  n: number,
  loss: LossSpec,
  u: ArrayLike<number>,
  g: Float64Array,
  out: NormalEquations,
): void {
  const p = ev.nFree;
  const nF = ev.nFeatures;
  const A = out.A;
  const b = out.b;
  A.fill(0);
  b.fill(0);
  let cost = 0;
  let rr = 0;
  const kind = loss.kind;
  const d2 = loss.delta * loss.delta;
  const info = lossInfo(kind);
  for (let i = 0; i < n; i++) {
    const wi = w[wOffset + i]!;
    if (wi === 0) continue;
    const r = yt[i]! - ev.valueGrad(u, X, i * nF, g);
    let c: number;
    if (kind === 'linear') {
      c = wi;
      cost += 0.5 * wi * r * r;
    } else if (kind === 'huber') {
      const a = Math.abs(r);
      if (a <= loss.delta) {
        c = wi;
        cost += 0.5 * wi * r * r;
      } else {
        c = (wi * loss.delta) / a;
        cost += wi * loss.delta * (a - 0.5 * loss.delta);
      }
    } else {
      const z = (r * r) / d2;
      c = wi * info.rho1(z);
      cost += 0.5 * wi * d2 * info.rho(z);
    }
    rr += c * r * r;
    for (let j = 0; j < p; j++) {
      const cg = c * g[j]!;
      b[j] = b[j]! + cg * r;
      const row = j * p;
      for (let k = 0; k <= j; k++) A[row + k] = A[row + k]! + cg * g[k]!;
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) A[k * p + j] = A[j * p + k]!;
  out.cost = cost;
  out.rr = rr;
}

/** The cost alone (screening passes and audits): no gradient work. */
export function costOnly(
  ev: JsEvaluators,
  X: Float64Array,
  yt: Float64Array,
  w: Float64Array,
  wOffset: number,
  n: number,
  loss: LossSpec,
  u: ArrayLike<number>,
): number {
  const nF = ev.nFeatures;
  const d2 = loss.delta * loss.delta;
  const info = lossInfo(loss.kind);
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[wOffset + i]!;
    if (wi === 0) continue;
    const r = yt[i]! - ev.value(u, X, i * nF);
    cost += 0.5 * wi * d2 * info.rho((r * r) / d2);
  }
  return cost;
}

export function allFinite(ne: NormalEquations): boolean {
  if (!Number.isFinite(ne.cost) || !Number.isFinite(ne.rr)) return false;
  for (let k = 0; k < ne.b.length; k++) if (!Number.isFinite(ne.b[k]!)) return false;
  for (let k = 0; k < ne.A.length; k++) if (!Number.isFinite(ne.A[k]!)) return false;
  return true;
}
