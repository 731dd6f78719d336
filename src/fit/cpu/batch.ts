/**
 * The float64 engine over a batch: every (weight vector, start) problem of a BatchProblem solved
 * by levenbergMarquardt, one after another, in this thread. pool.ts spreads ranges of the same
 * batch over worker threads; both write the same BatchResult layout. The `...Controlled` forms
 * run in slices of about SLICE_MS, reporting progress and letting the event loop turn between
 * slices so a cancel can arrive (control.ts).
 */
import { SLICE_MS, throwIfCancelled, yieldToEventLoop, slicer, type RunControl } from '../control.js';
import { targetRow, type BatchProblem, type BatchResult } from '../problem.js';
import { levenbergMarquardt, LmWorkspace } from './lm.js';
import { costOnly } from './normal-equations.js';
import { LOSSES } from '../losses.js';
import { STATUS } from '../status.js';

/** Solve problems [from, to) of the batch into `out` (whose arrays are indexed from `from`). */
export function solveRange(problem: BatchProblem, from: number, to: number, out: BatchResult, outOffset = from): void {
  const { law, data, starts, nStarts, weights, options } = problem;
  const p = law.free.length;
  if (!LOSSES.some((l) => l.kind === options.loss.kind)) {
    // As the GPU kernels do (losses-wgsl.ts): a loss the table does not have fits nothing.
    for (let k = from; k < to; k++) {
      const o = k - outOffset;
      for (let j = 0; j < p; j++) out.u[o * p + j] = starts[(k % nStarts) * p + j]!;
      out.cost[o] = NaN;
      out.status[o] = STATUS.UNKNOWN_LOSS;
      out.iterations[o] = 0;
    }
    return;
  }
  const ws = new LmWorkspace(p);
  const u = new Float64Array(p);
  for (let k = from; k < to; k++) {
    const w = Math.floor(k / nStarts);
    const s = k - w * nStarts;
    for (let j = 0; j < p; j++) u[j] = starts[s * p + j]!;
    const r = levenbergMarquardt(law, { n: data.n, X: data.X, yt: targetRow(problem, w), w: weights, wOffset: w * data.n }, u, options, ws);
    const o = k - outOffset;
    out.u.set(u, o * p);
    out.cost[o] = r.cost;
    out.status[o] = r.status;
    out.iterations[o] = r.iterations;
  }
}

/**
 * Solve problems [0, nProblems) into `out` in slices: after each slice, report {done, total} and,
 * with a signal, yield to the event loop and stop with the cancellation error if aborted. Slices
 * grow or shrink to last about SLICE_MS, whatever a problem costs (a few microseconds for a
 * small ladder, tens of milliseconds for a large dataset).
 */
export async function solveRangeControlled(problem: BatchProblem, out: BatchResult, control: RunControl): Promise<void> {
  const total = problem.nStarts * problem.nWeightSets;
  throwIfCancelled(control);
  let size = 1;
  for (let from = 0; from < total; ) {
    const to = Math.min(total, from + size);
    const t0 = performance.now();
    solveRange(problem, from, to, out, 0);
    const ms = performance.now() - t0;
    control.onProgress?.({ phase: 'fits', done: to, total });
    if (control.signal !== undefined && to < total) {
      await yieldToEventLoop();
      throwIfCancelled(control);
    }
    // Aim the next slice at SLICE_MS from this one's cost per problem, growing at most 4x at a time.
    size = Math.max(1, Math.min(4 * size, Math.round((size * SLICE_MS) / Math.max(ms, 1e-3))));
    from = to;
  }
}

/**
 * The objective at every start under every weight vector, without iterating (screening passes).
 * Returns nWeightSets x nStarts costs; NaN where the start is not finite. With a signal it yields
 * every SLICE_MS and stops when aborted (screening Caballero's grid is 163,840 evaluations).
 */
export async function startCosts(problem: BatchProblem, control?: RunControl): Promise<Float64Array> {
  const { law, data, starts, nStarts, weights, nWeightSets, options } = problem;
  const p = law.free.length;
  const out = new Float64Array(nWeightSets * nStarts);
  const u = new Float64Array(p);
  const pause = slicer(control);
  for (let w = 0; w < nWeightSets; w++) {
    for (let s = 0; s < nStarts; s++) {
      for (let j = 0; j < p; j++) u[j] = starts[s * p + j]!;
      const c = costOnly(law, data.X, targetRow(problem, w), weights, w * data.n, data.n, options.loss, u);
      out[w * nStarts + s] = Number.isFinite(c) ? c : NaN;
      if ((s & 255) === 255) await pause();
    }
  }
  return out;
}

