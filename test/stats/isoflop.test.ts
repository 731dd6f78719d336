/**
 * The IsoFLOP analysis (src/stats/isoflop.ts) on synthetic sweeps from a known Chinchilla law:
 * the exponents it recovers, each QC stage on a sweep built to trip it, the bad inputs the issue
 * lists (one budget value, budgets with < 3 runs, only negative curvatures), and the bootstrap's
 * reproducibility and failure accounting.
 */
import { describe, expect, test } from 'vitest';
import { analyzeIsoflop, type IsoflopRuns } from '../../src/stats/isoflop.js';
import { DEFAULT_QC, NO_QC, parseQcStages, QC_STAGES } from '../../src/stats/isoflop-qc.js';
import { resampleWeights } from '../../src/stats/resample.js';
import { createRng, nextInt, nextNormal } from '../../src/util/rng.js';
import { renderIsoflop } from '../../src/report/isoflop-text.js';
import { isLawfitError } from '../../src/errors.js';
import { fitFrontier } from '../../src/stats/isoflop-frontier.js';

const LAW = { E: 1.8, A: 400, B: 2000, alpha: 0.34, beta: 0.28 };
const TRUE_A = LAW.beta / (LAW.alpha + LAW.beta);
const loss = (N: number, D: number): number => LAW.E + LAW.A / N ** LAW.alpha + LAW.B / D ** LAW.beta;

/** N_opt of the law at C = 6ND (Hoffmann et al. eq. 4). */
function nOpt(C: number): number {
  const G = ((LAW.alpha * LAW.A) / (LAW.beta * LAW.B)) ** (1 / (LAW.alpha + LAW.beta));
  return G * (C / 6) ** TRUE_A;
}

interface Run { N: number; D: number; C: number; loss: number }

function sweep(opts: { budgets?: number[]; perBudget?: number; span?: number; offset?: number; noise?: number; seed?: number } = {}): Run[] {
  const budgets = opts.budgets ?? [1e18, 3e18, 1e19, 3e19, 1e20, 3e20];
  const k = opts.perBudget ?? 9;
  const span = opts.span ?? 1.2; // ± in ln N around the optimum
  const rng = createRng(opts.seed ?? 1);
  const out: Run[] = [];
  for (const C of budgets) {
    for (let i = 0; i < k; i++) {
      const N = nOpt(C) * Math.exp((opts.offset ?? 0) + span * (-1 + (2 * i) / (k - 1)));
      const D = C / (6 * N);
      out.push({ N, D, C, loss: loss(N, D) + (opts.noise ?? 0) * nextNormal(rng) });
    }
  }
  return out;
}

function runsOf(rows: readonly Run[], groups?: string[]): IsoflopRuns {
  return {
    source: 'synthetic',
    n: rows.length,
    N: Float64Array.from(rows, (r) => r.N),
    D: Float64Array.from(rows, (r) => r.D),
    C: Float64Array.from(rows, (r) => r.C),
    loss: Float64Array.from(rows, (r) => r.loss),
    rowNumbers: Int32Array.from(rows, (_, i) => i + 2),
    ...(groups !== undefined ? { groups } : {}),
  };
}

describe('IsoFLOP analysis on a known law', () => {
  test('recovers the law\'s allocation exponents (a = beta/(alpha+beta)) and a + b = 1', () => {
    const r = analyzeIsoflop(runsOf(sweep({ noise: 0.002 })), { at: [1e24] });
    const f = r.groups[0]!.frontier!;
    expect(f.budgets).toBe(6);
    expect(Math.abs(f.a.estimate - TRUE_A)).toBeLessThan(0.02);
    expect(f.sum.estimate).toBeCloseTo(1, 10);
    expect(f.a.interval[0]).toBeLessThan(f.a.estimate);
    const p = r.groups[0]!.predictions[0]!;
    expect(p.N.interval[0]).toBeLessThan(p.N.estimate);
    expect(p.N.interval[1]).toBeGreaterThan(p.N.estimate);
    expect(p.tokensPerParam.estimate).toBeCloseTo(p.D.estimate / p.N.estimate, 6);
    for (const b of r.groups[0]!.budgets) {
      expect(b.status).toBe('kept');
      expect(b.bracket).toBe('bracketed');
      // The vertex is near the law's optimum (parabola vs the true curve: a few percent).
      expect(Math.abs(Math.log(b.N!.optimum / nOpt(b.budget)))).toBeLessThan(0.15);
    }
  });

  test('groups are analysed separately, each with its own frontier', () => {
    const a = sweep({ noise: 0.001, seed: 2 });
    const b = sweep({ noise: 0.001, seed: 3, budgets: [1e19, 1e20, 1e21] });
    const r = analyzeIsoflop(runsOf([...a, ...b], [...a.map(() => 'one'), ...b.map(() => 'two')]));
    expect(r.groups.map((g) => [g.group, g.budgets.length])).toEqual([['one', 6], ['two', 3]]);
    expect(r.groups.every((g) => g.frontier !== undefined)).toBe(true);
  });
});

