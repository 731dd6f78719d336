/**
 * Issue 14 repros through the CLI: deep or long formulas and filters never crash (a one-line
 * error with the position, exit 2, or a working fit), `process.exit(1)` in --where gets the right
 * message, and `(A-A)/(A-A)` is not simplified to 0.
 */
import { describe, expect, test } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const csv = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const base = ['fit', csv, '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8'];
const law = 'E + A/N^alpha + B/D^beta';

async function expectOneLine(args: string[], message: RegExp): Promise<void> {
  const r = await runCliCaptured(...args);
  expect(r.code, r.err).toBe(2);
  const lines = r.err.trim().split('\n');
  expect(lines[0]).toMatch(message);
  expect(r.err).not.toMatch(/RangeError|Maximum call stack|internal error|\n\s+at /);
}

describe('no formula or filter crashes the CLI', () => {
  test('repro: 500 nested parentheses in --where', async () => {
    await expectOneLine([...base, '--law', 'chinchilla', '--where', `${'('.repeat(500)}excluded_outlier == 0${')'.repeat(500)}`], /where '.*', col 201: nesting deeper than 200 levels/);
  });

  test('repro: 500 nested parentheses in --formula', async () => {
    await expectOneLine([...base, '--formula', `${'('.repeat(500)}${law}${')'.repeat(500)}`, '--positive', 'A,B,E'], /col 201: nesting deeper than 200 levels/);
  });

  test('repro: sin nested 2,000 deep in --formula and in --where', async () => {
    await expectOneLine([...base, '--formula', `${law} + ${'sin('.repeat(2000)}E${')'.repeat(2000)}`, '--positive', 'A,B,E'], /col \d+: nesting deeper than 200 levels/);
    await expectOneLine([...base, '--law', 'chinchilla', '--where', `${'sin('.repeat(2000)}loss${')'.repeat(2000)} > 0`], /col \d+: nesting deeper than 200 levels/);
  });

  test('repro: a sum of 1,800 terms fits (formula) and filters (--where)', async () => {
    const f = await runCliCaptured(...base, '--formula', `${law}${' + 1e-12*A'.repeat(1800)}`, '--positive', 'A,B,E');
    expect(f.err).toBe('');
    expect(f.code).toBe(0);
    expect(f.out).toMatch(/\n\s+alpha:\s+0\.3\d+ \+\/- /);
    const w = await runCliCaptured(...base, '--law', 'chinchilla', '--where', `excluded_outlier${' + 0*loss'.repeat(1800)} == 0`);
    expect(w.err).toBe('');
    expect(w.code).toBe(0);
    expect(w.out).toMatch(/\(240 rows where excluded_outlier \+ 0\*loss/);
  }, 60_000);

  test('repro: process.exit(1) in --where is not called a malformed number', async () => {
    await expectOneLine([...base, '--law', 'chinchilla', '--where', 'process.exit(1)'], /where 'process\.exit\(1\)', col 8: unexpected '\.' after 'process': the formula language has no member access or method calls/);
  });

  test('repro: (A-A)/(A-A) is NaN, so the fit has no usable start (not a silent 0)', async () => {
    const r = await runCliCaptured(...base, '--formula', `${law} + (A-A)/(A-A)`, '--positive', 'A,B,E');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/could not be evaluated from any of the 8 starts/);
  });
});
