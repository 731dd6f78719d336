/**
 * Property-based tests (fast-check), issue 14: random and adversarial text never makes a reader or
 * parser throw anything but a LawfitError (with a position where the input has one), and random
 * mutations of a real artifact never crash the artifact reader or the commands that use it.
 * Run counts are fixed (numRuns) and the seed is printed by fast-check on failure.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { isLawfitError } from '../../src/errors.js';
import { compileLaw, isFormulaError } from '../../src/law/compile.js';
import { parseExpression, parseProgram } from '../../src/law/syntax.js';
import { compileDataExpression } from '../../src/data/expression.js';
import { readTable } from '../../src/data/read-table.js';
import { datasetFromText } from '../../src/data/from-text.js';
import { parseArtifact } from '../../src/report/artifact-read.js';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

/**
 * Run f; anything thrown must be a LawfitError: when `positioned`, one whose message names a
 * column of the text; when `place` is given, one whose message starts with it (the file's name).
 */
function onlyLawfitErrors(f: () => unknown, positioned: boolean, place?: string): void {
  try {
    f();
  } catch (e) {
    if (!isLawfitError(e)) throw new Error(`threw a non-LawfitError: ${String(e)}\n${(e as Error).stack ?? ''}`);
    if (positioned && !/col \d+/.test(e.message)) throw new Error(`error without a position: ${e.message}`);
    if (place !== undefined && !e.message.startsWith(place)) throw new Error(`error not naming ${place}: ${e.message}`);
    if (e.message.split('\n')[0]!.length === 0) throw new Error('empty message');
  }
}

// Text made of the language's own pieces, so the generator reaches deep into the grammar.
const TOKENS = ['E', 'A', 'N', 'alpha', 'x', 'loss', '1', '2.5', '1e-3', '1e999', '.', '..', '0x1', '+', '-', '*', '/', '^', '**', '(', ')', ',', ';', '\n', '#c\n', ' ', '==', '!=', '<', '<=', '&&', '||', '!', '=', "'rpj'", '"a', 'exp(', 'log(', 'min(', 'logsumexp(', 'sin(', 'pow(', '`', '$', '\u00e9', '\u0000', 'constructor', '__proto__', 'toString('];
const tokenText = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((a) => a.join(''));
const anyText = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), tokenText);
// Adversarial shapes: deep nesting and long chains around random cores.
const deep = fc.tuple(fc.integer({ min: 150, max: 5000 }), fc.constantFrom('(', 'sin(', '-', 'A^', 'min(A,'), tokenText).map(([n, open, core]) => `${open.repeat(n)}${core}${open.endsWith('(') ? ')'.repeat(n) : ''}`);
const long = fc.tuple(fc.integer({ min: 100, max: 3000 }), fc.constantFrom(' + A', '*N', ' - 1', ' && x', ' || A < 1')).map(([n, link]) => `E${link.repeat(n)}`);
const formulaText = fc.oneof({ weight: 4, arbitrary: anyText }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: long });

const RUNS = { formula: 3000, where: 3000, compile: 1500, csv: 1500, json: 1500, artifactParse: 2000, artifactCli: 120 };

describe('formula parser and compiler', () => {
  test(`parseProgram / parseExpression: ${RUNS.formula} random texts, only FormulaErrors with a position`, () => {
    fc.assert(
      fc.property(formulaText, (text) => {
        onlyLawfitErrors(() => parseProgram(text), true);
        onlyLawfitErrors(() => parseExpression(text), true);
      }),
      { numRuns: RUNS.formula },
    );
  });

  test(`compileLaw: ${RUNS.compile} random formulas over E, A, alpha and N`, () => {
    fc.assert(
      fc.property(formulaText, (text) => {
        try {
          compileLaw({ name: 't', formula: text, inputs: [{ name: 'N' }], params: [{ name: 'E' }, { name: 'A', transform: { kind: 'log' } }, { name: 'alpha' }], space: 'linear' });
        } catch (e) {
          if (!isLawfitError(e)) throw new Error(`compileLaw threw ${String(e)}`);
          if (isFormulaError(e) && !/col \d+/.test(e.message)) throw new Error(`no position: ${e.message}`);
        }
      }),
      { numRuns: RUNS.compile },
    );
  });
});

