/**
 * The WebGPU engine behind the common Engine interface. Results are f32 (precision 'f32'), so the
 * fitting layer finishes the fits it reports with float64 iterations (fit.ts: polish). Without an
 * adapter the engine says so once and solves on its float64 fallback; if the device is lost in
 * the middle of a batch, the problems it had not finished are solved on the fallback, with a
 * warning, and nothing already computed is lost. A RunControl passes through to the driver
 * (progress per round, abort between rounds) and to the fallback.
 */
import type { Engine } from '../fit/engine.js';
import { singleThreadEngine } from '../fit/engine.js';
import { recipeFrom, type BatchProblem, type BatchResult } from '../fit/problem.js';
import { PhasedProgress, throwIfCancelled, type RunControl } from '../fit/control.js';
import { acquireGpu, isGpuContext, type GpuContext, type GpuUnavailable } from './device.js';
import type { KernelVariant, ShaderSources } from './kernels.js';
import { DeviceLostError, solveBatchGpu, type GpuSolveOptions } from './lm-gpu.js';
import { groupKernelWorkgroupBytes } from './layout.js';
import { gpuProjectionPlan, solveProjectedBatchGpu } from './projected-gpu.js';

export interface WebGpuEngineOptions extends Omit<GpuSolveOptions, 'variant'> {
  /**
   * Kernel layout: 'thread' (one thread per problem), 'group' (one workgroup per problem), or
   * 'auto' (the default): where the group layout can pay off (few problems, many points), both are
   * timed on a slice of the batch and the faster is used, remembered per law and workload size.
   */
  variant?: KernelVariant | 'auto';
  sources: ShaderSources;
  /** Solves when there is no adapter, and finishes batches after a device loss. Default: one CPU thread. */
  fallback?: Engine;
  /** Where the "no adapter" notice and device-loss warnings go. Default: console.warn. */
  warn?: (message: string) => void;
  /** Use this context instead of the process-wide device (tests). */
  context?: GpuContext;
  /** Called before each batch with the kernel it runs on: 'projected' (variable projection) or 'full' (tests, benches). */
  onKernel?: (kernel: 'projected' | 'full', problems: number) => void;
  /** How to get a device when no context is given. Default: acquireGpu (the process-wide device). */
  acquire?: () => Promise<GpuContext | GpuUnavailable>;
}

export interface WebGpuEngine extends Engine {
  /** Resolves to the device description, or undefined when the engine runs on its fallback. */
  device(): Promise<string | undefined>;
}

let saidNoAdapter = false;

export function webgpuEngine(opts: WebGpuEngineOptions): WebGpuEngine {
  const fallback = opts.fallback ?? singleThreadEngine;
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  let description = 'WebGPU (device not yet acquired)';
  const context = async (): Promise<GpuContext | undefined> => {
    const c = opts.context ?? (await (opts.acquire ?? acquireGpu)());
    if (isGpuContext(c)) {
      description = `WebGPU f32 on ${c.description}, finished in float64`;
      return c;
    }
    if (!saidNoAdapter) {
      saidNoAdapter = true;
      warn(`lawfit: ${c.reason}; fitting on the CPU instead (${fallback.describe()}).`);
    }
    description = `${fallback.describe()} (no WebGPU adapter)`;
    return undefined;
  };
  return {
    name: 'webgpu',
    precision: 'f32',
    describe: () => description,
    async device() {
      return (await context())?.description;
    },
    projectionPlan: (law, options, data, starts, nStarts) => gpuProjectionPlan(law, options, data, starts, nStarts),
    async solve(problem: BatchProblem, control?: RunControl): Promise<BatchResult> {
      const ctx = await context();
      if (ctx === undefined) return fallback.solve(problem, control);
      try {
        // Variable projection where the float64 engines would run it and the f32 kernel can (projected-gpu.ts).
        const problems = problem.nStarts * problem.nWeightSets;
        if (gpuProjectionPlan(problem.law, problem.options, problem.data, problem.starts, problem.nStarts, problem.weights.subarray(0, problem.data.n)).project) {
          opts.onKernel?.('projected', problems);
          return await solveProjectedBatchGpu(ctx, problem, opts.sources, opts, control);
        }
        opts.onKernel?.('full', problems);
        const variant = await chooseVariant(ctx, problem, opts, control);
        return await solveBatchGpu(ctx, problem, opts.sources, { ...opts, variant }, control);
      } catch (e) {
        if (!(e instanceof DeviceLostError)) throw e;
        warn(`lawfit: ${e.message}; finishing the remaining ${problem.nStarts * problem.nWeightSets - e.completed} problems on the CPU.`);
        return finishOnFallback(problem, e, fallback, control);
      }
    },
  };
}

