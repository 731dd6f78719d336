/**
 * The page's handle on the fitting worker, created on first use (the page loads and shows its
 * controls without paying for the worker's bundle). The page knows the worker only through the
 * types of ./worker/protocol.ts; comlink carries the calls.
 */
import { wrap, proxy, type Remote } from 'comlink';
import type { RunProgress, WorkerApi } from './worker/protocol.js';

let api: Remote<WorkerApi> | undefined;

export function worker(): Remote<WorkerApi> {
  api ??= wrap<WorkerApi>(new Worker(new URL('./worker/bridge.ts', import.meta.url), { type: 'module', name: 'lawfit-fitting' }));
  return api;
}

/** A progress callback the worker can call across the boundary. */
export function progressCallback(f: (p: RunProgress) => void): (p: RunProgress) => void {
  return proxy(f);
}
