/**
 * The NIST StRD suite through the GPU path: each official start is fitted by the WebGPU engine in
 * f32, and the result is finished by the float64 polish, as every reported fit is. The bar is the
 * float64 engine's: >= 6 digits in at least 50 of 54 runs, >= 4 digits in all 54.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { compileLaw, naturalFromInternal } from '../../src/law/compile.js';
import { fitLaw } from '../../src/fit/fit.js';
import { statusInfo } from '../../src/fit/status.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { formatNistTable, loadNistSuite, lre, NIST_LAWS, NIST_LM_OPTIONS, nistDataset, summarise, type NistRun } from '../support/nist.js';
import { gpuOrSkip } from '../support/gpu.js';

const gpu = await gpuOrSkip();
const suite = gpu.ctx === undefined ? describe.skip : describe;
afterAll(releaseGpu);

suite('NIST StRD through the GPU path plus the float64 polish', () => {
  test('>= 6 digits in at least 50 of 54 runs, >= 4 in all', async () => {
    const engine = webgpuEngine({ sources: nodeShaderSources(), ...(gpu.ctx !== undefined ? { context: gpu.ctx } : {}) });
    const runs: NistRun[] = [];
    for (const problem of loadNistSuite()) {
      const law = compileLaw(NIST_LAWS[problem.name]!);
      for (const [k, start] of [problem.start1, problem.start2].entries()) {
        const fit = await fitLaw(law, nistDataset(problem), { engine, starts: { kind: 'points', points: [start] }, lm: NIST_LM_OPTIONS });
        const estimate = Array.from(naturalFromInternal(law, fit.bestInternal));
        const lres = estimate.map((v, j) => lre(v, problem.certified[j]!));
        runs.push({
          problem: problem.name,
          start: (k + 1) as 1 | 2,
          estimate,
          lre: lres,
          minLre: Math.min(...lres),
          status: statusInfo(fit.status.code).name,
          iterations: fit.iterations,
          rss: fit.statistics.ssr,
          certifiedRss: problem.certifiedRss,
        });
      }
    }
    console.log(formatNistTable('NIST StRD through WebGPU (f32) + float64 polish', runs));
    const s = summarise(runs);
    expect(s.atLeast4).toBe(54);
    expect(s.atLeast6).toBeGreaterThanOrEqual(50);
  }, 600_000);
});
