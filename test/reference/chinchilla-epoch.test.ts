/**
 * Chinchilla on the Epoch AI digitisation (Besiroglu et al. 2024): 240 points, Huber delta = 1e-3
 * summed over log residuals, Hoffmann's 4,500-point grid. Reference: objective 1.018274e-3 at
 * A = 477.84, B = 2143.86, E = 1.81724, alpha = 0.347313, beta = 0.367183 (Epoch's notebook; scipy's
 * L-BFGS-B re-run gives 1.018274018e-3 at A 477.827, B 2143.41). scipy's TRF with its Huber loss
 * reaches the best objective from 46 % of the starts; lawfit must do at least as well.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { loadEpochChinchilla } from '../support/datasets.js';

describe('Chinchilla, Epoch data, Hoffmann grid (float64 engine)', () => {
  test('objective, parameters and the share of starts reaching the optimum', async () => {
    const law = compileLaw(findLaw('chinchilla'));
    const ds = await loadEpochChinchilla(law);
    expect(ds.n).toBe(240);
    const fit = await fitLaw(law, ds, { engine: poolEngine() });
    const p = Object.fromEntries(fit.params.map((q) => [q.name, q.value]));
    console.log(
      `chinchilla/epoch: objective ${fit.statistics.objective.toExponential(9)}; A ${p.A}, B ${p.B}, E ${p.E}, alpha ${p.alpha}, beta ${p.beta}; ` +
        `${fit.starts.reachedBest}/${fit.starts.count} starts reached the best (${(100 * fit.starts.shareReachedBest).toFixed(2)} %); ${fit.elapsedMs.toFixed(0)} ms`,
    );
    expect(fit.loss).toEqual({ kind: 'huber', delta: 1e-3 });
    expect(fit.starts.count).toBe(4500);
    expect(fit.status.usable).toBe(true);
    expect(fit.statistics.objective).toBeLessThanOrEqual(1.018275e-3);
    expect(Math.abs(p.A! - 477.8)).toBeLessThanOrEqual(1);
    expect(Math.abs(p.B! - 2143)).toBeLessThanOrEqual(10);
    expect(Math.abs(p.E! - 1.8172)).toBeLessThanOrEqual(2e-4);
    expect(Math.abs(p.alpha! - 0.34731)).toBeLessThanOrEqual(5e-5);
    expect(Math.abs(p.beta! - 0.36718)).toBeLessThanOrEqual(5e-5);
    expect(fit.starts.shareReachedBest).toBeGreaterThanOrEqual(0.46);
  }, 180_000);
});
