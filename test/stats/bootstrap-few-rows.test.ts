/**
 * Issue 14: a bootstrap whose replicates have at most p + 1 effective rows (distinct rows with
 * positive weight) warns in the report and records it in the artifact (repro: 5 parameters on
 * 6 rows reported sd(A) = 1.7e+123 with no warning).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fewEffectiveRows } from '../../src/stats/bootstrap.js';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

describe('effective rows of a replicate', () => {
  test('counts distinct rows with positive weight and flags those at most p + 1', () => {
    // 3 replicates of 5 rows; p = 2 so the threshold is 3.
    const w = new Float64Array([1, 1, 1, 1, 1, /**/ 5, 0, 0, 0, 0, /**/ 2, 0, 1, 0, 2]);
    expect(fewEffectiveRows(w, 3, 5, 2)).toEqual({ threshold: 3, replicates: [1, 2], minEffectiveRows: 1 });
    expect(fewEffectiveRows(new Float64Array([1, 1, 1, 1, 1]), 1, 5, 2).replicates).toEqual([]);
  });
});

describe('repro: chinchilla (5 parameters) bootstrapped on 6 rows', () => {
  test('the report warns and the artifact records the replicates; report reprints it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawfit-few-'));
    const lines = readFileSync(sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv'), 'utf8').trim().split('\n');
    const csv = join(dir, 'six.csv');
    // The header and six non-outlier rows of different sizes.
    const rows = lines.slice(1).filter((l) => l.endsWith(',0'));
    writeFileSync(csv, [lines[0], ...[0, 30, 60, 90, 120, 150].map((k) => rows[k])].join('\n') + '\n');
    const out = join(dir, 'six.json');
    const r = await runCliCaptured('fit', csv, '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8', '--bootstrap', '50', '--seed', '1', '--out', out);
    if (process.env.SHOW) console.log(r.out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning: all 50 replicates have at most 6 distinct rows with positive weight \(p \+ 1 for 5 parameters; fewest \d\): their fits \(nearly\) interpolate/);
    const art = JSON.parse(readFileSync(out, 'utf8'));
    const few = art.result?.bootstrap?.fewRows ?? art.bootstrap?.fewRows ?? findKey(art, 'fewRows');
    expect(few.threshold).toBe(6);
    expect(few.replicates).toHaveLength(50);
    const again = await runCliCaptured('report', out);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/warning: all 50 replicates have at most 6 distinct rows/);
  }, 120_000);
});

describe('a chain stage bootstrapped on p + 1 runs', () => {
  test('the chain output warns for the stage and its artifact records it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lawfit-few-chain-'));
    const csv = join(dir, 'four.csv');
    writeFileSync(csv, 'x,loss\n' + [4, 16, 64, 256].map((x, k) => `${x},${(2 + 10 * x ** -0.5) * (1 + 0.01 * Math.sin(k))}`).join('\n') + '\n');
    const out = join(dir, 'chain.json');
    const r = await runCliCaptured('chain', csv, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--then', 'power', '--then-x', 'x=@', '--then-y', 'loss', '--at', 'x=1e3', '--bootstrap', '10', '--design', 'bayes', '--seed', '0', '--out', out);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/warning: all 10 replicates have at most 4 distinct rows with positive weight \(p \+ 1 for 3 parameters; fewest 4\)/);
    const art = JSON.parse(readFileSync(out, 'utf8'));
    expect(art.summary.stages[0].summary.bootstrap.fewRows).toMatchObject({ threshold: 4, minEffectiveRows: 4 });
  }, 120_000);
});

function findKey(o: unknown, key: string): any {
  if (o === null || typeof o !== 'object') return undefined;
  if (key in (o as object)) return (o as Record<string, unknown>)[key];
  for (const v of Object.values(o as object)) {
    const f = findKey(v, key);
    if (f !== undefined) return f;
  }
  return undefined;
}