describe('quality control stages', () => {
  test('exact and near duplicates are dropped (the first in file order kept), with the row they repeat', () => {
    const rows = sweep();
    rows.push({ ...rows[3]!, loss: rows[3]!.loss + 0.01 }); // same N: exact
    rows.push({ ...rows[12]!, N: rows[12]!.N * 1.004 }); // 0.4 % in N: near
    const g = analyzeIsoflop(runsOf(rows)).groups[0]!;
    const v = g.verdicts.slice(-2);
    expect(v.map((x) => x.status)).toEqual(['exact_duplicate', 'near_duplicate']);
    expect(v[0]!.detail).toContain('row 5');
    expect(g.stageCounts).toEqual(expect.arrayContaining([{ reason: 'exact_duplicate', runs: 1, budgets: 0 }, { reason: 'near_duplicate', runs: 1, budgets: 0 }]));
  });

  test('a wild run is a leave-one-out outlier', () => {
    const rows = sweep({ noise: 0.002, perBudget: 11 });
    rows[30] = { ...rows[30]!, loss: rows[30]!.loss + 0.2 };
    const g = analyzeIsoflop(runsOf(rows)).groups[0]!;
    expect(g.verdicts[30]!.status).toBe('loo_outlier');
    expect(g.verdicts.filter((x) => x.status === 'loo_outlier')).toHaveLength(1);
  });

  test('a budget sampled on one side of its optimum is extrapolated: dropped with QC, flagged without', () => {
    const rows = [...sweep({ budgets: [1e18, 1e19, 1e20, 1e21] }), ...sweep({ budgets: [1e22], offset: 1.8, span: 0.6 })];
    const on = analyzeIsoflop(runsOf(rows)).groups[0]!;
    expect(on.budgets.at(-1)!.status).toBe('vertex_extrapolated');
    expect(on.budgets.at(-1)!.bracket).toBe('extrapolated');
    expect(on.frontier!.budgets).toBe(4);
    const off = analyzeIsoflop(runsOf(rows), { qc: NO_QC });
    const last = off.groups[0]!.budgets.at(-1)!;
    expect(last.status).toBe('kept');
    expect(last.bracket).toBe('extrapolated');
    expect(renderIsoflop(off)).toMatch(/optimum is extrapolated beyond the sampled range/);
  });

  test('a flat, noisy budget has weak curvature; too few runs is its own verdict', () => {
    const rows = [...sweep({ budgets: [1e18, 1e19, 1e20] }), ...sweep({ budgets: [1e21], span: 0.05, noise: 0.01, seed: 9 }), ...sweep({ budgets: [1e22], perBudget: 4 })];
    const g = analyzeIsoflop(runsOf(rows)).groups[0]!;
    expect(g.budgets[3]!.status === 'weak_curvature' || g.budgets[3]!.status === 'non_positive_curvature').toBe(true);
    expect(g.budgets[4]!.status).toBe('too_few_points');
    expect(g.budgets[4]!.detail).toBe('4 runs (fewest: 6)');
    expect(g.frontier!.budgets).toBe(3);
  });

  test('QC thresholds move the verdicts (min points)', () => {
    const rows = sweep({ perBudget: 5 });
    expect(analyzeIsoflop(runsOf(rows)).groups[0]!.frontier).toBeUndefined();
    expect(analyzeIsoflop(runsOf(rows), { qc: { ...DEFAULT_QC, minPoints: 5 } }).groups[0]!.frontier!.budgets).toBe(6);
  });
});

