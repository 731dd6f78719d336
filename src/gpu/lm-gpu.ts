/**
 * The WebGPU driver of batched Levenberg–Marquardt (one thread per problem, shaders/lm_thread.wgsl).
 *
 * Keeping the device busy and the host idle:
 * - the whole LM iteration runs on the device; the host only submits rounds of several dispatches
 *   (each `stepsPerDispatch` trial steps per problem) and reads back one u32: how many problems
 *   are still running. Round k + 1 is queued before round k's count is read (two count buffers in
 *   turn), so the device does not idle through the host's round trip; the price is one round of
 *   early exits after the last problem finishes;
 * - finished problems return at once from every later dispatch (early exit);
 * - batches larger than the device's storage-binding limit (128 MiB on lavapipe) or than
 *   `maxProblemsPerChunk` run in chunks, so memory stays bounded whatever the batch size: each
 *   chunk uploads only the weight rows and target rows (per-weight-vector targets, the
 *   fixed-design bootstraps' replicates; the data's own target repeated otherwise) of the weight
 *   vectors its problems use, and `problem_offset` / `n_weight_sets` address that slice. A
 *   bootstrap batch that carries its recipe has those rows drawn on the device instead (draw.ts,
 *   bit-identical to the host's), so the host uploads no per-replicate data at all; the device
 *   holds one chunk's rows either way, so its memory is bounded by the chunk, not the replicates;
 * - the buffers of a batch shape come from a per-device pool and go back to it (buffer-pool.ts),
 *   so a bootstrap's successive calls (one per replicate chunk) do not reallocate them;
 * - Dawn busy-waits a core while a map is pending, so the host sleeps before it maps for about
 *   the time the round's work should take (measured: this roughly doubles throughput on 2 cores):
 *   the previous round's duration scaled by the share of problems still running, since finished
 *   problems cost almost nothing. A sleep that only tracked the previous round's length shrank
 *   10 % a round while the work collapsed, and made 10,000-fit batches 10x slower than needed.
 *
 * Progress and cancellation (control.ts): each round's running count becomes {done, total}
 * (problems of finished chunks plus those of this chunk no longer running). An abort ends the wait
 * for the round in flight at once (the device finishes that round by itself; the next call's work
 * queues behind it), destroys every buffer this call created (as any exit does) and rejects with
 * cancelledError(). The device, its pipeline cache and later calls are untouched: nothing of this
 * call outlives it.
 *
 * Results are f32; the caller (fit.ts) finishes reported fits with float64 iterations on the CPU.
 */
import type { BatchProblem, BatchResult } from '../fit/problem.js';
import { allocateBatchResult } from '../fit/problem.js';
import { STATUS } from '../fit/status.js';
import { abortable, isCancelled, throwIfCancelled, type RunControl } from '../fit/control.js';
import type { GpuContext } from './device.js';
import { lmPipelines, type KernelVariant, type LmPipelines, type ShaderSources } from './kernels.js';
import { bindGroupEntries } from './bindings.js';
import { groupKernelWorkgroupBytes, PARAMS_SIZE, packParams, type ParamsValues } from './layout.js';
import { LawfitError } from '../errors.js';
import { gpuLossCode } from './losses-wgsl.js';
import { giveBack, takeBuffer } from './buffer-pool.js';
import { deviceDrawer, planDeviceDraw, type DeviceDrawer } from './draw.js';

export interface GpuSolveOptions {
  workgroupSize?: number;
  /** 'thread' (one thread per problem, the default) or 'group' (one workgroup per problem). */
  variant?: KernelVariant;
  /** Trial steps per problem per dispatch. */
  stepsPerDispatch?: number;
  /** Dispatches per submission (between two reads of the running count). */
  dispatchesPerRound?: number;
  /** Upper bound on problems resident at once (memory bound), before the device's own limit. */
  maxProblemsPerChunk?: number;
  /**
   * Draw a bootstrap batch's weight and target rows on the device when the batch carries its
   * recipe and they can be drawn bit for bit (draw.ts), instead of uploading them. Default true.
   */
  deviceDraws?: boolean;
  /**
   * Queue round k + 1 before reading round k's running count (two count buffers in turn), so the
   * device is never idle during the host's round trip. Default true.
   */
  pipelinedCount?: boolean;
  /** Take this call's buffers from the device's pool of idle ones of the same shape and give them back after (buffer-pool.ts). Default true. */
  reuseBuffers?: boolean;
  /** Called as each chunk starts, saying whether its rows were drawn on the device (a hook for tests and benches). */
  onChunk?: (chunk: { offset: number; count: number; drawnOnDevice: boolean }) => void;
  /** Called after each round with (problems finished so far, total): a hook for fault tests; callers watch progress through a RunControl. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Another kernel with the same state contract (src/gpu/projected-kernel.ts: variable
   * projection), instead of the law's full LM. Its layout's P is the width of the starts and of
   * the result's u. Thread layout only.
   */
  pipelines?: (device: GPUDevice, workgroupSize: number) => Promise<LmPipelines>;
}

