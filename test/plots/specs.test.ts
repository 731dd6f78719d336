/**
 * Each plot's spec compiles with vega-lite and renders with vega to an SVG with the marks and the
 * labelled axes a reader needs; the bands contain the estimates they are drawn around.
 */
import { describe, expect, test } from 'vitest';
import { readTable } from '../../src/data/index.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { compareLaws } from '../../src/stats/compare.js';
import { bootstrapHistogramsSpec, bootstrapPairsSpec, drawCorrelations } from '../../src/plots/bootstrap-plots.js';
import { comparisonSpec, type ComparisonEntry } from '../../src/plots/comparison-plot.js';
import { fitCurves, fitPlotSpec, CURVE_POINTS } from '../../src/plots/fit-plot.js';
import { frontierCurve, frontierSpec } from '../../src/plots/frontier-plot.js';
import { fitPlots } from '../../src/plots/plot-set.js';
import { renderSvg } from '../../src/plots/render.js';
import { residualsSpec } from '../../src/plots/residuals-plot.js';
import { countMarks, LADDER_RUNS, ladderInputs, REPLICATES, svgTexts } from './support.js';

describe('fit plot', () => {
  test('one point per run, one curve and band per model size, labelled log axes', async () => {
    const inputs = await ladderInputs();
    const svg = await renderSvg(fitPlotSpec(inputs));
    expect(countMarks(svg, 'symbol')).toBe(LADDER_RUNS);
    expect(countMarks(svg, 'line')).toBe(8); // the ladder's 8 model sizes
    expect(countMarks(svg, 'area')).toBe(8);
    const texts = svgTexts(svg);
    expect(texts).toContain('compute C = 6·N·D (FLOPs)');
    expect(texts).toContain('loss (points: runs; lines: fitted law)');
    expect(texts).toContain('model size N (parameters)');
    expect(texts).toContain('1e18'); // log ticks as 1e18, not 1000000000000000000
    expect(svg).toContain(`95 % confidence band over ${REPLICATES} bootstrap draws`);
  }, 120_000);

  test('the confidence band contains the fitted curve, and the curve is the law at the best fit', async () => {
    const inputs = await ladderInputs();
    const curves = fitCurves(inputs);
    expect(curves.length).toBe(8 * CURVE_POINTS);
    for (const c of curves) {
      expect(c.lo).toBeLessThanOrEqual(c.estimate);
      expect(c.hi).toBeGreaterThanOrEqual(c.estimate);
      expect(c.predLo!).toBeLessThanOrEqual(c.lo!);
    }
    // At each run's own (N, D) the fitted values lie on its model size's curve.
    const p = Object.fromEntries(inputs.summary.params.map((q) => [q.name, q.value!]));
    for (const pt of inputs.points) {
      const { N, D } = pt.inputs as { N: number; D: number };
      expect(pt.fitted).toBeCloseTo(p.E! + p.A! / N ** p.alpha! + p.B! / D ** p.beta!, 10);
      expect(pt.residual).toBeCloseTo(Math.log(pt.observed) - Math.log(pt.fitted), 12);
    }
  }, 120_000);

  test('without bootstrap draws: the law alone, and the subtitle says so', async () => {
    const inputs = await ladderInputs();
    const { bootstrap: _b, ...plain } = inputs.summary;
    const svg = await renderSvg(fitPlotSpec({ summary: plain, points: inputs.points }));
    expect(countMarks(svg, 'area')).toBe(0);
    expect(countMarks(svg, 'line')).toBe(8);
    expect(svg).toContain('no bootstrap draws in this fit');
    expect(fitPlots({ summary: plain, points: inputs.points }).map((p) => p.file)).toEqual(['fit.svg', 'residuals.svg', 'frontier.svg']);
  }, 120_000);
});

