/**
 * Muennighoff et al. 2023, data-constrained law: base C4 coefficients fixed, R*_D and R*_N fitted
 * on the 182 runs with Huber delta = 1e-3 summed on log loss. Reference: objective <= 0.0158259353
 * (float64; the published 0.0158259366 was float32) with R*_D in [15.2, 15.5], R*_N in [5.25, 5.37].
 *
 * Finding: the published point is a local minimum. The objective is rugged (the law's min and max
 * make it piecewise) and has at least five local minima along one curved valley; the law's default
 * grid (a superset of the paper's 4 x 4) reaches the lowest that 512 Sobol starts find, 0.0158047
 * at R*_D ~ 95.4, R*_N ~ 1.71 (the objective at the published values is reproduced to 1e-12 by
 * test/laws, so the law is the paper's). The test asserts both: the published basin's minimum as
 * published, and the better minimum the engine reports as its best fit.
 */
import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { isUsable } from '../../src/fit/status.js';
import { sharedFile } from '../support/shared-data.js';

describe('data-constrained law on the datablations runs', () => {
  test('objective and decay constants', async () => {
    const law = compileLaw(findLaw('data-constrained'));
    const ds = await loadDataset(
      sharedFile('datablations/datablations_c4_182runs_final_val_loss.csv'),
      { inputs: { N: 'N_params', D: 'D_tokens_total', U: 'U_unique_tokens' }, target: 'final_val_loss_c4' },
      law.inputNames,
    );
    expect(ds.n).toBe(182);
    const fit = await fitLaw(law, ds, { lm: { ftol: 1e-15, xtol: 1e-15, gtol: 1e-15 }, keepStarts: true });
    const free = fit.params.filter((q) => !q.fixed);
    expect(fit.loss).toEqual({ kind: 'huber', delta: 1e-3 });
    expect(free.length).toBe(2);

    // Every start's end point, natural units.
    const b = fit.batch!;
    const ends = Array.from({ length: b.nProblems }, (_, k) => ({
      cost: b.cost[k]!,
      rd: Math.exp(b.u[2 * k]!),
      rn: Math.exp(b.u[2 * k + 1]!),
      usable: isUsable(b.status[k]!),
    })).filter((e) => e.usable);
    const publishedBasin = ends.filter((e) => e.rd > 10 && e.rd < 25).sort((x, y) => x.cost - y.cost)[0]!;
    console.log(
      `datablations: best ${fit.statistics.objective} at ${free.map((q) => `${q.name} = ${q.value}`).join(', ')} ` +
        `(${fit.starts.reachedBest}/${fit.starts.count} starts); published basin ${publishedBasin.cost} at R*_D = ${publishedBasin.rd}, R*_N = ${publishedBasin.rn}`,
    );
    // The published optimum, reproduced.
    expect(publishedBasin.cost).toBeLessThanOrEqual(0.0158259353);
    expect(publishedBasin.rd).toBeGreaterThanOrEqual(15.2);
    expect(publishedBasin.rd).toBeLessThanOrEqual(15.5);
    expect(publishedBasin.rn).toBeGreaterThanOrEqual(5.25);
    expect(publishedBasin.rn).toBeLessThanOrEqual(5.37);
    // The better minimum the engine reports as its best fit.
    const [rd, rn] = free.map((q) => q.value);
    expect(fit.statistics.objective).toBeLessThanOrEqual(0.0158046625);
    expect(rd).toBeGreaterThan(90);
    expect(rd).toBeLessThan(100);
    expect(rn).toBeGreaterThan(1.6);
    expect(rn).toBeLessThan(1.8);
  });
});
