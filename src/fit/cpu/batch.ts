/**
 * The float64 engine over a batch: every (weight vector, start) problem of a BatchProblem solved
 * by levenbergMarquardt, one after another, in this thread. pool.ts spreads ranges of the same
 * batch over worker threads; both write the same BatchResult layout.
 */
import type { BatchProblem, BatchResult } from '../problem.js';
import { levenbergMarquardt, LmWorkspace } from './lm.js';
import { costOnly } from './normal-equations.js';

/** Solve problems [from, to) of the batch into `out` (whose arrays are indexed from `from`). */
export function solveRange(problem: BatchProblem, from: number, to: number, out: BatchResult, outOffset = from): void {
  const { law, data, starts, nStarts, weights, options } = problem;
  const p = law.free.length;
  const ws = new LmWorkspace(p);
  const u = new Float64Array(p);
  for (let k = from; k < to; k++) {
    const w = Math.floor(k / nStarts);
    const s = k - w * nStarts;
    for (let j = 0; j < p; j++) u[j] = starts[s * p + j]!;
    const r = levenbergMarquardt(law, { n: data.n, X: data.X, yt: data.yt, w: weights, wOffset: w * data.n }, u, options, ws);
    const o = k - outOffset;
    out.u.set(u, o * p);
    out.cost[o] = r.cost;
    out.status[o] = r.status;
    out.iterations[o] = r.iterations;
  }
}

/**
 * The objective at every start under every weight vector, without iterating (screening passes).
 * Returns nWeightSets x nStarts costs; NaN where the start is not finite.
 */
export function startCosts(problem: BatchProblem): Float64Array {
  const { law, data, starts, nStarts, weights, nWeightSets, options } = problem;
  const p = law.free.length;
  const out = new Float64Array(nWeightSets * nStarts);
  const u = new Float64Array(p);
  for (let w = 0; w < nWeightSets; w++) {
    for (let s = 0; s < nStarts; s++) {
      for (let j = 0; j < p; j++) u[j] = starts[s * p + j]!;
      const c = costOnly(law, data.X, data.yt, weights, w * data.n, data.n, options.loss, u);
      out[w * nStarts + s] = Number.isFinite(c) ? c : NaN;
    }
  }
  return out;
}

