/**
 * Messages between the float64 worker pool (pool.ts) and its workers (pool-worker.ts). The law
 * crosses as its declaration (with overrides already applied) and is recompiled in the worker:
 * generated functions cannot be cloned, and compiling is milliseconds.
 */
import type { LawDeclaration } from '../../law/declaration.js';
import type { LmOptions } from '../options.js';

export interface PoolInit {
  type: 'init';
  declaration: LawDeclaration;
  n: number;
  X: Float64Array;
  yt: Float64Array;
  weights: Float64Array;
  /** Per-weight-vector targets (problem.ts BatchProblem.targets), when the batch has them. */
  targets?: Float64Array;
  starts: Float64Array;
  nStarts: number;
  options: LmOptions;
}

export interface PoolChunk {
  type: 'chunk';
  from: number;
  to: number;
}

export interface PoolChunkDone {
  type: 'done';
  from: number;
  to: number;
  u: Float64Array;
  cost: Float64Array;
  status: Uint8Array;
  iterations: Uint32Array;
}

export interface PoolFailure {
  type: 'error';
  message: string;
}

export type PoolRequest = PoolInit | PoolChunk;
export type PoolReply = PoolChunkDone | PoolFailure;
