/**
 * Variable projection on the WebGPU engine: when it runs, and the host side of a projected batch.
 *
 * WHEN (gpuProjectionPlan). Exactly where the float64 engines project (projectionDecision in
 * src/fit/cpu/projected.ts: --projection, the loss, the starts), so both engines run the same
 * algorithm, unless the f32 kernel cannot do it well, in which case the full LM runs and the
 * report says why:
 *   - no nonlinear parameter is left (the problem is linear: nothing to search), or more than
 *     MAX_GPU_COEFFICIENTS coefficients (one thread's matrices);
 *   - the coefficients' f32 normal equations are ill-conditioned: the Jacobi-scaled G'WG, computed
 *     here in float64 at (up to 16 of) the starts' nonlinear coordinates, has a median condition
 *     number above F32_CONDITION_LIMIT = 1e6: f32 Cholesky (eps 6e-8) stops being reliable near
 *     1/(K eps) ~ 1e6-1e7, and there one refinement step still leaves the coefficients at about
 *     (cond eps)^2 ~ 4e-3 relative. Measured at the official starts: every NIST problem with linear
 *     parameters is at 1 to 4e3 except MGH17 (2e9: exp(-b4 x) and exp(-b5 x) nearly collinear),
 *     which runs the full LM on the GPU.
 *
 * HOW (solveProjectedBatchGpu). Starts that differ only in their linear coordinates are one
 * projected problem (a grid over Chinchilla's five parameters is 25 (α, β) pairs), so only the
 * distinct nonlinear starts run, through the full LM's driver (lm-gpu.ts) with the projected
 * kernel's pipelines; each result row is θ then c. The host turns that into the full internal
 * vector (a positive coefficient at 0 becomes log(1e-300), as on the CPU), so the float64 polish
 * of fit.ts finishes the full problem from it. A problem the projected kernel could not evaluate
 * at its start (status nonfinite-start: a singular system at that θ) is solved again by the full
 * LM kernel from its own start, so projection never loses a start the full LM would have fitted.
 * With FULL_LM_GUARD_STARTS starts or fewer the full LM kernel runs from every start too and the
 * lower f32 cost wins per problem (within 1e-5, f32 rounding, a tie to the full LM), as the
 * float64 engine does (batch.ts).
 */
import type { CompiledLaw } from '../law/compile.js';
import type { LmOptions } from '../fit/options.js';
import { projectionDecision } from '../fit/cpu/projected.js';
import { FULL_LM_GUARD_STARTS } from '../fit/cpu/batch.js';
import { allocateBatchResult, type BatchProblem, type BatchResult, type PreparedData } from '../fit/problem.js';
import { STATUS } from '../fit/status.js';
import type { RunControl } from '../fit/control.js';
import type { GpuContext } from './device.js';
import type { ShaderSources } from './kernels.js';
import { DeviceLostError, solveBatchGpu, type GpuSolveOptions } from './lm-gpu.js';
import { MAX_GPU_COEFFICIENTS, pointFunctionsWgsl, projectedPipelines } from './projected-kernel.js';

/** Median scaled condition number of the coefficients' normal equations above which the GPU runs the full LM. */
export const F32_CONDITION_LIMIT = 1e6;

export interface GpuProjectionPlan {
  project: boolean;
  /** Why the projection the float64 engines would run does not run on the GPU (absent when it runs, or when no engine would project). */
  reason?: string;
  /** Median scaled condition number of G'WG at the starts (when computed). */
  condition?: number;
}

export function gpuProjectionPlan(law: CompiledLaw, options: LmOptions, data: PreparedData, starts: Float64Array, nStarts: number, weights: Float64Array = data.baseWeights): GpuProjectionPlan {
  if (!projectionDecision(law, options, starts, nStarts)) return { project: false };
  const info = law.linear;
  const K = info.projectable.length;
  if (info.nonlinear.length === 0) return { project: false, reason: 'every free parameter enters linearly; the f32 kernel needs a nonlinear parameter to search, so the GPU ran the full LM' };
  if (K > MAX_GPU_COEFFICIENTS) return { project: false, reason: `${K} linear coefficients, more than the f32 kernel's ${MAX_GPU_COEFFICIENTS}; the GPU ran the full LM` };
  try {
    pointFunctionsWgsl(law);
  } catch (e) {
    return { project: false, reason: `the projected kernel cannot be generated for this law (${(e as Error).message}); the GPU ran the full LM` };
  }
  const condition = startCondition(law, data, starts, nStarts, weights);
  if (!(condition <= F32_CONDITION_LIMIT)) {
    return {
      project: false,
      condition,
      reason: `the f32 normal equations of ${info.projectable.map((j) => law.free[j]!.name).join(', ')} are ill-conditioned at the starts (scaled condition number ${condition.toExponential(1)}, above ${F32_CONDITION_LIMIT.toExponential(0)}); the GPU ran the full LM`,
    };
  }
  return { project: true, condition };
}