describe('residuals', () => {
  test('against the fitted value and each input, with a zero rule in each panel', async () => {
    const inputs = await ladderInputs();
    const svg = await renderSvg(residualsSpec(inputs));
    expect(countMarks(svg, 'symbol')).toBe(3 * LADDER_RUNS);
    const texts = svgTexts(svg);
    for (const t of ['fitted loss', 'N', 'D', 'residual: log(observed) − log(fitted)']) expect(texts).toContain(t);
    expect((svg.match(/class="mark-rule role-mark/g) ?? []).length).toBe(3);
  }, 120_000);
});

describe('bootstrap', () => {
  test('a histogram per parameter with estimate, interval and truth marked', async () => {
    const inputs = await ladderInputs();
    const svg = await renderSvg(bootstrapHistogramsSpec(inputs.summary));
    const p = inputs.summary.law.freeNames.length;
    expect(countMarks(svg, 'rule')).toBe(p * 4); // estimate, two interval ends, truth
    expect(countMarks(svg, 'rect')).toBeGreaterThan(p * 3);
    const texts = svgTexts(svg);
    for (const name of ['A (log scale)', 'B', 'E', 'alpha', 'beta', 'true value', '95 % percentile interval']) expect(texts.some((t) => t === name || t.startsWith(`${name} `))).toBe(true);
    expect(svg).toContain(`${REPLICATES} bootstrap draws`);
  }, 120_000);

  test('the pair plot: every draw in every pair below the diagonal, correlations above', async () => {
    const inputs = await ladderInputs();
    const { summary } = inputs;
    const p = summary.law.freeNames.length;
    const draws = summary.bootstrap!.draws.filter((d) => d !== null).length;
    const svg = await renderSvg(bootstrapPairsSpec(summary));
    const pairs = (p * (p - 1)) / 2;
    expect(countMarks(svg, 'symbol')).toBe(pairs * (draws + 2)); // draws, estimate and truth crosses
    const r = drawCorrelations(summary.bootstrap!.draws.filter((d): d is number[] => d !== null), p);
    const texts = svgTexts(svg);
    expect(texts).toContain(`r = ${r[0]![3]!.toFixed(2)}`); // A with alpha
    expect(r[0]![0]).toBeCloseTo(1, 12);
  }, 120_000);
});

describe('compute-optimal frontier', () => {
  test('N_opt and D_opt with bands that contain the estimate, and the runs as points', async () => {
    const inputs = await ladderInputs();
    const curve = frontierCurve(inputs.summary, 1e17, 1e25);
    for (const c of curve) {
      expect(c.lo).toBeLessThanOrEqual(c.estimate);
      expect(c.hi).toBeGreaterThanOrEqual(c.estimate);
    }
    // N_opt D_opt = C/6 on the frontier.
    const at = curve.filter((c) => c.C === curve[0]!.C);
    expect(at[0]!.estimate * at[1]!.estimate).toBeCloseTo(1e17 / 6, -10);
    const svg = await renderSvg(frontierSpec(inputs));
    expect(countMarks(svg, 'symbol')).toBe(2 * LADDER_RUNS);
    expect(countMarks(svg, 'area')).toBe(2);
    const texts = svgTexts(svg);
    for (const t of ['model size N_opt (parameters)', 'training tokens D_opt', 'compute C = 6·N·D (FLOPs)']) expect(texts).toContain(t);
  }, 120_000);
});

describe('law comparison', () => {
  const entries: ComparisonEntry[] = [
    { law: 'power', meanAbsRelError: 0.031, aic: -100, bic: -95 },
    { law: 'chinchilla', meanAbsRelError: 0.004, interval: [0.002, 0.007], aic: -140, bic: -130 },
    { law: 'overtrain', meanAbsRelError: 0.0071, interval: [0.005, 0.009], aic: -120, bic: -118 },
    { law: 'bnsl-1', meanAbsRelError: NaN, aic: NaN, bic: NaN, error: 'too few points for 6 parameters' },
  ];

  test('ranked by held-out error, intervals drawn, AIC/BIC beside, failures named', async () => {
    const spec = comparisonSpec(entries, { holdout: 'N > 1e9' });
    const svg = await renderSvg(spec);
    expect(countMarks(svg, 'symbol')).toBe(3 + 2 * 3); // 3 errors, then ΔAIC and ΔBIC per law
    expect(countMarks(svg, 'rule')).toBe(2); // the two intervals
    const texts = svgTexts(svg);
    expect(texts).toContain('0.400 %');
    expect(texts).toContain('mean absolute relative error on held-out runs (%)');
    expect(svg).toContain('not fitted: bnsl-1 (too few points for 6 parameters)');
    // Ranked: the law axis lists chinchilla, overtrain, power from the top.
    const order = ['chinchilla', 'overtrain', 'power'].map((l) => texts.indexOf(l));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  test("compareLaws' result draws as it is: its laws in its order, one interval rule per interval", async () => {
    const xs = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    const ladder = readTable('x,loss\n' + xs.map((x, i) => `${x},${(2 + 5 * x ** -0.3) * (1 + 0.01 * Math.sin(3 * i))}`).join('\n') + '\n', 'ladder.csv', 'csv');
    const laws = ['power-no-offset', 'power'].map((n) => compileLaw(findLaw(n)));
    const c = await compareLaws(laws, ladder, { inputs: { x: 'x' }, target: 'loss' }, { kind: 'top', k: 2, expression: 'x' }, { bootstrap: { replicates: 20, seed: 1 } });
    // No conversion: a LawComparison is a ComparisonEntry (the assignment is the type check).
    const entries: readonly ComparisonEntry[] = c.laws;
    const svg = await renderSvg(comparisonSpec(entries, { holdout: 'top:2:x' }));
    expect(c.laws.every((l) => l.interval !== undefined)).toBe(true);
    expect(countMarks(svg, 'rule')).toBe(c.laws.length);
    const texts = svgTexts(svg);
    const order = c.laws.map((l) => texts.indexOf(l.law));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }, 60_000);
});
