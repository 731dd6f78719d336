/**
 * The nested shared-vs-per-group test (stats/nested.ts) and the chi-square tail it refers to
 * (stats/chi-square.ts), against tabulated values (scipy.stats.chi2.sf / the 5 % critical values).
 */
import { describe, expect, test } from 'vitest';
import { chiSquareSurvival, lnGamma } from '../../src/stats/chi-square.js';
import { nestedTest } from '../../src/stats/nested.js';

describe('chi-square upper tail', () => {
  test('5 % critical values for 1, 2, 10 and 40 degrees of freedom', () => {
    for (const [x, k] of [[3.841458820694124, 1], [5.991464547107979, 2], [18.307038053275146, 10], [55.75847927888702, 40]] as const) {
      expect(chiSquareSurvival(x, k)).toBeCloseTo(0.05, 12);
    }
  });
  test('tabulated tails and edges', () => {
    expect(chiSquareSurvival(0.5, 3)).toBeCloseTo(0.9188914116546758, 12);
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(chiSquareSurvival(-1, 4)).toBe(1);
    expect(chiSquareSurvival(4, 2)).toBeCloseTo(Math.exp(-2), 14); // chi2(2) is exponential with mean 2
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
  });
});

describe('nestedTest', () => {
  test('LR = n ln(SSR_shared / SSR_grouped), dof = dP, dAIC = -LR + 2 dP, dBIC = -LR + dP ln n', () => {
    const t = nestedTest({ name: 's', nFree: 4, ssr: 2 }, { name: 'g', nFree: 6, ssr: 1 }, 30, 'linear');
    expect(t.dof).toBe(2);
    expect(t.lr).toBeCloseTo(30 * Math.log(2), 12);
    expect(t.pValue).toBeCloseTo(Math.exp(-t.lr / 2), 12);
    expect(t.deltaAic).toBeCloseTo(-t.lr + 4, 12);
    expect(t.deltaBic).toBeCloseTo(-t.lr + 2 * Math.log(30), 12);
    expect(t.note).toBeUndefined();
    expect(nestedTest({ name: 's', nFree: 4, ssr: 2 }, { name: 'g', nFree: 6, ssr: 1 }, 30, 'huber:0.001').note).toMatch(/approximate/);
  });
});
