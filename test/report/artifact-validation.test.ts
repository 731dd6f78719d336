/**
 * Issue 14: artifacts are validated on read (artifact-schema.ts). A tampered field gives one line
 * naming it and exit code 2 in every command that reads artifacts (report, predict, optimal,
 * plot), for fit, comparison and chain artifacts alike.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-artifact-'));
const fitOut = join(dir, 'fit.json');
const cmpOut = join(dir, 'cmp.json');
const chainOut = join(dir, 'chain.json');
let fit: any;
let cmp: any;
let chain: any;

beforeAll(async () => {
  const epoch = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
  const f = await runCliCaptured('fit', epoch, '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8', '--bootstrap', '50', '--seed', '1', '--out', fitOut);
  expect(f.err).toBe('');
  fit = JSON.parse(readFileSync(fitOut, 'utf8'));
  const csv = join(dir, 'ladder.csv');
  writeFileSync(csv, 'x,loss\n' + Array.from({ length: 12 }, (_, k) => `${2 ** (k + 2)},${(2 + 10 * (2 ** (k + 2)) ** -0.5) * (1 + 0.01 * Math.sin(k))}`).join('\n') + '\n');
  const c = await runCliCaptured('compare', csv, '--laws', 'power,power-no-offset', '--x', 'x=x', '--y', 'loss', '--holdout', 'rolling:x:2', '--bootstrap', '10', '--seed', '3', '--out', cmpOut);
  expect(c.err).toBe('');
  cmp = JSON.parse(readFileSync(cmpOut, 'utf8'));
  const ch = await runCliCaptured('chain', csv, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--then', 'power', '--then-x', 'x=@', '--then-y', 'loss', '--at', 'x=1e5', '--bootstrap', '10', '--design', 'bayes', '--seed', '0', '--out', chainOut);
  expect(ch.err).toBe('');
  chain = JSON.parse(readFileSync(chainOut, 'utf8'));
}, 120_000);

/** Write a tampered copy of `base` and return its path. */
function tampered(base: unknown, name: string, edit: (a: any) => void): string {
  const a = structuredClone(base);
  edit(a);
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(a));
  return p;
}

async function expectRejected(args: string[], field: RegExp): Promise<void> {
  const r = await runCliCaptured(...args);
  expect(r.code, `${args.join(' ')}: ${r.out}`).toBe(2);
  expect(r.out).toBe('');
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^lawfit \w+: error: .*: invalid artifact: /);
  expect(lines[0]).toMatch(field);
}