describe('--where expressions', () => {
  test(`compileDataExpression: ${RUNS.where} random filters, only LawfitErrors with a position`, () => {
    const columns = ['x', 'loss', 'excluded_outlier', 'train_dataset', 'a-b'];
    fc.assert(
      fc.property(formulaText, (text) => {
        try {
          compileDataExpression(text, `where '${text}'`, columns, 'runs.csv');
        } catch (e) {
          if (!isLawfitError(e)) throw new Error(`threw ${String(e)}`);
          // An empty filter and an unknown column name the entry, not a column offset.
          if (text.trim() !== '' && !/col \d+|no such column|is empty/.test(e.message)) throw new Error(`no position: ${e.message}`);
        }
      }),
      { numRuns: RUNS.where },
    );
  });
});

describe('CSV and JSON readers', () => {
  const cell = fc.oneof(fc.constantFrom('1', '-2.5e3', 'NaN', 'inf', '', '"', '""', '"a,b"', 'n/a', '\r', '\ufeff', '1,5', ' 3 '), fc.string({ maxLength: 6 }));
  const csvText = fc.oneof(
    fc
      .tuple(fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 8 }), fc.constantFrom(',', '\t', ';'), fc.constantFrom('\n', '\r\n', '\r'))
      .map(([rows, sep, nl]) => rows.map((r) => r.join(sep)).join(nl)),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
  test(`readTable (csv, tsv, auto): ${RUNS.csv} random files, only LawfitErrors`, () => {
    fc.assert(
      fc.property(csvText, fc.constantFrom('csv', 'tsv', 'auto'), (text, format) => {
        const name = `runs.${format === 'auto' ? 'txt' : format}`;
        onlyLawfitErrors(() => readTable(text, name, format as 'csv'), false, name);
        onlyLawfitErrors(() => readTable(new TextEncoder().encode(text), 'runs.csv', 'auto'), false, 'runs.csv');
      }),
      { numRuns: RUNS.csv },
    );
  });

  test(`datasetFromText (table onto --x x=x --y loss --where): ${RUNS.csv} random files, only LawfitErrors naming the file`, async () => {
    const headed = fc.tuple(fc.constantFrom('x,loss\n', 'x,loss,g\n', 'loss,x\r\n', '\ufeffx,loss\n', ''), csvText).map(([h, t]) => h + t);
    await fc.assert(
      fc.asyncProperty(headed, fc.constantFrom(undefined, 'x > 0', 'loss == 1 || g == 2'), async (text, where) => {
        try {
          await datasetFromText(text, 'runs.csv', 'auto', { inputs: { x: 'x' }, target: 'loss', ...(where !== undefined ? { where } : {}) }, ['x']);
        } catch (e) {
          if (!isLawfitError(e)) throw new Error(`threw a non-LawfitError: ${String(e)}`);
          if (!e.message.startsWith('runs.csv')) throw new Error(`error not naming the file: ${e.message}`);
        }
      }),
      { numRuns: RUNS.csv },
    );
  });

  test(`readTable (json, jsonl): ${RUNS.json} random documents, only LawfitErrors`, () => {
    const doc = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.array(fc.dictionary(fc.constantFrom('x', 'loss', '__proto__', 'constructor', ''), fc.oneof(fc.double(), fc.string({ maxLength: 4 }), fc.constant(null), fc.boolean())), { maxLength: 6 }).map((a) => JSON.stringify(a)),
      fc.string({ maxLength: 120 }),
      // Adversarial: a cell holding a deeply nested value, or the whole document nested deeply.
      fc.tuple(fc.integer({ min: 1000, max: 60_000 }), fc.constantFrom('[', '{"a":')).map(([n, open]) => `[{"x":1,"loss":2},{"x":${open.repeat(n)}1${(open === '[' ? ']' : '}').repeat(n)},"loss":1}]`),
      fc.integer({ min: 1000, max: 200_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    );
    fc.assert(
      fc.property(doc, fc.constantFrom('json', 'jsonl'), (text, format) => {
        onlyLawfitErrors(() => readTable(text, `runs.${format}`, format as 'json'), false, `runs.${format}`);
      }),
      { numRuns: RUNS.json },
    );
  });
});

