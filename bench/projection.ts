/**
 * Variable projection against the full LM (`npm run bench:projection`), float64, one thread.
 *
 * 1. Approach 3 on the 5 experiments vpnls publishes (Open-Athena/vpnls README; SOURCE.md of
 *    ../shared/data/isoflops): L = E + A/N^alpha + B/D^beta, N in millions, D in billions, linear
 *    residuals, Huber 1e-3, all rows, positive E, A, B. Starts: an 8 x 8 grid over (alpha, beta)
 *    in [0.05, 1] (E = A = B = 1; projection solves them), the same 64 starts for both solvers.
 *    Reported: mean Huber objective (x 1e6) against vpnls's figure, share of starts reaching the
 *    best, and the fitting time (fitLaw's elapsed time: data preparation, all starts, statistics).
 *    Then the objective checked for a better optimum: a 32 x 32 grid over (alpha, beta) in
 *    [0.02, 2] in both modes, and lawfit-independent, the profile objective P(alpha, beta) (E, A, B
 *    solved exactly, bench/huber-profile.ts) on a 0.02 grid over [0.02, 2]^2, on vpnls's own 0.01
 *    grid near its best node, and on a 0.0005 grid near that (the continuous optimum to ~1e-9).
 *    And the command line: `lawfit fit` as a user types it, one process per experiment, timed over
 *    R interleaved rounds (median), against `node -e 0` (Node's own start-up) and vpnls's times.
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
import { execFileSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { profileAt, profileGrid } from './huber-profile.js';

const here = import.meta.dirname;
/** SECTIONS=cli (or a comma list of grid, sobol, optimum, cli, laws) runs only those (written to results/projection.SECTIONS.md); default all. */
const SECTIONS = new Set((process.env.SECTIONS ?? 'grid,sobol,optimum,cli,laws').split(','));
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
if (SECTIONS.has('grid')) {
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
}

if (SECTIONS.has('sobol')) {
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
}

