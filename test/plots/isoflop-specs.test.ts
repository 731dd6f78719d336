/**
 * The IsoFLOP plots (src/plots/isoflop-plots.ts) render with a curve per budget and panel, a cross
 * per dropped run, a vertex per budget with a minimum, and a frontier band that contains its line.
 */
import { describe, expect, test } from 'vitest';
import { analyzeIsoflop, type IsoflopRuns } from '../../src/stats/isoflop.js';
import { isoflopCurvesSpec, isoflopFrontierSpec, isoflopPlots } from '../../src/plots/isoflop-plots.js';
import { renderSvg } from '../../src/plots/render.js';
import { countMarks, svgTexts } from './support.js';

function runs(): IsoflopRuns {
  const rows: { N: number; D: number; C: number; loss: number }[] = [];
  for (const C of [1e18, 1e19, 1e20, 1e21]) {
    for (let i = 0; i < 8; i++) {
      const N = 0.1 * C ** 0.5 * Math.exp(-1.2 + (2.4 * i) / 7);
      rows.push({ N, D: C / (6 * N), C, loss: 3 - Math.log10(C) / 10 + 0.08 * Math.log(N / (0.1 * C ** 0.5)) ** 2 + 0.002 * Math.sin(7 * i + C / 1e18) });
    }
  }
  rows.push({ ...rows[3]!, N: rows[3]!.N * 1.001 }); // a near duplicate: one dropped run
  return {
    source: 'synthetic',
    n: rows.length,
    N: Float64Array.from(rows, (r) => r.N),
    D: Float64Array.from(rows, (r) => r.D),
    C: Float64Array.from(rows, (r) => r.C),
    loss: Float64Array.from(rows, (r) => r.loss),
    rowNumbers: Int32Array.from(rows, (_, i) => i + 2),
    groups: rows.map(() => 'study A'),
    groupColumn: 'study',
  };
}

describe('IsoFLOP plots', () => {
  const result = analyzeIsoflop(runs(), { bootstrap: { replicates: 200, seed: 1 } });
  const g = result.groups[0]!;

  test('file names carry the group', () => {
    expect(isoflopPlots(result).map((p) => p.file)).toEqual(['isoflop-curves-study_A.svg', 'isoflop-frontier-study_A.svg']);
  });

  test('curves: a parabola per budget and panel, the dropped run as a cross, labelled axes', async () => {
    const svg = await renderSvg(isoflopCurvesSpec(result, g));
    expect(countMarks(svg, 'line')).toBe(2 * 4);
    // Symbols: used runs + the dropped run + 4 vertices, in each of the two panels, plus legend symbols.
    const used = g.verdicts.filter((v) => v.status === 'used').length;
    expect(used).toBe(32);
    expect(countMarks(svg, 'symbol')).toBeGreaterThanOrEqual(2 * (used + 1 + 4));
    const texts = svgTexts(svg);
    expect(texts).toContain('model size N (parameters)');
    expect(texts).toContain('training tokens D');
    expect(svg).toMatch(/grey crosses: the 1 run QC dropped/);
  });

  test('frontier: the band from the bootstrap contains the line', async () => {
    const spec = isoflopFrontierSpec(result, g) as unknown as { hconcat: { layer: { data: { values: { estimate: number; lo: number; hi: number }[] } }[] }[] };
    for (const panel of spec.hconcat) {
      for (const row of panel.layer[0]!.data.values) {
        expect(row.lo).toBeLessThanOrEqual(row.estimate * (1 + 1e-9));
        expect(row.hi).toBeGreaterThanOrEqual(row.estimate * (1 - 1e-9));
      }
    }
    const svg = await renderSvg(isoflopFrontierSpec(result, g));
    expect(countMarks(svg, 'area')).toBe(2);
    expect(svg).toMatch(/percentile band over 200 bootstrap replicates/);
  });
});
