/**
 * The float64 engine on every core: a batch split into chunks that worker threads pull as they
 * finish (problems differ in iteration count, so static halves would leave a core idle). Results
 * land in the same BatchResult layout as the single-thread runner. Node only; the browser app
 * runs the single-thread runner inside its own Web Worker.
 *
 * Progress is reported as chunks come back. On abort no further chunk is handed out, the workers
 * are terminated at once (a chunk in flight is thrown away, never half-merged) and the call
 * rejects with cancelledError(); workers live for one call, so the next call starts clean.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { allocateBatchResult, type BatchProblem, type BatchResult } from '../problem.js';
import { solveRange, solveRangeControlled } from './batch.js';
import { cancelledError, throwIfCancelled, type RunControl } from '../control.js';
import type { PoolChunk, PoolInit, PoolReply } from './pool-protocol.js';
import type { Engine } from '../engine.js';

export interface PoolOptions {
  /** Worker threads; default: the machine's available parallelism. */
  threads?: number;
  /** Below this many problem-points (problems x points), stay on the calling thread. */
  minWork?: number;
}

/** Default threshold: ~a few hundred ms of single-thread work, well above a worker's start-up cost. */
export const DEFAULT_MIN_PARALLEL_WORK = 200_000;

export async function solveBatchParallel(problem: BatchProblem, opts: PoolOptions = {}, control?: RunControl): Promise<BatchResult> {
  const nProblems = problem.nStarts * problem.nWeightSets;
  const p = problem.law.free.length;
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), nProblems));
  const out = allocateBatchResult(nProblems, p);
  throwIfCancelled(control);
  if (threads === 1 || nProblems * problem.data.n < (opts.minWork ?? DEFAULT_MIN_PARALLEL_WORK)) {
    if (control === undefined) solveRange(problem, 0, nProblems, out);
    else await solveRangeControlled(problem, out, control);
    return out;
  }
  const chunkSize = Math.max(1, Math.ceil(nProblems / (threads * 16)));
  let next = 0;
  const takeChunk = (): PoolChunk | undefined => {
    if (next >= nProblems) return undefined;
    const from = next;
    next = Math.min(nProblems, next + chunkSize);
    return { type: 'chunk', from, to: next };
  };
  const init: PoolInit = {
    type: 'init',
    declaration: problem.law.declaration,
    n: problem.data.n,
    X: problem.data.X,
    yt: problem.data.yt,
    weights: problem.weights,
    ...(problem.targets !== undefined ? { targets: problem.targets } : {}),
    starts: problem.starts,
    nStarts: problem.nStarts,
    options: problem.options,
  };
  const workers = Array.from({ length: threads }, () => spawnWorker());
  let done = 0;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelledError());
    control?.signal?.addEventListener('abort', onAbort, { once: true });
  });
  // Keep an unobserved rejection from surfacing when the run finishes without an abort.
  aborted.catch(() => undefined);
  try {
    const finished = Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`float64 worker exited with code ${code}`));
            });
            worker.on('message', (msg: PoolReply) => {
              if (msg.type === 'error') {
                reject(new Error(`float64 worker failed: ${msg.message}`));
                return;
              }
              // After an abort, chunks still in flight are dropped and no new one is handed out.
              if (control?.signal?.aborted === true) return;
              const k = msg.to - msg.from;
              out.u.set(msg.u.subarray(0, k * p), msg.from * p);
              out.cost.set(msg.cost, msg.from);
              out.status.set(msg.status, msg.from);
              out.iterations.set(msg.iterations, msg.from);
              done += k;
              control?.onProgress?.({ phase: 'fits', done, total: nProblems });
              const c = takeChunk();
              if (c === undefined) resolve();
              else worker.postMessage(c);
            });
            worker.postMessage(init);
            const first = takeChunk();
            if (first === undefined) resolve();
            else worker.postMessage(first);
          }),
      ),
    );
    await Promise.race([finished, aborted]);
  } finally {
    if (onAbort !== undefined) control?.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

function spawnWorker(): Worker {
  // From the built package the worker is plain JavaScript. From the TypeScript sources (tests,
  // `node --import tsx`) it is a .ts file: a tiny bootstrap registers tsx's loader in the worker
  // first (execArgv loaders do not reach worker threads started inside a test runner's workers).
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./pool-worker.js', import.meta.url));
  const target = fileURLToPath(new URL('./pool-worker.ts', import.meta.url));
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs/api');
  // tsx's ESM hooks register only on the main thread under Node 20; its CommonJS hooks work in
  // any thread and compile the worker's module tree on require.
  const bootstrap = `require(${JSON.stringify(tsxCjs)}).register(); require(${JSON.stringify(target)});`;
  return new Worker(bootstrap, { eval: true });
}

/** The float64 engine on all cores (Node). */
export function poolEngine(opts: PoolOptions = {}): Engine {
  const threads = opts.threads ?? availableParallelism();
  return {
    name: 'cpu',
    precision: 'f64',
    describe: () => `float64 CPU, ${threads} thread${threads === 1 ? '' : 's'}`,
    solve: (problem, control) => solveBatchParallel(problem, { ...opts, threads }, control),
  };
}
