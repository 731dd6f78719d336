/**
 * What an engine is: something that solves every problem of a BatchProblem and returns the
 * BatchResult arrays, with the status codes of status.ts. The float64 CPU engines (one thread,
 * or a worker pool in Node) and the WebGPU engine all implement it, so everything above it
 * (multi-start, best-of-starts, bootstrap, reports) is written once.
 */
import { solveRange, solveRangeControlled } from './cpu/batch.js';
import type { RunControl } from './control.js';
import { allocateBatchResult, type BatchProblem, type BatchResult } from './problem.js';

export interface Engine {
  /** `cpu` for float64 engines; `webgpu` for the GPU engine. */
  readonly name: string;
  /** Arithmetic of the results: f32 results are finished in float64 by the fitting layer. */
  readonly precision: 'f64' | 'f32';
  /** One line for reports: device, threads. */
  describe(): string;
  /**
   * Solve every problem. With a control: progress is {phase: 'fits', done, total = nStarts x
   * nWeightSets} as chunks finish (monotone, ending at done === total); on abort the engine stops
   * at the next chunk boundary, frees what it holds and rejects with cancelledError() (control.ts),
   * ready for the next call.
   */
  solve(problem: BatchProblem, control?: RunControl): Promise<BatchResult>;
}

/** The float64 engine on the calling thread (browsers' workers, small batches, tests). */
export const singleThreadEngine: Engine = {
  name: 'cpu',
  precision: 'f64',
  describe: () => 'float64 CPU, 1 thread',
  async solve(problem, control) {
    const nProblems = problem.nStarts * problem.nWeightSets;
    const out = allocateBatchResult(nProblems, problem.law.free.length);
    // Without a control, one uninterrupted loop, as fast as before; with one, slices (batch.ts).
    if (control === undefined) solveRange(problem, 0, nProblems, out);
    else await solveRangeControlled(problem, out, control);
    return out;
  },
};
