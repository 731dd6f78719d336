/**
 * Grouped laws (law/groups.ts): Chinchilla with E and A per group and alpha, B, beta shared, on the
 * synthetic grouped ladder (12 runs per group, src/examples/grouped-ladder.ts), G = 2, 10, 20
 * (P = 7, 23, 43). Times the float64 single-thread engine and the WebGPU engine (thread kernel; f32
 * then the float64 polish) from the same Sobol starts, and prints one markdown row per G with the
 * objectives' agreement. The float64 fit runs twice, side by side: with the normal-equations pass
 * in the unrolled layout (every P before the sparse layout, src/fit/cpu/kernel.ts) and in the
 * default layout for its P. Run: node --import tsx bench/grouped.ts [--starts 64] [--groups 2,10,20] [--no-gpu]
 */
import { compileLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { perGroup } from '../src/law/groups.js';
import { fitLaw } from '../src/fit/fit.js';
import { singleThreadEngine } from '../src/fit/engine.js';
import { groupedLadder } from '../src/examples/grouped-ladder.js';
import { webgpuEngine } from '../src/gpu/engine.js';
import { nodeShaderSources } from '../src/gpu/shaders-node.js';
import { acquireGpu, isGpuContext, releaseGpu } from '../src/gpu/device.js';
import { defaultKernelLayout, setKernelLayoutForBench } from '../src/fit/cpu/kernel.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const count = Number(arg('--starts', '64'));
const groups = arg('--groups', '2,10,20').split(',').map(Number);
const ctx = process.argv.includes('--no-gpu') ? undefined : await acquireGpu();
console.log(`| G | P | rows | starts | float64 1 thread, unrolled (s) | float64 1 thread, default layout (s) | unrolled / default | WebGPU ${ctx !== undefined && isGpuContext(ctx) ? ctx.description.slice(0, 30) : '(none)'} (s) | objective cpu | objective gpu (polished) | rel. diff |`);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const G of groups) {
  const lad = groupedLadder({ groups: G });
  const { law, dataset } = perGroup(compileLaw(findLaw('chinchilla')), lad.dataset, { column: 'group', params: ['E', 'A'] });
  const starts = { kind: 'sobol', count } as const;
  setKernelLayoutForBench('unrolled');
  const before = await fitLaw(law, dataset, { starts, engine: singleThreadEngine });
  setKernelLayoutForBench(undefined);
  const cpu = await fitLaw(law, dataset, { starts, engine: singleThreadEngine });
  if (before.statistics.objective !== cpu.statistics.objective) throw new Error(`layouts disagree at G = ${G}: ${before.statistics.objective} vs ${cpu.statistics.objective}`);
  let gpuCell = 'n/a';
  let gpuObj = NaN;
  if (ctx !== undefined && isGpuContext(ctx)) {
    const g = await fitLaw(law, dataset, { starts, engine: webgpuEngine({ sources: nodeShaderSources(), context: ctx }) });
    gpuCell = (g.elapsedMs / 1000).toFixed(2);
    gpuObj = g.statistics.objective;
  }
  const c = cpu.statistics.objective;
  console.log(`| ${G} | ${law.free.length} | ${dataset.n} | ${count} | ${(before.elapsedMs / 1000).toFixed(2)} | ${(cpu.elapsedMs / 1000).toFixed(2)} (${defaultKernelLayout(law.free.length)}) | ${(before.elapsedMs / cpu.elapsedMs).toFixed(2)} | ${gpuCell} | ${c.toExponential(6)} | ${gpuObj.toExponential(6)} | ${Math.abs(gpuObj / c - 1).toExponential(1)} |`);
}
if (ctx !== undefined) releaseGpu();
