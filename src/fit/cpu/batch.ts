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
import { projectedSolve, projectionDecision } from './projected.js';

/**
 * With this many starts per weight vector or fewer, a projected run is checked against the full LM
 * from the same start (the lower cost wins, a tie goes to the full LM): see solveRange.
 */
export const FULL_LM_GUARD_STARTS = 4;

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
  const project = projectionDecision(law, options, starts, nStarts);
  // Projected runs depend only on a start's nonlinear coordinates: starts that differ only in the
  // linear ones (a 5-D grid over Chinchilla is a 2-D grid here) are solved once per weight vector.
  const seen = new Map<string, { u: Float64Array; cost: number; status: number; iterations: number }>();
  for (let k = from; k < to; k++) {
    const w = Math.floor(k / nStarts);
    const s = k - w * nStarts;
    for (let j = 0; j < p; j++) u[j] = starts[s * p + j]!;
    const lmData = { n: data.n, X: data.X, yt: targetRow(problem, w), w: weights, wOffset: w * data.n };
    let r: { cost: number; status: number; iterations: number };
    const o = k - outOffset;
    if (project) {
      const key = `${w}|${law.linear.nonlinear.map((j) => u[j]).join(',')}`;
      const hit = seen.get(key);
      if (hit !== undefined) {
        out.u.set(hit.u, o * p);
        out.cost[o] = hit.cost;
        out.status[o] = hit.status;
        out.iterations[o] = hit.iterations;
        continue;
      }
      const pr = law.linear.nonlinear.every((j) => Number.isFinite(u[j]!)) ? projectedSolve(law, lmData, u, options) : undefined;
      // The full LM finishes from the projected optimum (statuses and statistics of the full
      // problem; it only accepts lower costs); from the start itself where projection failed.
      const start = u.slice();
      if (pr !== undefined) u.set(pr.u);
      const polish = levenbergMarquardt(law, lmData, u, options, ws);
      r = { ...polish, iterations: polish.iterations + (pr?.iterations ?? 0) };
      if (pr !== undefined && pr.held.length > 0) {
        // A positive coefficient held at 0 (A = 0 where alpha < 0 makes N^-alpha grow) leaves the
        // reduced cost flat in the parameters of its term: no projected step can leave that
        // plateau. The full LM from the projected point with those coefficients back at the
        // start's values can, and the lower cost wins.
        const alt = u.slice();
        alt.set(pr.u);
        for (const j of pr.held) alt[j] = start[j]!;
        const esc = levenbergMarquardt(law, lmData, alt, options, ws);
        if (Number.isFinite(esc.cost) && esc.cost < r.cost) {
          u.set(alt);
          r = { ...esc, iterations: r.iterations + esc.iterations };
        } else {
          r = { ...r, iterations: r.iterations + esc.iterations };
        }
      }
      if (pr !== undefined && nStarts <= FULL_LM_GUARD_STARTS) {
        // Few starts: nothing else covers for a projected run that lands in another basin (MGH17
        // from NIST's start 1), so the full LM from the start itself runs too and the lower cost
        // wins; with many starts the multi-start search does that job.
        const alt = start.slice();
        const full = levenbergMarquardt(law, lmData, alt, options, ws);
        // A tie (within 1e-10, rounding on a flat valley such as Lanczos3's) goes to the full LM:
        // its end point is the one the reference algorithm defines.
        // Also within rounding of the data's own scale (1e-20 of 0.5 sum w y^2): Lanczos1's
        // optimum is an RSS of 1e-25, where the two costs differ only by noise.
        let scale = 0;
        for (let i = 0; i < data.n; i++) scale += weights[w * data.n + i]! * lmData.yt[i]! * lmData.yt[i]!;
        if (Number.isFinite(full.cost) && !(r.cost < full.cost * (1 - 1e-10) - 0.5e-20 * scale)) {
          u.set(alt);
          r = { ...full, iterations: full.iterations + r.iterations };
        } else {
          r = { ...r, iterations: r.iterations + full.iterations };
        }
      }
      seen.set(key, { u: u.slice(), cost: r.cost, status: r.status, iterations: r.iterations });
    } else {
      r = levenbergMarquardt(law, lmData, u, options, ws);
    }
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

