import { describe, expect, test } from 'vitest';
import { resampleWeights } from '../../src/stats/resample.js';
import { bcaInterval, percentileInterval, quantileSorted, sd } from '../../src/stats/intervals.js';
import { normalCdf, normalQuantile } from '../../src/stats/normal.js';
import { createRng, nextNormal } from '../../src/util/rng.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { chinchillaLadder } from '../../src/examples/chinchilla-ladder.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';

describe('resampling designs', () => {
  test('rows: multinomial counts summing to n, seeded', () => {
    const a = resampleWeights(50, { replicates: 3, seed: 7, design: { kind: 'rows' } });
    const b = resampleWeights(50, { replicates: 3, seed: 7, design: { kind: 'rows' } });
    expect(Array.from(a)).toEqual(Array.from(b));
    for (let r = 0; r < 3; r++) expect(a.subarray(r * 50, r * 50 + 50).reduce((s, v) => s + v, 0)).toBe(50);
    expect(Array.from(a).every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });

  test('numpy-legacy reproduces np.random.seed(42); np.random.choice(240, 240) draw for draw', () => {
    // numpy: np.random.RandomState(42).choice(240, size=10) = [102 179 92 14 106 71 188 20 102 121]
    const w = resampleWeights(240, { replicates: 1, seed: 42, design: { kind: 'rows' }, generator: 'numpy-legacy' });
    for (const i of [102, 179, 92, 14, 106, 71, 188, 20, 121]) expect(w[i]).toBeGreaterThanOrEqual(1);
    expect(w[102]).toBeGreaterThanOrEqual(2);
  });

  test('clusters: whole groups are drawn; bayes: positive weights summing to n', () => {
    const groups = ['a', 'a', 'b', 'b', 'b', 'c'];
    const w = resampleWeights(6, { replicates: 200, seed: 1, design: { kind: 'clusters', groups } });
    for (let r = 0; r < 200; r++) {
      const row = w.subarray(r * 6, r * 6 + 6);
      expect(row[0]).toBe(row[1]);
      expect(row[2]).toBe(row[3]);
      expect(row[3]).toBe(row[4]);
    }
    const bw = resampleWeights(6, { replicates: 5, seed: 1, design: { kind: 'bayes' } });
    for (let r = 0; r < 5; r++) expect(bw.subarray(r * 6, r * 6 + 6).reduce((s, v) => s + v, 0)).toBeCloseTo(6, 12);
    expect(Array.from(bw).every((v) => v > 0)).toBe(true);
  });
});

describe('intervals', () => {
  test('quantiles interpolate like numpy; the normal quantile inverts the CDF', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    for (const p of [0.001, 0.025, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
  });

  test('for a symmetric unbiased estimator BCa equals the percentile interval; for a skewed one it shifts', () => {
    const rng = createRng(3);
    const draws = Float64Array.from({ length: 20000 }, () => nextNormal(rng));
    const jack = Float64Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01));
    const pct = percentileInterval(draws, 0.9);
    const bca = bcaInterval(draws, 0, jack, 0.9);
    expect(bca[0]).toBeCloseTo(pct[0], 1);
    expect(bca[1]).toBeCloseTo(pct[1], 1);
    expect(sd(draws)).toBeCloseTo(1, 1);
    // A median-biased estimate (true value above most draws) moves the interval up.
    const shifted = bcaInterval(draws, 0.5, jack, 0.9);
    expect(shifted[0]).toBeGreaterThan(pct[0] + 0.3);
  });
});

describe('replicates that fail from the basin starts are rescued, never dropped', () => {
  // On the demo's synthetic ladder (seed 20221129), replicate 172 stops at the iteration cap from
  // the full-data optimum (A and alpha nearly degenerate in that resample) while its cost is
  // already minimal; a longer cap converges it. Replicates 160-189 are refitted: replicate 172 is
  // the 13th (each replicate's draws depend on (seed, index) only).
  const law = compileLaw(findLaw('chinchilla'));
  const ds = chinchillaLadder();
  const opts = { replicates: 30, firstReplicate: 160, seed: 20221129, bca: false } as const;
  const at = 172 - 160;

  test('without the rescue it is reported failed; with it, rescued and usable, and listed', async () => {
    const plain = await bootstrapFit(law, ds, { ...opts, rescue: false, engine: poolEngine({ threads: 2 }) });
    expect(plain.failed).toContain(at);
    expect(plain.rescued).toEqual([]);
    const rescued = await bootstrapFit(law, ds, { ...opts, engine: poolEngine({ threads: 2 }) });
    expect(rescued.rescued).toEqual(plain.failed);
    expect(rescued.failed).toEqual([]);
    expect(rescued.succeeded).toBe(30);
    expect(rescued.rescueStarts).toMatch(/same starts with 10,000 iterations/);
    // The rescued draw is a genuine optimum: within the spread of the other draws.
    const p = law.free.length;
    const alpha = law.free.findIndex((f) => f.name === 'alpha');
    const draws = Array.from({ length: 30 }, (_, r) => rescued.draws[r * p + alpha]!);
    expect(Number.isFinite(draws[at])).toBe(true);
    expect(draws[at]!).toBeGreaterThan(Math.min(...draws.filter((_, r) => r !== at)) - 0.05);
    expect(draws[at]!).toBeLessThan(Math.max(...draws.filter((_, r) => r !== at)) + 0.05);
  });
});
