/**
 * What the identification check of replicate-refit.ts costs a bootstrap: in one process, side by
 * side, a bootstrapFit of the Epoch Chinchilla data (rows design, the default 4 basin starts per
 * replicate, float64 engine on 2 threads; the check included) and the check alone over the same
 * replicates' weights at their draws. The ratio is the check's share of the bootstrap's wall time
 * on this engine; on a faster engine (a GPU) the fits shrink and the share grows.
 *
 * Run: node --import tsx bench/replicate-identify.ts [--replicates 400]
 */
import { resolve } from 'node:path';
import { loadDataset } from '../src/data/index.js';
import { poolEngine } from '../src/fit/cpu/pool.js';
import { fitLaw } from '../src/fit/fit.js';
import { prepareData } from '../src/fit/problem.js';
import { compileLaw, internalFromNatural } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { bootstrapFit } from '../src/stats/bootstrap.js';
import { identified } from '../src/stats/replicate-refit.js';
import { resampleWeights } from '../src/stats/resample.js';

const i = process.argv.indexOf('--replicates');
const R = i > 0 ? Number(process.argv[i + 1]) : 400;
const law = compileLaw(findLaw('chinchilla'));
const ds = await loadDataset(
  resolve(import.meta.dirname, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv'),
  { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' },
  law.inputNames,
);
const engine = poolEngine({ threads: 2 });
const fit = await fitLaw(law, ds, { keepStarts: true, engine });

let t = performance.now();
const boot = await bootstrapFit(law, ds, { replicates: R, seed: 1, bca: false, fit, engine });
const bootMs = performance.now() - t;

const data = prepareData(law, ds);
const W = resampleWeights(ds.n, { replicates: R, seed: 1, design: { kind: 'rows' } });
const p = law.free.length;
const draws = Array.from({ length: R }, (_, r) => internalFromNatural(law, Number.isNaN(boot.draws[r * p]!) ? fit.params.filter((q) => !q.fixed).map((q) => q.value) : boot.draws.subarray(r * p, r * p + p)));
t = performance.now();
let ok = 0;
for (let r = 0; r < R; r++) ok += identified(law, data, W.subarray(r * ds.n, r * ds.n + ds.n), draws[r]!) ? 1 : 0;
const checkMs = performance.now() - t;

console.log(`Epoch Chinchilla, ${ds.n} rows, ${R} replicates (rows design, ${boot.startsPerReplicate} starts each), float64 on 2 threads`);
console.log(`bootstrapFit (check included): ${bootMs.toFixed(0)} ms; the check alone: ${checkMs.toFixed(1)} ms (${((1000 * checkMs) / R).toFixed(0)} µs per replicate, ${ok} identified)`);
console.log(`share of the bootstrap's wall time: ${((100 * checkMs) / bootMs).toFixed(2)} %`);