// ---- 1b. is there a better optimum? ---------------------------------------------------------------
const wide = Array.from({ length: 32 }, (_, k) => 0.02 + (k * 1.98) / 31);
const dense: StartSpec = { kind: 'grid', axes: { alpha: wide, beta: wide, E: [1], A: [1], B: [1] } };
const mean = (o: number, n: number): string => ((o / n) * 1e6).toFixed(4);
if (SECTIONS.has('optimum')) {
  log('');
  log('### A better optimum? Denser starts, both modes, and a global check independent of lawfit');
  log('');
  log("Mean Huber x 1e6. P(alpha, beta) is the profile objective (E, A, B >= 0 solved exactly at each node by majorize-minimize + NNLS, bench/huber-profile.ts): its minimum on a 0.02 grid over [0.02, 2]^2 (global), on vpnls's 0.01 grid near that node (what vpnls's protocol reaches with an exact inner solve), and on a 0.0005 grid near that (the continuous optimum). vpnls's published figures have 3 digits; at vpnls's published chinchilla point (alpha 0.36, beta 0.40, E 1.8608, A 4.1479, B 1.0546) the objective is computed here.");
  log('');
  log('| experiment | vpnls published | P at vpnls point | P, 0.02 grid (global) | P, 0.01 grid (vpnls protocol) | P, 0.0005 grid | lawfit 32x32 proj | lawfit 32x32 full | lawfit <= vpnls protocol? |');
  log('|---|---|---|---|---|---|---|---|---|');
  for (const [e, label, vp] of VPNLS) {
    const ds = await datasetFromText(isoflops, 'isoflops.csv', 'csv', { inputs: { N: 'params/1e6', D: 'tokens/1e9' }, target: 'loss', where: `experiment == '${e}'` }, ['N', 'D']);
    const N = Float64Array.from({ length: ds.n }, (_, i) => ds.inputs[2 * i]!);
    const D = Float64Array.from({ length: ds.n }, (_, i) => ds.inputs[2 * i + 1]!);
    const coarse = profileGrid(N, D, ds.y, 1e-3, [0.02, 2], [0.02, 2], 0.02, 1e-9);
    const around = (c: number, r: number, step: number): [number, number] => [Math.max(step, Math.round((c - r) / step) * step), Math.round((c + r) / step) * step];
    const g01 = profileGrid(N, D, ds.y, 1e-3, around(coarse.alpha, 0.05, 0.01), around(coarse.beta, 0.05, 0.01), 0.01);
    const fine = profileGrid(N, D, ds.y, 1e-3, around(g01.alpha, 0.01, 0.0005), around(g01.beta, 0.01, 0.0005), 0.0005);
    let atVpnls = '';
    if (e === 'ml_scalefit__massivetext__chinchilla') {
      let c = 0;
      for (let i = 0; i < ds.n; i++) {
        const r = ds.y[i]! - 1.8608 - 4.1479 * Math.pow(N[i]!, -0.36) - 1.0546 * Math.pow(D[i]!, -0.4);
        c += Math.abs(r) <= 1e-3 ? 0.5 * r * r : 1e-3 * (Math.abs(r) - 0.5e-3);
      }
      atVpnls = `${mean(c, ds.n)} (exact E, A, B there: ${mean(profileAt(N, D, ds.y, 0.36, 0.4, 1e-3).cost, ds.n)})`;
    }
    const on = await run(chin, ds, dense, HUBER, 'on');
    const off = await run(chin, ds, dense, HUBER, 'off');
    const best = Math.min(on.objective, off.objective);
    // vpnls publishes 3 digits; its protocol with an exact inner solve is the 0.01 grid's minimum,
    // which rounds to the published figure where the two agree.
    const rounds = (g01.cost / ds.n) * 1e6 >= vp - 0.05 && (g01.cost / ds.n) * 1e6 < vp + 0.05 ? `, which rounds to the published ${vp}` : ` (published ${vp})`;
    const verdict = `${best <= g01.cost ? 'yes' : 'no'}: ${mean(best, ds.n)} vs ${mean(g01.cost, ds.n)}${rounds}`;
    log(
      `| ${label} | ${vp} | ${atVpnls || 'not published'} | ${mean(coarse.cost, ds.n)} at (${coarse.alpha}, ${coarse.beta}) | ${mean(g01.cost, ds.n)} at (${g01.alpha}, ${g01.beta}) | ${mean(fine.cost, ds.n)} at (${fine.alpha}, ${fine.beta}) | ${mean(on.objective, ds.n)} (${(on.share * 100).toFixed(0)} % best) | ${mean(off.objective, ds.n)} (${(off.share * 100).toFixed(0)} % best) | ${verdict} |`,
    );
  }
}

