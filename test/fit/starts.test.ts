import { describe, expect, test } from 'vitest';
import { makeStarts, sobolPoints, SOBOL_MAX_DIMENSIONS } from '../../src/fit/starts.js';
import { compileLaw } from '../../src/law/compile.js';

const law = compileLaw({
  name: 'pw',
  formula: 'E + A * x^-alpha',
  inputs: [{ name: 'x' }],
  params: [
    { name: 'E', start: [0, 1, 2] },
    { name: 'A', transform: { kind: 'log' }, start: [1, 100] },
    { name: 'alpha', transform: { kind: 'bounded', lower: 0, upper: 2 }, range: [0.1, 1] },
  ],
  space: 'linear',
});

describe('start sets', () => {
  test('the default grid is the product of the axes, last parameter fastest, in internal coordinates', () => {
    const s = makeStarts(law, { kind: 'default' });
    // alpha has no axis: one value, the middle of its range.
    expect(s.count).toBe(3 * 2 * 1);
    const row = (k: number) => Array.from(s.u.subarray(k * 3, k * 3 + 3));
    const logit = (p: number) => Math.log(p / 2 / (1 - p / 2));
    const close = (a: number[], b: number[]) => a.forEach((v, j) => expect(v).toBeCloseTo(b[j]!, 14));
    close(row(0), [0, 0, logit(0.55)]);
    close(row(1), [0, Math.log(100), logit(0.55)]);
    close(row(2), [1, 0, logit(0.55)]);
  });

  test('values outside a transform domain become NaN starts (reported, not crashed)', () => {
    const s = makeStarts(law, { kind: 'grid', axes: { A: [0, 1] } });
    expect(Number.isNaN(s.u[1]!)).toBe(true);
  });

  test('unknown parameter names in a grid are an error naming the free parameters', () => {
    expect(() => makeStarts(law, { kind: 'grid', axes: { alpah: [1] } })).toThrow(/no free parameter 'alpah'.*free: E, A, alpha/);
  });

  test('Sobol: the known first points, and every 1-D projection of the first 2^k points is stratified', () => {
    const p = sobolPoints(4, 2);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375]);
    const dims = SOBOL_MAX_DIMENSIONS;
    const m = 256;
    const q = sobolPoints(m - 1, dims); // plus the origin = the first 256 points
    for (let d = 0; d < dims; d++) {
      const cells = new Set<number>([0]);
      for (let k = 0; k < m - 1; k++) cells.add(Math.floor(q[k * dims + d]! * m));
      expect(cells.size).toBe(m);
    }
  });

  test('Sobol and random starts are log-uniform for log-positive parameters and stay in range', () => {
    for (const spec of [{ kind: 'sobol', count: 64 } as const, { kind: 'random', count: 64, seed: 9 } as const]) {
      const s = makeStarts(law, spec);
      for (let k = 0; k < s.count; k++) {
        const A = Math.exp(s.u[k * 3 + 1]!);
        expect(A).toBeGreaterThanOrEqual(1);
        expect(A).toBeLessThanOrEqual(100);
      }
    }
    const a = makeStarts(law, { kind: 'random', count: 8, seed: 5 });
    const b = makeStarts(law, { kind: 'random', count: 8, seed: 5 });
    expect(Array.from(a.u)).toEqual(Array.from(b.u));
  });

  test('a law with ranges but no start values starts from Sobol points over its ranges, not their midpoint', () => {
    const ranged = compileLaw({
      name: 'ranged',
      formula: 'E + A * x^-alpha',
      inputs: [{ name: 'x' }],
      params: [{ name: 'E', range: [1, 3] }, { name: 'A', transform: { kind: 'log' }, range: [10, 1000] }, { name: 'alpha', range: [0.1, 0.9] }],
      space: 'linear',
    });
    const s = makeStarts(ranged, { kind: 'default' });
    expect(s.count).toBeGreaterThan(1);
    expect(s.description).toMatch(/^Sobol \(\d+ points over its ranges/);
    const alphas = Array.from({ length: s.count }, (_, k) => s.u[k * 3 + 2]!);
    expect(Math.min(...alphas)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...alphas)).toBeLessThanOrEqual(0.9);
    expect(Math.max(...alphas) - Math.min(...alphas)).toBeGreaterThan(0.6);
  });
});
