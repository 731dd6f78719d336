/**
 * The worker's side of the app's results, called directly in Node: the true parameter values of
 * the built-in synthetic example (app/src/worker/truth.ts), given only to the law the example was
 * drawn from and carried into the report, the artifact and the bootstrap histograms; and the
 * plots the worker prepares for the page (app/src/worker/plots.ts): each law's plot set with the
 * interactive ones compiled to Vega and the others rendered to the CLI's SVG, and the comparison
 * chart with the subtitle `lawfit compare --plots` gives (src/plots/comparison-plot.ts
 * `comparisonPlotOptions`).
 */
import { describe, expect, test } from 'vitest';
import * as api from '../../app/src/worker/api.js';
import { exampleCsv } from '../../app/src/example.js';
import { compileChoice } from '../../app/src/worker/laws.js';
import { hasTooltips } from '../../app/src/worker/plots.js';
import { knownTruth } from '../../app/src/worker/truth.js';
import type { LawChoice, LawResult, RunResult } from '../../app/src/worker/protocol.js';
import { datasetFromTable, readTable, sha256Hex, type DataSpec } from '../../src/data/index.js';
import { HOFFMANN_TRUTH } from '../../src/examples/chinchilla-ladder.js';
import { parseArtifact } from '../../src/report/artifact-read.js';
import { comparisonPlotOptions } from '../../src/plots/comparison-plot.js';
import { fitPlots } from '../../src/plots/plot-set.js';
import type { Comparison } from '../../src/stats/compare.js';

const EXAMPLE = exampleCsv();
const NOT_EXAMPLE = EXAMPLE.replace(/\n([^,\n]+),([^,\n]+),([^,\n]+)\n/, (_, n: string, d: string, l: string) => `\n${n},${d},${Number(l) * 1.001}\n`);

/** knownTruth for a law choice fitted to `csv` with a data spec (default N=N, D=D, y=loss). */
async function truthFor(choice: LawChoice, csv = EXAMPLE, spec: Partial<DataSpec> = {}): Promise<Record<string, number> | undefined> {
  const full: DataSpec = { inputs: { N: 'N', D: 'D' }, target: 'loss', ...spec };
  const { law } = compileChoice(choice, choice.law ?? 'formula-1', Object.keys(full.inputs));
  // As a run maps them: only the inputs the law takes.
  const inputs = Object.fromEntries(Object.entries(full.inputs).filter(([n]) => law.inputNames.includes(n)));
  const dataset = datasetFromTable(readTable(csv, 'ladder.csv'), { ...full, inputs }, law.inputNames);
  return knownTruth(law, dataset, await sha256Hex(csv));
}

function okLaw(r: RunResult, label: string): Extract<LawResult, { ok: true }> {
  const l = r.laws.find((x) => x.label === label);
  if (l === undefined || !l.ok) throw new Error(`law ${label} did not fit: ${JSON.stringify(l)}`);
  return l;
}

describe('the true values of the built-in example', () => {
  test('the chinchilla law, or the same law typed as a formula, on the example: Hoffmann et al.’s values', async () => {
    expect(await truthFor({ law: 'chinchilla' })).toEqual({ ...HOFFMANN_TRUTH });
    expect(await truthFor({ formula: 'E + A / N^alpha + B / D^beta', spec: { positive: ['E', 'A', 'B'] } })).toEqual({ ...HOFFMANN_TRUTH });
    // A filter keeps a subset of the same runs: the truth is unchanged.
    expect(await truthFor({ law: 'chinchilla' }, EXAMPLE, { where: 'N >= 1e8' })).toEqual({ ...HOFFMANN_TRUTH });
  });

  test('no truth for another file, another law with the same names, swapped inputs, another target or a parameter fixed elsewhere', async () => {
    expect(NOT_EXAMPLE).not.toBe(EXAMPLE);
    expect(await truthFor({ law: 'chinchilla' }, NOT_EXAMPLE)).toBeUndefined();
    expect(await truthFor({ formula: 'E + A / N^alpha', spec: { positive: ['E', 'A'] } })).toBeUndefined();
    expect(await truthFor({ law: 'chinchilla' }, EXAMPLE, { inputs: { N: 'D', D: 'N' } })).toBeUndefined();
    expect(await truthFor({ law: 'chinchilla' }, EXAMPLE, { target: 'loss * 1.01' })).toBeUndefined();
    expect(await truthFor({ law: 'chinchilla', spec: { fix: { E: 1.5 } } })).toBeUndefined();
  });
});

