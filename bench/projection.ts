/**
 * Variable projection against the full LM (`npm run bench:projection`), float64, one thread.
 *
 * 1. Approach 3 on the 5 experiments vpnls publishes (Open-Athena/vpnls README; SOURCE.md of
 *    ../shared/data/isoflops): L = E + A/N^alpha + B/D^beta, N in millions, D in billions, linear
 *    residuals, Huber 1e-3, all rows, positive E, A, B. Starts: an 8 x 8 grid over (alpha, beta)
 *    in [0.05, 1] (E = A = B = 1; projection solves them), the same 64 starts for both solvers.
 *    Reported: mean Huber objective (x 1e6) against vpnls's figure, share of starts reaching the
 *    best, and the fitting time (fitLaw's elapsed time: data preparation, all starts, statistics).
 * 2. The built-in laws projection applies to, on data drawn from each law (1 % noise, 60 points,
 *    seed 7) and on the Epoch Chinchilla runs with `chinchilla` refitted in linear space: default
 *    starts, default loss and Huber 1e-3. Reported: best objective, share reaching the best, fits/s.
 *
 * Writes bench/results/projection.md. Run: npm run bench:projection
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { datasetFromText } from '../src/data/index.js';
import type { Dataset } from '../src/data/dataset.js';
import { compileLaw, type CompiledLaw } from '../src/law/compile.js';
import { formulaDeclaration } from '../src/cli/law-flags.js';
import { BUILTIN_LAWS } from '../src/laws/index.js';
import { fitLaw, resolveLoss } from '../src/fit/fit.js';
import { projectionDecision } from '../src/fit/cpu/projected.js';
import { resolveLmOptions } from '../src/fit/options.js';
import { makeStarts } from '../src/fit/starts.js';
import { singleThreadEngine } from '../src/fit/engine.js';
import type { LossSpec } from '../src/fit/losses.js';
import type { StartSpec } from '../src/fit/starts.js';
import { createRng, nextDouble, nextNormal } from '../src/util/rng.js';

const here = import.meta.dirname;
const isoflops = readFileSync(resolve(here, '../../shared/data/isoflops/isoflops.csv'));
const HUBER: LossSpec = { kind: 'huber', delta: 1e-3 };
const out: string[] = [];
const log = (s: string): void => {
  console.log(s);
  out.push(s);
};

async function run(law: CompiledLaw, ds: Dataset, starts: StartSpec, loss: LossSpec | undefined, projection: 'auto' | 'on' | 'off') {
  const lm = { projection, ...(loss !== undefined ? { loss } : {}) };
  const t0 = performance.now();
  const fit = await fitLaw(law, ds, { starts, lm, engine: singleThreadEngine });
  const ms = performance.now() - t0;
  return { objective: fit.statistics.objective, share: fit.starts.shareReachedBest, count: fit.starts.count, ms, fit };
}

// ---- 1. vpnls's experiments ------------------------------------------------------------------------
const VPNLS: Array<[string, string, number, number]> = [
  ['ml_scalefit__massivetext__chinchilla', 'ml_scalefit chinchilla', 13.1, 0.106],
  ['llama_3__raw_loss', 'llama 3 (raw_loss)', 2.3, 0.117],
  ['marin_202603__comma__llama_2', 'marin comma', 22.9, 0.074],
  ['marin_202603__dclm__llama_2', 'marin dclm', 22.9, 0.076],
  ['marin_202603__nemotron__llama_2', 'marin nemotron', 22.6, 0.079],
];
const chin = compileLaw(formulaDeclaration('E + A/N^alpha + B/D^beta', ['N', 'D'], 'linear', ['A', 'B', 'E']));
const axis = Array.from({ length: 8 }, (_, k) => 0.05 + (k * 0.95) / 7);
const grid: StartSpec = { kind: 'grid', axes: { alpha: axis, beta: axis, E: [1], A: [1], B: [1] } };
log('## Approach 3 on the vpnls experiments (E + A/N^alpha + B/D^beta, N/1e6, D/1e9, Huber 1e-3, all rows)');
log('');
log('64 starts (8 x 8 grid over alpha, beta in [0.05, 1]; E = A = B = 1), float64, one thread. Mean Huber x 1e6.');
log('');
log('| experiment | n | vpnls | projection | full LM | share best (proj / full) | time proj | time full | vpnls time |');
log('|---|---|---|---|---|---|---|---|---|');
for (const [e, label, vp, vt] of VPNLS) {
  const ds = await datasetFromText(isoflops, 'isoflops.csv', 'csv', { inputs: { N: 'params/1e6', D: 'tokens/1e9' }, target: 'loss', where: `experiment == '${e}'` }, ['N', 'D']);
  await run(chin, ds, grid, HUBER, 'on'); // warm the generated kernels once
  const on = await run(chin, ds, grid, HUBER, 'on');
  const off = await run(chin, ds, grid, HUBER, 'off');
  const m = (o: number) => ((o / ds.n) * 1e6).toFixed(3);
  log(`| ${label} | ${ds.n} | ${vp} | ${m(on.objective)} | ${m(off.objective)} | ${(on.share * 100).toFixed(0)} % / ${(off.share * 100).toFixed(0)} % | ${(on.ms / 1000).toFixed(3)} s | ${(off.ms / 1000).toFixed(3)} s | ${vt} s |`);
}

log('');
log('The same experiments from 512 Sobol starts over the default ranges (alpha, beta in [-1, 1], E, A, B log-uniform in [1e-3, 1e3]), as a new user runs it:');
log('');
log('| experiment | projection | full LM | share best (proj / full) | time proj | time full |');
log('|---|---|---|---|---|---|');
for (const [e, label] of VPNLS) {
  const ds = await datasetFromText(isoflops, 'isoflops.csv', 'csv', { inputs: { N: 'params/1e6', D: 'tokens/1e9' }, target: 'loss', where: `experiment == '${e}'` }, ['N', 'D']);
  const sob: StartSpec = { kind: 'sobol', count: 512 };
  const on = await run(chin, ds, sob, HUBER, 'on');
  const off = await run(chin, ds, sob, HUBER, 'off');
  const m = (o: number) => ((o / ds.n) * 1e6).toFixed(3);
  log(`| ${label} | ${m(on.objective)} | ${m(off.objective)} | ${(on.share * 100).toFixed(0)} % / ${(off.share * 100).toFixed(0)} % | ${(on.ms / 1000).toFixed(3)} s | ${(off.ms / 1000).toFixed(3)} s |`);
}

// ---- 2. built-in laws ---------------------------------------------------------------------------
function synthetic(name: string, truth: Record<string, number>, inputs: Record<string, [number, number]>): { law: CompiledLaw; ds: Dataset } {
  const law = compileLaw(BUILTIN_LAWS.find((l) => l.name === name)!);
  const rng = createRng(7);
  const n = 60;
  const names = law.inputNames;
  const raw = new Float64Array(n * names.length);
  for (let i = 0; i < n; i++) names.forEach((nm, k) => (raw[i * names.length + k] = inputs[nm]![0] * Math.pow(inputs[nm]![1] / inputs[nm]![0], nextDouble(rng))));
  const X = law.js.features(raw, names.length, n);
  const u = Float64Array.from(law.free, (f) => (f.transform.kind === 'log' ? Math.log(truth[f.name]!) : truth[f.name]!));
  const y = Float64Array.from({ length: n }, (_, i) => law.js.prediction(u, X, i * law.js.nFeatures) * (1 + 0.01 * nextNormal(rng)));
  return { law, ds: { source: `synthetic:${name}`, inputNames: names, inputExpressions: names, targetExpression: 'y', n, inputs: raw, y, rowNumbers: Int32Array.from({ length: n }, (_, i) => i + 2) } };
}
const cases: Array<{ law: CompiledLaw; ds: Dataset; label: string }> = [
  { ...synthetic('power', { E: 1.7, A: 400, alpha: 0.3 }, { x: [1e6, 1e10] }), label: 'power (synthetic)' },
  { ...synthetic('overtrain', { a: 500, b: -0.2, c: 900, E: 1.9 }, { N: [1e7, 1e10], M: [5, 300] }), label: 'overtrain (synthetic)' },
  { ...synthetic('downstream-exp', { epsilon: 0.9, k: 40, gamma: 1.5 }, { L: [2, 5] }), label: 'downstream-exp (synthetic)' },
  { ...synthetic('downstream-sigmoid', { a: 0.7, k: -3, L0: 3, b: 0.25 }, { L: [2, 5] }), label: 'downstream-sigmoid (synthetic)' },
  { ...synthetic('vit', { E: 0.1, A: 5, C0: 1, alpha: 0.4 }, { C: [0.1, 1e4] }), label: 'vit (synthetic)' },
];
{
  const law = compileLaw(BUILTIN_LAWS.find((l) => l.name === 'chinchilla')!, { space: 'linear' });
  const ds = await datasetFromText(
    readFileSync(resolve(here, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv')),
    'chinchilla_epoch_245.csv',
    'csv',
    { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' },
    ['N', 'D'],
  );
  cases.push({ law, ds, label: 'chinchilla, --space linear (Epoch, 240 runs)' });
}
log('');
log('## Built-in laws: projection against the full LM from the same starts (default starts, float64, one thread)');
log('');
log('| law | loss | starts | projected | objective proj | objective full | share best (proj / full) | fits/s proj | fits/s full | auto picks |');
log('|---|---|---|---|---|---|---|---|---|---|');
for (const c of cases) {
  for (const loss of [undefined, HUBER]) {
    await run(c.law, c.ds, { kind: 'default' }, loss, 'on');
    const on = await run(c.law, c.ds, { kind: 'default' }, loss, 'on');
    const auto = projectionDecision(c.law, resolveLmOptions({ loss: loss ?? resolveLoss(c.law, undefined) }), makeStarts(c.law, { kind: 'default' }).u, on.count) ? 'on' : 'off';
    const off = await run(c.law, c.ds, { kind: 'default' }, loss, 'off');
    const proj = on.fit.projected.join(', ');
    log(
      `| ${c.label} | ${loss === undefined ? on.fit.loss.kind : 'huber:1e-3'} | ${on.count} | ${proj} | ${on.objective.toPrecision(10)} | ${off.objective.toPrecision(10)} | ${(on.share * 100).toFixed(1)} % / ${(off.share * 100).toFixed(1)} % | ${Math.round(on.count / (on.ms / 1000))} | ${Math.round(off.count / (off.ms / 1000))} | ${auto} |`,
    );
  }
}
mkdirSync(resolve(here, 'results'), { recursive: true });
writeFileSync(resolve(here, 'results/projection.md'), `# Variable projection (bench/projection.ts)\n\n${new Date().toISOString().slice(0, 10)}, float64 CPU engine, one thread, on this (shared, 2-core) machine.\n\n${out.join('\n')}\n`);
