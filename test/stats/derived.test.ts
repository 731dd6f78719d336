import { describe, expect, test } from 'vitest';
import { budgetForLoss, chinchillaParams, gFactor, optimalAllocation, optimalExponents } from '../../src/stats/derived.js';

// Hoffmann et al.'s published Approach-3 values.
const H = chinchillaParams({ A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 });

describe('compute-optimal quantities', () => {
  test('the allocation minimises the loss on N D = C/6 and spends exactly C', () => {
    const C = 5.88e23;
    const opt = optimalAllocation(H, C);
    expect(6 * opt.N * opt.D).toBeCloseTo(C, -10);
    for (const f of [0.8, 0.9, 1.1, 1.25]) {
      const N = opt.N * f;
      const D = C / (6 * N);
      expect(H.E + H.A / N ** H.alpha + H.B / D ** H.beta).toBeGreaterThan(opt.loss);
    }
    const { a, b } = optimalExponents(H);
    expect(a + b).toBeCloseTo(1, 15);
    expect(a).toBeCloseTo(0.28 / 0.62, 15);
    expect(gFactor(H)).toBeGreaterThan(0);
  });

  test('the budget for a target loss inverts the optimal loss; a target at or below E is unreachable', () => {
    const C = budgetForLoss(H, 2.0);
    expect(optimalAllocation(H, C).loss).toBeCloseTo(2.0, 9);
    expect(Number.isNaN(budgetForLoss(H, 1.69))).toBe(true);
  });

  test('tied laws read beta = alpha', () => {
    expect(chinchillaParams({ A: 1, B: 2, E: 1, alpha: 0.3 }).beta).toBe(0.3);
    expect(() => chinchillaParams({ x: 1 })).toThrow(/Chinchilla-type law/);
  });
});