/**
 * Solve problems [completed, end) on the fallback and merge them into the partial result. The
 * unfinished problems are grouped by weight vector, so each group is an ordinary BatchProblem
 * (its starts under one weight vector).
 */
async function finishOnFallback(problem: BatchProblem, e: DeviceLostError, fallback: Engine, control: RunControl | undefined): Promise<BatchResult> {
  const out = e.partial;
  const p = problem.law.free.length;
  const n = problem.data.n;
  // Progress continues from the problems the device finished: phase 0 is theirs, phase w + 1 the
  // fallback's share of weight vector w.
  const first0 = Math.floor(e.completed / problem.nStarts);
  const prog = new PhasedProgress(control, [e.completed, ...Array.from({ length: problem.nWeightSets }, (_, w) => (w < first0 ? 0 : Math.min(problem.nStarts, (w + 1) * problem.nStarts - e.completed)))]);
  prog.complete(0, 'fits');
  for (let w = first0; w < problem.nWeightSets; w++) {
    const first = Math.max(e.completed, w * problem.nStarts) - w * problem.nStarts;
    const k = problem.nStarts - first;
    if (k <= 0) continue;
    throwIfCancelled(control);
    const r = await fallback.solve(
      {
        ...problem,
        starts: problem.starts.subarray(first * p, problem.nStarts * p),
        nStarts: k,
        weights: problem.weights.subarray(w * n, (w + 1) * n),
        nWeightSets: 1,
        ...(problem.targets !== undefined ? { targets: problem.targets.subarray(w * n, (w + 1) * n) } : {}),
        ...recipeFrom(problem, w),
      },
      control === undefined ? undefined : prog.phase(w + 1, 'fits'),
    );
    const at = w * problem.nStarts + first;
    out.u.set(r.u, at * p);
    out.cost.set(r.cost, at);
    out.status.set(r.status, at);
    out.iterations.set(r.iterations, at);
  }
  return out;
}

/**
 * Measured on lavapipe (2 cores): the thread layout wins whenever the problems outnumber the
 * device's lanes (200 fits of 256 to 4,096 points: 1.7-4.6x), the group layout when a few problems
 * have many points (4 fits of 16,384 points: 2.2x). Outside that corner the thread layout is used
 * without a probe; inside it, both are timed on a slice of the batch, once per law and size class.
 */
export const GROUP_PROBE_GATE = { maxProblems: 256, minPoints: 512 } as const;

const chosen = new Map<string, KernelVariant>();

async function chooseVariant(ctx: GpuContext, problem: BatchProblem, opts: WebGpuEngineOptions, control: RunControl | undefined): Promise<KernelVariant> {
  if (opts.variant !== undefined && opts.variant !== 'auto') return opts.variant;
  const count = problem.nStarts * problem.nWeightSets;
  const n = problem.data.n;
  if (count > GROUP_PROBE_GATE.maxProblems || n < GROUP_PROBE_GATE.minPoints) return 'thread';
  // The group kernel's workgroup memory grows as P^2 (layout.ts): large (e.g. grouped) laws use threads.
  if (groupKernelWorkgroupBytes(problem.law.free.length, opts.workgroupSize ?? 64) > ctx.device.limits.maxComputeWorkgroupStorageSize) return 'thread';
  const key = `${problem.law.name}|${problem.law.free.length}|${ctx.description}|${Math.round(Math.log2(n))}|${Math.round(Math.log2(count))}`;
  const known = chosen.get(key);
  if (known !== undefined) return known;
  const p = problem.law.free.length;
  const k = Math.min(problem.nStarts, 8);
  const slice: BatchProblem = {
    ...problem,
    starts: problem.starts.subarray(0, k * p),
    nStarts: k,
    weights: problem.weights.subarray(0, n),
    nWeightSets: 1,
    ...(problem.targets !== undefined ? { targets: problem.targets.subarray(0, n) } : {}),
    options: { ...problem.options, maxIterations: Math.min(problem.options.maxIterations, 16) },
  };
  const time = async (variant: KernelVariant): Promise<number> => {
    throwIfCancelled(control);
    await solveBatchGpu(ctx, slice, opts.sources, { ...opts, variant }); // compile and warm up
    const t0 = performance.now();
    await solveBatchGpu(ctx, slice, opts.sources, { ...opts, variant });
    return performance.now() - t0;
  };
  const tThread = await time('thread');
  const tGroup = await time('group');
  const pick: KernelVariant = tGroup < tThread ? 'group' : 'thread';
  chosen.set(key, pick);
  return pick;
}
