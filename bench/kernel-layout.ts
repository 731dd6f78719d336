/**
 * The float64 normal-equations pass in its two layouts (src/fit/cpu/kernel.ts: `unrolled` locals
 * vs `sparse` loops over the gradient row's non-zeros), side by side in one process:
 * - per pass: microseconds per normal-equations pass at a fixed point (best of 5 timed rounds);
 * - per fit: a full single-thread fit from the same Sobol starts with each layout forced, with its
 *   LM iterations and objective (they must agree: the layouts are bit-identical).
 * Workloads: Chinchilla (P = 5) on the Epoch data, and the synthetic grouped ladder
 * (src/examples/grouped-ladder.ts, E and A per group) at the given G (P = 3 + 2G).
 * Run: node --import tsx bench/kernel-layout.ts [--starts 64] [--groups 2,3,5,10,20] [--fits 1]
 */
import { resolve } from 'node:path';
import { loadDataset } from '../src/data/index.js';
import type { Dataset } from '../src/data/dataset.js';
import { compileLaw, type CompiledLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { perGroup } from '../src/law/groups.js';
import { fitLaw } from '../src/fit/fit.js';
import { singleThreadEngine } from '../src/fit/engine.js';
import { cpuKernels, defaultKernelLayout, setKernelLayoutForBench, type KernelLayout } from '../src/fit/cpu/kernel.js';
import { groupedLadder } from '../src/examples/grouped-ladder.js';
import { makeStarts } from '../src/fit/starts.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const count = Number(arg('--starts', '64'));
const groups = arg('--groups', '2,3,5,10,20').split(',').map(Number);
const doFits = arg('--fits', '1') !== '0';
const LAYOUTS: KernelLayout[] = ['unrolled', 'sparse'];

function passMicroseconds(law: CompiledLaw, ds: Dataset, layout: KernelLayout): number {
  const X = law.js.features(ds.inputs, ds.inputNames.length, ds.n);
  const yt = Float64Array.from(ds.y, (v) => Math.log(v));
  const w = new Float64Array(ds.n).fill(1);
  const p = law.free.length;
  const u = makeStarts(law, { kind: 'sobol', count: 1 }).u.slice(0, p);
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  const S = new Float64Array(2);
  const k = cpuKernels(law, 'huber', layout).normalEquations;
  let best = Infinity;
  // Rounds of at least 100 ms; round 0 warms up (and lets V8 optimise what it will).
  for (let round = 0; round < 6; round++) {
    const t0 = performance.now();
    let reps = 0;
    while (performance.now() - t0 < 100) {
      for (let r = 0; r < 10; r++) k(u, X, yt, w, 0, ds.n, 1e-3, A, b, S);
      reps += 10;
    }
    const us = ((performance.now() - t0) * 1000) / reps;
    if (round > 0) best = Math.min(best, us);
  }
  return best;
}

const workloads: Array<{ name: string; law: CompiledLaw; ds: Dataset }> = [];
const chin = compileLaw(findLaw('chinchilla'));
workloads.push({
  name: 'chinchilla / Epoch 240 runs',
  law: chin,
  ds: await loadDataset(resolve(import.meta.dirname, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv'), { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' }, chin.inputNames),
});
for (const G of groups) {
  const lad = groupedLadder({ groups: G });
  const { law, dataset } = perGroup(chin, lad.dataset, { column: 'group', params: ['E', 'A'] });
  workloads.push({ name: `grouped ladder G = ${G}`, law, ds: dataset });
}

console.log(`| workload | P | rows | default | pass unrolled (µs) | pass sparse (µs) | unrolled / sparse |${doFits ? ` fit unrolled (s) | fit sparse (s) | fit ratio | LM iterations (both) | objectives equal |` : ''}`);
console.log(`|---|---|---|---|---|---|---|${doFits ? '---|---|---|---|---|' : ''}`);
for (const { name, law, ds } of workloads) {
  const p = law.free.length;
  const us = LAYOUTS.map((l) => passMicroseconds(law, ds, l));
  let fitCells = '';
  if (doFits) {
    const fits = [];
    for (const l of LAYOUTS) {
      setKernelLayoutForBench(l);
      fits.push(await fitLaw(law, ds, { starts: { kind: 'sobol', count }, engine: singleThreadEngine, keepStarts: true }));
    }
    setKernelLayoutForBench(undefined);
    const its = fits.map((f) => f.batch!.iterations.reduce((a, c) => a + c, 0));
    fitCells = ` ${(fits[0]!.elapsedMs / 1000).toFixed(2)} | ${(fits[1]!.elapsedMs / 1000).toFixed(2)} | ${(fits[0]!.elapsedMs / fits[1]!.elapsedMs).toFixed(2)} | ${its[0] === its[1] ? its[0] : `${its[0]} / ${its[1]}`} | ${fits[0]!.statistics.objective === fits[1]!.statistics.objective ? 'yes' : `no (${fits[0]!.statistics.objective} / ${fits[1]!.statistics.objective})`} |`;
  }
  console.log(`| ${name} | ${p} | ${ds.n} | ${defaultKernelLayout(p)} | ${us[0]!.toFixed(2)} | ${us[1]!.toFixed(2)} | ${(us[0]! / us[1]!).toFixed(2)} |${fitCells}`);
}