/** The distinct nonlinear coordinates among the starts: index of each start's class, and one representative per class. */
function distinctStarts(law: CompiledLaw, starts: Float64Array, nStarts: number): { classOf: Int32Array; firsts: number[] } {
  const p = law.free.length;
  const non = law.linear.nonlinear;
  const seen = new Map<string, number>();
  const classOf = new Int32Array(nStarts);
  const firsts: number[] = [];
  for (let s = 0; s < nStarts; s++) {
    const key = non.map((j) => starts[s * p + j]).join(',');
    let c = seen.get(key);
    if (c === undefined) {
      c = firsts.length;
      seen.set(key, c);
      firsts.push(s);
    }
    classOf[s] = c;
  }
  return { classOf, firsts };
}

/**
 * Median over (up to 16 of) the distinct starts of cond(D^-1 G'WG D^-1), D = sqrt(diag G'WG), in
 * float64 (eigenvalues by cyclic Jacobi: K <= 8). g_k = ∂f/∂u_k with every linear u_k at 0
 * (projected.ts's evaluation). Starts where the law is not finite are skipped; Infinity when a
 * scaled matrix is singular.
 */
export function startCondition(law: CompiledLaw, data: PreparedData, starts: Float64Array, nStarts: number, weights: Float64Array = data.baseWeights): number {
  const info = law.linear;
  const lin = info.projectable;
  const K = lin.length;
  const p = law.free.length;
  const nF = law.js.nFeatures;
  const { firsts } = distinctStarts(law, starts, nStarts);
  const picks = firsts.length <= 16 ? firsts : Array.from({ length: 16 }, (_, i) => firsts[Math.floor((i * firsts.length) / 16)]!);
  const u = new Float64Array(p);
  const grad = new Float64Array(p);
  const conds: number[] = [];
  for (const s of picks) {
    for (let j = 0; j < p; j++) u[j] = starts[s * p + j]!;
    for (const j of lin) u[j] = 0;
    const M = new Float64Array(K * K);
    let ok = true;
    for (let i = 0; i < data.n && ok; i++) {
      const w = weights[i]!;
      if (w === 0) continue;
      law.js.valueGrad(u, data.X, i * nF, grad);
      for (let a = 0; a < K; a++) {
        const ga = grad[lin[a]!]!;
        if (!Number.isFinite(ga)) ok = false;
        for (let b = 0; b <= a; b++) M[a * K + b] = M[a * K + b]! + w * ga * grad[lin[b]!]!;
      }
    }
    if (!ok) continue;
    const d = Array.from({ length: K }, (_, a) => Math.sqrt(M[a * K + a]!));
    const S = new Float64Array(K * K);
    for (let a = 0; a < K; a++) for (let b = 0; b <= a; b++) S[a * K + b] = S[b * K + a] = d[a]! > 0 && d[b]! > 0 ? M[a * K + b]! / (d[a]! * d[b]!) : a === b ? 1 : 0;
    const ev = symmetricEigenvalues(S, K);
    const lo = Math.min(...ev);
    const hi = Math.max(...ev);
    conds.push(lo > 0 ? hi / lo : Infinity);
  }
  if (conds.length === 0) return Infinity;
  conds.sort((a, b) => a - b);
  return conds[Math.floor(conds.length / 2)]!;
}

/** Eigenvalues of a small symmetric matrix (row-major, overwritten) by cyclic Jacobi rotations. */
function symmetricEigenvalues(A: Float64Array, n: number): number[] {
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += A[i * n + j]! * A[i * n + j]!;
    if (off < 1e-30) break;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const aij = A[i * n + j]!;
        if (aij === 0) continue;
        const theta = (A[j * n + j]! - A[i * n + i]!) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const aki = A[k * n + i]!;
          const akj = A[k * n + j]!;
          A[k * n + i] = c * aki - s * akj;
          A[k * n + j] = s * aki + c * akj;
        }
        for (let k = 0; k < n; k++) {
          const aik = A[i * n + k]!;
          const ajk = A[j * n + k]!;
          A[i * n + k] = c * aik - s * ajk;
          A[j * n + k] = s * aik + c * ajk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => A[i * n + i]!);
}