describe('plots prepared for the page', () => {
  test('the example run: truth in the summary, report and artifact; the plot set, interactive where it has tooltips; the truth in the histograms', async () => {
    const r = await api.run({ file: { name: 'chinchilla-ladder-synthetic.csv', content: EXAMPLE }, spec: { x: { N: 'N', D: 'D' }, y: 'loss', bootstrap: 8, seed: 3 }, laws: [{ law: 'chinchilla', spec: { starts: { kind: 'sobol', count: 64 } } }], engine: 'cpu' });
    const law = okLaw(r, 'chinchilla');
    expect(law.summary.truth).toEqual({ ...HOFFMANN_TRUTH });
    expect(law.report).toMatch(/true = /);
    expect(law.report).toMatch(/intervals? cover/);
    expect(parseArtifact(law.artifact, 'app.json').summary.truth).toEqual({ ...HOFFMANN_TRUTH });
    expect(law.plots.summary.truth).toEqual({ ...HOFFMANN_TRUTH });

    const plots = await api.plots({ kind: 'fit', inputs: law.plots });
    expect(plots.map((p) => [p.name, p.drawing.kind])).toEqual([
      ['fit', 'vega'],
      ['residuals', 'vega'],
      ['bootstrap-histograms', 'svg'],
      ['bootstrap-pairs', 'svg'],
      ['frontier', 'vega'],
    ]);
    // Same list, names and captions as the CLI's --plots.
    const cli = fitPlots(law.plots);
    expect(plots.map((p) => `${p.name}.svg`)).toEqual(cli.map((p) => p.file));
    expect(plots.map((p) => p.caption)).toEqual(cli.map((p) => p.description));
    for (const [k, p] of plots.entries()) {
      expect(hasTooltips(cli[k]!.spec)).toBe(p.drawing.kind === 'vega');
      if (p.drawing.kind === 'vega') {
        expect(p.drawing.spec.$schema).toMatch(/vega\/v\d/);
        expect(p.drawing.spec.marks?.length).toBeGreaterThan(0);
      } else {
        expect(p.drawing.svg.startsWith('<svg')).toBe(true);
      }
    }
    const histograms = plots[2]!.drawing;
    expect(histograms.kind === 'svg' && histograms.svg.includes('true value')).toBe(true);
  }, 120_000);

  test('the comparison chart: held-out runs counted once over folds, the holdout as typed, the level of the intervals', async () => {
    const lines = ['x,y'];
    for (let i = 0; i < 16; i++) lines.push(`${10 ** (6 + i * 0.25)},${(2 + 5 * (10 ** (6 + i * 0.25)) ** -0.3) * (1 + 0.005 * Math.sin(7 * i))}`);
    const r = await api.run({ file: { name: 'power.csv', content: lines.join('\n') }, spec: { x: { x: 'x' }, y: 'y', holdout: { kind: 'rolling', expression: 'x', cutoffs: 2 } }, laws: [{ law: 'power', spec: { starts: { kind: 'sobol', count: 32 } } }, { law: 'power-no-offset', spec: { starts: { kind: 'sobol', count: 32 } } }], engine: 'cpu' });
    const comparison = r.comparison!;
    const options = comparisonPlotOptions(comparison, 'rolling:x:2');
    const heldOut = comparison.folds.flatMap((f) => f.heldOutRows);
    expect(comparison.folds).toHaveLength(2);
    expect(new Set(heldOut).size).toBeLessThan(heldOut.length); // rolling folds share runs
    expect(options).toEqual({ holdout: 'rolling:x:2', source: 'power.csv', heldOutRuns: new Set(heldOut).size, folds: 2 });

    const [plot, ...more] = await api.plots({ kind: 'comparison', comparison, holdout: 'rolling:x:2' });
    expect(more).toHaveLength(0);
    expect(plot!.name).toBe('comparison');
    expect(plot!.drawing.kind).toBe('vega');
    const text = JSON.stringify(plot!.drawing);
    expect(text).toContain(`on ${new Set(heldOut).size} held-out runs (rolling:x:2) of power.csv, averaged over 2 folds`);
    expect(text).toContain('no intervals on the errors in this comparison');
  }, 120_000);

  test('comparisonPlotOptions: the bootstrap level when there is one; no holdout text when none is given', () => {
    const c = { source: 's.csv', folds: [{ heldOutRows: [10, 11] }, { heldOutRows: [11] }], bootstrap: { level: 0.9 } } as unknown as Comparison;
    expect(comparisonPlotOptions(c)).toEqual({ level: 0.9, source: 's.csv', heldOutRuns: 2, folds: 2 });
  });
});