/** f32 cannot resolve relative changes much below its epsilon (1.2e-7): tolerances are floored here. */
export const F32_TOLERANCE_FLOOR = { ftol: 1e-7, xtol: 1e-7, gtol: 1e-6 } as const;

export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
  constructor(
    readonly reason: string,
    /** Problems [0, completed) of the batch have final results in `partial`. */
    readonly completed: number,
    readonly partial: BatchResult,
  ) {
    super(`WebGPU device lost: ${reason}`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function solveBatchGpu(
  ctx: GpuContext,
  problem: BatchProblem,
  sources: ShaderSources,
  opts: GpuSolveOptions = {},
  control?: RunControl,
): Promise<BatchResult> {
  const { device } = ctx;
  const wg = opts.workgroupSize ?? 64;
  const variant = opts.variant ?? 'thread';
  if (variant === 'group') {
    const need = groupKernelWorkgroupBytes(problem.law.free.length, wg);
    const have = device.limits.maxComputeWorkgroupStorageSize;
    if (need > have) {
      throw new LawfitError('bad-option', `law '${problem.law.name}': the workgroup kernel needs ${need} bytes of workgroup memory for ${problem.law.free.length} free parameters (workgroup size ${wg}), the device allows ${have}; use the thread kernel (variant 'thread' or 'auto')`);
    }
  }
  throwIfCancelled(control);
  const pipes = await (opts.pipelines?.(device, wg) ?? lmPipelines(device, problem.law, sources, wg, variant));
  throwIfCancelled(control);
  const L = pipes.layout;
  const { data, options } = problem;
  const nProblems = problem.nStarts * problem.nWeightSets;
  const out = allocateBatchResult(nProblems, L.P);

  let lostReason: string | undefined;
  void ctx.lost.then((info) => {
    lostReason = `${info.reason}: ${info.message}`;
  });

  // Shared data: features and target, row-major with stride NF + 1, in f32.
  const rows = new Float32Array(data.n * L.STRIDE);
  for (let i = 0; i < data.n; i++) {
    for (let k = 0; k < L.NF; k++) rows[i * L.STRIDE + k] = data.X[i * L.NF + k]!;
    rows[i * L.STRIDE + L.NF] = data.yt[i]!;
  }
  const dataBuf = createFilled(device, rows, GPUBufferUsage.STORAGE, 'lawfit data');

  const limitBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const limitProblems = Math.floor(limitBytes / (L.STATE_F * 4));
  // A chunk of c problems spans at most ceil(c / nStarts) + 1 weight vectors, whose weight and
  // target rows must fit one binding each.
  const limitSets = Math.max(2, Math.floor(limitBytes / (4 * Math.max(1, data.n))));
  const limitBySets = Math.max(1, (limitSets - 1) * problem.nStarts);
  const maxWorkgroups = device.limits.maxComputeWorkgroupsPerDimension;
  const chunk = Math.max(1, Math.min(limitProblems, limitBySets, maxWorkgroups * (variant === 'thread' ? wg : maxWorkgroups), opts.maxProblemsPerChunk ?? 1 << 18, nProblems));
  const setsPerChunk = Math.min(problem.nWeightSets, Math.ceil(chunk / problem.nStarts) + 1);
  const sliceBytes = Math.max(16, setsPerChunk * data.n * 4);
  // Buffers of this batch shape: from the pool (buffer-pool.ts) unless asked not to; back to it
  // after a normal end, destroyed after any other.
  const reuse = opts.reuseBuffers !== false;
  const taken: { buffer: GPUBuffer; desc: GPUBufferDescriptor }[] = [];
  const buffer = (desc: GPUBufferDescriptor): GPUBuffer => {
    const b = reuse ? takeBuffer(device, desc) : device.createBuffer(desc);
    taken.push({ buffer: b, desc });
    return b;
  };
  const weightBuf = buffer({ size: sliceBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, label: 'lawfit weights' });
  const targetBuf = buffer({ size: sliceBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, label: 'lawfit targets' });
  // Replicates drawn on the device need no host slices; otherwise each chunk's rows go up from these.
  const plan = opts.deviceDraws === false ? undefined : planDeviceDraw(problem, limitBytes);
  const weightSlice = new Float32Array(plan === undefined ? setsPerChunk * data.n : 0);
  const targetSlice = new Float32Array(plan === undefined ? setsPerChunk * data.n : 0);
  const steps = opts.stepsPerDispatch ?? 8;
  const dispatches = opts.dispatchesPerRound ?? 4;

  const stateBuf = buffer({ size: chunk * L.STATE_F * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC, label: 'lawfit state' });
  const flagsBuf = buffer({ size: chunk * L.FLAGS_U * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, label: 'lawfit flags' });
  const activeBuf = buffer({ size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: 'lawfit active' });
  const activeRead = buffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'lawfit count read 0' });
  const activeRead2 = buffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'lawfit count read 1' });
  const reads = opts.pipelinedCount === false ? [activeRead] : [activeRead, activeRead2];
  const stateRead = buffer({ size: chunk * L.STATE_F * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'lawfit state read' });
  const flagsRead = buffer({ size: chunk * L.FLAGS_U * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'lawfit flags read' });
  const init = new Float32Array(chunk * L.STATE_F);
  const uniformBuf = buffer({ size: PARAMS_SIZE, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'lawfit params' });
  const bindGroup = device.createBindGroup({
    layout: pipes.bindGroupLayout,
    entries: bindGroupEntries({ prm: uniformBuf, features: dataBuf, weights: weightBuf, state: stateBuf, flags: flagsBuf, running_count: activeBuf, targets: targetBuf }),
  });

  let drawer: DeviceDrawer | undefined;
  let ended = false;
  // A loss the table does not have is sent as a code no kernel knows: every problem then ends
  // with status unknown-loss (losses-wgsl.ts), never as some other loss.
  const lossCode = gpuLossCode(options.loss.kind);
  const stepBudget = options.maxIterations + steps; // every step is one evaluation
  let roundMs = 2;
  let runningBefore = 0;
  let runningNow = 0;
  try {
    if (plan !== undefined) drawer = await deviceDrawer(device, plan, weightBuf, targetBuf);
    for (let offset = 0; offset < nProblems; offset += chunk) {
      const count = Math.min(chunk, nProblems - offset);
      // The weight vectors [w0, w1] this chunk's problems use, uploaded as rows 0.. of the slices.
      const w0 = Math.floor(offset / problem.nStarts);
      const w1 = Math.floor((offset + count - 1) / problem.nStarts);
      const sets = w1 - w0 + 1;
      if (drawer === undefined) {
        weightSlice.set(problem.weights.subarray(w0 * data.n, (w1 + 1) * data.n));
        if (problem.targets !== undefined) targetSlice.set(problem.targets.subarray(w0 * data.n, (w1 + 1) * data.n));
        else for (let k = 0; k < sets; k++) targetSlice.set(data.yt, k * data.n);
        device.queue.writeBuffer(weightBuf, 0, weightSlice, 0, sets * data.n);
        device.queue.writeBuffer(targetBuf, 0, targetSlice, 0, sets * data.n);
      }
      const params: ParamsValues = {
        n_points: data.n,
        n_starts: problem.nStarts,
        n_problems: count,
        problem_offset: offset - w0 * problem.nStarts,
        iterations: steps,
        max_iterations: options.maxIterations,
        loss: lossCode,
        damping: options.damping === 'marquardt' ? 1 : 0,
        delta: options.loss.delta,
        ftol: Math.max(options.ftol, F32_TOLERANCE_FLOOR.ftol),
        xtol: Math.max(options.xtol, F32_TOLERANCE_FLOOR.xtol),
        gtol: Math.max(options.gtol, F32_TOLERANCE_FLOOR.gtol),
        step_bound: options.stepBound,
        n_weight_sets: sets,
      };
      device.queue.writeBuffer(uniformBuf, 0, packParams(params));
      // Starts: problem p uses start (offset + p) mod nStarts.
      for (let k = 0; k < count; k++) {
        const s = (offset + k) % problem.nStarts;
        for (let j = 0; j < L.P; j++) init[k * L.STATE_F + L.offsets.u + j] = problem.starts[s * L.P + j]!;
      }
      device.queue.writeBuffer(stateBuf, 0, init, 0, count * L.STATE_F);
      // Thread layout: one invocation per problem. Group layout: one workgroup per problem, in a
      // 2-D grid when there are more problems than workgroups per dimension.
      const gx = variant === 'thread' ? Math.ceil(count / wg) : Math.min(count, maxWorkgroups);
      const gy = variant === 'thread' ? 1 : Math.ceil(count / gx);

      let enc = device.createCommandEncoder();
      // Drawn on the device: the chunk's weight vectors are replicates recipe.first + w0 ...
      drawer?.encode(enc, problem.recipe!.first + w0, sets);
      opts.onChunk?.({ offset, count, drawnOnDevice: drawer !== undefined });
      enc.clearBuffer(activeBuf);
      let pass = enc.beginComputePass();
      pass.setPipeline(pipes.init);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(gx, gy);
      pass.end();
      device.queue.submit([enc.finish()]);
      runningBefore = count;
      runningNow = count;

      // Round k: `dispatches` dispatches, then its running count copied to reads[k % reads.length].
      const rounds = Math.ceil(stepBudget / (steps * dispatches));
      let submitted = 0;
      const submitRound = (): void => {
        const e = device.createCommandEncoder();
        for (let d = 0; d < dispatches; d++) {
          // The counter only needs the last dispatch's tally.
          if (d === dispatches - 1) e.clearBuffer(activeBuf);
          const ps = e.beginComputePass();
          ps.setPipeline(pipes.iterate);
          ps.setBindGroup(0, bindGroup);
          ps.dispatchWorkgroups(gx, gy);
          ps.end();
        }
        e.copyBufferToBuffer(activeBuf, 0, reads[submitted % reads.length]!, 0, 4);
        device.queue.submit([e.finish()]);
        submitted++;
      };
      // Pipelined: the next round is queued before this one's count is read, so the device never
      // waits for the host's round trip (one round of early exits is the cost at the end).
      submitRound();
      if (reads.length > 1 && rounds > 1) submitRound();
      let tPrev = performance.now();
      for (let k = 0; k < rounds; k++) {
        // Both waits give way to an abort: a round over many problems can take seconds on a
        // software device, and the device finishes it on its own after the buffers are freed.
        await abortable(sleep(Math.max(0, 0.8 * roundMs * (runningNow / Math.max(1, runningBefore)))), control);
        const read = reads[k % reads.length]!;
        await abortable(read.mapAsync(GPUMapMode.READ), control);
        const active = new Uint32Array(read.getMappedRange())[0]!;
        read.unmap();
        const now = performance.now();
        roundMs = now - tPrev;
        tPrev = now;
        runningBefore = runningNow;
        runningNow = active;
        if (lostReason !== undefined) throw new DeviceLostError(lostReason, offset, out);
        opts.onProgress?.(offset + count - active, nProblems);
        control?.onProgress?.({ phase: 'fits', done: offset + count - active, total: nProblems });
        throwIfCancelled(control);
        if (active === 0) break;
        if (submitted < rounds) submitRound();
      }

      enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(stateBuf, 0, stateRead, 0, count * L.STATE_F * 4);
      enc.copyBufferToBuffer(flagsBuf, 0, flagsRead, 0, count * L.FLAGS_U * 4);
      device.queue.submit([enc.finish()]);
      await Promise.all([stateRead.mapAsync(GPUMapMode.READ), flagsRead.mapAsync(GPUMapMode.READ)]);
      const st = new Float32Array(stateRead.getMappedRange(), 0, count * L.STATE_F);
      const fl = new Uint32Array(flagsRead.getMappedRange(), 0, count * L.FLAGS_U);
      for (let k = 0; k < count; k++) {
        const pIdx = offset + k;
        for (let j = 0; j < L.P; j++) out.u[pIdx * L.P + j] = st[k * L.STATE_F + L.offsets.u + j]!;
        out.status[pIdx] = fl[k * L.FLAGS_U]!;
        out.cost[pIdx] = out.status[pIdx] === STATUS.NONFINITE_START || out.status[pIdx] === STATUS.UNKNOWN_LOSS ? NaN : st[k * L.STATE_F + L.offsets.cost]!;
        out.iterations[pIdx] = fl[k * L.FLAGS_U + 1]!;
      }
      stateRead.unmap();
      flagsRead.unmap();
      if (lostReason !== undefined) throw new DeviceLostError(lostReason, offset + count, out);
      // Problems that hit the step budget while still running are finished too.
      control?.onProgress?.({ phase: 'fits', done: offset + count, total: nProblems });
      throwIfCancelled(control);
    }
    ended = true;
  } catch (e) {
    if (e instanceof DeviceLostError || isCancelled(e)) throw e;
    if (lostReason !== undefined) throw new DeviceLostError(lostReason, 0, out);
    throw e;
  } finally {
    drawer?.destroy();
    dataBuf.destroy();
    if (ended && reuse && lostReason === undefined) giveBack(device, taken);
    else for (const t of taken) t.buffer.destroy();
  }
  return out;
}

function createFilled(device: GPUDevice, data: Float32Array, usage: number, label: string): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 4) * 4);
  const buf = device.createBuffer({ size, usage: usage | GPUBufferUsage.COPY_DST, mappedAtCreation: true, label });
  new Float32Array(buf.getMappedRange(), 0, data.length).set(data);
  buf.unmap();
  return buf;
}
