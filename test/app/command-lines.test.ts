/**
 * The command lines the app prints ("Same fit on the command line", "Same ranking on the command
 * line"), as text: shell-quoted (src/util/shell-quote.ts), split by a real POSIX shell
 * (test/support/shell-split.ts), run through the CLI in-process (test/support/cli.ts), and their
 * artifacts compared with the numbers the page shows: the worker's results for the same request
 * (the page renders exactly those). The run uses what broke before: a filter with spaces and `==`,
 * a typed formula (`^`, spaces, `/`), start ranges, a bootstrap with a seed and a non-default
 * interval level.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as api from '../../app/src/worker/api.js';
import type { RunRequest, RunResult } from '../../app/src/worker/protocol.js';
import { shellCommand, shellQuote } from '../../src/util/shell-quote.js';
import { parseArtifact } from '../../src/report/artifact-read.js';
import type { Comparison } from '../../src/stats/compare.js';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';
import { shellSplit } from '../support/shell-split.js';

const EPOCH = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const NAME = 'chinchilla_epoch_245.csv';
const dir = mkdtempSync(join(tmpdir(), 'lawfit-command-lines-'));
const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

/** The printed text run as a user would: split by the shell; the file given by its path (the page knows only its name). */
async function runPrinted(text: string, out: string): Promise<void> {
  const argv = shellSplit(text);
  expect(argv[0]).toBe('lawfit');
  const args = argv.slice(1).map((a) => (a === NAME ? EPOCH : a));
  const r = await runCliCaptured(...args, '--out', out);
  expect(r.code, `${text}\n${r.err}`).toBe(0);
}

const MAPPING = { x: { N: 'N_params', D: 'D_tokens' }, y: 'loss', where: 'excluded_outlier == 0' };
const base = (): Omit<RunRequest, 'laws'> => ({
  file: { name: NAME, content: new Uint8Array(readFileSync(EPOCH)) },
  spec: { ...MAPPING, bootstrap: 16, ci: 90, seed: 5 },
  engine: 'cpu',
});

describe('shell quoting', () => {
  test('words a shell would change are quoted, and the shell gives them back unchanged', () => {
    const argv = ['lawfit', 'fit', 'my runs.csv', '--where', "excluded_outlier == 0 && name != 'x'", '--formula', 'E + A / N^alpha', '--x', 'N=N_params,D=D_tokens', '--range', 'A=-4:4', '=x', ''];
    expect(shellQuote('N=N_params,D=D_tokens')).toBe('N=N_params,D=D_tokens');
    expect(shellQuote('excluded_outlier == 0')).toBe("'excluded_outlier == 0'");
    expect(shellSplit(shellCommand(argv))).toEqual(argv);
  });

  test('400 pseudo-random words over the characters shells treat specially come back from /bin/sh unchanged', () => {
    const chars = [..."abcXYZ019 _-=+:,./@%'\"\\$`!*?[]{}()<>|&;#~^\t\n"];
    let seed = 12345;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const words = Array.from({ length: 400 }, () => Array.from({ length: Math.floor(next() * 12) }, () => chars[Math.floor(next() * chars.length)]!).join(''));
    expect(shellSplit(shellCommand(words))).toEqual(words);
  });
});

