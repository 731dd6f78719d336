/**
 * WebGPU engine throughput against the float64 engine on the same batch, in one run (ratios,
 * not single timings: the machines are noisy). Chinchilla on the Epoch data from Sobol starts.
 * Run: node --import tsx bench/gpu-lm.ts [--starts 4500] [--loss huber:1e-3|linear]
 */
import { resolve } from 'node:path';
import { loadDataset } from '../src/data/index.js';
import { compileLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { fitBatch } from '../src/fit/fit.js';
import { poolEngine } from '../src/fit/cpu/pool.js';
import { parseLoss } from '../src/fit/losses.js';
import { webgpuEngine } from '../src/gpu/engine.js';
import { nodeShaderSources } from '../src/gpu/shaders-node.js';
import { releaseGpu } from '../src/gpu/device.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const count = Number(arg('--starts', '4500'));
const loss = parseLoss(arg('--loss', 'huber:1e-3'))!;
const law = compileLaw(findLaw('chinchilla'));
const ds = await loadDataset(
  resolve(import.meta.dirname, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv'),
  { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' },
  law.inputNames,
);
const starts = { kind: 'sobol', count } as const;
const rows: string[] = [];
// Warm-up: pipeline compilation (seconds on lavapipe when its shader cache is cold) is paid once
// per law and process, and timed on its own.
const gpuEngine = webgpuEngine({ sources: nodeShaderSources() });
const tc = performance.now();
await fitBatch(law, ds, { starts: { kind: 'sobol', count: 1 }, engine: gpuEngine, lm: { loss } });
console.log(`webgpu warm-up (pipeline compile + 1 fit): ${((performance.now() - tc) / 1000).toFixed(2)} s on ${gpuEngine.describe()}`);
let cpuRate = 0;
for (const [name, engine] of [
  ['cpu (2 threads, f64)', poolEngine()],
  ['webgpu (f32)', gpuEngine],
] as const) {
  const t0 = performance.now();
  const r = await fitBatch(law, ds, { starts, engine, lm: { loss } });
  const s = (performance.now() - t0) / 1000;
  const its = r.iterations.reduce((a, b) => a + b, 0);
  const rate = count / s;
  if (cpuRate === 0) cpuRate = rate;
  rows.push(
    `| ${name} | ${count} | ${s.toFixed(2)} | ${rate.toFixed(0)} | ${((its * ds.n) / s / 1e6).toFixed(1)} | ${(rate / cpuRate).toFixed(2)} | ${r.cost[r.best[0]!]!.toExponential(6)} |`,
  );
}
console.log(`chinchilla/epoch, ${loss.kind}, ${count} Sobol starts, ${ds.n} points`);
console.log('| engine | fits | seconds | fits/s | M point-iterations/s | ratio to cpu | best cost (engine precision) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
await releaseGpu();
