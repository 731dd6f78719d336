/**
 * The plots of a fit with per-group parameters (law/groups.ts): the fit plot draws each group's
 * runs with its own law's curves (shape and dash: the group), and neither plot shows the one-hot
 * indicator inputs. Synthetic grouped ladder (src/examples/grouped-ladder.ts), 3 groups.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { groupLawValues, perGroup } from '../../src/law/groups.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { summarizeBootstrapFit } from '../../src/report/bootstrap-summary.js';
import { chinchillaParams } from '../../src/stats/derived.js';
import { groupedLadder } from '../../src/examples/grouped-ladder.js';
import { singleThreadEngine } from '../../src/fit/engine.js';
import { plotInputsFromFit } from '../../src/plots/inputs.js';
import { fitCurves, fitPlotSpec, CURVE_POINTS } from '../../src/plots/fit-plot.js';
import { residualsSpec } from '../../src/plots/residuals-plot.js';
import { frontierCurve, frontierSpec } from '../../src/plots/frontier-plot.js';
import { computeOptimal } from '../../src/stats/optimal.js';
import { fitPlots } from '../../src/plots/plot-set.js';
import { renderSvg } from '../../src/plots/render.js';
import { countMarks, svgTexts } from './support.js';

describe('plots of a grouped fit', async () => {
  const lad = groupedLadder({ groups: 3, seed: 5, noise: 0.003 });
  const { law, dataset } = perGroup(compileLaw(findLaw('chinchilla')), lad.dataset, { column: 'group', params: ['E', 'A'] });
  const b = await bootstrapFit(law, dataset, { replicates: 20, seed: 1, starts: { kind: 'sobol', count: 16 }, engine: singleThreadEngine, bca: false });
  const inputs = plotInputsFromFit(b.fit, summarizeBootstrapFit(b, { seed: 1 }));

  test('fit.svg: every run, one curve per (group, model size), a group legend; no indicator inputs', async () => {
    const svg = await renderSvg(fitPlotSpec(inputs));
    expect(countMarks(svg, 'symbol')).toBe(dataset.n);
    expect(countMarks(svg, 'line')).toBe(3 * 4); // 3 groups x 4 model sizes
    const texts = svgTexts(svg);
    for (const t of ['g0', 'g1', 'g2', 'group', 'model size N (parameters)']) expect(texts).toContain(t);
    expect(svg).not.toContain('lawfit_group_');
    expect(svg).toContain('per-group parameters (E, A per group)');
    expect(fitPlots(inputs).map((p) => p.file)).toEqual(['fit.svg', 'residuals.svg', 'bootstrap-histograms.svg', 'bootstrap-pairs.svg', 'frontier.svg']);
  }, 120_000);

  test('each curve is its own group’s law: at a run’s (N, D) it passes through that run’s fitted value', () => {
    const curves = fitCurves(inputs);
    expect(curves.length).toBe(12 * CURVE_POINTS);
    const best = Object.fromEntries(inputs.summary.params.map((q) => [q.name, q.value!]));
    for (const c of curves.filter((_, i) => i % 7 === 0)) {
      const f = chinchillaParams(groupLawValues(best, inputs.summary.law.groups, c.group, 'test'));
      const N = c.series;
      const D = c.x / (6 * N);
      expect(c.estimate).toBeCloseTo(f.E + f.A / N ** f.alpha + f.B / D ** f.beta, 10);
      expect(c.lo!).toBeLessThanOrEqual(c.estimate);
      expect(c.hi!).toBeGreaterThanOrEqual(c.estimate);
    }
    expect(new Set(curves.map((c) => c.group))).toEqual(new Set(lad.levels));
  });

  test('residuals.svg: panels for the fitted value, N and D only', async () => {
    const svg = await renderSvg(residualsSpec(inputs));
    expect(countMarks(svg, 'symbol')).toBe(3 * dataset.n);
    expect(svg).not.toContain('lawfit_group_');
  }, 120_000);

  test('frontier.svg: one N_opt(C), D_opt(C) frontier per group, each its own law’s plan with its own band', async () => {
    const C = 1e21;
    for (const g of lad.levels) {
      const at = frontierCurve(inputs.summary, C, C * 10, g).filter((p) => p.C === C);
      const plan = computeOptimal(inputs.summary, { compute: [C], group: g }).budgets[0]!;
      expect(at.find((p) => p.quantity === 'N_opt')!.estimate).toBe(plan.N.estimate);
      expect(at.find((p) => p.quantity === 'D_opt')!.hi).toBe(plan.D.interval![1]);
      expect(at.every((p) => p.group === g)).toBe(true);
    }
    const svg = await renderSvg(frontierSpec(inputs));
    expect(countMarks(svg, 'line')).toBe(2 * 3);
    expect(countMarks(svg, 'area')).toBe(2 * 3);
    expect(svg).toContain('the same for every group: the exponents are shared');
    for (const t of ['g0', 'g1', 'g2']) expect(svgTexts(svg)).toContain(t);
  }, 120_000);
});
