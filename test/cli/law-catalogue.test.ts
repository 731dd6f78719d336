/**
 * `lawfit laws` grouped by family, and the two data transforms the new laws need: `lr-areas`
 * (a learning-rate schedule to S1, S2) and `pass-at-k` (per-problem counts to coverage), end to end
 * into a fit of their laws.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LAW_FAMILIES } from '../../src/law/declaration.js';
import { BUILTIN_LAWS, lawsByFamily } from '../../src/laws/index.js';
import { scheduleAreas, scheduleLr } from '../../src/transforms/lr-schedule.js';
import { passAtK } from '../../src/transforms/pass-at-k.js';
import { runCliCaptured as run } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-catalogue-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function csvRows(text: string): string[][] {
  return text.trim().split('\n').map((l) => l.split(','));
}

describe('lawfit laws', () => {
  test('lists every law once, under its family heading, families in LAW_FAMILIES order', async () => {
    const r = await run('laws');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    const headings = LAW_FAMILIES.map((f) => lines.indexOf(f.label));
    expect(headings.every((h) => h > 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
    for (const group of lawsByFamily()) {
      const start = lines.indexOf(group.label);
      const next = headings.find((h) => h > start) ?? lines.length;
      const listed = lines.slice(start + 1, next).filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/\s+/)[0]);
      expect(listed, group.label).toEqual(group.items.map((l) => l.name));
    }
    const names = lines.filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/\s+/)[0]);
    expect(names.sort()).toEqual(BUILTIN_LAWS.map((l) => l.name).sort());
  });

  test('laws NAME shows the family and the reference', async () => {
    const r = await run('laws', 'parscale');
    expect(r.out).toContain('family:     architecture: parallel streams, experts');
    expect(r.out).toContain('arXiv:2505.10475');
    expect(r.out).toContain('300 points');
  });
});

describe('lawfit lr-areas', () => {
  test('a named schedule: one row per --every steps and the last, the library’s S1 and S2', async () => {
    const r = await run('lr-areas', '--schedule', 'cosine:peak=3e-4,min=3e-5,warmup=100', '--steps', '1000', '--every', '300');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = csvRows(r.out);
    expect(rows[0]).toEqual(['step', 'lr', 'S1', 'S2']);
    expect(rows.slice(1).map((x) => Number(x[0]))).toEqual([300, 600, 900, 1000]);
    // The schedule's own warmup is left out of the areas by default (S2 stays positive).
    const { S1, S2 } = scheduleAreas(scheduleLr({ kind: 'cosine', steps: 1000, peak: 3e-4, min: 3e-5, warmup: 100 }), { warmup: 100 });
    expect(Number(rows[4]![2])).toBe(S1[999]);
    expect(Number(rows[4]![3])).toBe(S2[999]);
    expect(S2[999]).toBeGreaterThan(0);
    const counted = await run('lr-areas', '--schedule', 'cosine:peak=3e-4,min=3e-5,warmup=100', '--steps', '1000', '--every', '1000', '--warmup', '0');
    expect(Number(csvRows(counted.out)[1]![3])).toBe(scheduleAreas(scheduleLr({ kind: 'cosine', steps: 1000, peak: 3e-4, min: 3e-5, warmup: 100 })).S2[999]);
  });

  test('a file with a per-step lr column keeps every column and appends S1, S2; bad cells name the row', async () => {
    const f = file('run.csv', 'step,lr,loss\n1,1e-3,5\n2,1e-3,4\n3,5e-4,3.5\n');
    const out = join(dir, 'areas.csv');
    const r = await run('lr-areas', f, '--lr', 'lr', '--lambda', '0.5', '--out', out);
    expect(r.code).toBe(0);
    const rows = csvRows(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['step', 'lr', 'loss', 'S1', 'S2']);
    expect(rows.map((x) => x[4])).toEqual(['S2', '0', '0', String(5e-4)]);
    const bad = await run('lr-areas', file('bad.csv', 'step,lr\n1,1e-3\n2,abc\n'), '--lr', 'lr');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad\.csv: row 3, column 'lr'/);
    const missing = await run('lr-areas', f, '--lr', 'LR');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--lr names column 'LR', which is not in the file; did you mean 'lr'\?/);
    const clash = await run('lr-areas', file('clash.csv', 'lr,S1\n1e-3,0\n'), '--lr', 'lr');
    expect(clash.code).toBe(2);
    expect(clash.err).toMatch(/already has a column 'S1'/);
    const both = await run('lr-areas', f, '--lr', 'lr', '--schedule', 'constant:peak=1');
    expect(both.code).toBe(2);
    expect((await run('lr-areas', '--schedule', 'cosine:peak=1')).err).toMatch(/needs --steps/);
  });

  test('end to end: areas of two schedules, then lawfit fit --law lr-annealing recovers the law', async () => {
    const truth = { L0: 2.5, A: 0.6, alpha: 0.55, C: 0.3 };
    const lines = ['S1,S2,loss'];
    for (const spec of ['cosine:peak=3e-4,min=3e-5', 'wsd:peak=3e-4,min=0,decay=0.2']) {
      const r = await run('lr-areas', '--schedule', spec, '--steps', '20000', '--every', '250');
      for (const [, , s1, s2] of csvRows(r.out).slice(1)) lines.push(`${s1},${s2},${truth.L0 + truth.A * Number(s1) ** -truth.alpha - truth.C * Number(s2)}`);
    }
    const fit = await run('fit', file('curves.csv', lines.join('\n') + '\n'), '--law', 'lr-annealing', '--x', 'S1=S1,S2=S2', '--y', 'loss', '--threads', '1');
    expect(fit.err).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.out).toMatch(/alpha:\s+0\.55\b/);
    expect(fit.out).toMatch(/C:\s+0\.3\b/);
  });
});

describe('lawfit pass-at-k', () => {
  const problems = [
    [200, 0],
    [200, 1],
    [200, 3],
    [200, 20],
    [200, 150],
  ];
  const counts = file('counts.csv', 'model,problem,n,c\n' + ['a', 'b'].flatMap((m, j) => problems.map(([n, c], i) => `${m},${i},${n},${j === 0 ? c : Math.min(n!, c! * 2)}`)).join('\n') + '\n');

  test('coverage at the default k (powers of two up to n), the mean unbiased pass@k, per --by group', async () => {
    const r = await run('pass-at-k', counts, '--n', 'n', '--c', 'c', '--by', 'model');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = csvRows(r.out);
    expect(rows[0]).toEqual(['model', 'k', 'coverage', 'problems']);
    const a = rows.filter((x) => x[0] === 'a');
    expect(a.map((x) => Number(x[1]))).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 200]);
    const want = problems.reduce((s, [n, c]) => s + passAtK(n!, c!, 16), 0) / problems.length;
    expect(Number(a.find((x) => x[1] === '16')![2])).toBe(want);
    expect(rows.filter((x) => x[0] === 'b').length).toBe(9);
  });

  test('explicit --k; k above n or c above n is an error naming the row', async () => {
    const r = await run('pass-at-k', counts, '--n', 'n', '--c', 'c', '--k', '1,10,100');
    expect(csvRows(r.out).slice(1).map((x) => x[0])).toEqual(['1', '10', '100']);
    const big = await run('pass-at-k', counts, '--n', 'n', '--c', 'c', '--k', '500');
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/k must be a whole number in \[1, n = 200\], got 500 \(.*counts\.csv: row 2\)/);
    const bad = await run('pass-at-k', file('bad-counts.csv', 'n,c\n10,3\n10,12\n'), '--n', 'n', '--c', 'c');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/c must be a whole number in \[0, n = 10\], got 12 \(.*bad-counts\.csv: row 3\)/);
    expect((await run('pass-at-k', counts, '--n', 'n')).err).toMatch(/needs --n COLUMN and --c COLUMN/);
    expect((await run('pass-at-k', counts, '--n', 'n', '--c', 'c', '--k', '1,x')).err).toMatch(/--k needs whole numbers/);
  });

  test('end to end: coverage from counts drawn with per-problem success rates, fitted by the coverage law', async () => {
    // Per-problem pass@1 p_i from a heavy left tail (the source of power-law coverage), n = 2048
    // samples each, c_i = round(n p_i): then coverage(k) and a fit of exp(a k^b) in log space.
    const n = 2048;
    const lines = ['n,c'];
    for (let i = 1; i <= 400; i++) lines.push(`${n},${Math.round(n * Math.pow(i / 400, 3))}`);
    const cov = await run('pass-at-k', file('tail.csv', lines.join('\n') + '\n'), '--n', 'n', '--c', 'c', '--out', join(dir, 'coverage.csv'));
    expect(cov.code).toBe(0);
    const fit = await run('fit', join(dir, 'coverage.csv'), '--law', 'coverage', '--x', 'k=k', '--y', 'coverage', '--threads', '1');
    expect(fit.err).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.out).toMatch(/\ba:\s+-\d/);
    expect(fit.out).toMatch(/\bb:\s+-0\.\d/);
  });
});
