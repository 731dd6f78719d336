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
 * The pass itself is generated per law and loss (kernel.ts). Points with w_i = 0 are skipped entirely (bootstrap replicates leave about a third of the rows
 * out), so a non-finite model value on such a row cannot poison a replicate that does not use it.
 * A non-finite value anywhere else propagates into cost/A/b, and the caller checks them.
 */
import type { CompiledLaw } from '../../law/compile.js';
import type { LossSpec } from '../losses.js';
import { cpuKernels } from './kernel.js';

export interface NormalEquations {
  cost: number;
  rr: number;
  /** p x p, full (both triangles). */
  A: Float64Array;
  b: Float64Array;
  /** Scratch the kernel writes cost and rr into. */
  S: Float64Array;
}

export function allocateNormalEquations(p: number): NormalEquations {
  return { cost: 0, rr: 0, A: new Float64Array(p * p), b: new Float64Array(p), S: new Float64Array(2) };
}

/**
 * The pass at u for this law, data and loss, writing cost, rr, A and b into `out`. The kernel is
 * looked up once here, not on each call: a solver makes one pass per iteration, thousands per fit,
 * and the lookup (a WeakMap, a Map and a key string) cost most before V8 had optimised the code.
 */
export function normalEquationsPass(
  law: CompiledLaw,
  data: { X: Float64Array; yt: Float64Array; w: Float64Array; wOffset: number; n: number },
  loss: LossSpec,
): (u: ArrayLike<number>, out: NormalEquations) => void {
  const kernel = cpuKernels(law, loss.kind).normalEquations;
  const { X, yt, w, wOffset, n } = data;
  const delta = loss.delta;
  return (u, out) => {
    kernel(u, X, yt, w, wOffset, n, delta, out.A, out.b, out.S);
    out.cost = out.S[0]!;
    out.rr = out.S[1]!;
  };
}

/** The cost alone (screening passes and audits): no gradient work. */
export function costOnly(
  law: CompiledLaw,
  X: Float64Array,
  yt: Float64Array,
  w: Float64Array,
  wOffset: number,
  n: number,
  loss: LossSpec,
  u: ArrayLike<number>,
): number {
  return cpuKernels(law, loss.kind).cost(u, X, yt, w, wOffset, n, loss.delta);
}

export function allFinite(ne: NormalEquations): boolean {
  if (!Number.isFinite(ne.cost) || !Number.isFinite(ne.rr)) return false;
  for (let k = 0; k < ne.b.length; k++) if (!Number.isFinite(ne.b[k]!)) return false;
  for (let k = 0; k < ne.A.length; k++) if (!Number.isFinite(ne.A[k]!)) return false;
  return true;
}
