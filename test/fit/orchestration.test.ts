/**
 * One orchestration path: fitLaw is fitBatch with one weight vector (same starts, screening,
 * statuses, best fit and reach), and screening is per weight vector, so a bootstrap whose
 * replicates start from a screened law grid (`--replicate-starts law` on bnsl-1, 163,840 points)
 * runs LM from the best 64 per replicate, not from every grid point.
 */
import { describe, expect, test } from 'vitest';
import { chinchillaLadder } from '../../src/examples/chinchilla-ladder.js';
import { singleThreadEngine, type Engine } from '../../src/fit/engine.js';
import { fitBatch, fitLaw } from '../../src/fit/fit.js';
import { prepareData } from '../../src/fit/problem.js';
import { startCosts } from '../../src/fit/cpu/batch.js';
import { makeStarts } from '../../src/fit/starts.js';
import { resolveLmOptions } from '../../src/fit/options.js';
import { STATUS } from '../../src/fit/status.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { resampleWeights } from '../../src/stats/resample.js';
import { inlineDataset } from '../support/datasets.js';

/** The engine below, counting the problems it is asked to solve. */
function counting(): { engine: Engine; problems: () => number } {
  let n = 0;
  return {
    engine: {
      ...singleThreadEngine,
      solve(problem, control) {
        n += problem.nStarts * problem.nWeightSets;
        return singleThreadEngine.solve(problem, control);
      },
    },
    problems: () => n,
  };
}

// A one-break BNSL curve (a = 0.1, b = 5, c0 = 0.3, c1 = 0.5, d1 = 100, f1 = 0.3) at 14 points, 1 % wiggle.
const bnsl = compileLaw(findLaw('bnsl-1'));
const xs = Array.from({ length: 14 }, (_, k) => 2 ** k);
const ys = xs.map((x, i) => (0.1 + 5 * x ** -0.3 * (1 + (x / 100) ** (1 / 0.3)) ** (-0.5 * 0.3)) * (1 + 0.01 * Math.sin(3 * i)));
const bnslData = inlineDataset(xs, ys);

describe('fitLaw is fitBatch with one weight vector', () => {
  test('Chinchilla from 64 Sobol starts, unscreened and screened to 8: the same statuses, costs, best fit and reach', async () => {
    const law = compileLaw(findLaw('chinchilla'));
    const ds = chinchillaLadder();
    for (const screen of [undefined, 8]) {
      const opts = { starts: { kind: 'sobol', count: 64 } as const, ...(screen !== undefined ? { screen } : {}) };
      const one = await fitLaw(law, ds, { ...opts, keepStarts: true });
      const many = await fitBatch(law, ds, opts);
      expect(Array.from(many.status)).toEqual(Array.from(one.batch!.status));
      expect(Array.from(many.cost)).toEqual(Array.from(one.batch!.cost));
      expect(many.best[0]).toBe(one.starts.bestStartIndex);
      expect(many.shareReachedBest[0]).toBe(one.starts.shareReachedBest);
      expect(one.starts.fitted).toBe(screen ?? 64);
    }
  });
});

/** Vector w's screen: the starts LM ran from, the worst start cost kept and the best one screened out. */
function screenOf(status: Uint8Array, costs: ArrayLike<number>, S: number, w: number): { fitted: number[]; worstKept: number; bestDropped: number } {
  const fitted: number[] = [];
  let worstKept = -Infinity;
  let bestDropped = Infinity;
  for (let s = 0; s < S; s++) {
    const st = status[w * S + s]!;
    if (st === STATUS.NONFINITE_START) continue;
    if (st === STATUS.SCREENED_OUT) bestDropped = Math.min(bestDropped, costs[w * S + s]!);
    else {
      fitted.push(s);
      worstKept = Math.max(worstKept, costs[w * S + s]!);
    }
  }
  return { fitted, worstKept, bestDropped };
}

