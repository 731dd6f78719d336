/**
 * Law comparison on held-out runs: the folds each holdout scheme builds, the ranking on data drawn
 * exactly from one law, folds a law cannot be fitted on, and the bootstrap interval on the error.
 */
import { describe, expect, test } from 'vitest';
import { readTable, readTableFile, type Table } from '../../src/data/index.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { isCancelled, type Progress } from '../../src/fit/control.js';
import { compareLaws } from '../../src/stats/compare.js';
import { holdoutFolds } from '../../src/stats/holdout.js';
import { sharedFile } from '../support/shared-data.js';

// L = 2 + 5 x^-0.3, exactly: the `power` law with E = 2, A = 5, alpha = 0.3. Two runs share x = 64
// (one rolling step); `size` groups the runs; `noisy` is the law times a fixed +-1 % pattern.
const xs = [1, 2, 4, 8, 16, 32, 64, 64, 128, 256, 512];
const size = (x: number): string => (x <= 2 ? 'tiny' : x <= 32 ? 'small' : 'large');
const law = (x: number): number => 2 + 5 * x ** -0.3;
const wiggle = [0.01, -0.008, 0.004, -0.01, 0.006, 0.002, -0.004, 0.009, -0.006, 0.003, -0.002];
const table: Table = readTable(
  'x,size,loss,noisy\n' + xs.map((x, i) => `${x},${size(x)},${law(x)},${law(x) * (1 + wiggle[i]!)}`).join('\n') + '\n',
  'synthetic.csv',
  'csv',
);
const spec = { inputs: { x: 'x' }, target: 'loss' };
const power = compileLaw(findLaw('power'));
const noOffset = compileLaw(findLaw('power-no-offset'));

describe('holdout folds are what the docs say', () => {
  test('rolling:x:3: the last 3 distinct values are the cut-offs; fit below, predict at and beyond', () => {
    const folds = holdoutFolds(table, undefined, { kind: 'rolling', expression: 'x', cutoffs: 3 }).map((p) => p.fold);
    expect(folds.map((f) => f.cutoff)).toEqual([128, 256, 512]);
    // Data rows are source rows 2..12; x = 128 is row 10.
    expect(folds[0]!.fitRows).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(folds[0]!.heldOutRows).toEqual([10, 11, 12]);
    expect(folds[2]!.fitRows).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(folds[2]!.heldOutRows).toEqual([12]);
    // Equal values form one step: the cut-off at 64 holds out both x = 64 runs.
    const at64 = holdoutFolds(table, undefined, { kind: 'rolling', expression: 'x', cutoffs: 4 })[0]!.fold;
    expect(at64.cutoff).toBe(64);
    expect(at64.heldOutRows).toEqual([8, 9, 10, 11, 12]);
    expect(() => holdoutFolds(table, undefined, { kind: 'rolling', expression: 'x', cutoffs: 10 })).toThrow(/10 distinct values of x, so at most 9 cut-offs/);
  });

  test('group:size: one fold per group in order of first appearance; where and top:K see only kept runs', () => {
    const folds = holdoutFolds(table, undefined, { kind: 'group', column: 'size' }).map((p) => p.fold);
    expect(folds.map((f) => f.group)).toEqual(['tiny', 'small', 'large']);
    expect(folds[0]!.heldOutRows).toEqual([2, 3]);
    expect(folds[0]!.fitRows).toHaveLength(9);
    expect(folds[2]!.heldOutRows).toEqual([8, 9, 10, 11, 12]);
    // The largest x overall is filtered out, so top:1 holds out the largest kept run.
    const top = holdoutFolds(table, 'x < 500', { kind: 'top', k: 1, expression: 'x' })[0]!.fold;
    expect(top.heldOutRows).toEqual([11]);
    expect(top.fitRows).toHaveLength(9);
    expect(() => holdoutFolds(table, undefined, { kind: 'group', column: 'sise' })).toThrow(/sise/);
    expect(() => holdoutFolds(table, undefined, { kind: 'filter', expression: 'x > 1e6' })).toThrow(/selects no rows/);
  });
});