describe('fit artifacts', () => {
  test('the untouched artifact reads in report, predict, optimal', async () => {
    expect((await runCliCaptured('report', fitOut)).code).toBe(0);
    const p = await runCliCaptured('predict', fitOut, '--at', 'N=1e10,D=2e11');
    expect(p.err).toBe('');
    expect(p.out).toMatch(/95 % bands from 50 bootstrap draws/);
    expect((await runCliCaptured('optimal', fitOut, '--compute', '1e22')).code).toBe(0);
  });

  test('repro: a parameter value "abc" (printed A: -inf with exit 0)', async () => {
    const p = tampered(fit, 'abc', (a) => (a.summary.params[0].value = 'abc'));
    for (const cmd of [['report', p], ['predict', p, '--at', 'N=1e10,D=2e11'], ['optimal', p, '--compute', '1e22'], ['plot', p, '--out', join(dir, 'plots')]]) {
      await expectRejected(cmd, /summary\.params\[0\]\.value: expected a number or null, got "abc"/);
    }
  });

  test('repro: draws cut to 3 (predict claimed 95 % bands from 50 bootstrap draws)', async () => {
    const p = tampered(fit, 'draws3', (a) => (a.summary.bootstrap.draws = a.summary.bootstrap.draws.slice(0, 3)));
    await expectRejected(['predict', p, '--at', 'N=1e10,D=2e11'], /summary\.bootstrap\.draws: has 3 draws but the artifact states 50 replicates/);
    await expectRejected(['report', p], /summary\.bootstrap\.draws: has 3 draws/);
  });

  test.each([
    ['params deleted (TypeError before)', (a: any) => delete a.summary.params, /summary\.params: expected array, got nothing/],
    ['params truncated (TypeError before)', (a: any) => (a.summary.params = a.summary.params.slice(0, 2)), /summary\.params: names \(A, B\) are not the law's parameters \(A, B, E, alpha, beta\)/],
    ['a parameter renamed', (a: any) => (a.summary.params[1].name = 'Q'), /summary\.params: names/],
    ['freeNames not the free parameters', (a: any) => (a.summary.law.freeNames = ['A']), /summary\.law\.freeNames/],
    ['a draw of the wrong length', (a: any) => (a.summary.bootstrap.draws[4] = [1, 2]), /summary\.bootstrap\.draws\[4\]: has 2 values, expected 5/],
    ['succeeded not the draws present', (a: any) => (a.summary.bootstrap.succeeded = 7), /summary\.bootstrap\.succeeded: is 7 but 50 draws are present/],
    ['a number as text in a draw', (a: any) => (a.summary.bootstrap.draws[2][0] = '1e3'), /summary\.bootstrap\.draws\[2\]\[0\]: expected a number or null, got "1e3"/],
    ['covariance of the wrong size', (a: any) => a.summary.uncertainty.covariance.pop(), /summary\.uncertainty\.covariance: must be 5 x 5/],
    ['an input renamed', (a: any) => (a.summary.data.inputs = { N: 'N_params', X: 'D_tokens' }), /summary\.data\.inputs: names \(N, X\) are not the law's inputs/],
    ['replicates not a count', (a: any) => (a.summary.bootstrap.replicates = 2.5), /summary\.bootstrap\.replicates: /],
    ['summary not an object', (a: any) => (a.summary = 3), /summary/],
    ['a parameter null', (a: any) => (a.summary.params[0].value = null), /summary\.params\[0\]\.value: parameter 'A' has no value/],
  ])('%s', async (_name, edit, field) => {
    const p = tampered(fit, `t${Math.abs(String(field).length)}`, edit);
    await expectRejected(['report', p], field);
    await expectRejected(['predict', p, '--at', 'N=1e10,D=2e11'], field);
  });
});

describe('comparison and chain artifacts', () => {
  test('untouched, they reprint', async () => {
    expect((await runCliCaptured('report', cmpOut)).code).toBe(0);
    expect((await runCliCaptured('report', chainOut)).code).toBe(0);
  });

  test('comparison: a bootstrap with 3 of its 10 draws, a string as an error, a fold out of range', async () => {
    await expectRejected(['report', tampered(cmp, 'c1', (a) => (a.comparison.laws[0].bootstrap.draws = a.comparison.laws[0].bootstrap.draws.slice(0, 3)))], /comparison\.laws\[0\]\.bootstrap\.draws: has 3 draws but the artifact states 10 replicates/);
    await expectRejected(['report', tampered(cmp, 'c2', (a) => (a.comparison.laws[1].meanAbsRelError = 'small'))], /comparison\.laws\[1\]\.meanAbsRelError: expected a number or null, got "small"/);
    await expectRejected(['report', tampered(cmp, 'c3', (a) => (a.comparison.laws[0].folds[0].fold = 9))], /comparison\.laws\[0\]\.folds\[0\]\.fold: fold 9 is out of range \(2 folds\)/);
    await expectRejected(['report', tampered(cmp, 'c4', (a) => delete a.comparison.laws)], /comparison\.laws: expected array, got nothing/);
  });

  test('chain: a stage summary tampered, replicate values cut', async () => {
    await expectRejected(['report', tampered(chain, 'h1', (a) => (a.summary.stages[1].summary.params[0].value = 'abc'))], /summary\.stages\[1\]\.summary\.params\[0\]\.value: expected a number or null, got "abc"/);
    await expectRejected(['report', tampered(chain, 'h2', (a) => (a.summary.predictions[0].replicateValues.stages[0] = [1, 2, 3]))], /summary\.predictions\[0\]\.replicateValues\.stages\[0\]: has 3 values but the artifact states 10 replicates/);
    await expectRejected(['report', tampered(chain, 'h3', (a) => delete a.summary.stages)], /summary\.stages: expected array, got nothing/);
  });
});