describe('screening is per weight vector', () => {
  test("bnsl-1's grid under 3 resampled weight vectors: each runs LM from its own 64 lowest-cost starts", async () => {
    const n = xs.length;
    const W = resampleWeights(n, { replicates: 3, seed: 5, design: { kind: 'rows' } });
    const c = counting();
    const got = await fitBatch(bnsl, bnslData, { weightSets: W, engine: c.engine });
    const S = got.nStarts;
    expect(S).toBe(163_840);
    // 64 LM fits per vector, not 163,840.
    expect(c.problems()).toBe(3 * 64);
    const data = prepareData(bnsl, bnslData);
    const starts = makeStarts(bnsl, { kind: 'default' });
    const costs = await startCosts({ law: bnsl, data, starts: starts.u, nStarts: S, weights: W, nWeightSets: 3, options: resolveLmOptions({}) });
    const kept: number[][] = [];
    for (let w = 0; w < 3; w++) {
      const { fitted, worstKept, bestDropped } = screenOf(got.status, costs, S, w);
      expect(fitted, `vector ${w}`).toHaveLength(64);
      // The kept starts are the vector's own lowest start costs under its own weights.
      expect(worstKept, `vector ${w}`).toBeLessThanOrEqual(bestDropped);
      expect(got.best[w], `vector ${w}`).toBeGreaterThanOrEqual(w * S);
      kept.push(fitted);
    }
    // Different weights, different screens (a shared screen would keep the same 64 for all).
    expect(kept[0]).not.toEqual(kept[1]);
    // And vector 1 screened alone (as fitLaw with its weights) gives the same best fit.
    const alone = await fitLaw(bnsl, { ...bnslData, weights: W.slice(n, 2 * n) });
    expect(Math.abs(got.cost[got.best[1]!]! / alone.statistics.objective - 1)).toBeLessThan(1e-9);
  });

  test("per-vector targets (a fixed-design bootstrap's): each vector is screened by start costs against its own targets", async () => {
    const n = xs.length;
    const data = prepareData(bnsl, bnslData);
    // Two target vectors in residual space, the data's own moved two different ways; every row keeps weight 1.
    const T = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      T[i] = data.yt[i]! + 0.3 * Math.sin(1.7 * i);
      T[n + i] = data.yt[i]! - 0.3 * Math.cos(0.9 * i);
    }
    const W = new Float64Array(2 * n).fill(1);
    const c = counting();
    const got = await fitBatch(bnsl, bnslData, { weightSets: W, targetSets: T, engine: c.engine });
    const S = got.nStarts;
    expect(c.problems()).toBe(2 * 64);
    const starts = makeStarts(bnsl, { kind: 'default' });
    const costs = await startCosts({ law: bnsl, data, starts: starts.u, nStarts: S, weights: W, nWeightSets: 2, targets: T, options: resolveLmOptions({}) });
    const kept: number[][] = [];
    for (let w = 0; w < 2; w++) {
      const { fitted, worstKept, bestDropped } = screenOf(got.status, costs, S, w);
      expect(fitted, `vector ${w}`).toHaveLength(64);
      expect(worstKept, `vector ${w}`).toBeLessThanOrEqual(bestDropped);
      kept.push(fitted);
    }
    // Same weights, different targets: different screens (screening against data.yt would keep the same 64).
    expect(kept[0]).not.toEqual(kept[1]);
    // Vector 1 alone (one weight vector with its targets) reaches the same best cost.
    const alone = await fitBatch(bnsl, bnslData, { weightSets: W.slice(n), targetSets: T.slice(n) });
    expect(Math.abs(got.cost[got.best[1]!]! / alone.cost[alone.best[0]!]! - 1)).toBeLessThan(1e-9);
  });

  test('a bootstrap with replicate starts from the screened law grid runs LM from 64 starts per replicate', async () => {
    const c = counting();
    const b = await bootstrapFit(bnsl, bnslData, { replicates: 4, seed: 3, replicateStarts: { kind: 'default' }, engine: c.engine, bca: false, rescue: false });
    expect(b.startsPerReplicate).toBe(163_840);
    // The full fit and each replicate: LM from the best 64 of the grid (before: 4 x 163,840 replicate fits).
    expect(c.problems()).toBe(64 + 4 * 64);
    expect(b.succeeded + b.failed.length).toBe(4);
  });
});
