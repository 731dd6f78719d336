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
import { PhasedProgress, SLICE_MS, isCancelled, slicer, type Progress, type RunControl } from '../../src/fit/control.js';

const law = compileLaw(findLaw('chinchilla'));
const ds = chinchillaLadder();
const starts = { kind: 'sobol', count: 512 } as const;

/** Collects progress reports and checks the contract on every one. */
function recorder(signal?: AbortSignal): { control: RunControl; seen: Progress[] } {
  const seen: Progress[] = [];
  const control: RunControl = {
    onProgress: (p) => {
      const last = seen.at(-1);
      expect(p.done).toBeGreaterThanOrEqual(last?.done ?? 0);
      expect(p.done).toBeLessThanOrEqual(p.total);
      expect(Number.isInteger(p.done) && Number.isInteger(p.total)).toBe(true);
      seen.push({ ...p });
    },
  };
  if (signal !== undefined) control.signal = signal;
  return { control, seen };
}

function expectFinished(seen: Progress[]): void {
  expect(seen.length).toBeGreaterThan(1);
  const last = seen.at(-1)!;
  expect(last.done).toBe(last.total);
  expect(last.total).toBeGreaterThan(0);
}

/** A control that aborts once `after` fits have been reported. */
function abortAfter(after: number): { control: RunControl; seen: Progress[] } {
  const ac = new AbortController();
  const r = recorder(ac.signal);
  const inner = r.control.onProgress!;
  r.control.onProgress = (p) => {
    inner(p);
    if (p.done >= after) ac.abort();
  };
  return r;
}

const pool = poolEngine({ threads: 2, minWork: 0 });
const engines: [string, Engine][] = [
  ['single thread', singleThreadEngine],
  ['worker pool', pool],
];

describe('PhasedProgress', () => {
  test('one monotone count over phases whose sizes settle as they run', () => {
    const { control, seen } = recorder();
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

describe.each(engines)('run control on the %s engine', (_name, engine) => {
  test('fitLaw: progress is monotone and ends at done === total; the answer is the uncontrolled one', async () => {
    const { control, seen } = recorder(new AbortController().signal);
    const fit = await fitLaw(law, ds, { starts, engine, control });
    expectFinished(seen);
    expect(seen.at(-1)!.total).toBe(512);
    expect(seen.every((p) => p.phase === 'fits')).toBe(true);
    const plain = await fitLaw(law, ds, { starts, engine });
    expect(fit.statistics.objective).toBe(plain.statistics.objective);
    expect(fit.starts.reachedBest).toBe(plain.starts.reachedBest);
  }, 60_000);

  test('fitLaw on a screened grid: a screening phase, then the screened count', async () => {
    const { control, seen } = recorder();
    await fitLaw(law, ds, { engine, screen: 40, control });
    expect(seen[0]).toEqual({ phase: 'screening', done: 0, total: 40 });
    expectFinished(seen);
    expect(seen.at(-1)!.total).toBe(40);
  }, 60_000);

  test('fitBatch: every start under every weight vector is counted', async () => {
    const { control, seen } = recorder();
    const w = new Float64Array(ds.n * 3).fill(1);
    const b = await fitBatch(law, ds, { starts: { kind: 'sobol', count: 64 }, weightSets: w, engine, control });
    expect(b.nWeightSets).toBe(3);
    expectFinished(seen);
    expect(seen.at(-1)!.total).toBe(192);
  }, 60_000);

  test('bootstrapFit: one count over the full fit, the replicates and the jackknife, in that order', async () => {
    const { control, seen } = recorder();
    const r = await bootstrapFit(law, ds, { replicates: 40, seed: 3, starts: { kind: 'sobol', count: 128 }, engine, control });
    expectFinished(seen);
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['full fit', 'bootstrap replicates', 'jackknife']);
    // 128 starts, 40 replicates x the basins they start from, one jackknife fit per row.
    expect(seen.at(-1)!.total).toBe(128 + 40 * r.startsPerReplicate + ds.n);
  }, 120_000);

  test('an abort mid-run rejects with the cancelled error; the next run on the same engine is whole and right', async () => {
    const { control, seen } = abortAfter(100);
    const err = await fitLaw(law, ds, { starts: { kind: 'sobol', count: 4096 }, engine, control }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCancelled(err)).toBe(true);
    expect(seen.at(-1)!.done).toBeLessThan(4096);
    const again = recorder();
    const fit = await fitLaw(law, ds, { starts, engine, control: again.control });
    expectFinished(again.seen);
    const ref = await fitLaw(law, ds, { starts, engine: singleThreadEngine });
    expect(fit.statistics.objective).toBe(ref.statistics.objective);
  }, 120_000);

  test('an abort during the bootstrap replicates stops the bootstrap', async () => {
    const ac = new AbortController();
    const seen: Progress[] = [];
    const control: RunControl = {
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.phase === 'bootstrap replicates' && p.done > 0) ac.abort();
      },
    };
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
    const { control, seen } = recorder(ac.signal);
    await expect(fitBatch(law, ds, { starts, engine, control })).rejects.toSatisfy(isCancelled);
    expect(seen).toEqual([]);
  });
});
