/**
 * Test page: the WebGPU engine through navigator.gpu, against the float64 engine, on the same
 * batch (the synthetic Chinchilla ladder, 64 Sobol starts). The result is left on window for
 * test/browser/engine.test.ts to read.
 */
import { compileLaw } from '../../../src/law/compile.js';
import { findLaw } from '../../../src/laws/index.js';
import { fitBatch } from '../../../src/fit/fit.js';
import { singleThreadEngine } from '../../../src/fit/engine.js';
import { webgpuEngine } from '../../../src/gpu/engine.js';
import { chinchillaLadder } from '../../../src/examples/chinchilla-ladder.js';
import lmThread from '../../../shaders/lm_thread.wgsl?raw';
import lmGroup from '../../../shaders/lm_group.wgsl?raw';

export interface BrowserRunResult {
  hasNavigatorGpu: boolean;
  device?: string;
  gpuBest?: number;
  cpuBest?: number;
  f32Best?: number;
  warnings: string[];
  error?: string;
}

async function run(): Promise<BrowserRunResult> {
  const warnings: string[] = [];
  const law = compileLaw(findLaw('chinchilla'));
  const ds = chinchillaLadder();
  const starts = { kind: 'sobol', count: 64 } as const;
  const engine = webgpuEngine({ sources: { lmThread, lmGroup }, fallback: singleThreadEngine, warn: (m) => warnings.push(m) });
  const device = await engine.device();
  const g = await fitBatch(law, ds, { starts, engine });
  const c = await fitBatch(law, ds, { starts, engine: singleThreadEngine });
  return {
    hasNavigatorGpu: 'gpu' in navigator,
    ...(device !== undefined ? { device } : {}),
    gpuBest: g.cost[g.best[0]!]!,
    cpuBest: c.cost[c.best[0]!]!,
    ...(g.polish?.[0] !== undefined ? { f32Best: g.polish[0].costBefore } : {}),
    warnings,
  };
}

const done = run().catch((e: unknown): BrowserRunResult => ({ hasNavigatorGpu: 'gpu' in navigator, warnings: [], error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
(window as unknown as { __lawfit: Promise<BrowserRunResult> }).__lawfit = done;
void done.then((r) => {
  document.getElementById('status')!.textContent = JSON.stringify(r);
});
