/**
 * Caballero et al. 2023, 4-digit addition: the one-break BNSL fitted on the 14 fit points by the
 * law's own global strategy (the paper's brute-force grid, screened, then LM), in log1p space.
 * Reference (scipy re-run of the published protocol): a = 0.41388478, b = 2.27727199,
 * c0 = 0.05507735, c1 = 5.66290635, d1 = 612.583638, f1 = 0.05919305; RMSLE 5.98e-4 on the fit
 * points and 1.09157e-2 on the 3 extrapolation points.
 */
import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { sharedFile } from '../support/shared-data.js';

const REFERENCE = { a: 0.41388478, b: 2.27727199, c0: 0.05507735, c1: 5.66290635, d1: 612.583638, f1: 0.05919305 };

describe('BNSL-1 on 4-digit addition', () => {
  test('parameters within 1e-3 relative and the extrapolation error', async () => {
    const law = compileLaw(findLaw('bnsl-1'));
    const file = sharedFile('bnsl/four_digit_addition_bnsl.csv');
    const spec = { inputs: { x: 'train_dataset_size' }, target: 'test_cross_entropy' };
    const fitData = await loadDataset(file, { ...spec, where: 'train_dataset_size <= 736' }, law.inputNames);
    const extra = await loadDataset(file, { ...spec, where: 'train_dataset_size > 736' }, law.inputNames);
    expect([fitData.n, extra.n]).toEqual([14, 3]);
    const fit = await fitLaw(law, fitData, { engine: poolEngine(), lm: { ftol: 1e-15, xtol: 1e-15, gtol: 1e-15, maxIterations: 5000 } });
    const p = Object.fromEntries(fit.params.map((q) => [q.name, q.value]));
    const rmsle = (ds: typeof extra) => {
      const X = law.js.features(ds.inputs, 1, ds.n);
      let s = 0;
      for (let i = 0; i < ds.n; i++) s += (Math.log(law.js.prediction(fit.bestInternal, X, i * law.js.nFeatures)) - Math.log(ds.y[i]!)) ** 2;
      return Math.sqrt(s / ds.n);
    };
    const fitErr = rmsle(fitData);
    const extErr = rmsle(extra);
    console.log('bnsl-1', p, `RMSLE fit ${fitErr}, extrapolation ${extErr}; ${fit.starts.description}; ${fit.starts.reachedBest} reached the best`);
    for (const [k, ref] of Object.entries(REFERENCE)) expect(Math.abs(p[k]! / ref - 1), k).toBeLessThanOrEqual(1e-3);
    expect(fitErr).toBeCloseTo(5.98487e-4, 6);
    expect(extErr).toBeCloseTo(1.09157e-2, 5);
  }, 120_000);
});
