/** Rendering is deterministic, and the writer writes exactly the named files. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fitPlots } from '../../src/plots/plot-set.js';
import { renderSvg } from '../../src/plots/render.js';
import { writePlots } from '../../src/plots/write-plots.js';
import { helveticaWidth } from '../../src/plots/text-width.js';
import { ladderInputs } from './support.js';

test('the same spec renders to the same bytes', async () => {
  const spec = fitPlots(await ladderInputs())[0]!.spec;
  const a = await renderSvg(spec);
  const b = await renderSvg(spec);
  expect(a.startsWith('<svg')).toBe(true);
  expect(a).toBe(b);
}, 120_000);

test('writePlots creates the directory and writes exactly the named files', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'lawfit-plots-')), 'nested', 'plots');
  const plots = fitPlots(await ladderInputs());
  const written = await writePlots(dir, plots);
  const names = ['fit.svg', 'residuals.svg', 'bootstrap-histograms.svg', 'bootstrap-pairs.svg', 'frontier.svg'];
  expect(plots.map((p) => p.file)).toEqual(names);
  expect(written).toEqual(names.map((n) => join(dir, n)));
  expect(readdirSync(dir).sort()).toEqual([...names].sort());
  for (const n of names) expect(readFileSync(join(dir, n), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
}, 120_000);

test('text widths follow Helvetica metrics, not 0.8 em per character', () => {
  expect(helveticaWidth('iiii', 10)).toBeCloseTo(8.88, 6);
  expect(helveticaWidth('MMMM', 10)).toBeCloseTo(33.32, 6);
  expect(helveticaWidth('1e18', 12)).toBeCloseTo((556 * 3 + 556) * 0.012, 6);
});