// ---- 1c. from the command line -----------------------------------------------------------------
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const repo = resolve(here, '..');
const bins: Array<[string, string]> = [
  ['lawfit (bin: esbuild bundle, dist/bin)', resolve(repo, 'dist/bin/lawfit.js')],
  ['lawfit (tsc modules, dist/cli)', resolve(repo, 'dist/cli/main.js')],
];
// An older build to compare against, e.g. the commit before the start-up work (LAWFIT_BASELINE=path/to/dist/cli/main.js),
// named in the table by LAWFIT_BASELINE_LABEL (say which commit it is).
if (process.env.LAWFIT_BASELINE !== undefined) bins.push([process.env.LAWFIT_BASELINE_LABEL ?? 'baseline (LAWFIT_BASELINE)', resolve(process.env.LAWFIT_BASELINE)]);
const fitArgs = (e: string, projection: string): string[] => [
  'fit', resolve(here, '../../shared/data/isoflops/isoflops.csv'), '--formula', 'E + A/N^alpha + B/D^beta', '--positive', 'A,B,E', '--space', 'linear',
  '--x', 'N=params/1e6,D=tokens/1e9', '--y', 'loss', '--where', `experiment == '${e}'`, '--loss', 'huber:1e-3',
  '--grid', 'alpha=lin:0.05:1:8', '--grid', 'beta=lin:0.05:1:8', '--grid', 'E=1', '--grid', 'A=1', '--grid', 'B=1', '--threads', '1', '--projection', projection, '--quiet',
];
const wall = (args: string[]): number => {
  const t0 = performance.now();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return performance.now() - t0;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
if (SECTIONS.has('cli')) {
  log('');
  log(`### From the command line: one \`lawfit fit\` process per experiment (wall time, median of ${ROUNDS} interleaved rounds; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the start)`);
  log('');
  log("`lawfit fit isoflops.csv --formula 'E + A/N^alpha + B/D^beta' --positive A,B,E --space linear --x N=params/1e6,D=tokens/1e9 --y loss --where \"experiment == '...'\" --loss huber:1e-3 --grid alpha=lin:0.05:1:8 --grid beta=lin:0.05:1:8 --grid E=1 --grid A=1 --grid B=1 --threads 1 --quiet`, the objective from its `--out` artifact. vpnls's times are its README's, measured on its authors' machine, and are the fit call inside a running Python (no interpreter start-up); `node -e 0` is the floor any Node command line pays here.");
  log('');
  const heads = bins.map(([l]) => l);
  log(`| experiment | lawfit objective (auto) | vpnls objective | ${heads.join(' | ')} | lawfit --projection on | node -e 0 | bin − node -e 0 | vpnls time | bin / vpnls |`);
  log(`|---|---|---|${heads.map(() => '---|').join('')}---|---|---|---|---|`);
  const outFile = resolve(tmpdir(), `lawfit-bench-projection-${process.pid}.json`);
  for (const [e, label, vp, vt] of VPNLS) {
    execFileSync(process.execPath, [bins[0]![1], ...fitArgs(e, 'auto'), '--out', outFile], { stdio: 'ignore' });
    const art = JSON.parse(readFileSync(outFile, 'utf8')) as { summary: { statistics: { objective: number }; data: { n: number } } };
    const times = bins.map(() => [] as number[]);
    const onTimes: number[] = [];
    const nodeTimes: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      nodeTimes.push(wall(['-e', '0']));
      bins.forEach(([, bin], k) => times[k]!.push(wall([bin, ...fitArgs(e, 'auto')])));
      onTimes.push(wall([bins[0]![1], ...fitArgs(e, 'on')]));
    }
    const s = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
    const bin = median(times[0]!);
    log(`| ${label} | ${mean(art.summary.statistics.objective, art.summary.data.n)} | ${vp} | ${times.map((t) => s(median(t))).join(' | ')} | ${s(median(onTimes))} | ${s(median(nodeTimes))} | ${s(bin - median(nodeTimes))} | ${vt} s | ${(bin / 1000 / vt).toFixed(2)} |`);
  }
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
if (SECTIONS.has('laws')) {
  log('');
  log('## Built-in laws: projection against the full LM from the same starts (default starts, float64, one thread)');
  log('');
  log('| law | loss | starts | projected | objective proj | objective full | share best (proj / full) | fits/s proj | fits/s full | auto picks | faster here |');
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    for (const loss of [undefined, HUBER]) {
      await run(c.law, c.ds, { kind: 'default' }, loss, 'on');
      const on = await run(c.law, c.ds, { kind: 'default' }, loss, 'on');
      const auto = projectionDecision(c.law, resolveLmOptions({ loss: loss ?? resolveLoss(c.law, undefined) }), makeStarts(c.law, { kind: 'default' }).u, on.count) ? 'on' : 'off';
      const off = await run(c.law, c.ds, { kind: 'default' }, loss, 'off');
      const proj = on.fit.projected.join(', ');
      log(
        `| ${c.label} | ${loss === undefined ? on.fit.loss.kind : 'huber:1e-3'} | ${on.count} | ${proj} | ${on.objective.toPrecision(10)} | ${off.objective.toPrecision(10)} | ${(on.share * 100).toFixed(1)} % / ${(off.share * 100).toFixed(1)} % | ${Math.round(on.count / (on.ms / 1000))} | ${Math.round(off.count / (off.ms / 1000))} | ${auto} | ${on.ms < off.ms ? 'on' : 'off'} |`,
      );
    }
  }
}

// A whole run writes results/projection.md; a partial one (SECTIONS) results/projection.SECTIONS.md beside it.
const resultName = process.env.SECTIONS === undefined ? 'projection.md' : `projection.${[...SECTIONS].join('-')}.md`;
mkdirSync(resolve(here, 'results'), { recursive: true });
writeFileSync(resolve(here, 'results', resultName), `# Variable projection (bench/projection.ts${process.env.SECTIONS !== undefined ? `, SECTIONS=${process.env.SECTIONS}` : ''})\n\n${new Date().toISOString().slice(0, 10)}, float64 CPU engine, one thread, on this (shared, 2-core) machine.\n\n${out.join('\n')}\n`);
