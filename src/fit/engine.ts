/**
 * What an engine is: something that solves every problem of a BatchProblem and returns the
 * BatchResult arrays, with the status codes of status.ts. The float64 CPU engines (one thread,
 * or a worker pool in Node) and the WebGPU engine all implement it, so everything above it
 * (multi-start, best-of-starts, bootstrap, reports) is written once.
 */
import { solveRange, solveRangeControlled } from './cpu/batch.js';
import type { RunControl } from './control.js';
import { allocateBatchResult, type BatchProblem, type BatchResult, type PreparedData } from './problem.js';
import type { CompiledLaw } from '../law/compile.js';
import type { LmOptions } from './options.js';

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
  /**
   * f32 engines that project on their own terms (the WebGPU engine, src/gpu/projected-gpu.ts):
   * whether a batch with these starts runs projected, and why not when the float64 engines
   * would. Absent: the engine projects exactly where projectionDecision says (float64 engines).
   */
  projectionPlan?(law: CompiledLaw, options: LmOptions, data: PreparedData, starts: Float64Array, nStarts: number): { project: boolean; reason?: string };
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
