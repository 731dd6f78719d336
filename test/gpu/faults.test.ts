/**
 * Faults: a device lost in the middle of a batch finishes the batch on the CPU with a warning and
 * loses no results; a problem whose evaluation goes non-finite gets its status without disturbing
 * the others (see also parity.test.ts); no adapter means the CPU engine, said once.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitBatch } from '../../src/fit/fit.js';
import { singleThreadEngine } from '../../src/fit/engine.js';
import { isUsable } from '../../src/fit/status.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { createGpuContext, isGpuContext } from '../../src/gpu/device.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { chinchillaLadder } from '../../src/examples/chinchilla-ladder.js';
import { gpuOrSkip } from '../support/gpu.js';

const gpu = await gpuOrSkip();
const suite = gpu.ctx === undefined ? describe.skip : describe;

suite('GPU faults', () => {
  test('a device lost mid-batch: the rest is solved on the CPU, with a warning, and no result is lost', async () => {
    const own = await createGpuContext();
    if (!isGpuContext(own)) throw new Error(own.reason);
    const law = compileLaw(findLaw('chinchilla'));
    const ds = chinchillaLadder();
    const warnings: string[] = [];
    // Small chunks and one step per dispatch, so the batch is still running when the device goes.
    const engine = webgpuEngine({
      sources: nodeShaderSources(),
      context: own,
      fallback: singleThreadEngine,
      warn: (m) => warnings.push(m),
      maxProblemsPerChunk: 64,
      stepsPerDispatch: 1,
      dispatchesPerRound: 1,
      onProgress: () => own.device.destroy(),
    });
    const starts = { kind: 'sobol', count: 256 } as const;
    const got = await fitBatch(law, ds, { starts, engine });
    const ref = await fitBatch(law, ds, { starts, engine: singleThreadEngine });
    expect(warnings.some((w) => /device lost/i.test(w) && /finishing the remaining \d+ problems on the CPU/.test(w))).toBe(true);
    expect(got.cost.length).toBe(256);
    for (let k = 0; k < 256; k++) expect(Number.isFinite(got.cost[k]!) || !isUsable(got.status[k]!), `problem ${k}`).toBe(true);
    // The best fit is the float64 engine's best (finished in float64 either way).
    expect(got.cost[got.best[0]!]! / ref.cost[ref.best[0]!]! - 1).toBeLessThan(1e-6);
  }, 120_000);

  test('no adapter: the CPU engine, said once, and the same answers', async () => {
    const warnings: string[] = [];
    const engine = webgpuEngine({
      sources: nodeShaderSources(),
      fallback: singleThreadEngine,
      warn: (m) => warnings.push(m),
      acquire: async () => ({ reason: 'no WebGPU adapter was found (simulated)' }),
    });
    const law = compileLaw(findLaw('power'));
    const ds = chinchillaLadder();
    const x = { ...ds, inputNames: ['x'], inputExpressions: ['N'], inputs: ds.inputs.filter((_, i) => i % 2 === 0) };
    const a = await fitBatch(law, x, { engine });
    const b = await fitBatch(law, x, { engine });
    const ref = await fitBatch(law, x, { engine: singleThreadEngine });
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/no WebGPU adapter was found \(simulated\); fitting on the CPU instead/);
    expect(engine.describe()).toMatch(/no WebGPU adapter/);
    expect(await engine.device()).toBeUndefined();
    expect(Array.from(a.cost)).toEqual(Array.from(ref.cost));
    expect(Array.from(b.cost)).toEqual(Array.from(ref.cost));
  });
});