describe('bad input: clear errors or QC verdicts, never a crash', () => {
  test('a budget column with one value', () => {
    let caught: unknown;
    try {
      analyzeIsoflop(runsOf(sweep({ budgets: [1e20] })));
    } catch (e) {
      caught = e;
    }
    expect(isLawfitError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/budget column has one value \(100000000000000000000\).*2 or more compute budgets/);
  });

  test('budgets with fewer than 3 runs: verdicts, and the frontier says why it is missing', () => {
    const r = analyzeIsoflop(runsOf(sweep({ perBudget: 2 })), { qc: NO_QC });
    const g = r.groups[0]!;
    expect(g.budgets.every((b) => b.status === 'too_few_points')).toBe(true);
    expect(g.frontier).toBeUndefined();
    expect(g.frontierError).toMatch(/0 budgets passed quality control; the frontier needs at least 2/);
    expect(renderIsoflop(r)).toMatch(/frontier: not fitted/);
  });

  test('all curvatures negative: every budget non_positive_curvature, even with QC off', () => {
    const rows = sweep().map((x) => ({ ...x, loss: 10 - x.loss }));
    for (const qc of [DEFAULT_QC, NO_QC]) {
      const g = analyzeIsoflop(runsOf(rows), { qc, bootstrap: { replicates: 5 } }).groups[0]!;
      expect(g.budgets.every((b) => b.status === 'non_positive_curvature')).toBe(true);
      expect(g.budgets[0]!.detail).toMatch(/curvature in ln N is -.*no minimum/);
      expect(g.frontier).toBeUndefined();
      expect(g.bootstrap).toBeUndefined();
    }
  });

  test('bad thresholds are bad options', () => {
    expect(() => analyzeIsoflop(runsOf(sweep()), { qc: { ...DEFAULT_QC, minPoints: 2 } })).toThrow(/--min-points/);
  });
});

describe('bootstrap', () => {
  const rows = sweep({ noise: 0.003, perBudget: 10 });
  test('same seed, same draws; another seed, other draws; intervals bracket the estimate', () => {
    const a = analyzeIsoflop(runsOf(rows), { bootstrap: { replicates: 200, seed: 5 } }).groups[0]!.bootstrap!;
    const b = analyzeIsoflop(runsOf(rows), { bootstrap: { replicates: 200, seed: 5 } }).groups[0]!.bootstrap!;
    const c = analyzeIsoflop(runsOf(rows), { bootstrap: { replicates: 200, seed: 6 } }).groups[0]!.bootstrap!;
    expect(a.draws).toEqual(b.draws);
    expect(a.draws).not.toEqual(c.draws);
    expect(a.succeeded + a.failed.length).toBe(200);
    expect(a.a.interval[0]).toBeLessThan(a.a.estimate);
    expect(a.a.interval[1]).toBeGreaterThan(a.a.estimate);
    expect(a.a.sd).toBeGreaterThan(0);
  });

  test('failed replicates are counted with their reason, never dropped silently', () => {
    // Two budgets, resampled whole: about half the replicates draw one budget twice (no slope).
    const two = sweep({ budgets: [1e19, 1e20], noise: 0.001 });
    const bs = analyzeIsoflop(runsOf(two), { bootstrap: { replicates: 400, seed: 1, design: 'budgets' } }).groups[0]!.bootstrap!;
    expect(bs.failed.length).toBeGreaterThan(100);
    expect(bs.failed.length).toBeLessThan(300);
    expect(bs.succeeded + bs.failed.length).toBe(400);
    expect(bs.draws.filter((d) => d === null)).toHaveLength(bs.failed.length);
    expect(bs.failed[0]!.reason).toMatch(/frontier needs 2 distinct/);
    expect(renderIsoflop(analyzeIsoflop(runsOf(two), { bootstrap: { replicates: 400, seed: 1, design: 'budgets' } }))).toMatch(/\d+ failed \(\d+× .*\); the intervals are over the \d+ others/);
  });

  test('the within-budget design keeps every budget\'s run count in every replicate', () => {
    const strata = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'c'];
    const w = resampleWeights(9, { replicates: 50, seed: 3, design: { kind: 'strata', strata } });
    for (let r = 0; r < 50; r++) {
      const row = w.subarray(r * 9, r * 9 + 9);
      expect(row[0]! + row[1]! + row[2]!).toBe(3);
      expect(row[3]! + row[4]!).toBe(2);
      expect(row[5]! + row[6]! + row[7]! + row[8]!).toBe(4);
    }
  });
});

