/**
 * Variable projection on the WebGPU engine against the full LM on the same engine, side by side in
 * one run (`node --import tsx bench/projection-gpu.ts`; lavapipe here).
 *
 * 1. Chinchilla refitted in linear space (`chinchilla --space linear`) on the Epoch IsoFLOP runs
 *    (isoflops.csv, N/1e6, D/1e9), Huber 1e-3, from a dense 2-D grid over (alpha, beta) in
 *    [0.05, 1] with E = A = B = 1 (projection solves them; the full LM starts there).
 *    The same grid with least squares, and the law's own 4,500-start grid (25 distinct (alpha,
 *    beta) pairs: the projected kernel runs 25 problems, the full LM 4,500).
 * 2. Approach 3 on the 5 experiments vpnls publishes (bench/projection.ts, SOURCE.md), the same
 *    8 x 8 grid as bench/projection.ts and the dense grid.
 * Reported per row: the mean Huber objective after the float64 polish, the share of starts that
 * reach the best (within the f32 engines' reach tolerance), fitBatch's wall time (upload, every
 * start on the device, the float64 polish of the best 2) and fits/s = starts / that time. Each
 * law and mode first runs once, untimed, from a 4 x 4 grid, to compile its kernels.
 *
 * Writes bench/results/projection-gpu.md. DENSE=n sets the dense grid's side (default 32).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { datasetFromText } from '../src/data/index.js';
import type { Dataset } from '../src/data/dataset.js';
import { compileLaw, type CompiledLaw } from '../src/law/compile.js';
import { formulaDeclaration } from '../src/cli/law-flags.js';
import { findLaw } from '../src/laws/index.js';
import { fitBatch } from '../src/fit/fit.js';
import type { LossSpec } from '../src/fit/losses.js';
import type { StartSpec } from '../src/fit/starts.js';
import { webgpuEngine } from '../src/gpu/engine.js';
import { nodeShaderSources } from '../src/gpu/shaders-node.js';
import { acquireGpu, isGpuContext, releaseGpu } from '../src/gpu/device.js';

const here = import.meta.dirname;
const isoflops = readFileSync(resolve(here, '../../shared/data/isoflops/isoflops.csv'));
const HUBER: LossSpec = { kind: 'huber', delta: 1e-3 };
const DENSE = Number(process.env.DENSE ?? 32);
const out: string[] = [];
const log = (s: string): void => {
  console.log(s);
  out.push(s);
};

const ctx = await acquireGpu();
if (!isGpuContext(ctx)) throw new Error(`no WebGPU adapter: ${ctx.reason}`);
const kernels: string[] = [];
const engine = webgpuEngine({ sources: nodeShaderSources(), context: ctx, onKernel: (k) => kernels.push(k) });
await engine.device();

const axis = (k: number) => Array.from({ length: k }, (_, i) => 0.05 + (i * 0.95) / (k - 1));
const grid = (k: number): StartSpec => ({ kind: 'grid', axes: { alpha: axis(k), beta: axis(k), E: [1], A: [1], B: [1] } });

const warmed = new Set<string>();
async function run(law: CompiledLaw, ds: Dataset, starts: StartSpec, projection: 'on' | 'off', loss: LossSpec) {
  const opts = { starts, lm: { loss, projection }, engine };
  // The first run of a law and mode compiles its kernels (seconds on lavapipe): untimed.
  if (!warmed.has(`${law.name}|${projection}`)) await fitBatch(law, ds, { ...opts, starts: grid(4) });
  warmed.add(`${law.name}|${projection}`);
  kernels.length = 0;
  const t0 = performance.now();
  const b = await fitBatch(law, ds, opts);
  const ms = performance.now() - t0;
  return { objective: b.cost[b.best[0]!]!, share: b.shareReachedBest[0]!, count: b.nStarts, ms, kernel: kernels.join('+') };
}

async function row(label: string, law: CompiledLaw, ds: Dataset, starts: StartSpec, ref?: string, loss: LossSpec = HUBER) {
  const on = await run(law, ds, starts, 'on', loss);
  const off = await run(law, ds, starts, 'off', loss);
  const m = (o: number) => ((o / ds.n) * (loss.kind === 'linear' ? 1e3 : 1e6)).toFixed(3);
  const rate = (r: typeof on) => Math.round(r.count / (r.ms / 1000));
  log(
    `| ${label} | ${ds.n} | ${on.count} | ${ref ?? '-'} | ${m(on.objective)} | ${m(off.objective)} | ${(on.share * 100).toFixed(1)} % / ${(off.share * 100).toFixed(1)} % | ` +
      `${(on.ms / 1000).toFixed(2)} s / ${(off.ms / 1000).toFixed(2)} s | ${rate(on)} / ${rate(off)} | ${(off.ms / on.ms).toFixed(2)}x | ${on.kernel} / ${off.kernel} |`,
  );
}

const load = (law: CompiledLaw, e: string) => datasetFromText(isoflops, 'isoflops.csv', 'csv', { inputs: { N: 'params/1e6', D: 'tokens/1e9' }, target: 'loss', where: `experiment == '${e}'` }, law.inputNames);
const header = () => {
  log('| data | n | starts | vpnls | projected | full LM | share best (proj / full) | time (proj / full) | fits/s (proj / full) | full / proj time | kernels |');
  log('|---|---|---|---|---|---|---|---|---|---|---|');
};

const t0 = Date.now();
log('# Variable projection on the WebGPU engine (bench/projection-gpu.ts)');
log('');
log(`${new Date().toISOString().slice(0, 10)}, ${engine.describe()}; load average at start ${loadavg().map((x) => x.toFixed(1)).join(', ')}.`);
log('Mean Huber objective (x 1e6) after the float64 polish; share of starts within the reach tolerance of the best; fitBatch wall time.');
log('');
log(`## Chinchilla --space linear, Epoch IsoFLOP runs, Huber 1e-3, ${DENSE} x ${DENSE} grid over (alpha, beta)`);
log('');
header();
const chinLin = compileLaw(findLaw('chinchilla'), { space: 'linear' });
const epoch = await load(chinLin, 'epochai_chinchilla__massivetext__chinchilla');
await row('epoch chinchilla (built-in law, linear space)', chinLin, epoch, grid(DENSE));
log('');
log(`The same grid with least squares (mean squared residual / 2, x 1e3):`);
log('');
header();
await row('epoch chinchilla, least squares', chinLin, epoch, grid(DENSE), undefined, { kind: 'linear', delta: 1 });
log('');
log("The law's default start grid (Hoffmann's 4,500 starts hold 25 distinct (alpha, beta) pairs: the design `--projection auto` projects with a robust loss), Huber 1e-3:");
log('');
header();
await row('epoch chinchilla, default grid', chinLin, epoch, { kind: 'default' });

const VPNLS: Array<[string, string, number]> = [
  ['ml_scalefit__massivetext__chinchilla', 'ml_scalefit chinchilla', 13.1],
  ['llama_3__raw_loss', 'llama 3 (raw_loss)', 2.3],
  ['marin_202603__comma__llama_2', 'marin comma', 22.9],
  ['marin_202603__dclm__llama_2', 'marin dclm', 22.9],
  ['marin_202603__nemotron__llama_2', 'marin nemotron', 22.6],
];
const vp = compileLaw(formulaDeclaration('E + A/N^alpha + B/D^beta', ['N', 'D'], 'linear', ['A', 'B', 'E']));
for (const k of [8, DENSE]) {
  log('');
  log(`## Approach 3 on the vpnls experiments (E + A/N^alpha + B/D^beta, N/1e6, D/1e9, Huber 1e-3, all rows), ${k} x ${k} grid`);
  log('');
  header();
  for (const [e, label, ref] of VPNLS) await row(label, vp, await load(vp, e), grid(k), String(ref));
}
log('');
log(`Load average at the end ${loadavg().map((x) => x.toFixed(1)).join(', ')}; the run took ${((Date.now() - t0) / 1000).toFixed(0)} s.`);
releaseGpu();
mkdirSync(resolve(here, 'results'), { recursive: true });
writeFileSync(resolve(here, 'results/projection-gpu.md'), out.join('\n') + '\n');
