/**
 * stats/ takes a neutral fitted law (src/stats/fitted-law.ts), not the report's FitSummary:
 * predictions and range warnings from a FittedLaw written by hand, and the report's summary of a
 * real fit is one, giving the same prediction as the FittedLaw built from the fit directly.
 */
import { describe, expect, test } from 'vitest';
import { fitLaw } from '../../src/fit/fit.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { summarizeFit } from '../../src/report/summary.js';
import { inputRanges, type FittedLaw } from '../../src/stats/fitted-law.js';
import { outsideFittedRange, predictAt } from '../../src/stats/predict.js';
import { inlineDataset } from '../support/datasets.js';

describe('FittedLaw', () => {
  const power = findLaw('power');
  const xs = [4, 16, 64, 256, 1024, 4096];
  const ds = inlineDataset(xs, xs.map((x) => 2 + 10 * x ** -0.5));

  test('inputRanges: the smallest and largest value of each input', () => {
    expect(inputRanges(ds)).toEqual({ x: [4, 4096] });
  });

  test('a FittedLaw by hand predicts the law at its values, with bands from its draws and range warnings', () => {
    const fitted: FittedLaw = {
      law: { name: 'power', declaration: power, freeNames: ['E', 'A', 'alpha'] },
      data: { inputRanges: { x: [4, 4096] } },
      params: [
        { name: 'E', value: 2, fixed: false },
        { name: 'A', value: 10, fixed: false },
        { name: 'alpha', value: 0.5, fixed: false },
      ],
      statistics: { ssr: 0.04, dof: 3 },
      bootstrap: { level: 0.9, draws: [[2, 10, 0.5], [2.1, 10, 0.5], null, [1.9, 10, 0.5]] },
    };
    const p = predictAt(fitted, { x: 40960 }, 1);
    expect(p.estimate).toBeCloseTo(2 + 10 / Math.sqrt(40960), 12);
    expect(p.outside).toEqual({ x: 1 });
    expect(p.level).toBe(0.9);
    expect(p.confidence![0]).toBeGreaterThan(1.9);
    expect(p.confidence![1]).toBeLessThan(2.1 + 10 / Math.sqrt(40960));
    expect(outsideFittedRange(fitted, { x: 0.4 })).toEqual({ x: -1 });
  });

  test("the report's summary of a fit is a FittedLaw: the same prediction as one built from the fit", async () => {
    const law = compileLaw(power);
    const fit = await fitLaw(law, ds);
    const fromFit: FittedLaw = {
      law: { name: law.name, declaration: law.declaration, freeNames: law.free.map((f) => f.name) },
      data: { inputRanges: inputRanges(ds) },
      params: fit.params.map((q) => ({ name: q.name, value: q.value, fixed: q.fixed })),
      statistics: { ssr: fit.statistics.ssr, dof: fit.statistics.dof },
    };
    const summary: FittedLaw = summarizeFit(fit);
    expect(summary.data.inputRanges).toEqual(fromFit.data.inputRanges);
    expect(predictAt(summary, { x: 1e5 })).toEqual(predictAt(fromFit, { x: 1e5 }));
  });
});
