/**
 * Float64 engine throughput on Hoffmann's 4,500-start grid over the Epoch Chinchilla data (one
 * thread), the workload of test/reference/chinchilla-epoch.test.ts. Prints fits/s, LM iterations/s
 * and point-evaluations/s. Run: node --import tsx bench/cpu-lm.ts [--loss huber:1e-3|linear] [--damping levenberg|marquardt]
 */
import { loadDataset } from '../src/data/index.js';
import { compileLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { fitLaw } from '../src/fit/fit.js';
import { singleThreadEngine } from '../src/fit/engine.js';
import { parseLoss } from '../src/fit/losses.js';
import { resolve } from 'node:path';

const lossArg = process.argv.indexOf('--loss');
const loss = parseLoss(lossArg > 0 ? process.argv[lossArg + 1]! : 'huber:1e-3')!;
const dampArg = process.argv.indexOf('--damping');
const damping = (dampArg > 0 ? process.argv[dampArg + 1] : 'levenberg') as 'levenberg' | 'marquardt';
const law = compileLaw(findLaw('chinchilla'));
const ds = await loadDataset(
  resolve(import.meta.dirname, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv'),
  { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' },
  law.inputNames,
);
const fit = await fitLaw(law, ds, { engine: singleThreadEngine, lm: { loss, damping }, keepStarts: true });
const its = fit.batch!.iterations.reduce((a, b) => a + b, 0);
const s = fit.elapsedMs / 1000;
console.log(
  `chinchilla/epoch ${loss.kind}, damping ${damping}: ${fit.starts.count} fits in ${s.toFixed(2)} s = ${(fit.starts.count / s).toFixed(0)} fits/s; ` +
    `${(its / s / 1e3).toFixed(1)}k LM iterations/s; ${((its * ds.n) / s / 1e6).toFixed(2)}M point-evaluations/s; ` +
    `${(100 * fit.starts.shareReachedBest).toFixed(2)} % reached the best (objective ${fit.statistics.objective.toExponential(6)})`,
);
