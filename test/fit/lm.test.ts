/**
 * The float64 engine on problems whose answers are known in closed form, and its status codes.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw, internalFromNatural, type CompiledLaw } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { levenbergMarquardt, LmWorkspace } from '../../src/fit/cpu/lm.js';
import { resolveLmOptions, type LmOptions } from '../../src/fit/options.js';
import { STATUS, STATUS_TABLE, statusInfo } from '../../src/fit/status.js';
import { fitBatch, fitLaw } from '../../src/fit/fit.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { singleThreadEngine } from '../../src/fit/engine.js';
import type { Dataset } from '../../src/data/dataset.js';
import { inlineDataset } from '../support/datasets.js';
import { createRng, nextNormal } from '../../src/util/rng.js';

const line: LawDeclaration = {
  name: 'line',
  formula: 'a + b * x',
  inputs: [{ name: 'x' }],
  params: [{ name: 'a', start: [0] }, { name: 'b', start: [0] }],
  space: 'linear',
};

const dataset = inlineDataset;

function solveOne(law: CompiledLaw, ds: Dataset, start: number[], opt: Partial<LmOptions> = {}) {
  const X = law.js.features(ds.inputs, law.inputNames.length, ds.n);
  const u = internalFromNatural(law, start);
  const w = ds.weights ?? new Float64Array(ds.n).fill(1);
  const yt = law.space === 'log' ? ds.y.map(Math.log) : ds.y;
  const r = levenbergMarquardt(law, { n: ds.n, X, yt, w, wOffset: 0 }, u, resolveLmOptions(opt), new LmWorkspace(law.free.length));
  return { ...r, u };
}

describe('float64 Levenberg–Marquardt', () => {
  test('ordinary least squares: estimates and standard errors equal the closed form', async () => {
    const rng = createRng(1);
    const x = Array.from({ length: 30 }, (_, i) => i / 3);
    const y = x.map((xi) => 1.5 - 0.7 * xi + 0.2 * nextNormal(rng));
    const law = compileLaw(line);
    const fit = await fitLaw(law, dataset(x, y));
    // Closed-form OLS.
    const n = x.length;
    const mx = x.reduce((a, b) => a + b) / n;
    const my = y.reduce((a, b) => a + b) / n;
    const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
    const sxy = x.reduce((a, xi, i) => a + (xi - mx) * (y[i]! - my), 0);
    const b = sxy / sxx;
    const a = my - b * mx;
    const ssr = x.reduce((s, xi, i) => s + (y[i]! - a - b * xi) ** 2, 0);
    const s2 = ssr / (n - 2);
    const seB = Math.sqrt(s2 / sxx);
    const seA = Math.sqrt(s2 * (1 / n + (mx * mx) / sxx));
    const [pa, pb] = fit.params;
    expect(pa!.value).toBeCloseTo(a, 10);
    expect(pb!.value).toBeCloseTo(b, 10);
    expect(pa!.stdError / seA).toBeCloseTo(1, 8);
    expect(pb!.stdError / seB).toBeCloseTo(1, 8);
    expect(fit.statistics.ssr).toBeCloseTo(ssr, 10);
    expect(fit.statistics.objective).toBeCloseTo(ssr / 2, 10);
    expect(fit.status.usable).toBe(true);
  });

  test('exact data converge to zero cost', () => {
    const law = compileLaw({
      name: 'pw',
      formula: 'E + A * x^-alpha',
      inputs: [{ name: 'x' }],
      params: [{ name: 'E' }, { name: 'A', transform: { kind: 'log' } }, { name: 'alpha' }],
      space: 'linear',
    });
    const x = [1, 2, 4, 8, 16, 32, 64, 128];
    const y = x.map((v) => 1.7 + 3 * v ** -0.45);
    const r = solveOne(law, dataset(x, y), [1, 1, 0.2], { ftol: 1e-15, xtol: 1e-15, gtol: 1e-15 });
    expect(statusInfo(r.status).usable).toBe(true);
    expect(r.cost).toBeLessThan(1e-25);
    expect(r.u[0]).toBeCloseTo(1.7, 9);
    expect(Math.exp(r.u[1]!)).toBeCloseTo(3, 9);
    expect(r.u[2]).toBeCloseTo(0.45, 9);
  });

  test('a start where the law is undefined is NONFINITE_START, not an exception', () => {
    const law = compileLaw({ name: 'lg', formula: 'log(c - x)', inputs: [{ name: 'x' }], params: [{ name: 'c' }], space: 'linear' });
    const r = solveOne(law, dataset([1, 2, 3], [0.1, 0.2, 0.3]), [0.5]);
    expect(r.status).toBe(STATUS.NONFINITE_START);
    expect(statusInfo(r.status).usable).toBe(false);
  });

  test('non-finite trial steps are rejected and the fit still converges', () => {
    // log(c - x) with the optimum near the pole: large steps overshoot into c < x.
    const law = compileLaw({ name: 'lg', formula: 'log(c - x)', inputs: [{ name: 'x' }], params: [{ name: 'c' }], space: 'linear' });
    const x = [1, 2, 3];
    const y = x.map((v) => Math.log(3.01 - v));
    const r = solveOne(law, dataset(x, y), [100], { ftol: 1e-15, xtol: 1e-15, gtol: 1e-15 });
    expect(statusInfo(r.status).usable).toBe(true);
    expect(r.u[0]).toBeCloseTo(3.01, 9);
  });

  test('the iteration cap gives MAX_ITERATIONS with the last parameters kept', () => {
    const law = compileLaw({ name: 'e', formula: 'A * exp(-k * x)', inputs: [{ name: 'x' }], params: [{ name: 'A' }, { name: 'k' }], space: 'linear' });
    const x = [0, 1, 2, 3, 4];
    const r = solveOne(law, dataset(x, x.map((v) => 2 * Math.exp(-0.3 * v))), [1, 1], { maxIterations: 2 });
    expect(r.status).toBe(STATUS.MAX_ITERATIONS);
    expect(r.iterations).toBe(2);
    expect(Number.isFinite(r.cost)).toBe(true);
  });

  test('Huber objective is the sum of Huber terms; weights multiply terms; zero weight drops a row', async () => {
    const law = compileLaw(line);
    const x = [0, 1, 2, 3, 4, 5];
    const y = [0.1, 1.05, 1.9, 3.2, 3.9, 40]; // last row is an outlier
    const delta = 0.05;
    const fit = await fitLaw(law, dataset(x, y), { lm: { loss: { kind: 'huber', delta }, ftol: 1e-15, xtol: 1e-15, gtol: 1e-15 } });
    const [a, b] = fit.params.map((q) => q.value);
    const huber = (r: number) => (Math.abs(r) <= delta ? 0.5 * r * r : delta * (Math.abs(r) - 0.5 * delta));
    const direct = x.reduce((s, xi, i) => s + huber(y[i]! - a! - b! * xi), 0);
    expect(fit.statistics.objective).toBeCloseTo(direct, 12);
    expect(b).toBeGreaterThan(0.9); // the outlier does not drag the slope to ~6
    expect(b).toBeLessThan(1.1);
    // Dropping the outlier by weight equals deleting the row.
    const w = await fitLaw(law, dataset(x, y, [1, 1, 1, 1, 1, 0]));
    const del = await fitLaw(law, dataset(x.slice(0, 5), y.slice(0, 5)));
    expect(w.params[1]!.value).toBeCloseTo(del.params[1]!.value, 12);
    expect(w.statistics.nData).toBe(5);
  });

  test('the status table is dense, named uniquely, and marks only converged codes usable', () => {
    STATUS_TABLE.forEach((s, k) => expect(s.code).toBe(k));
    expect(new Set(STATUS_TABLE.map((s) => s.name)).size).toBe(STATUS_TABLE.length);
    const usable = STATUS_TABLE.filter((s) => s.usable).map((s) => s.code);
    expect(usable).toEqual([STATUS.CONVERGED_FTOL, STATUS.CONVERGED_XTOL, STATUS.CONVERGED_GTOL, STATUS.STALLED]);
  });

  test('the worker pool returns exactly what one thread returns', async () => {
    const law = compileLaw({
      name: 'pw',
      formula: 'E + A * x^-alpha',
      inputs: [{ name: 'x' }],
      params: [
        { name: 'E', start: [0, 0.5, 1, 2] },
        { name: 'A', transform: { kind: 'log' }, start: [0.1, 1, 10, 100] },
        { name: 'alpha', start: [0.1, 0.3, 0.6, 1] },
      ],
      space: 'log',
    });
    const rng = createRng(3);
    const x = Array.from({ length: 200 }, (_, i) => 10 ** (1 + (4 * i) / 199));
    const y = x.map((v) => (1.7 + 30 * v ** -0.4) * Math.exp(0.01 * nextNormal(rng)));
    const ds = dataset(x, y);
    const one = await fitLaw(law, ds, { engine: singleThreadEngine, keepStarts: true });
    const pool = await fitLaw(law, ds, { engine: poolEngine({ threads: 2, minWork: 0 }), keepStarts: true });
    expect(Array.from(pool.batch!.cost)).toEqual(Array.from(one.batch!.cost));
    expect(Array.from(pool.batch!.u)).toEqual(Array.from(one.batch!.u));
    expect(Array.from(pool.batch!.status)).toEqual(Array.from(one.batch!.status));
  }, 60_000);
});

describe('fitBatch: every start under every weight vector, as arrays', () => {
  test('each weight vector gives what a separate fit with those weights gives', async () => {
    const law = compileLaw({
      name: 'pw',
      formula: 'E + A * x^-alpha',
      inputs: [{ name: 'x' }],
      params: [
        { name: 'E', start: [0, 1] },
        { name: 'A', transform: { kind: 'log' }, start: [1, 100] },
        { name: 'alpha', start: [0.2, 0.8] },
      ],
      space: 'log',
    });
    const rng = createRng(11);
    const x = Array.from({ length: 40 }, (_, i) => 10 ** (1 + (3 * i) / 39));
    const y = x.map((v) => (1.7 + 30 * v ** -0.4) * Math.exp(0.02 * nextNormal(rng)));
    // Two replicates: multinomial-like counts.
    const w1 = x.map((_, i) => (i % 3 === 0 ? 2 : i % 3 === 1 ? 0 : 1));
    const w2 = x.map((_, i) => (i % 4 === 0 ? 0 : 1));
    const ds = dataset(x, y);
    const batch = await fitBatch(law, ds, { weightSets: Float64Array.from([...w1, ...w2]) });
    expect(batch.nWeightSets).toBe(2);
    expect(batch.nStarts).toBe(8);
    expect(batch.cost.length).toBe(16);
    for (const [k, w] of [w1, w2].entries()) {
      const single = await fitLaw(law, dataset(x, y, w));
      const b = batch.best[k]!;
      expect(Math.floor(b / batch.nStarts)).toBe(k);
      expect(batch.cost[b]).toBeCloseTo(single.statistics.objective, 14);
      expect(batch.params[b * 3 + 2]).toBeCloseTo(single.params[2]!.value, 10);
      expect(batch.shareReachedBest[k]).toBeCloseTo(single.starts.shareReachedBest, 12);
    }
  });

  test('negative or non-finite weights are refused', async () => {
    const law = compileLaw(line);
    await expect(fitBatch(law, dataset([0, 1, 2], [0, 1, 2]), { weightSets: Float64Array.from([1, -1, 1]) })).rejects.toThrow(/weights must be finite and >= 0/);
  });
});
