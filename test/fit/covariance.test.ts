/**
 * Standard errors are checked against what they claim to estimate: the spread of the estimates
 * over repeated noise draws (Monte Carlo on the synthetic Chinchilla ladder, where the truth is
 * known), for least squares and for Huber with Chinchilla's delta = 1e-3.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { chinchillaLadder, HOFFMANN_TRUTH } from '../../src/examples/chinchilla-ladder.js';
import { fitLaw } from '../../src/fit/fit.js';
import { normalCdf } from '../../src/stats/normal.js';
import type { LossSpec } from '../../src/fit/losses.js';

const law = compileLaw(findLaw('chinchilla'));
const t = HOFFMANN_TRUTH;
const truth = [[t.A, t.B, t.E, t.alpha, t.beta]];
const REPS = 120;

async function monteCarlo(loss: LossSpec) {
  const est: number[][] = [];
  const se: number[][] = [];
  for (let s = 1; s <= REPS; s++) {
    const r = await fitLaw(law, chinchillaLadder({ seed: s }), { starts: { kind: 'points', points: truth }, lm: { loss } });
    expect(r.status.usable).toBe(true);
    est.push(r.params.map((q) => q.value));
    se.push(r.params.map((q) => q.stdError));
  }
  return law.free.map((_, j) => {
    const v = est.map((e) => e[j]!);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    const s = se.map((e) => e[j]!).sort((a, b) => a - b);
    return { sd, medianSe: s[Math.floor(s.length / 2)]! };
  });
}

describe('standard errors match the Monte-Carlo spread of the estimates', () => {
  for (const loss of [{ kind: 'linear', delta: 1 }, { kind: 'huber', delta: 1e-3 }] as const) {
    test(`${loss.kind}`, async () => {
      const rows = await monteCarlo(loss);
      rows.forEach((r, j) => {
        console.log(`${loss.kind} ${law.free[j]!.name}: empirical sd ${r.sd.toPrecision(3)}, median reported SE ${r.medianSe.toPrecision(3)}`);
        // 120 draws estimate an sd to about +-7 %; allow for that and for the asymptotics.
        expect(r.medianSe / r.sd).toBeGreaterThan(0.75);
        expect(r.medianSe / r.sd).toBeLessThan(1.33);
      });
    }, 120_000);
  }

  test('normalCdf', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 7);
  });
});
