/**
 * Bootstrap parity: 1,000 replicates (multinomial row counts as weight vectors) x 16 starts of the
 * Chinchilla law on the Epoch data. For at least 99.5 % of the replicates, the GPU path's
 * best-of-starts objective must equal the float64 engine's within 1e-4 before the polish and
 * within 1e-6 after it. (With Huber delta = 1e-3 the objective has local minima ~1e-6 apart; a
 * polish that restarted from 8 end points found lower ones in 96 replicates, which is why the
 * polish finishes 2: see src/fit/polish.ts.)
 */
import { afterAll, describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitBatch } from '../../src/fit/fit.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { createRng, nextInt } from '../../src/util/rng.js';
import { loadEpochChinchilla } from '../support/datasets.js';
import { gpuOrSkip } from '../support/gpu.js';

const gpu = await gpuOrSkip();
const suite = gpu.ctx === undefined ? describe.skip : describe;
afterAll(releaseGpu);

const REPLICATES = 1000;

suite('bootstrap replicates: GPU best-of-starts equals float64', () => {
  test(`${REPLICATES} replicates x 16 starts`, async () => {
    const law = compileLaw(findLaw('chinchilla'));
    const ds = await loadEpochChinchilla(law);
    const n = ds.n;
    const rng = createRng(20240417);
    const weights = new Float64Array(REPLICATES * n);
    for (let r = 0; r < REPLICATES; r++) {
      for (let k = 0; k < n; k++) {
        const at = r * n + nextInt(rng, 0, n - 1);
        weights[at] = weights[at]! + 1;
      }
    }
    const starts = { kind: 'sobol', count: 16 } as const;
    const cpu = await fitBatch(law, ds, { starts, weightSets: weights, engine: poolEngine() });
    const engine = webgpuEngine({ sources: nodeShaderSources(), ...(gpu.ctx !== undefined ? { context: gpu.ctx } : {}) });
    const g = await fitBatch(law, ds, { starts, weightSets: weights, engine });
    let after = 0;
    let notWorse = 0;
    let before = 0;
    let worst = 0;
    let gpuLower = 0;
    const cpuStatus: Record<number, number> = {};
    for (let r = 0; r < REPLICATES; r++) {
      const c = cpu.cost[cpu.best[r]!]!;
      const gp = g.cost[g.best[r]!]!;
      const rel = Math.abs(gp / c - 1);
      worst = Math.max(worst, rel);
      if (gp <= c * (1 + 1e-6)) notWorse++;
      if (rel <= 1e-6) after++;
      else {
        if (gp < c) gpuLower++;
        const st = cpu.status[cpu.best[r]!]!;
        cpuStatus[st] = (cpuStatus[st] ?? 0) + 1;
      }
      const f32 = g.polish![r]!.costBefore;
      if (Math.abs(f32 / c - 1) <= 1e-4) before++;
    }
    console.log(`bootstrap parity: ${notWorse}/${REPLICATES} not worse than float64 by 1e-6 after the polish (${after} within 1e-6 both ways), ${before}/${REPLICATES} within 1e-4 before; worst ${worst.toExponential(2)}; of the others the GPU path is lower in ${gpuLower}; float64 statuses there ${JSON.stringify(cpuStatus)}`);
    expect(after / REPLICATES).toBeGreaterThanOrEqual(0.995);
    expect(notWorse / REPLICATES).toBeGreaterThanOrEqual(0.995);
    expect(before / REPLICATES).toBeGreaterThanOrEqual(0.995);
  }, 600_000);
});
