/**
 * The unbiased pass@k estimator against its definition 1 − C(n−c, k)/C(n, k) computed with exact
 * integers (BigInt), for every (n, c, k) of small n and random larger ones (fast-check), and the
 * coverage curve as the mean over problems.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { coverageCurve, passAtK, powersOfTwoUpTo } from '../../src/transforms/pass-at-k.js';

function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** 1 − C(n−c, k)/C(n, k) to ~1e−15: the ratio of exact integers, divided once. */
function exact(n: number, c: number, k: number): number {
  const num = binom(n - c, k);
  const den = binom(n, k);
  const SCALE = 10n ** 30n;
  return 1 - Number((num * SCALE) / den) / 1e30;
}

describe('passAtK', () => {
  test('equals 1 − C(n−c, k)/C(n, k) for every (n, c, k) with n ≤ 30', () => {
    for (let n = 1; n <= 30; n++) for (let c = 0; c <= n; c++) for (let k = 1; k <= n; k++) expect(Math.abs(passAtK(n, c, k) - exact(n, c, k)), `${n} ${c} ${k}`).toBeLessThan(1e-13);
  });

  test('property: matches the exact ratio for n up to 2,000 (no binomial overflow)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n }))), ([n, c, k]) => {
        expect(Math.abs(passAtK(n, c, k) - exact(n, c, k))).toBeLessThan(1e-12);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  test('edge cases: no correct sample gives 0, n − c < k gives 1, pass@1 = c/n', () => {
    expect(passAtK(100, 0, 10)).toBe(0);
    expect(passAtK(10, 5, 6)).toBe(1);
    expect(passAtK(200, 17, 1)).toBeCloseTo(17 / 200, 15);
  });

  test('bad counts: one clear error naming the value and the place', () => {
    expect(() => passAtK(10, 11, 1, 'runs.csv: row 4')).toThrow(/c must be a whole number in \[0, n = 10\], got 11 \(runs\.csv: row 4\)/);
    expect(() => passAtK(10, 2, 11)).toThrow(/k must be a whole number in \[1, n = 10\], got 11.*at least k samples/);
    expect(() => passAtK(0, 0, 1)).toThrow(/n must be a whole number >= 1, got 0/);
    expect(() => passAtK(10.5, 2, 1)).toThrow(/n must be a whole number/);
  });
});

describe('coverageCurve', () => {
  test('the mean pass@k over the problems, at each k', () => {
    const problems = [{ n: 8, c: 0 }, { n: 8, c: 1 }, { n: 8, c: 8 }];
    const curve = coverageCurve(problems, [1, 2, 8]);
    expect(curve.map((p) => p.k)).toEqual([1, 2, 8]);
    expect(curve[0]!.coverage).toBeCloseTo((0 + 1 / 8 + 1) / 3, 15);
    expect(curve[1]!.coverage).toBeCloseTo((0 + 2 / 8 + 1) / 3, 15);
    expect(curve[2]!.coverage).toBeCloseTo(2 / 3, 15);
    expect(curve.every((p) => p.problems === 3)).toBe(true);
  });

  test('no problems is an error; default ks are powers of two up to the smallest n', () => {
    expect(() => coverageCurve([], [1])).toThrow(/no problems/);
    expect(powersOfTwoUpTo(100)).toEqual([1, 2, 4, 8, 16, 32, 64, 100]);
    expect(powersOfTwoUpTo(64)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(powersOfTwoUpTo(1)).toEqual([1]);
  });
});