describe('artifact reader', () => {
  let artifact: unknown;
  const dir = mkdtempSync(join(tmpdir(), 'lawfit-prop-'));
  const outFile = join(dir, 'fit.json');
  beforeAll(async () => {
    const r = await runCliCaptured('fit', sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv'), '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8', '--bootstrap', '20', '--seed', '1', '--out', outFile);
    expect(r.code).toBe(0);
    artifact = JSON.parse(readFileSync(outFile, 'utf8'));
  }, 60_000);

  /** Every path (object keys and array indices) in a JSON value. */
  function paths(v: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
    out.push(prefix);
    if (Array.isArray(v)) v.forEach((x, k) => paths(x, [...prefix, k], out));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
    return out;
  }
  const replacement = fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant('abc'), fc.constant(-1), fc.constant(1e308), fc.constant(0.5), fc.constant([]), fc.constant({}), fc.constant(true), fc.constant('__proto__'), fc.json({ maxDepth: 2 }).map((s) => JSON.parse(s) as unknown));

  /** Apply k random mutations (replace or delete a value at a random path, or truncate an array). */
  function mutate(base: unknown, picks: Array<[number, unknown, boolean]>): unknown {
    const a = structuredClone(base) as Record<string, unknown>;
    for (const [pick, value, truncate] of picks) {
      const all = paths(a).filter((p) => p.length > 0);
      const path = all[pick % all.length]!;
      let parent: any = a;
      for (const k of path.slice(0, -1)) parent = parent[k];
      const key = path[path.length - 1]!;
      if (truncate && Array.isArray(parent[key])) parent[key] = parent[key].slice(0, Math.floor(parent[key].length / 2));
      else if (value === undefined) {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else parent[key] = value;
    }
    return a;
  }
  const mutations = fc.array(fc.tuple(fc.nat(), replacement, fc.boolean()), { minLength: 1, maxLength: 4 });

  test(`parseArtifact: ${RUNS.artifactParse} random mutations of a real fit artifact, only LawfitErrors`, () => {
    fc.assert(
      fc.property(mutations, (picks) => {
        onlyLawfitErrors(() => parseArtifact(JSON.stringify(mutate(artifact, picks)), 'fit.json'), false, 'fit.json: ');
      }),
      { numRuns: RUNS.artifactParse },
    );
  });

  test(`report, predict and optimal: ${RUNS.artifactCli} mutated artifacts, exit 0 or 2, never an internal error`, async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (picks) => {
        const file = join(dir, 'mutated.json');
        writeFileSync(file, JSON.stringify(mutate(artifact, picks)));
        for (const args of [['report', file], ['predict', file, '--at', 'N=1e10,D=2e11'], ['optimal', file, '--compute', '1e22']]) {
          const r = await runCliCaptured(...args);
          if (r.code !== 0 && r.code !== 2) throw new Error(`${args[0]} exit ${r.code}: ${r.err}`);
          if (/internal error|TypeError|RangeError/.test(r.err)) throw new Error(`${args[0]}: ${r.err}`);
          if (r.code === 2 && r.err.trim().split('\n').length !== 1) throw new Error(`${args[0]}: more than one line: ${r.err}`);
        }
      }),
      { numRuns: RUNS.artifactCli },
    );
  }, 300_000);
});