describe('compareLaws', () => {
  test('rolling cut-offs on data drawn from `power`: power is exact and ranks first', async () => {
    const c = await compareLaws([noOffset, power], table, spec, { kind: 'rolling', expression: 'x', cutoffs: 3 });
    expect(c.folds).toHaveLength(3);
    expect(c.laws.map((l) => l.law)).toEqual(['power', 'power-no-offset']);
    const [best, other] = c.laws;
    expect(best!.scoredFolds).toBe(3);
    expect(best!.meanAbsRelError).toBeLessThan(1e-6);
    expect(other!.meanAbsRelError).toBeGreaterThan(1e-3);
    // The law's error is the mean over folds of each fold's mean over its held-out runs.
    const perFold = other!.folds.map((f) => f.heldOut.reduce((s, h) => s + h.absRelError, 0) / f.heldOut.length);
    expect(other!.meanAbsRelError).toBeCloseTo(perFold.reduce((s, v) => s + v, 0) / 3, 14);
    expect(best!.folds[0]!.heldOut.map((h) => h.row)).toEqual([10, 11, 12]);
    // AIC and BIC from the fit on all runs: the exact law's residuals are far smaller.
    expect(best!.aic).toBeLessThan(other!.aic);
    expect('error' in best!.allRuns).toBe(false);
  }, 60_000);

  test('leave-one-group-out: a fold that leaves too few runs is skipped for that law only, with a note', async () => {
    // Without the 'small' and 'large' groups only 2 runs remain: too few for power's 3 parameters,
    // enough for power-no-offset's 2.
    const twoGroups = readTable(
      'x,size,loss\n' + xs.map((x) => `${x},${x <= 2 ? 'tiny' : 'rest'},${law(x)}`).join('\n') + '\n',
      'two-groups.csv',
      'csv',
    );
    const c = await compareLaws([power, noOffset], twoGroups, spec, { kind: 'group', column: 'size' });
    const p = c.laws.find((l) => l.law === 'power')!;
    const n = c.laws.find((l) => l.law === 'power-no-offset')!;
    expect(p.folds.map((f) => f.outcome)).toEqual(['scored', 'skipped']);
    expect(p.folds[1]!.note).toMatch(/2 runs to fit, fewer than the law's 3 free parameters/);
    expect(p.scoredFolds).toBe(1);
    expect(p.meanAbsRelError).toBeLessThan(1e-6);
    expect(n.folds.map((f) => f.outcome)).toEqual(['scored', 'scored']);
  }, 60_000);

  test('a law that cannot be fitted on any fold is reported, ranked last, and does not stop the others', async () => {
    // log(x - 3) is not finite at x = 1 and 2, which every fold either fits on or predicts.
    const broken = compileLaw({ ...findLaw('power'), name: 'broken', formula: 'E + A * log(x - 3)^alpha' });
    const c = await compareLaws([broken, power], table, spec, { kind: 'group', column: 'size' });
    expect(c.laws.map((l) => l.law)).toEqual(['power', 'broken']);
    const b = c.laws[1]!;
    expect(b.folds.every((f) => f.outcome === 'failed' && (f.note ?? '') !== '')).toBe(true);
    expect(b.error).toBeDefined();
    expect(Number.isNaN(b.meanAbsRelError)).toBe(true);
    expect(c.laws[0]!.scoredFolds).toBe(3);
  }, 60_000);

  test('bootstrap: the interval contains the point estimate, failures are counted, and a seed reproduces it', async () => {
    const noisy = { inputs: { x: 'x' }, target: 'noisy' };
    const run = (seed: number) =>
      compareLaws([power], table, noisy, { kind: 'top', k: 2, expression: 'x' }, { bootstrap: { replicates: 60, seed } });
    const a = await run(5);
    const l = a.laws[0]!;
    expect(l.interval).toBeDefined();
    expect(l.interval![0]).toBeLessThanOrEqual(l.meanAbsRelError);
    expect(l.interval![1]).toBeGreaterThanOrEqual(l.meanAbsRelError);
    expect(l.interval![1]).toBeGreaterThan(l.interval![0]);
    expect(l.bootstrap!.succeeded + l.bootstrap!.failed.length).toBe(60);
    expect(l.bootstrap!.draws.filter((d) => d === null)).toHaveLength(l.bootstrap!.failed.length);
    expect(a.bootstrap).toMatchObject({ replicates: 60, seed: 5, level: 0.95, design: { kind: 'rows' } });
    const again = await run(5);
    expect(again.laws[0]!.bootstrap!.draws).toEqual(l.bootstrap!.draws);
    expect(again.laws[0]!.interval).toEqual(l.interval);
    const other = await run(6);
    expect(other.laws[0]!.bootstrap!.draws).not.toEqual(l.bootstrap!.draws);
    // The point estimate does not depend on the bootstrap.
    expect(other.laws[0]!.meanAbsRelError).toBe(l.meanAbsRelError);
    // --generator numpy-legacy reaches the folds' resamples (it was once dropped on the way).
    const numpy = await compareLaws([power], table, noisy, { kind: 'top', k: 2, expression: 'x' }, { bootstrap: { replicates: 60, seed: 5, generator: 'numpy-legacy' } });
    expect(numpy.bootstrap!.generator).toBe('numpy-legacy');
    expect(numpy.laws[0]!.bootstrap!.draws).not.toEqual(l.bootstrap!.draws);
    expect(a.bootstrap!.generator).toBe('xoroshiro');
  }, 120_000);

  test('bootstrap with a fixed design (residuals, wild): every replicate keeps the fold\'s runs and gives an interval', async () => {
    const noisy = { inputs: { x: 'x' }, target: 'noisy' };
    const rows = await compareLaws([power], table, noisy, { kind: 'top', k: 2, expression: 'x' }, { bootstrap: { replicates: 40, seed: 5 } });
    for (const design of [{ kind: 'residuals', centre: true, leverage: false }, { kind: 'wild', weights: 'mammen', leverage: true }] as const) {
      const c = await compareLaws([power], table, noisy, { kind: 'top', k: 2, expression: 'x' }, { bootstrap: { replicates: 40, seed: 5, design } });
      const l = c.laws[0]!;
      expect(c.bootstrap!.design).toEqual(design);
      expect(l.bootstrap!.succeeded).toBe(40);
      expect(l.interval![1]).toBeGreaterThan(l.interval![0]);
      expect(l.bootstrap!.draws).not.toEqual(rows.laws[0]!.bootstrap!.draws);
      expect(l.meanAbsRelError).toBe(rows.laws[0]!.meanAbsRelError);
    }
  }, 120_000);

  test('run control: one monotone count over every fit of every law, ending done === total; abort rejects', async () => {
    const seen: Progress[] = [];
    await compareLaws([power, noOffset], table, spec, { kind: 'group', column: 'size' }, { control: { onProgress: (p) => seen.push(p) } });
    expect(seen.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    const last = seen[seen.length - 1]!;
    expect(last.done).toBe(last.total);
    expect(new Set(seen.map((p) => p.phase))).toContain('power-no-offset, all runs');
    const ac = new AbortController();
    ac.abort();
    const stopped = await compareLaws([power], table, spec, { kind: 'group', column: 'size' }, { control: { signal: ac.signal } }).catch((e: unknown) => e);
    expect(isCancelled(stopped)).toBe(true);
  }, 60_000);

  test("leave one model size out on Gadre et al.'s 35 RedPajama runs: Chinchilla (tied) extrapolates best, the over-training law worst", async () => {
    const gadre = await readTableFile(sharedFile('gadre-overtraining/gadre_104_models.csv'));
    const laws = ['overtrain', 'chinchilla-tied'].map((n) => compileLaw(findLaw(n)));
    const c = await compareLaws(laws, gadre, { inputs: { N: 'N_params', M: 'D_tokens/N_params', D: 'D_tokens' }, target: 'loss_c4_val', where: "train_dataset == 'rpj'" }, { kind: 'group', column: 'model_config' });
    expect(c.runs).toBe(35);
    expect(c.folds.map((f) => [f.group, f.fitRows.length, f.heldOutRows.length])).toEqual([
      ['d=96_l=8_h=4', 27, 8],
      ['d=512_l=8_h=4', 27, 8],
      ['d=576_l=24_h=8', 27, 8],
      ['d=1024_l=24_h=8', 27, 8],
      ['open_lm_1b', 33, 2],
      ['open_lm_7b', 34, 1],
    ]);
    expect(c.laws.map((l) => [l.law, (100 * l.meanAbsRelError).toFixed(2), l.scoredFolds])).toEqual([
      ['chinchilla-tied', '1.66', 6],
      ['overtrain', '5.34', 6],
    ]);
    // In-sample, the order is the other way round.
    expect(c.laws[1]!.aic).toBeLessThan(c.laws[0]!.aic);
  }, 120_000);
});