describe('parseQcStages', () => {
  test('all, none, and any list of known stages (randomised, seeded)', () => {
    expect(parseQcStages('all')).toEqual([...QC_STAGES]);
    expect(parseQcStages('none')).toEqual([]);
    const rng = createRng(11);
    for (let t = 0; t < 300; t++) {
      const picks = Array.from({ length: nextInt(rng, 1, 7) }, () => QC_STAGES[nextInt(rng, 0, QC_STAGES.length - 1)]!);
      const text = picks.map((p) => (nextInt(rng, 0, 1) === 1 ? ` ${p} ` : p)).join(',');
      expect(parseQcStages(text)).toEqual([...new Set(picks)]);
    }
    expect(() => parseQcStages('duplicates,outlier')).toThrow(/unknown stage 'outlier'/);
    expect(() => parseQcStages(' , ')).toThrow(/no stage given/);
  });
});

describe('frontier and weights', () => {
  test('the slope and its standard error are the textbook least-squares ones', () => {
    const x = [40, 41, 42.5, 43, 45];
    const y = [18.1, 18.7, 19.3, 19.8, 20.7];
    const f = fitFrontier(x, y, y.map((v, i) => 5 - v + 0.01 * i), x.map(() => 1))!;
    const mx = x.reduce((s, v) => s + v, 0) / 5;
    const my = y.reduce((s, v) => s + v, 0) / 5;
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const slope = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / sxx;
    const rss = x.reduce((s, v, i) => s + (y[i]! - my - slope * (v - mx)) ** 2, 0);
    expect(f.N.slope).toBeCloseTo(slope, 12);
    expect(f.N.slopeSe).toBeCloseTo(Math.sqrt(rss / 3 / sxx), 12);
    expect(f.N.logK).toBeCloseTo(my - slope * mx, 10);
    expect(f.dof).toBe(3);
  });

  test('inverse-variance frontier weights change the fit; equal weights are the plain protocol', () => {
    const rows = sweep({ noise: 0.004, perBudget: 8, seed: 4 });
    const eq = analyzeIsoflop(runsOf(rows)).groups[0]!.frontier!;
    const iv = analyzeIsoflop(runsOf(rows), { frontierWeights: 'inverse-variance' }).groups[0]!.frontier!;
    expect(iv.weights).toBe('inverse-variance');
    expect(iv.a.estimate).not.toBeCloseTo(eq.a.estimate, 8);
    expect(Math.abs(iv.a.estimate - TRUE_A)).toBeLessThan(0.03);
  });

  test('a run of weight 0 is left out of its parabola, as if it were not there', () => {
    const rows = sweep({ noise: 0.002, perBudget: 9 });
    const wild = rows.map((r, i) => (i === 20 ? { ...r, loss: r.loss + 0.3 } : r));
    const weights = Float64Array.from(wild, (_, i) => (i === 20 ? 0 : 1));
    const withZero = analyzeIsoflop({ ...runsOf(wild), weights }, { qc: NO_QC }).groups[0]!;
    const without = analyzeIsoflop(runsOf(rows.filter((_, i) => i !== 20)), { qc: NO_QC }).groups[0]!;
    expect(withZero.budgets[2]!.N!.optimum).toBeCloseTo(without.budgets[2]!.N!.optimum, 6);
    expect(withZero.frontier!.a.estimate).toBeCloseTo(without.frontier!.a.estimate, 10);
  });
});
