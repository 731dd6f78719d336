/**
 * GPU against float64 on a grouped law (law/groups.ts): Chinchilla with E and A per group over
 * 10 synthetic groups (P = 23; known truth, src/examples/grouped-ladder.ts). The same starts
 * reach the float64 optimum from f32 alone within 1e-4 and within 1e-6 after the polish, and the
 * fit recovers the shared exponents. Also: the workgroup kernel states its parameter limit.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { perGroup } from '../../src/law/groups.js';
import { fitLaw } from '../../src/fit/fit.js';
import { groupedLadder } from '../../src/examples/grouped-ladder.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { groupKernelWorkgroupBytes } from '../../src/gpu/layout.js';
import { gpuOrSkip } from '../support/gpu.js';

const gpu = await gpuOrSkip();
const suite = gpu.ctx === undefined ? describe.skip : describe;
if (gpu.skipReason !== undefined) console.warn(`GPU tests skipped (not in CI): ${gpu.skipReason}`);
afterAll(releaseGpu);

suite(`grouped law on ${gpu.ctx?.description ?? 'no adapter'}`, () => {
  test('10 groups x (E, A) + 3 shared: GPU reaches the float64 optimum and the truth', async () => {
    const lad = groupedLadder({ groups: 10, seed: 3, noise: 0.002 });
    const { law, dataset } = perGroup(compileLaw(findLaw('chinchilla')), lad.dataset, { column: 'group', params: ['E', 'A'] });
    expect(law.free.length).toBe(23);
    const starts = { kind: 'sobol', count: 16 } as const;
    const cpu = await fitLaw(law, dataset, { starts });
    const engine = webgpuEngine({ sources: nodeShaderSources(), context: gpu.ctx! });
    const g = await fitLaw(law, dataset, { starts, engine });
    const polish = g.polish!;
    console.log(`grouped P=23: cpu ${cpu.statistics.objective}, gpu f32 ${polish.costBefore} -> ${g.statistics.objective}; ${g.engine}`);
    expect(Math.abs(polish.costBefore / cpu.statistics.objective - 1)).toBeLessThan(1e-4);
    expect(Math.abs(g.statistics.objective / cpu.statistics.objective - 1)).toBeLessThan(1e-6);
    for (const q of g.params) {
      const c = cpu.params.find((p) => p.name === q.name)!;
      expect(Math.abs(q.value / c.value - 1), q.name).toBeLessThan(1e-3);
    }
    for (const name of ['alpha', 'beta']) expect(Math.abs(g.params.find((q) => q.name === name)!.value / lad.truth[name]! - 1), name).toBeLessThan(0.05);
    for (const lv of lad.levels) expect(Math.abs(g.params.find((q) => q.name === `E[${lv}]`)!.value / lad.truth[`E[${lv}]`]! - 1), lv).toBeLessThan(0.02);
  }, 600_000);

  test("the workgroup kernel's memory limit is stated, not hit: P = 23 is refused with a clear error", async () => {
    const lad = groupedLadder({ groups: 10 });
    const { law, dataset } = perGroup(compileLaw(findLaw('chinchilla')), lad.dataset, { column: 'group', params: ['E', 'A'] });
    const have = gpu.ctx!.device.limits.maxComputeWorkgroupStorageSize;
    expect(groupKernelWorkgroupBytes(23, 64)).toBeGreaterThan(have);
    const engine = webgpuEngine({ sources: nodeShaderSources(), context: gpu.ctx!, variant: 'group' });
    await expect(fitLaw(law, dataset, { starts: { kind: 'sobol', count: 2 }, engine })).rejects.toThrow(/the workgroup kernel needs \d+ bytes of workgroup memory for 23 free parameters/);
  }, 120_000);
});
