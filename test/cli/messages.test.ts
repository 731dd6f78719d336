/**
 * Messages (issue 14, item 5, the CLI's share): each of these used to print the wrong thing, or
 * nothing, or 48 lines; now each is one line naming what is wrong, with exit code 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findDuplicateKey } from '../../src/data/json-duplicates.js';
import { readTable } from '../../src/data/read-table.js';
import { joinDashValues } from '../../src/cli/parse-flags.js';
import { runCliCaptured as run } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const EPOCH = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const Q = ['--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8'];
const dir = mkdtempSync(join(tmpdir(), 'lawfit-messages-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function expectOneLine(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('flag values that start with a dash', () => {
  test('--ftol -1: the value reaches its parser, one line (was: "argument is ambiguous" + 48 lines of usage)', async () => {
    expectOneLine(await run('fit', EPOCH, ...Q, '--ftol', '-1'), /^lawfit fit: error: --ftol: expected a number > 0, got '-1'$/m);
  });

  test('--fix E -1 split by the shell, and --fix E=-1: one line each', async () => {
    expectOneLine(await run('fit', EPOCH, ...Q, '--fix', 'E=-1'), /parameter 'E': fixed value -1 is outside its domain/);
    expectOneLine(await run('fit', EPOCH, ...Q, '--fix', '-1'), /--fix: expected NAME=VALUE, got '-1'/);
  });

  test('a negative value that is valid is accepted (--formula starting with a minus)', async () => {
    const f = file('neg.csv', 'x,y\n' + [1, 2, 3, 4, 5, 6].map((x) => `${x},${-2 * x}`).join('\n') + '\n');
    const r = await run('fit', f, '--formula', '-A*x', '--x', 'x=x', '--y', 'y', '--threads', '1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/A:\s+2\b/);
  });

  test('isoflop, hpopt, sweep, merge and shard-manifest read dash values the same way (they used to say "argument is ambiguous")', async () => {
    const iso = ['isoflop', sharedFile('isoflops/isoflops.csv'), '--budget', 'budget', '--x', 'N=params,D=tokens', '--y', 'loss'];
    expectOneLine(await run(...iso, '--seed', '-1'), /^lawfit isoflop: error: --seed: .*got '-1'/m);
    const hp = file('hp.csv', 'N,D,lr,loss\n1,1,0.1,3\n');
    expectOneLine(await run('hpopt', hp, '--x', 'N=N,D=D', '--hp', 'lr=lr', '--y', 'loss', '--seed', '-1'), /^lawfit hpopt: error: --seed: .*got '-1'/m);
    expectOneLine(await run('shard-manifest', '--k8s', file('k.json', '{}'), '--shards', '-2'), /^lawfit shard-manifest: error: --shards: '-2' is not a positive whole number$/m);
    // sweep and merge: the dash value is taken as the value (the error, if any, is about something else).
    for (const argv of [['sweep', join(dir, 'none.json'), '--shard', '-1/4'], ['merge', join(dir, 'none'), '--out', '-m.json']]) {
      const r = await run(...argv);
      expect(r.err, argv[0]).not.toMatch(/ambiguous/);
    }
    // A flag of the command where a value was expected is still refused.
    for (const c of ['isoflop', 'hpopt', 'sweep', 'merge', 'shard-manifest']) {
      expectOneLine(await run(c, '--out', '--help'), new RegExp(`^lawfit ${c}: error: Option '--out' argument is ambiguous`, 'm'));
    }
  });

  test('a flag where a value was expected is still an error, in one line', async () => {
    expectOneLine(await run('fit', EPOCH, ...Q, '--out', '--quiet'), /^lawfit fit: error: Option '--out' argument is ambiguous; 'lawfit fit --help' lists the options$/m);
  });

  test('an unknown flag: one line pointing to --help', async () => {
    expectOneLine(await run('fit', EPOCH, ...Q, '--bogus'), /Unknown option '--bogus'.*'lawfit fit --help' lists the options/);
  });

  test('joinDashValues leaves booleans, known flags and "--" alone', () => {
    const options = { out: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;
    expect(joinDashValues(['--out', '-x.json', '--quiet'], options)).toEqual(['--out=-x.json', '--quiet']);
    expect(joinDashValues(['--out', '--quiet'], options)).toEqual(['--out', '--quiet']);
    expect(joinDashValues(['--out', '-h'], options)).toEqual(['--out', '-h']);
    expect(joinDashValues(['--quiet', '-1'], options)).toEqual(['--quiet', '-1']);
    expect(joinDashValues(['--', '--out', '-1'], options)).toEqual(['--', '--out', '-1']);
  });

  test('--damping: a bad value is refused (it used to pass through unchecked)', async () => {
    expectOneLine(await run('fit', EPOCH, ...Q, '--damping', 'fast'), /--damping: expected levenberg or marquardt, got 'fast'/);
  });
});

describe('JSON duplicate keys are an error naming the key and where', () => {
  test('a record with a key twice (was: the last value kept silently)', async () => {
    const f = file('dup.json', '[\n  {"x": 1, "y": 2},\n  {"x": 2, "y": 3, "y": 4}\n]\n');
    expectOneLine(
      await run('fit', f, '--formula', 'A*x', '--x', 'x=x', '--y', 'y'),
      /dup\.json, column 'y': duplicate key at line 3, col 20 \(first at line 3, col 12\); JSON keeps only one of the two values/,
    );
  });

  test('JSONL: the line and column', async () => {
    const f = file('dup.jsonl', '{"x": 1, "y": 2}\n{"x": 2, "x": 5, "y": 3}\n');
    expectOneLine(await run('fit', f, '--formula', 'A*x', '--x', 'x=x', '--y', 'y'), /dup\.jsonl, row 2, column 'x': duplicate key at col 10 \(first at col 2\)/);
  });

  test('column-object JSON: a column given twice', () => {
    expect(() => readTable('{"x": [1, 2], "y": [3, 4], "x": [5, 6]}', 'cols.json')).toThrow(/column 'x': duplicate key at line 1, col 28/);
  });

  test('the scan: escapes decode ("a" equals "\\u0061"), nesting scopes keys, strings with quotes and brackets', () => {
    expect(findDuplicateKey('{"a": 1, "\\u0061": 2}')?.key).toBe('a');
    expect(findDuplicateKey('{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}')).toBeUndefined();
    expect(findDuplicateKey('{"a\\"}": "{\\"a\\": 1, ", "b": "[", "c": 1}')).toBeUndefined();
    const text = '[{"k": "x", "v": 1}, {"k": "y", "v": 2, "k": "z"}]';
    expect(findDuplicateKey(text)).toMatchObject({ key: 'k', offset: text.lastIndexOf('"k"'), first: text.indexOf('"k"', 20), col: text.lastIndexOf('"k"') + 1 });
    // Deep nesting (what JSON.parse accepts) does not overflow the stack: the scan is iterative.
    const deep = '['.repeat(100_000) + '{"a":1,"a":2}' + ']'.repeat(100_000);
    expect(findDuplicateKey(deep)?.key).toBe('a');
  });
});

describe('CR-only line endings report the right row', () => {
  test('JSONL with bare CR line ends (was: "row 1: ... after the end of the JSON value")', async () => {
    const f = file('cr.jsonl', '{"x": 1, "y": 2}\r{"x": 2, "y": 4}\r{"x": 3, "y": "n/a"}\r');
    expectOneLine(await run('fit', f, '--formula', 'A*x', '--x', 'x=x', '--y', 'y'), /cr\.jsonl, row 3, column 'y': 'n\/a' is not a number/);
  });

  test("JSON with bare CR line ends: the syntax error's line (was: line 1)", async () => {
    const f = file('cr.json', '[\r{"x": 1, "y": 2},\r{"x": 3, "y": 2,}\r]');
    expectOneLine(await run('fit', f, '--formula', 'A*x', '--x', 'x=x', '--y', 'y'), /cr\.json: malformed JSON at line 3, col 17: unexpected '}' after ','/);
  });

  test('CSV with bare CR line ends (already right; kept so)', async () => {
    const f = file('cr.csv', 'x,y\r\r1,2\r\r3,x\r5,6\r');
    expectOneLine(await run('fit', f, '--formula', 'A*x', '--x', 'x=x', '--y', 'y'), /cr\.csv, row 5, column 'y': 'x' is not a number/);
  });

  test('a CR-only file without an extension is recognised as JSONL', () => {
    const t = readTable('{"x": 1}\r{"x": 2}\r', 'runs');
    expect(t.format).toBe('jsonl');
    expect(t.rowNumbers).toEqual([1, 2]);
  });
});

describe('compare', () => {
  const base = ['--laws', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--threads', '1'];

  test('every run held out is an error (was: exit 0 with nothing scored)', async () => {
    expectOneLine(await run('compare', EPOCH, ...base, '--holdout', 'N_params > 0'), /--holdout 'N_params > 0' holds out all 245 runs, leaving none to fit the laws on/);
    expectOneLine(await run('compare', EPOCH, ...base, '--holdout', 'top:245:N_params'), /--holdout top:245:N_params holds out all 245 runs/);
  });

  test('a target or --where column that is not there is one error before any fit (was: exit 0, every law "failed" in the notes)', async () => {
    const cmp = ['--laws', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--holdout', 'top:4:N_params'];
    expectOneLine(await run('compare', EPOCH, ...cmp, '--y', 'losss'), /^lawfit compare: error: \S*chinchilla_epoch_245\.csv, column 'losss': no such column \(target 'losss'\)/m);
    expectOneLine(await run('compare', EPOCH, ...cmp, '--y', 'loss', '--where', 'excluded == 0'), /^lawfit compare: error: \S*chinchilla_epoch_245\.csv, column 'excluded': no such column \(where 'excluded == 0', col 1\)/m);
  });

  test('a --formula that uses only some of the --x inputs takes part like a built-in (was: "input \'D\' is declared but the formula never uses it")', async () => {
    // Two formulas, each over one of the two --x inputs (the built-ins' 4,500-start grids would only slow this down).
    const r = await run('compare', EPOCH, ...base.slice(2), '--formula', 'E + A/N^alpha', '--formula', 'E + B/D^beta', '--holdout', 'top:5:N_params');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+\d\s+formula-1\s+\d+\.\d+ %\s+1\/1/m);
    expect(r.out).toMatch(/^\s+\d\s+formula-2\s+\d+\.\d+ %\s+1\/1/m);
  });
});