/** A control whose progress counts `scale` problems per problem of the inner call (its total is the outer batch's). */
function scaledControl(control: RunControl | undefined, total: number): RunControl | undefined {
  if (control === undefined) return undefined;
  return {
    ...control,
    onProgress: (e) => control.onProgress?.({ ...e, done: Math.min(total, Math.round((e.done * total) / Math.max(1, e.total))), total }),
  };
}

/** One projected batch on the device; the result is in the full problem's coordinates. */
export async function solveProjectedBatchGpu(ctx: GpuContext, problem: BatchProblem, sources: ShaderSources, opts: Omit<GpuSolveOptions, 'variant' | 'pipelines'> = {}, control?: RunControl): Promise<BatchResult> {
  const { law } = problem;
  const info = law.linear;
  const p = law.free.length;
  const non = info.nonlinear;
  const lin = info.projectable;
  const q = non.length;
  const K = lin.length;
  const width = q + K;
  const { classOf, firsts } = distinctStarts(law, problem.starts, problem.nStarts);
  const D = firsts.length;
  const reduced = new Float64Array(D * width);
  firsts.forEach((s, c) => non.forEach((j, a) => (reduced[c * width + a] = problem.starts[s * p + j]!)));
  const total = problem.nStarts * problem.nWeightSets;
  const out = allocateBatchResult(total, p);
  let r: BatchResult;
  try {
    r = await solveBatchGpu(ctx, { ...problem, starts: reduced, nStarts: D }, sources, { ...opts, variant: 'thread', pipelines: (device, wg) => projectedPipelines(device, law, sources, wg) }, scaledControl(control, total));
  } catch (e) {
    // Problems are deduplicated, so the device's finished prefix is not a prefix of the batch:
    // the caller's fallback solves all of it.
    if (e instanceof DeviceLostError) throw new DeviceLostError(e.reason, 0, out);
    throw e;
  }
  const redo = new Set<number>();
  for (let w = 0; w < problem.nWeightSets; w++) {
    for (let s = 0; s < problem.nStarts; s++) {
      const k = w * problem.nStarts + s;
      const rk = w * D + classOf[s]!;
      const row = r.u.subarray(rk * width, rk * width + width);
      non.forEach((j, a) => (out.u[k * p + j] = row[a]!));
      lin.forEach((j, a) => (out.u[k * p + j] = info.nonNegative[a] ? Math.log(Math.max(row[q + a]!, 1e-300)) : row[q + a]!));
      out.cost[k] = r.cost[rk]!;
      out.status[k] = r.status[rk]!;
      out.iterations[k] = r.iterations[rk]!;
      if (out.status[k] === STATUS.NONFINITE_START) redo.add(s);
    }
  }
  if (problem.nStarts <= FULL_LM_GUARD_STARTS) {
    await redoWithFullLm(ctx, problem, sources, opts, Array.from({ length: problem.nStarts }, (_, s) => s), out);
  } else if (redo.size > 0) {
    await redoWithFullLm(ctx, problem, sources, opts, [...redo], out);
  }
  return out;
}

/**
 * The full LM kernel from the original starts `redo`, for every weight vector; its result replaces
 * the projected one where that could not start, or where it is not lower (few starts: the guard).
 */
async function redoWithFullLm(ctx: GpuContext, problem: BatchProblem, sources: ShaderSources, opts: Omit<GpuSolveOptions, 'variant' | 'pipelines'>, redo: number[], out: BatchResult): Promise<void> {
  const p = problem.law.free.length;
  const starts = new Float64Array(redo.length * p);
  redo.forEach((s, k) => starts.set(problem.starts.subarray(s * p, s * p + p), k * p));
  const r = await solveBatchGpu(ctx, { ...problem, starts, nStarts: redo.length }, sources, { ...opts, variant: 'thread' });
  for (let w = 0; w < problem.nWeightSets; w++) {
    redo.forEach((s, k) => {
      const at = w * problem.nStarts + s;
      const from = w * redo.length + k;
      // Lower beyond f32 rounding (1e-5 relative), else the full LM's: mirror-image optima
      // (Eckerle4's ±b2) tie, and the reference algorithm's end point is the full LM's.
      const projectedLower = out.status[at] !== STATUS.NONFINITE_START && Number.isFinite(out.cost[at]!) && (!Number.isFinite(r.cost[from]!) || out.cost[at]! < r.cost[from]! * (1 - 1e-5));
      if (projectedLower) return;
      out.u.set(r.u.subarray(from * p, from * p + p), at * p);
      out.cost[at] = r.cost[from]!;
      out.status[at] = r.status[from]!;
      out.iterations[at] = r.iterations[from]!;
    });
  }
}
