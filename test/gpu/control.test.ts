/**
 * Run control on the WebGPU engine: progress from the driver's running count is monotone and ends
 * at done === total for fitLaw (fits, float64 audit, float64 polish), fitBatch and bootstrapFit;
 * an abort between rounds rejects with the 'cancelled' error, and the same device then runs the
 * next batch to the same answer as before the abort (no buffer, mapping or pass left behind).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { chinchillaLadder } from '../../src/examples/chinchilla-ladder.js';
import { fitBatch, fitLaw } from '../../src/fit/fit.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { isCancelled } from '../../src/fit/control.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { createGpuContext, isGpuContext, releaseGpu } from '../../src/gpu/device.js';
import { singleThreadEngine } from '../../src/fit/engine.js';
import { gpuOrSkip } from '../support/gpu.js';
import { expectFinished, phasesOf, recordProgress } from '../support/progress.js';

const gpu = await gpuOrSkip();
const suite = gpu.ctx === undefined ? describe.skip : describe;
afterAll(releaseGpu);

const law = compileLaw(findLaw('chinchilla'));
const ds = chinchillaLadder();
const starts = { kind: 'sobol', count: 512 } as const;

suite('run control on the WebGPU engine', () => {
  // Small chunks and short rounds, so a batch spans many rounds and an abort lands mid-batch.
  const engine = webgpuEngine({ sources: nodeShaderSources(), context: gpu.ctx!, maxProblemsPerChunk: 256, stepsPerDispatch: 2, dispatchesPerRound: 1 });

  test('fitLaw: fits, then the float64 audit and polish, in one count that ends at done === total', async () => {
    const { control, seen } = recordProgress({ signal: true });
    const fit = await fitLaw(law, ds, { starts, engine, audit: 8, control });
    expect(phasesOf(seen)).toEqual(['fits', 'float64 audit', 'float64 polish']);
    expectFinished(seen, 512 + 8 + 2);
    expect(fit.audit?.sampled).toBe(8);
    // The fits phase moves in many steps (one per round), not in one jump at the end.
    expect(seen.filter((p) => p.phase === 'fits' && p.done > 0 && p.done < 512).length).toBeGreaterThan(2);
  }, 120_000);

  test('fitBatch: every problem, then each weight vector polished', async () => {
    const { control, seen } = recordProgress();
    const w = new Float64Array(ds.n * 3).fill(1);
    await fitBatch(law, ds, { starts: { kind: 'sobol', count: 64 }, weightSets: w, engine, control });
    expect(phasesOf(seen)).toEqual(['fits', 'float64 polish']);
    expectFinished(seen, 3 * 64 + 3 * 2);
  }, 120_000);

  test('bootstrapFit: full fit, replicates, (rescue,) jackknife', async () => {
    const { control, seen } = recordProgress();
    const r = await bootstrapFit(law, ds, { replicates: 20, seed: 5, starts: { kind: 'sobol', count: 128 }, engine, control });
    // Replicates whose f32 fits end unusable are rescued (bootstrap.ts), in a phase of their own.
    const rescue = r.rescued.length > 0 ? ['rescue'] : [];
    expect(phasesOf(seen)).toEqual(['full fit', 'bootstrap replicates', ...rescue, 'jackknife']);
    // Each phase's fits plus its float64 polish (2 candidates per weight vector, 1 for the jackknife's single start).
    const polishPerReplicate = Math.min(2, r.startsPerReplicate);
    const rescueFits = r.rescued.length * (r.startsPerReplicate + polishPerReplicate);
    // A second rescue step (the full start set) adds fits of its own; then only done === total is checked.
    const exact = r.rescueStarts === undefined || !r.rescueStarts.includes(', then');
    expectFinished(seen, exact ? 128 + 2 + 20 * (r.startsPerReplicate + polishPerReplicate) + rescueFits + ds.n * 2 : undefined);
  }, 120_000);

  test('an abort between rounds rejects; the same device then gives the same answer as before', async () => {
    const before = await fitLaw(law, ds, { starts, engine });
    const { control, seen } = recordProgress({ abortWhen: (p) => p.done > 0 });
    const err = await fitBatch(law, ds, { starts: { kind: 'sobol', count: 4096 }, engine, control }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCancelled(err)).toBe(true);
    expect(seen.at(-1)!.done).toBeLessThan(4096);
    const after = await fitLaw(law, ds, { starts, engine });
    expect(after.statistics.objective).toBe(before.statistics.objective);
    expect(after.starts.reachedBest).toBe(before.starts.reachedBest);
    expect(Array.from(after.bestInternal)).toEqual(Array.from(before.bestInternal));
  }, 120_000);

  test('a device lost mid-batch: the CPU finishes the batch and progress carries on to done === total', async () => {
    const own = await createGpuContext();
    if (!isGpuContext(own)) throw new Error(own.reason);
    const lost = webgpuEngine({
      sources: nodeShaderSources(),
      context: own,
      fallback: singleThreadEngine,
      warn: () => undefined,
      maxProblemsPerChunk: 64,
      stepsPerDispatch: 1,
      dispatchesPerRound: 1,
      onProgress: () => own.device.destroy(),
    });
    const { control, seen } = recordProgress({ signal: true });
    const w = new Float64Array(ds.n * 2).fill(1);
    await fitBatch(law, ds, { starts: { kind: 'sobol', count: 128 }, weightSets: w, engine: lost, control });
    expectFinished(seen, 2 * 128 + 2 * 2);
  }, 120_000);
});
