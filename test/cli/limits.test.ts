/**
 * Resource limits and seeds (issue 14, items 2 and 3): every flag or file that could make lawfit
 * allocate without bound is refused with one line naming the flag or file and the limit, before
 * any allocation (these runs return in well under a second; before, they crashed with "invalid
 * typed array length", a V8 heap abort, or grew to 18.8 GB); --threads above the core count is
 * capped with a note; seeds are whole numbers from 0 to 2^32 - 1, and nothing else aliases one.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatBytes, formatLimit, LIMITS } from '../../src/limits.js';
import { createRng, nextDouble } from '../../src/util/rng.js';
import { runCliCaptured as run } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const EPOCH = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const Q = ['--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8'];
const dir = mkdtempSync(join(tmpdir(), 'lawfit-limits-'));

/** The run fails as bad input with exactly one line, which matches `pattern`. */
function expectOneLine(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('limits on what a flag can allocate, checked before allocation', () => {
  test('--bootstrap 1e9: refused naming the flag and the limit', async () => {
    const r = await run('fit', EPOCH, ...Q, '--bootstrap', '1e9');
    expectOneLine(r, /--bootstrap 1e9: 1,000,000,000 bootstrap replicates, more than lawfit's limit of 100,000/);
  });

  test('--starts sobol:99999999999: refused (was: invalid typed array length)', async () => {
    const r = await run('fit', EPOCH, ...Q.slice(0, -2), '--starts', 'sobol:99999999999');
    expectOneLine(r, /--starts sobol:99999999999: 99,999,999,999 starts, more than lawfit's limit of 1,000,000/);
  });

  test('--grid alpha=lin:0:1:1000000000: refused (was: V8 heap abort, exit 134)', async () => {
    const r = await run('fit', EPOCH, ...Q.slice(0, -2), '--grid', 'alpha=lin:0:1:1000000000');
    expectOneLine(r, /--grid alpha=lin:0:1:1000000000: 1,000,000,000 grid points, more than lawfit's limit of 1,000,000/);
  });

  test('--grid: the product of the axes is limited, not only each axis', async () => {
    const r = await run('fit', EPOCH, ...Q.slice(0, -2), '--grid', 'alpha=lin:0:1:1001', '--grid', 'beta=lin:0:1:1000');
    expectOneLine(r, /--grid .*1,001,000 grid points, more than lawfit's limit of 1,000,000/);
  });

  test('--replicate-starts basins:K is a start count under the same limit', async () => {
    const r = await run('fit', EPOCH, ...Q, '--bootstrap', '10', '--replicate-starts', 'basins:5000000');
    expectOneLine(r, /--replicate-starts basins:5000000: 5,000,000 starts, more than lawfit's limit/);
  });

  test('--threads 1000: capped at the core count with a note, and the fit runs', async () => {
    const cores = availableParallelism();
    const r = await run('fit', EPOCH, ...Q, '--threads', '1000');
    expect(r.code).toBe(0);
    expect(r.err).toContain(`note: --threads 1000 is more than the ${cores} core${cores === 1 ? '' : 's'} here; using ${cores}`);
    expect(r.out).toContain('[[Variables]]');
  });
});

describe('limits on input files', () => {
  test('fit /dev/zero: refused at the byte limit (was: 18.8 GB in 120 s)', async () => {
    const r = await run('fit', '/dev/zero', ...Q);
    expectOneLine(r, new RegExp(`/dev/zero: the input has more than lawfit's limit of ${formatBytes(LIMITS.fileBytes.max)} for a data file`));
  });

  test('a 600 MB CSV: refused from its size before reading (was: "Cannot create a string longer than...")', async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'N_params,D_tokens,loss\n');
    truncateSync(big, 600 * 1024 * 1024); // sparse: no disk used
    const r = await run('fit', big, ...Q);
    expectOneLine(r, /big\.csv: the file has 600 MiB, more than lawfit's limit of 128 MiB for a data file/);
  });

  test('more rows than the row limit: refused naming the file and the first row over it', async () => {
    const rows = join(dir, 'rows.csv');
    writeFileSync(rows, 'x,loss\n' + '1,2\n'.repeat(LIMITS.rows.max + 1));
    const r = await run('fit', rows, '--formula', 'A*x', '--x', 'x=x', '--y', 'loss');
    expectOneLine(r, new RegExp(`rows\\.csv, row ${LIMITS.rows.max + 2}: more than lawfit's limit of ${formatLimit(LIMITS.rows.max)} data rows`));
  });

  test('JSONL: the same row limit', async () => {
    const rows = join(dir, 'rows.jsonl');
    writeFileSync(rows, '{"x":1,"loss":2}\n'.repeat(LIMITS.rows.max + 1));
    const r = await run('fit', rows, '--formula', 'A*x', '--x', 'x=x', '--y', 'loss');
    expectOneLine(r, /rows\.jsonl, row 1000001: more than lawfit's limit of 1,000,000 data rows/);
  });
});

describe('seeds: whole numbers from 0 to 2^32 - 1', () => {
  for (const seed of ['1.5', '1.9', '4294967297', '-1', 'abc']) {
    test(`--seed ${seed} is refused naming --seed and the range (1.5, 1.9 and 4294967297 used to alias seed 1)`, async () => {
      const r = await run('fit', EPOCH, ...Q.slice(0, -2), '--starts', 'random:8', '--seed', seed);
      expectOneLine(r, new RegExp(`--seed: expected a whole number from 0 to 4294967295 \\(a seed\\), got '${seed}'`));
    });
  }

  test('demo, compare and chain take the same rule', async () => {
    expectOneLine(await run('demo', '--seed', '1.5'), /--seed: expected a whole number from 0 to 4294967295/);
    expectOneLine(
      await run('compare', EPOCH, '--laws', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--holdout', 'top:2:N_params', '--seed', '4294967297'),
      /--seed: expected a whole number from 0 to 4294967295/,
    );
  });

  test('the library refuses what it would have aliased, and the range ends are distinct seeds', () => {
    expect(() => createRng(1.5)).toThrow(/expected a whole number from 0 to 4294967295/);
    expect(() => createRng(2 ** 32 + 1)).toThrow(/expected a whole number/);
    const first = (s: number): number => nextDouble(createRng(s));
    expect(new Set([first(0), first(1), first(2 ** 31), first(2 ** 32 - 1)]).size).toBe(4);
  });
});

describe('the README states the limits of src/limits.ts', () => {
  test('each limit appears in the "Bad input" table with its number', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const row = (what: string, value: string): RegExp => new RegExp(`\\| ${what}[^|]* \\| ${value} \\|`);
    expect(readme).toMatch(row('starts of a fit', formatLimit(LIMITS.starts.max)));
    expect(readme).toMatch(row('grid points', formatLimit(LIMITS.gridPoints.max)));
    expect(readme).toMatch(row('bootstrap replicates', formatLimit(LIMITS.replicates.max)));
    expect(readme).toMatch(row('bytes read from a data file', formatBytes(LIMITS.fileBytes.max)));
    expect(readme).toMatch(row('data rows', formatLimit(LIMITS.rows.max)));
  });
});