describe('the command lines the app prints reproduce its numbers through the CLI', () => {
  test('fit: a built-in law and a typed formula with data-scale start ranges, a filter and a bootstrap', async () => {
    const pre = await api.preflight({ file: base().file, x: 'N=N_params,D=D_tokens', y: 'loss', where: 'excluded_outlier == 0' });
    if (!pre.ok) throw new Error(pre.error.message);
    expect([pre.rows, pre.fitted]).toEqual([245, 240]);
    const formula = 'E + A / N^alpha + B / D^beta';
    const check = await api.checkFormula({ formula, inputs: ['N', 'D'], targetScale: pre.targetScale });
    if (!check.ok) throw new Error(check.error.message);
    const range = check.parameters.map((p) => ({ name: p.name, range: p.range! }));
    console.log(`data-scale start ranges: ${range.map((r) => `${r.name}=${r.range[0]}:${r.range[1]}`).join(' ')}`);
    const result: RunResult = await api.run({ ...base(), laws: [{ law: 'chinchilla' }, { formula, spec: { range } }] });
    expect(result.data).toMatchObject({ rows: 245, fitted: 240 });
    expect(result.laws.map((l) => [l.label, l.ok])).toEqual([['chinchilla', true], ['formula-1', true]]);
    for (const law of result.laws) {
      if (!law.ok) continue;
      const text = shellCommand(law.command);
      console.log(`printed: ${text}`);
      expect(text).toContain("--where 'excluded_outlier == 0'");
      expect(text).toMatch(/--bootstrap 16 .*--ci 90/);
      expect(text).toContain('--seed 5');
      const out = join(dir, `${law.label}.json`);
      await runPrinted(text, out);
      const cliArtifact = parseArtifact(readFileSync(out, 'utf8'), out);
      // The typed record of the run (run-spec/record.ts) is the same from the page and from the pasted line.
      expect(cliArtifact.run).toBeDefined();
      expect(cliArtifact.run).toEqual(parseArtifact(law.artifact, `${law.label} (app)`).run);
      const cli = cliArtifact.summary;
      const app = law.summary;
      expect(cli.data.n).toBe(240);
      let worst = 0;
      for (const p of app.params) worst = Math.max(worst, rel(p.value!, cli.params.find((q) => q.name === p.name)!.value!));
      for (const p of app.bootstrap!.parameters) {
        const q = cli.bootstrap!.parameters.find((x) => x.name === p.name)!;
        worst = Math.max(worst, rel(p.sd, q.sd), rel(p.percentile[0], q.percentile[0]), rel(p.percentile[1], q.percentile[1]));
      }
      expect(cli.bootstrap!.level).toBe(0.9);
      console.log(`${law.label}: largest relative difference app vs pasted command ${worst.toExponential(2)} (parameters, bootstrap sd and ${90} % bounds)`);
      expect(worst).toBeLessThan(1e-9);
    }
  }, 240_000);

  test('compare: a built-in law and a formula, held-out runs, bootstrap, seed, interval level', async () => {
    // Fewer replicates and laws than the fit test: compare refits every law on every fold's replicates, in the app and again on the command line.
    const result = await api.run({ ...base(), spec: { ...base().spec, bootstrap: 4, ci: 90, holdout: { kind: 'top', k: 4, expression: 'N_params*D_tokens' } }, laws: [{ law: 'chinchilla' }, { formula: 'E + A / N^alpha + B / D^beta', spec: { positive: [] } }] });
    await expectSameRanking(result, ['--bootstrap 4', '--seed 5', '--ci 90', "--holdout 'top:4:N_params*D_tokens'", "--where 'excluded_outlier == 0'"], 'compare.json');
  }, 600_000);

  test('compare: a typed formula with the data-scale start ranges the page gives it (the ranking command was refused before)', async () => {
    const pre = await api.preflight({ file: base().file, x: 'N=N_params,D=D_tokens', y: 'loss', where: 'excluded_outlier == 0' });
    if (!pre.ok) throw new Error(pre.error.message);
    const formula = 'E + A / N^alpha + B / D^beta';
    const check = await api.checkFormula({ formula, inputs: ['N', 'D'], targetScale: pre.targetScale });
    if (!check.ok) throw new Error(check.error.message);
    const range = check.parameters.map((p) => ({ name: p.name, range: p.range! }));
    const result = await api.run({ ...base(), spec: { ...base().spec, bootstrap: 2, ci: 80, holdout: { kind: 'top', k: 4, expression: 'N_params*D_tokens' } }, laws: [{ law: 'chinchilla' }, { formula, spec: { range } }] });
    await expectSameRanking(result, ['--range formula-1:E=', '--range formula-1:alpha=', '--bootstrap 2', '--ci 80'], 'compare-ranges.json');
  }, 600_000);

  test('compare: a typed formula with ticked positive parameters (no ranking command before: compare had no --positive)', async () => {
    const pre = await api.preflight({ file: base().file, x: 'N=N_params,D=D_tokens', y: 'loss', where: 'excluded_outlier == 0' });
    if (!pre.ok) throw new Error(pre.error.message);
    const formula = 'E + A / N^alpha + B / D^beta';
    const positive = ['E', 'A', 'B'];
    // As the page asks: the ranges of positive parameters are positive ones (start-ranges.ts).
    const check = await api.checkFormula({ formula, inputs: ['N', 'D'], targetScale: pre.targetScale, positive });
    if (!check.ok) throw new Error(check.error.message);
    const range = check.parameters.map((p) => ({ name: p.name, range: p.range! }));
    const result = await api.run({ ...base(), spec: { ...base().spec, bootstrap: 2, ci: 80, holdout: { kind: 'top', k: 4, expression: 'N_params*D_tokens' } }, laws: [{ law: 'chinchilla' }, { formula, spec: { range, positive } }] });
    expect(result.laws.map((l) => [l.label, l.ok])).toEqual([['chinchilla', true], ['formula-1', true]]);
    await expectSameRanking(result, ['--positive formula-1:E,A,B', '--range formula-1:E=', '--bootstrap 2'], 'compare-positive.json');
  }, 600_000);
});

/** The printed ranking command, run through the CLI, ranks the laws as the page did, with the same numbers. */
async function expectSameRanking(result: RunResult, flags: readonly string[], file: string): Promise<void> {
  const argv = result.rankingCommand;
  expect(argv, 'the ranking has a command line').toBeDefined();
  const text = shellCommand(argv!);
  console.log(`printed: ${text}`);
  for (const flag of flags) expect(text).toContain(flag);
  const out = join(dir, file);
  await runPrinted(text, out);
  const cli = (JSON.parse(readFileSync(out, 'utf8')) as { comparison: Comparison }).comparison;
  const app = result.comparison!;
  expect(cli.laws.map((l) => l.law)).toEqual(app.laws.map((l) => l.law));
  let worst = 0;
  for (const [k, l] of app.laws.entries()) {
    const c = cli.laws[k]!;
    worst = Math.max(worst, rel(l.meanAbsRelError, c.meanAbsRelError), rel(l.interval![0], c.interval![0]), rel(l.interval![1], c.interval![1]));
    l.folds.forEach((f, j) => f.heldOut.forEach((h, i) => (worst = Math.max(worst, rel(h.absRelError, c.folds[j]!.heldOut[i]!.absRelError)))));
  }
  console.log(`ranking ${app.laws.map((l) => l.law).join(' > ')}: largest relative difference app vs pasted command ${worst.toExponential(2)} (errors, intervals, per-run errors)`);
  expect(worst).toBeLessThan(1e-9);
}
