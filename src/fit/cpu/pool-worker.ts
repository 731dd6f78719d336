/**
 * A float64 worker thread: receives one batch description, then solves the chunks it is sent.
 * See pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { compileLaw } from '../../law/compile.js';
import { allocateBatchResult, type BatchProblem } from '../problem.js';
import { solveRange } from './batch.js';
import type { PoolReply, PoolRequest } from './pool-protocol.js';

let problem: BatchProblem | undefined;
const port = parentPort;
if (port === null) throw new Error('pool-worker.ts must run as a worker thread');

port.on('message', (msg: PoolRequest) => {
  try {
    if (msg.type === 'init') {
      const law = compileLaw(msg.declaration);
      problem = {
        law,
        data: { n: msg.n, X: msg.X, yt: msg.yt, baseWeights: new Float64Array(0) },
        starts: msg.starts,
        nStarts: msg.nStarts,
        weights: msg.weights,
        nWeightSets: msg.weights.length / msg.n,
        ...(msg.targets !== undefined ? { targets: msg.targets } : {}),
        options: msg.options,
      };
      return;
    }
    if (problem === undefined) throw new Error('chunk before init');
    const out = allocateBatchResult(msg.to - msg.from, problem.law.free.length);
    solveRange(problem, msg.from, msg.to, out, msg.from);
    const reply: PoolReply = { type: 'done', from: msg.from, to: msg.to, u: out.u, cost: out.cost, status: out.status, iterations: out.iterations };
    port.postMessage(reply, [out.u.buffer, out.cost.buffer, out.status.buffer, out.iterations.buffer] as ArrayBuffer[]);
  } catch (e) {
    const reply: PoolReply = { type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    port.postMessage(reply);
  }
});
