/**
 * Fixed-design bootstraps (residuals, wild): the --design grammar, replicate streams that depend
 * on (seed, r) only, the residual algebra (centring, leverages, wild's |e| preserved), and the
 * targets reaching the refits on the float64 engine.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw, internalFromNatural } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { prepareData } from '../../src/fit/problem.js';
import { fitBatch, fitLaw } from '../../src/fit/fit.js';
import { describeDesign, parseDesign, resampleWeights, type BootstrapDesign, type FixedDesign } from '../../src/stats/resample.js';
import { fixedDesignBasis, leverages, replicateTargets } from '../../src/stats/fixed-design.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { inlineDataset } from '../support/datasets.js';

const power = compileLaw(findLaw('power'));
const xs = [1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7, 3e7, 1e8, 3e8];
const truth = (x: number) => 1.7 + 400 * x ** -0.35;
const wiggle = [0.01, -0.012, 0.004, 0.008, -0.006, -0.01, 0.011, 0.002, -0.004, 0.007, -0.009, 0.003];
const ds = inlineDataset(xs, xs.map((x, i) => truth(x) * (1 + wiggle[i]!)));

describe('--design grammar', () => {
  test('every design text reads back to itself', () => {
    const texts = ['rows', 'bayes', 'clusters:run', 'residuals', 'residuals:raw', 'residuals:leverage', 'residuals:raw:leverage', 'wild', 'wild:mammen', 'wild:leverage', 'wild:mammen:leverage'];
    for (const t of texts) expect(describeDesign(parseDesign(t)!)).toBe(t);
    expect(parseDesign('wild:rademacher')).toEqual({ kind: 'wild', weights: 'rademacher', leverage: false });
    expect(parseDesign('residuals:leverage:raw')).toEqual({ kind: 'residuals', centre: false, leverage: true });
  });
  test('anything else is refused, never misread (every text of up to 4 tokens)', () => {
    const tokens = ['residuals', 'wild', 'raw', 'leverage', 'mammen', 'rademacher', 'rows', 'x', ''];
    let texts = tokens.map((t) => [t]);
    let accepted = 0;
    for (let len = 1; len <= 4; len++) {
      for (const parts of texts) {
        const d = parseDesign(parts.join(':'));
        if (d === undefined) continue;
        accepted++;
        // A parsed design's own text parses to the same design, and every modifier was understood.
        expect(parseDesign(describeDesign(d))).toEqual(d);
        expect(parts[0]).toBe(d.kind);
        if (d.kind === 'rows') expect(parts.length).toBe(1);
      }
      texts = texts.flatMap((p) => tokens.map((t) => [...p, t]));
    }
    expect(accepted).toBeGreaterThan(10);
    for (const bad of ['residual', 'wild:mammen:rademacher', 'residuals:mammen', 'wild:raw', 'residuals:raw:raw', 'rows:x']) expect(parseDesign(bad)).toBeUndefined();
  });
});

describe('replicate streams depend on (seed, r) only', () => {
  const designs: BootstrapDesign[] = [{ kind: 'rows' }, { kind: 'bayes' }, { kind: 'clusters', groups: xs.map((_, i) => `g${i % 4}`) }];
  test.each(designs.map((d) => [d.kind, d] as const))('%s weights: a range equals the same rows of the whole run', (_, design) => {
    const n = xs.length;
    const all = resampleWeights(n, { replicates: 40, seed: 11, design });
    const part = resampleWeights(n, { replicates: 15, seed: 11, design, first: 17 });
    expect(Array.from(part)).toEqual(Array.from(all.subarray(17 * n, 32 * n)));
    expect(Array.from(resampleWeights(n, { replicates: 40, seed: 12, design }))).not.toEqual(Array.from(all));
  });
  test('numpy-legacy: a range is the same rows of its one sequential stream', () => {
    const all = resampleWeights(12, { replicates: 10, seed: 3, design: { kind: 'rows' }, generator: 'numpy-legacy' });
    const part = resampleWeights(12, { replicates: 4, seed: 3, design: { kind: 'rows' }, generator: 'numpy-legacy', first: 5 });
    expect(Array.from(part)).toEqual(Array.from(all.subarray(60, 108)));
  });
  test.each(['residuals', 'residuals:leverage', 'wild', 'wild:mammen'])('%s targets: a range equals the same rows of the whole run', (text) => {
    const d = parseDesign(text) as FixedDesign;
    const basis = fixedDesignBasis(power, ds, [1.7, 400, 0.35], d);
    const all = replicateTargets(basis, d, 5, 0, 30);
    const part = replicateTargets(basis, d, 5, 9, 6);
    expect(Array.from(part)).toEqual(Array.from(all.subarray(9 * xs.length, 15 * xs.length)));
  });
});

describe('residual algebra', () => {
  test('leverages sum to p (the hat matrix trace) and, for a model linear in its parameters, match the closed form', () => {
    // power-no-offset in log space: log A - alpha log x, linear in (log A, alpha): simple regression on log x.
    const line = compileLaw(findLaw('power-no-offset'));
    const x = [1, 10, 100, 1e3, 1e6];
    const d = inlineDataset(x, [9, 5, 3, 2, 0.6]);
    const data = prepareData(line, d);
    const h = leverages(line, data.X, data.baseWeights, d.n, internalFromNatural(line, [8, 0.2]));
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 10);
    const lx = x.map(Math.log);
    const mean = lx.reduce((a, b) => a + b, 0) / lx.length;
    const sxx = lx.reduce((a, v) => a + (v - mean) ** 2, 0);
    lx.forEach((v, i) => expect(h[i]).toBeCloseTo(1 / lx.length + (v - mean) ** 2 / sxx, 10));
    const hp = leverages(power, prepareData(power, ds).X, new Float64Array(ds.n).fill(1), ds.n, internalFromNatural(power, [1.7, 400, 0.35]));
    expect(hp.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 8);
  });
  test('centred pools have mean 0; raw ones keep the residuals; weights standardise them', async () => {
    const fit = await fitLaw(power, ds);
    const nat = fit.params.map((q) => q.value);
    const c = fixedDesignBasis(power, ds, nat, { kind: 'residuals', centre: true, leverage: false });
    const r = fixedDesignBasis(power, ds, nat, { kind: 'residuals', centre: false, leverage: false });
    expect(Math.abs(c.pool.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
    expect(Array.from(r.pool)).toEqual(Array.from(r.residuals));
    const w = inlineDataset(xs, Array.from(ds.y), xs.map((_, i) => (i === 3 ? 0 : i % 2 === 0 ? 4 : 1)));
    const b = fixedDesignBasis(power, w, nat, { kind: 'residuals', centre: false, leverage: false });
    expect(b.pool.length).toBe(xs.length - 1);
    expect(b.pool[0]).toBeCloseTo(2 * b.residuals[0]!, 14);
    // The row of weight 0 keeps its fitted value in every replicate.
    const t = replicateTargets(b, { kind: 'residuals', centre: false, leverage: false }, 1, 0, 5);
    for (let k = 0; k < 5; k++) expect(t[k * xs.length + 3]).toBe(b.fitted[3]);
  });
  test('wild targets keep each residual at its row, up to the multiplier', () => {
    const d: FixedDesign = { kind: 'wild', weights: 'rademacher', leverage: false };
    const basis = fixedDesignBasis(power, ds, [1.7, 400, 0.35], d);
    const t = replicateTargets(basis, d, 9, 0, 50);
    let flips = 0;
    for (let k = 0; k < 50; k++) {
      for (let i = 0; i < xs.length; i++) {
        const v = (t[k * xs.length + i]! - basis.fitted[i]!) / basis.residuals[i]!;
        expect(Math.abs(Math.abs(v) - 1)).toBeLessThan(1e-9);
        if (v < 0) flips++;
      }
    }
    expect(flips / (50 * xs.length)).toBeGreaterThan(0.4);
    expect(flips / (50 * xs.length)).toBeLessThan(0.6);
    const m: FixedDesign = { kind: 'wild', weights: 'mammen', leverage: false };
    const tm = replicateTargets(basis, m, 9, 0, 4000);
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < 4000; k++) {
      const v = (tm[k * xs.length]! - basis.fitted[0]!) / basis.residuals[0]!;
      s1 += v;
      s2 += v * v;
    }
    expect(Math.abs(s1 / 4000)).toBeLessThan(0.05);
    expect(Math.abs(s2 / 4000 - 1)).toBeLessThan(0.05);
  });
});

describe('targets reach the refits', () => {
  test('fitBatch with targetSets fits each row to its own targets', async () => {
    const data = prepareData(power, ds);
    const n = ds.n;
    const other = xs.map((x) => Math.log(2 + 90 * x ** -0.2)); // power fits in log space? use its own space:
    const space = power.space;
    const t2 = space === 'log' ? other : xs.map((x) => 2 + 90 * x ** -0.2);
    const targets = new Float64Array(2 * n);
    targets.set(data.yt, 0);
    targets.set(t2, n);
    const b = await fitBatch(power, ds, { weightSets: new Float64Array(2 * n).fill(1), targetSets: targets });
    const p = power.free.length;
    const second = Array.from(b.params.subarray(b.best[1]! * p, b.best[1]! * p + p));
    expect(second[0]).toBeCloseTo(2, 5);
    expect(second[1]).toBeCloseTo(90, 2);
    expect(second[2]).toBeCloseTo(0.2, 5);
    const single = await fitLaw(power, ds);
    expect(b.params[b.best[0]! * p + 2]).toBeCloseTo(single.params[2]!.value, 8);
  });
  test('bootstrapFit with residuals and wild keeps all rows and gives finite, distinct draws', async () => {
    for (const text of ['residuals', 'wild:mammen']) {
      const b = await bootstrapFit(power, ds, { replicates: 60, seed: 4, design: parseDesign(text) as FixedDesign, bca: true });
      expect(b.succeeded).toBe(60);
      for (const q of b.parameters) {
        expect(q.sd).toBeGreaterThan(0);
        expect(q.percentile[0]).toBeLessThan(q.estimate);
        expect(q.percentile[1]).toBeGreaterThan(q.estimate);
      }
      const again = await bootstrapFit(power, ds, { replicates: 60, seed: 4, design: parseDesign(text) as FixedDesign, bca: false });
      expect(Array.from(again.draws)).toEqual(Array.from(b.draws));
    }
  });
  test('replicates refitted in chunks (the host holds one chunk) give the same draws as one call, for every design', async () => {
    for (const text of ['rows', 'residuals:leverage', 'wild:mammen']) {
      const design = parseDesign(text) as BootstrapDesign;
      const whole = await bootstrapFit(power, ds, { replicates: 25, seed: 2, design, bca: false });
      const chunked = await bootstrapFit(power, ds, { replicates: 25, seed: 2, design, bca: false, replicateChunk: 7 });
      expect(Array.from(chunked.draws)).toEqual(Array.from(whole.draws));
      expect(Array.from(chunked.status)).toEqual(Array.from(whole.status));
      // A range of replicates is the same rows of the whole run.
      const range = await bootstrapFit(power, ds, { replicates: 10, firstReplicate: 9, seed: 2, design, bca: false });
      expect(Array.from(range.draws)).toEqual(Array.from(whole.draws.subarray(9 * 3, 19 * 3)));
    }
  });
});
