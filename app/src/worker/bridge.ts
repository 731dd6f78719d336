/**
 * The worker's entry: exposes api.ts to the page through comlink. The page creates it lazily,
 * `wrap<WorkerApi>(new Worker(new URL('./worker/bridge.ts', import.meta.url), { type: 'module' }))`,
 * and passes run's progress callback through comlink's `proxy(...)`. Thrown errors keep their
 * lawfit data on the way (error-transfer.ts).
 */
import { expose, transferHandlers, type TransferHandler } from 'comlink';
import { workerApi } from './api.js';
import { serializeThrown } from './error-transfer.js';

const base = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
transferHandlers.set('throw', { canHandle: base.canHandle, serialize: ({ value }) => [serializeThrown(value), []], deserialize: base.deserialize } as TransferHandler<{ value: unknown }, unknown>);

expose(workerApi);
