/**
 * The IsoFLOP artifact (`lawfit isoflop --out`) is checked on read like the fit, comparison and
 * chain artifacts (src/report/artifact-schema.ts): the untouched artifact reprints as the run
 * printed it; any field the report reads, given a value of the wrong kind, is refused with one
 * line naming that field (a fast-check property over the artifact's fields); values of the right
 * kind and unknown fields are accepted; counts that contradict each other are refused by name.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { LawfitError } from '../../src/errors.js';
import { readIsoflopArtifact } from '../../src/report/isoflop-artifact.js';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-isoflop-artifact-'));
const out = join(dir, 'iso.json');
let printed = '';
let artifact: any;

beforeAll(async () => {
  const r = await runCliCaptured(
    'isoflop', sharedFile('isoflops/isoflops.csv'), '--budget', 'budget', '--x', 'N=params,D=tokens', '--y', 'loss',
    '--where', "experiment == 'llama_3__raw_loss'", '--bootstrap', '20', '--at', '1e22', '--also', 'chinchilla', '--out', out,
  );
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  printed = r.out;
  artifact = JSON.parse(readFileSync(out, 'utf8'));
}, 120_000);

type Path = Array<string | number>;
const pathText = (p: Path): string => p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? k : `${s}.${k}`), '');

/** The fields the schema reads, with what they hold: 'real' (a number or null), 'count', 'string'. */
function checkedFields(a: any): Array<{ path: Path; kind: 'real' | 'count' | 'string' }> {
  const f: Array<{ path: Path; kind: 'real' | 'count' | 'string' }> = [];
  const add = (kind: 'real' | 'count' | 'string', ...path: Path) => f.push({ path, kind });
  add('string', 'data', 'source');
  add('string', 'data', 'digest');
  add('string', 'data', 'budget');
  add('string', 'result', 'source');
  add('count', 'result', 'runs');
  a.result.groups.forEach((g: any, k: number) => {
    const G: Path = ['result', 'groups', k];
    add('count', ...G, 'runs');
    g.budgets.forEach((b: any, j: number) => {
      add('real', ...G, 'budgets', j, 'budget');
      add('count', ...G, 'budgets', j, 'runs');
      add('count', ...G, 'budgets', j, 'used');
      if (b.N !== undefined) add('real', ...G, 'budgets', j, 'N', 'optimum');
    });
    g.verdicts.forEach((_: unknown, i: number) => {
      add('count', ...G, 'verdicts', i, 'row');
      add('real', ...G, 'verdicts', i, 'loss');
    });
    if (g.frontier !== undefined) for (const q of ['a', 'b', 'sum']) add('real', ...G, 'frontier', q, 'estimate');
    g.predictions.forEach((_: unknown, i: number) => add('real', ...G, 'predictions', i, 'N', 'estimate'));
    const bs = g.bootstrap;
    if (bs !== undefined) {
      for (const q of ['a', 'b', 'sum']) add('real', ...G, 'bootstrap', q, 'sd');
      bs.draws.forEach((d: unknown[] | null, r: number) => d?.forEach((_, c) => add('real', ...G, 'bootstrap', 'draws', r, c)));
      bs.budgetKeptShare.forEach((_: unknown, i: number) => add('real', ...G, 'bootstrap', 'budgetKeptShare', i, 'share'));
    }
  });
  a.approach3.forEach((_: unknown, k: number) => {
    add('string', 'approach3', k, 'law');
    add('real', 'approach3', k, 'objective');
    add('count', 'approach3', k, 'runs');
  });
  return f;
}

function setAt(a: any, path: Path, v: unknown): void {
  let o = a;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]!] = v;
}

/** The one-line error reading `a` gives, or undefined when it is accepted. */
function readError(a: unknown): string | undefined {
  try {
    readIsoflopArtifact(a, 'iso.json');
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(LawfitError);
    return (e as Error).message;
  }
}

describe('isoflop artifacts', () => {
  test('the untouched artifact reads, and lawfit report prints what the run printed', async () => {
    expect(readError(artifact)).toBeUndefined();
    expect(artifact.result.groups[0].bootstrap.replicates).toBe(20);
    expect(artifact.approach3).toHaveLength(1);
    const r = await runCliCaptured('report', out);
    expect(r.err).toBe('');
    expect(r.out).toBe(printed.replace(/wrote .*\n$/, ''));
  });

  test('property: a field of the wrong kind is refused with one line naming it', () => {
    const fields = checkedFields(artifact);
    expect(fields.length).toBeGreaterThan(50);
    const wrong = {
      real: fc.oneof(fc.string(), fc.boolean(), fc.constant({})),
      count: fc.oneof(fc.string(), fc.constant(-1), fc.constant(1.5), fc.constant(null)),
      string: fc.oneof(fc.integer(), fc.constant(null), fc.constant([])),
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...fields).chain((f) => fc.tuple(fc.constant(f), wrong[f.kind])),
        ([f, v]) => {
          const a = structuredClone(artifact);
          setAt(a, f.path, v);
          const msg = readError(a);
          expect(msg, `${pathText(f.path)} = ${JSON.stringify(v)}`).toBeDefined();
          expect(msg!.split('\n')).toHaveLength(1);
          expect(msg!.startsWith(`iso.json: invalid artifact: ${pathText(f.path)}: `), msg).toBe(true);
        },
      ),
      { numRuns: 300, seed: 9 },
    );
  });

  test('property: values of the right kind and unknown fields are accepted', () => {
    const reals = checkedFields(artifact).filter((f) => f.kind === 'real');
    fc.assert(
      fc.property(fc.constantFrom(...reals), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), fc.string(), (f, v, extra) => {
        const a = structuredClone(artifact);
        setAt(a, f.path, v);
        a.result.groups[0][`x-${extra}`] = extra;
        expect(readError(a)).toBeUndefined();
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  test('counts that contradict each other are refused by field, here and in lawfit report', async () => {
    const cases: Array<[(a: any) => void, RegExp]> = [
      [(a) => a.result.groups[0].bootstrap.draws.pop(), /result\.groups\[0\]\.bootstrap\.draws: has 19 draws but the bootstrap states 20 replicates/],
      [(a) => (a.result.groups[0].bootstrap.succeeded = 3), /result\.groups\[0\]\.bootstrap\.failed: \d+ failed \+ 3 succeeded is not the 20 replicates stated/],
      [(a) => (a.result.groups[0].frontier.budgets += 1), /result\.groups\[0\]\.frontier\.budgets: the frontier is over \d+ budgets but \d+ are kept/],
      [(a) => a.result.groups[0].verdicts.pop(), /result\.groups\[0\]\.verdicts: has \d+ runs but the group states \d+/],
      [(a) => (a.result.groups[0].budgets[0].status = 'bogus'), /result\.groups\[0\]\.budgets\[0\]\.status: /],
      [(a) => (a.approach3[0].group = 'nope'), /approach3\[0\]\.group: group 'nope' is not among the analysis's groups/],
      [(a) => delete a.result.groups, /result\.groups: expected array, got nothing/],
    ];
    for (const [k, [edit, field]] of cases.entries()) {
      const a = structuredClone(artifact);
      edit(a);
      expect(readError(a)).toMatch(field);
      const p = join(dir, `tampered-${k}.json`);
      writeFileSync(p, JSON.stringify(a));
      const r = await runCliCaptured('report', p);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(field);
    }
  });
});
