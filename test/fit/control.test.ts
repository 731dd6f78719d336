/**
 * Run control on the float64 engines: progress is monotone and ends at done === total for fitLaw,
 * fitBatch and bootstrapFit (single thread and worker pool); an abort mid-run rejects with the
 * 'cancelled' error and leaves the engine ready for the next run, which gives the same answer as
 * a run that was never interrupted. GPU counterparts: test/gpu/control.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { chinchillaLadder } from '../../src/examples/chinchilla-ladder.js';
import { fitBatch, fitLaw } from '../../src/fit/fit.js';
import { singleThreadEngine, type Engine } from '../../src/fit/engine.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { PhasedProgress, SLICE_MS, abortable, isCancelled, slicer, yieldToEventLoop } from '../../src/fit/control.js';
import { expectFinished, phasesOf, recordProgress } from '../support/progress.js';

const law = compileLaw(findLaw('chinchilla'));
const ds = chinchillaLadder();
const starts = { kind: 'sobol', count: 512 } as const;

const pool = poolEngine({ threads: 2, minWork: 0 });
const engines: [string, Engine][] = [
  ['single thread', singleThreadEngine],
  ['worker pool', pool],
];

describe('PhasedProgress', () => {
  test('one monotone count over phases whose sizes settle as they run', () => {
    const { control, seen } = recordProgress();
    const prog = new PhasedProgress(control, [10, 20]);
    const a = prog.phase(0, 'first')!;
    a.onProgress!({ phase: 'fits', done: 4, total: 8 }); // the phase turns out smaller than estimated
    expect(seen.at(-1)).toEqual({ phase: 'first', done: 4, total: 28 });
    a.onProgress!({ phase: 'fits', done: 3, total: 8 }); // a repeated, older count never goes back
    expect(seen.at(-1)!.done).toBe(4);
    prog.complete(0, 'first');
    prog.advance(1, 'second', 25); // clamped to the phase's size
    expect(seen.at(-1)).toEqual({ phase: 'second', done: 28, total: 28 });
    prog.finish();
    expect(seen.at(-1)).toEqual({ phase: 'second', done: 28, total: 28 });
  });

  test('without a control, sub-runs get none (their fastest path)', () => {
    expect(new PhasedProgress(undefined, [5]).phase(0, 'x')).toBeUndefined();
  });

  test('slicer: without a signal it never yields; with an aborted one it throws once a slice is over', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    const free = slicer(undefined);
    for (let i = 0; i < 1000; i++) await free();
    expect(turned).toBe(false);
    const ac = new AbortController();
    ac.abort();
    const pause = slicer({ signal: ac.signal });
    const t0 = performance.now();
    while (performance.now() - t0 < SLICE_MS / 2) await pause(); // within the first slice: no check yet
    await new Promise((r) => setTimeout(r, SLICE_MS));
    await expect(pause()).rejects.toSatisfy(isCancelled);
  });
});

test('abortable: the work\'s result, or the cancellation error at once when aborted mid-wait', async () => {
  expect(await abortable(Promise.resolve(7), undefined)).toBe(7);
  expect(await abortable(Promise.resolve(7), { signal: new AbortController().signal })).toBe(7);
  const ac = new AbortController();
  let fail: (e: Error) => void = () => undefined;
  const pending = new Promise<number>((_, reject) => (fail = reject));
  const waiting = abortable(pending, { signal: ac.signal });
  ac.abort();
  await expect(waiting).rejects.toSatisfy(isCancelled);
  fail(new Error('buffer destroyed')); // the abandoned work's own failure is swallowed, not unhandled
  await expect(abortable(Promise.reject(new Error('real')), { signal: new AbortController().signal })).rejects.toThrow('real');
});

test('yieldToEventLoop without setImmediate (browsers, Web Workers): a task, so pending messages get through', async () => {
  const saved = globalThis.setImmediate;
  let ticks = 0;
  const spin = async (): Promise<void> => {
    for (let k = 0; k < 100; k++) await Promise.resolve(ticks++);
  };
  try {
    (globalThis as { setImmediate?: unknown }).setImmediate = undefined;
    void spin();
    await yieldToEventLoop();
  } finally {
    globalThis.setImmediate = saved;
  }
  // A microtask would have resumed us after a tick or two; a task runs after the whole chain.
  expect(ticks).toBe(100);
});

describe.each(engines)('run control on the %s engine', (_name, engine) => {
  test('fitLaw: progress is monotone and ends at done === total; the answer is the uncontrolled one', async () => {
    const { control, seen } = recordProgress({ signal: true });
    const fit = await fitLaw(law, ds, { starts, engine, control });
    expectFinished(seen, 512);
    expect(seen.every((p) => p.phase === 'fits')).toBe(true);
    const plain = await fitLaw(law, ds, { starts, engine });
    expect(fit.statistics.objective).toBe(plain.statistics.objective);
    expect(fit.starts.reachedBest).toBe(plain.starts.reachedBest);
  }, 60_000);

  test('fitLaw on a screened grid: a screening phase, then the screened count', async () => {
    const { control, seen } = recordProgress();
    await fitLaw(law, ds, { engine, screen: 40, control });
    expect(seen[0]).toEqual({ phase: 'screening', done: 0, total: 40 });
    expectFinished(seen, 40);
  }, 60_000);

  test('fitBatch: every start under every weight vector is counted', async () => {
    const { control, seen } = recordProgress();
    const w = new Float64Array(ds.n * 3).fill(1);
    const b = await fitBatch(law, ds, { starts: { kind: 'sobol', count: 64 }, weightSets: w, engine, control });
    expect(b.nWeightSets).toBe(3);
    expectFinished(seen, 192);
  }, 60_000);

  test('bootstrapFit: one count over the full fit, the replicates and the jackknife, in that order', async () => {
    const { control, seen } = recordProgress();
    const r = await bootstrapFit(law, ds, { replicates: 40, seed: 3, starts: { kind: 'sobol', count: 128 }, engine, control });
    expect(phasesOf(seen)).toEqual(['full fit', 'bootstrap replicates', 'jackknife']);
    // 128 starts, 40 replicates x the basins they start from, one jackknife fit per row.
    expectFinished(seen, 128 + 40 * r.startsPerReplicate + ds.n);
  }, 120_000);

  test('an abort mid-run rejects with the cancelled error; the next run on the same engine is whole and right', async () => {
    const { control, seen } = recordProgress({ abortWhen: (p) => p.done >= 100 });
    const err = await fitLaw(law, ds, { starts: { kind: 'sobol', count: 4096 }, engine, control }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCancelled(err)).toBe(true);
    expect(seen.at(-1)!.done).toBeLessThan(4096);
    const again = recordProgress();
    const fit = await fitLaw(law, ds, { starts, engine, control: again.control });
    expectFinished(again.seen);
    const ref = await fitLaw(law, ds, { starts, engine: singleThreadEngine });
    expect(fit.statistics.objective).toBe(ref.statistics.objective);
  }, 120_000);

  test('an abort during the bootstrap replicates stops the bootstrap', async () => {
    const { control, seen } = recordProgress({ abortWhen: (p) => p.phase === 'bootstrap replicates' && p.done > 0 });
    const err = await bootstrapFit(law, ds, { replicates: 2000, seed: 1, starts: { kind: 'sobol', count: 64 }, engine, control }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCancelled(err)).toBe(true);
    expect(seen.some((p) => p.phase === 'jackknife')).toBe(false);
  }, 120_000);

  test('an already aborted signal rejects before any work', async () => {
    const ac = new AbortController();
    ac.abort();
    const { control, seen } = recordProgress();
    control.signal = ac.signal;
    await expect(fitBatch(law, ds, { starts, engine, control })).rejects.toSatisfy(isCancelled);
    expect(seen).toEqual([]);
  });
});
