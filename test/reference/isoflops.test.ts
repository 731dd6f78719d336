/**
 * IsoFLOP analysis (Chinchilla Approach 2) on the eight experiments of Open-Athena's isoflops.csv
 * (../shared/data/isoflops, read in place; see its SOURCE.md):
 *
 * 1. with QC off and only the authors' clean rows, the plain protocol's exponents of SOURCE.md
 *    (numpy polyfit, computed independently) to 3 decimals, and the frontier constants k;
 * 2. with lawfit's QC on all rows, each row's verdict against the authors' flags: the agreement
 *    counts are printed and must stay above a floor (the two QCs use different outlier models and
 *    off-centre rules; they need not agree row for row, but must mostly agree), and the exponents
 *    must stay near the plain ones.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { datasetFromText, readTable } from '../../src/data/index.js';
import { analyzeIsoflop, isoflopRunsFromDataset, type IsoflopGroup } from '../../src/stats/isoflop.js';
import { DEFAULT_QC, NO_QC, type QcReason } from '../../src/stats/isoflop-qc.js';
import { sharedFile } from '../support/shared-data.js';

const FILE = sharedFile('isoflops/isoflops.csv');
const BYTES = readFileSync(FILE);

/** SOURCE.md, table 1: budgets, a, b, k_N, k_D. */
const PLAIN: Record<string, [number, number, number, number, number]> = {
  epochai_chinchilla__massivetext__chinchilla: [7, 0.5414, 0.4586, 0.0133, 12.5],
  ml_scalefit__massivetext__chinchilla: [7, 0.5415, 0.457, 0.0132, 13.2],
  llama_3__exp_loss: [8, 0.4953, 0.5047, 0.131, 1.27],
  llama_3__raw_loss: [8, 0.5, 0.5, 0.105, 1.59],
  marin_202603__comma__llama_2: [6, 0.4264, 0.5517, 3.82, 0.128],
  marin_202603__dclm__llama_2: [6, 0.4317, 0.5436, 3.29, 0.167],
  marin_202603__nemotron__llama_2: [6, 0.4443, 0.5319, 1.84, 0.289],
  misfitting__fineweb_c4__transformer: [14, 0.5234, 0.4766, 0.035, 4.76],
};

/** lawfit's reasons in the authors' vocabulary (SOURCE.md, columns). */
const AUTHORS: Record<QcReason, string> = {
  exact_duplicate: 'exact_duplicate',
  near_duplicate: 'near_duplicate_params',
  too_few_points: 'too_few_points',
  loo_outlier: 'spline_outlier',
  non_positive_curvature: 'weak_curvature',
  weak_curvature: 'weak_curvature',
  off_centre: 'off_center',
  vertex_extrapolated: 'off_center',
  vertex_at_edge: 'off_center',
  too_few_post_qc: 'too_few_post_qc',
};

async function analyse(experiment: string, clean: boolean, qc = clean ? NO_QC : DEFAULT_QC): Promise<IsoflopGroup> {
  const where = `experiment == '${experiment}'${clean ? " && outlier == 'False'" : ''}`;
  const ds = await datasetFromText(BYTES, FILE, 'csv', { inputs: { N: 'params', D: 'tokens', budget: 'budget' }, target: 'loss', where }, ['N', 'D', 'budget']);
  return analyzeIsoflop(isoflopRunsFromDataset(ds), { qc }).groups[0]!;
}

const relClose = (got: number, want: number): boolean => Math.abs(Number(got.toPrecision(3)) - want) <= 0.0051 * Math.abs(want) + 1e-12;

describe('isoflops.csv, plain Approach 2 (QC off, clean rows): SOURCE.md to 3 decimals', () => {
  test.each(Object.entries(PLAIN))('%s', async (experiment, [budgets, a, b, kN, kD]) => {
    const g = await analyse(experiment, true);
    const f = g.frontier!;
    expect(f.budgets).toBe(budgets);
    expect(Math.abs(f.a.estimate - a)).toBeLessThan(5e-4);
    expect(Math.abs(f.b.estimate - b)).toBeLessThan(5e-4);
    expect(relClose(f.kN, kN)).toBe(true);
    expect(relClose(f.kD, kD)).toBe(true);
  });
});

describe("isoflops.csv, lawfit's QC on all rows against the authors' flags", () => {
  const table = readTable(BYTES, FILE, 'csv');
  const reasonAt = new Map(table.rows.map((r, i) => [table.rowNumbers[i]!, String(r[table.columns.indexOf('reason')])]));
  test('agreement per row, per experiment and overall', async () => {
    let rows = 0;
    let flagAgree = 0;
    let reasonAgree = 0;
    const lines: string[] = [];
    for (const [experiment, [, a, b]] of Object.entries(PLAIN)) {
      const g = await analyse(experiment, false);
      let fa = 0;
      let ra = 0;
      for (const v of g.verdicts) {
        const theirs = reasonAt.get(v.row)!;
        const mine = v.status === 'used' ? 'none' : AUTHORS[v.status];
        if ((theirs === 'none') === (mine === 'none')) fa++;
        if (theirs === mine) ra++;
      }
      rows += g.verdicts.length;
      flagAgree += fa;
      reasonAgree += ra;
      const f = g.frontier!;
      const stages = g.stageCounts.map((s) => `${s.reason} ${s.runs}${s.budgets > 0 ? `/${s.budgets}b` : ''}`).join(', ');
      lines.push(`${experiment}: ${g.verdicts.length} rows, flagged-or-not agree ${fa}, same reason ${ra}; a ${f.a.estimate.toFixed(4)} (plain ${a}), b ${f.b.estimate.toFixed(4)} (plain ${b}), ${f.budgets} budgets; dropped: ${stages}`);
      // Each experiment: most rows agree, and the exponents stay within 0.05 of the plain protocol's.
      expect(fa / g.verdicts.length).toBeGreaterThan(0.75);
      expect(Math.abs(f.a.estimate - a)).toBeLessThan(0.05);
      expect(Math.abs(f.b.estimate - b)).toBeLessThan(0.05);
    }
    console.log([...lines, `all: ${rows} rows, flagged-or-not agree ${flagAgree} (${((100 * flagAgree) / rows).toFixed(1)} %), same reason ${reasonAgree} (${((100 * reasonAgree) / rows).toFixed(1)} %)`].join('\n'));
    expect(rows).toBe(947);
    expect(flagAgree / rows).toBeGreaterThan(0.88);
    expect(reasonAgree / rows).toBeGreaterThan(0.8);
  });

  test("Marin comma and nemotron: the authors flagged only small budgets, and lawfit's QC agrees on every row", async () => {
    for (const e of ['marin_202603__comma__llama_2', 'marin_202603__nemotron__llama_2']) {
      const g = await analyse(e, false);
      for (const v of g.verdicts) expect(v.status === 'used' ? 'none' : AUTHORS[v.status]).toBe(reasonAt.get(v.row));
      const plain = PLAIN[e]!;
      expect(g.frontier!.a.estimate).toBeCloseTo(plain[1], 4);
    }
  });
});
