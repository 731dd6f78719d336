/**
 * The run specification's table (src/run-spec): every row round-trips (typed value → printed
 * command line → shell text → /bin/sh → parseArgs → the row's parser → the same typed value), for
 * every command the row belongs to; every row is in its commands' --help, has an app field or
 * the reason it has none, and reaches the app's printed command line; the checks between options
 * (resolve.ts) refuse with one line naming the flag.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseFlags } from '../../src/cli/parse-flags.js';
import { RESIDUAL_SPACES } from '../../src/law/declaration.js';
import { TABLE_FORMATS } from '../../src/data/table.js';
import { LIMITS } from '../../src/limits.js';
import { commandRows, parseOptions, printSpec, specFromFlags } from '../../src/run-spec/argv.js';
import { optionsHelp } from '../../src/run-spec/help.js';
import { SPEC_COMMANDS } from '../../src/run-spec/option-row.js';
import { checkSpecValues, resolveBootstrap, resolveRunSpec, resolveStarts } from '../../src/run-spec/resolve.js';
import { ISOFLOP_SCOPE_KEYS, LAW_OPTION_KEYS, RUN_OPTION_ROWS, RUN_OPTIONS, RUN_SCOPE_KEYS, type IsoflopSpec, type RunOptionKey, type RunSpec } from '../../src/run-spec/run-options.js';
import { QC_STAGES, QC_THRESHOLDS } from '../../src/stats/isoflop-qc.js';
import { FRONTIER_WEIGHTS } from '../../src/stats/isoflop-frontier.js';
import { ISOFLOP_DESIGNS } from '../../src/stats/isoflop.js';
import { isoflopCommandLine } from '../../app/src/worker/isoflop.js';
import { shellCommand } from '../../src/util/shell-quote.js';
import { compareCommandLine, fitCommandLine } from '../../app/src/worker/command-line.js';
import { positivesByFormula } from '../../src/cli/commands/compare.js';
import type { RunRequest } from '../../app/src/worker/protocol.js';
import { shellSplit } from '../support/shell-split.js';
import { recordedOption } from '../../src/report/recorded-command.js';
import { runRecord } from '../../src/run-spec/record.js';
import { rangesByLaw } from '../../src/cli/compare-ranges.js';
import { findLaw } from '../../src/laws/index.js';
import { PAGE_OWN_FIELDS, panelRows } from '../../app/src/panels/run-options.js';

const ident = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/);
/** Text a user might type in an expression or a file name: shell-special characters, spaces, quotes; never a flag itself. */
const freeText = fc
  .string({ unit: fc.constantFrom(...'abcXYZ019 _-=+:,./@%\'"\\$`!*?[]{}()<>|&;#~^'), minLength: 1, maxLength: 16 })
  .filter((s) => !s.startsWith('--') && s.trim() === s && s !== '');
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((v) => (Object.is(v, -0) ? 0 : v));
const positive = fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-300, max: 1e12 });
const count = (max: number) => fc.integer({ min: 1, max });
const uniqueIdents = (min = 1) => fc.uniqueArray(ident, { minLength: min, maxLength: 3 });
const rangePair = fc.tuple(finite, finite).filter(([a, b]) => a < b).map(([a, b]) => [a, b] as const);
const record = <T>(value: fc.Arbitrary<T>) => fc.uniqueArray(fc.tuple(ident, value), { minLength: 1, maxLength: 3, selector: ([k]) => k }).map((e) => Object.fromEntries(e));
const perSpec = fc.record({ column: ident, params: uniqueIdents() });

/**
 * A generator of typed values for every row: the object's type requires one per key, so a new
 * row without one does not compile (and so is round-tripped too).
 */
const VALUES: { [K in RunOptionKey]-?: fc.Arbitrary<NonNullable<RunSpec[K]>> } = {
  law: ident,
  laws: uniqueIdents(),
  formula: freeText,
  formulas: fc.array(freeText, { minLength: 1, maxLength: 3 }),
  positive: uniqueIdents(),
  positives: fc.array(fc.record({ law: fc.option(ident, { nil: undefined }), names: uniqueIdents() }).map(({ law, names }) => (law !== undefined ? { law, names } : { names })), { minLength: 1, maxLength: 3 }),
  transform: record(fc.oneof(fc.constant({ kind: 'none' as const }), fc.constant({ kind: 'log' as const }), rangePair.map(([lower, upper]) => ({ kind: 'bounded' as const, lower, upper })))),
  fix: record(finite),
  free: uniqueIdents(),
  space: fc.constantFrom(...RESIDUAL_SPACES),
  per: perSpec,
  perLaw: fc.array(fc.record({ law: ident, per: perSpec, name: fc.option(ident, { nil: undefined }) }).map(({ name, ...r }) => (name !== undefined ? { ...r, name } : r)), { minLength: 1, maxLength: 2 }),
  x: record(ident),
  budget: freeText,
  group: freeText,
  qc: fc.subarray([...QC_STAGES]),
  nearDuplicate: fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 }),
  minPoints: fc.integer({ min: 3, max: 1e6 }),
  outlierZ: positive,
  curvatureLevel: fc.double({ noNaN: true, min: 1e-6, max: 99.999999 }),
  trimWidth: positive,
  edgeMargin: fc.double({ noNaN: true, min: 0, max: 0.499999 }),
  frontierWeights: fc.constantFrom(...FRONTIER_WEIGHTS),
  budgets: fc.array(positive, { minLength: 1, maxLength: 3 }),
  isoflopDesign: fc.constantFrom(...ISOFLOP_DESIGNS),
  also: fc.array(ident, { minLength: 1, maxLength: 3 }),
  y: freeText,
  weights: freeText,
  where: freeText,
  format: fc.constantFrom(...TABLE_FORMATS),
  noise: finite,
  loss: fc.oneof(fc.constant({ kind: 'linear' as const, delta: 1 }), fc.record({ kind: fc.constantFrom('huber' as const, 'soft_l1' as const, 'cauchy' as const, 'arctan' as const), delta: positive })),
  starts: fc.oneof(fc.constant({ kind: 'law' as const }), fc.record({ kind: fc.constantFrom('sobol' as const, 'random' as const), count: count(LIMITS.starts.max) })),
  grid: record(fc.array(finite, { minLength: 1, maxLength: 4 })),
  range: fc.uniqueArray(fc.record({ law: fc.option(ident, { nil: undefined }), name: ident, range: rangePair }).map(({ law, ...e }) => (law !== undefined ? { law, ...e } : e)), {
    minLength: 1,
    maxLength: 3,
    selector: (e: { law?: string; name: string }) => `${e.law ?? ''}:${e.name}`,
  }),
  screen: count(1e6),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  maxIter: count(1e6),
  ftol: positive,
  xtol: positive,
  gtol: positive,
  maxRadius: positive,
  damping: fc.constantFrom('levenberg' as const, 'marquardt' as const),
  projection: fc.constantFrom('auto' as const, 'on' as const, 'off' as const),
  thenLaw: ident,
  thenFormula: freeText,
  thenPositive: uniqueIdents(),
  thenFix: record(finite),
  thenSpace: fc.constantFrom(...RESIDUAL_SPACES),
  thenX: record(ident),
  thenY: freeText,
  thenWhere: freeText,
  thenLoss: fc.oneof(fc.constant({ kind: 'linear' as const, delta: 1 }), fc.record({ kind: fc.constantFrom('huber' as const, 'soft_l1' as const, 'cauchy' as const, 'arctan' as const), delta: positive })),
  at: fc.array(record(finite), { minLength: 1, maxLength: 3 }),
  chainGroup: freeText,
  engine: fc.constantFrom('cpu' as const, 'webgpu' as const),
  threads: count(4096),
  audit: count(1000),
  bootstrap: count(LIMITS.replicates.max),
  design: fc.oneof(
    fc.constant({ kind: 'rows' as const }),
    fc.constant({ kind: 'bayes' as const }),
    freeText.map((column) => ({ kind: 'clusters' as const, column })),
    fc.record({ kind: fc.constant('residuals' as const), centre: fc.boolean(), leverage: fc.boolean() }),
    fc.record({ kind: fc.constant('wild' as const), weights: fc.constantFrom('rademacher' as const, 'mammen' as const), leverage: fc.boolean() }),
  ),
  ci: fc.double({ noNaN: true, min: 1e-6, max: 99.999999 }),
  replicateStarts: fc.oneof(fc.record({ kind: fc.constant('basins' as const), k: count(LIMITS.starts.max) }), fc.constant({ kind: 'default' as const }), fc.constant({ kind: 'same' as const })),
  generator: fc.constantFrom('lawfit' as const, 'numpy-legacy' as const),
  holdout: fc.oneof(
    freeText.filter((e) => !/^(top|rolling|group):/.test(e)).map((expression) => ({ kind: 'filter' as const, expression })),
    fc.record({ kind: fc.constant('top' as const), k: count(100), expression: freeText }),
    fc.record({ kind: fc.constant('rolling' as const), expression: freeText.filter((e) => !/:\d+$/.test(e)), cutoffs: count(100) }),
    freeText.map((column) => ({ kind: 'group' as const, column })),
  ),
  out: freeText,
  plots: freeText,
  writeData: freeText,
  quiet: fc.constant(true),
};

/** A spec of `command` with any subset of its rows given. */
function specOf(command: (typeof SPEC_COMMANDS)[number]): fc.Arbitrary<RunSpec> {
  const keys = commandRows(command).map(([k]) => k);
  return fc.record(Object.fromEntries(keys.map((k) => [k, VALUES[k]])) as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] }) as fc.Arbitrary<RunSpec>;
}

function parsed(command: (typeof SPEC_COMMANDS)[number], argv: string[]): RunSpec {
  const { values } = parseFlags({ args: argv, strict: true, allowPositionals: false, options: parseOptions(command) });
  return specFromFlags(command, values);
}

describe('every row round-trips: typed value → printed flags → /bin/sh → parsed value', () => {
  for (const command of SPEC_COMMANDS) {
    test(`${command}: ${commandRows(command).length} rows`, () => {
      fc.assert(
        fc.property(specOf(command), (spec) => {
          const argv = printSpec(command, spec);
          expect(shellSplit(shellCommand(argv))).toEqual(argv);
          expect(parsed(command, argv)).toEqual(spec);
        }),
        { numRuns: 60 },
      );
    });
  }

  test('each row alone, printed and parsed without the shell (many cases per row)', () => {
    for (const [key, r] of RUN_OPTION_ROWS) {
      const command = r.commands[0]!;
      fc.assert(
        fc.property(VALUES[key] as fc.Arbitrary<unknown>, (v) => {
          const spec = { [key]: v } as RunSpec;
          expect(parsed(command, printSpec(command, spec)), key).toEqual(spec);
        }),
        { numRuns: 200 },
      );
    }
  });
});

describe('derived from the table', () => {
  test("every row is in its commands' --help, and nothing in the help is not a row", () => {
    for (const command of SPEC_COMMANDS) {
      const help = optionsHelp(command);
      for (const [, r] of commandRows(command)) expect(help, `${command} --${r.flag}`).toMatch(new RegExp(`^  (-${r.short}, )?--${r.flag}\\b`, 'm'));
      const flags = [...help.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
      expect(flags).toEqual(commandRows(command).map(([, r]) => r.flag).filter((f) => flags.includes(f)));
      expect(new Set(flags).size).toBe(commandRows(command).length);
    }
  });

  test("every row has an app field (run, law, selection) or says why the app has none; the protocol's key lists match", () => {
    for (const [key, r] of RUN_OPTION_ROWS) {
      if (r.app.scope === 'cli') expect(r.app.why.length, key).toBeGreaterThan(10);
      else expect(r.app.label.length, key).toBeGreaterThan(1);
    }
    const scoped = (s: string): string[] => RUN_OPTION_ROWS.filter(([, r]) => r.app.scope === s).map(([k]) => k);
    expect([...LAW_OPTION_KEYS].sort()).toEqual(scoped('law').sort());
    expect([...RUN_SCOPE_KEYS].sort()).toEqual(scoped('run').sort());
    // The page: every per-run option has a field, its own or one of "More options" (built from the rows).
    for (const k of RUN_SCOPE_KEYS) expect(PAGE_OWN_FIELDS.includes(k) || panelRows().some(([p]) => p === k), k).toBe(true);
    expect(panelRows().map(([k]) => k)).toContain('maxRadius');
    // The IsoFLOP form: every isoflop row the app has a field for, and every `isoflop` row is one.
    const isoflopForm = commandRows('isoflop').filter(([, r]) => r.app.scope !== 'cli').map(([k]) => k);
    expect([...ISOFLOP_SCOPE_KEYS].sort()).toEqual(isoflopForm.sort());
    for (const k of scoped('isoflop')) expect(isoflopForm, k).toContain(k);
  });

  test("the app's printed isoflop command carries every option of the request, and every default the analysis used", () => {
    fc.assert(
      fc.property(specOf('isoflop'), (all) => {
        const spec = Object.fromEntries(ISOFLOP_SCOPE_KEYS.filter((k) => all[k] !== undefined).map((k) => [k, all[k]])) as IsoflopSpec;
        const argv = isoflopCommandLine({ file: { name: 'iso flops.csv', content: '', format: 'tsv' }, spec });
        expect(argv.slice(0, 3)).toEqual(['lawfit', 'isoflop', 'iso flops.csv']);
        expect(shellSplit(shellCommand(argv))).toEqual(argv);
        const back = parsed('isoflop', argv.slice(3));
        for (const [k, v] of Object.entries(spec)) expect(back[k as RunOptionKey], k).toEqual(v);
        const stages = spec.qc ?? [...QC_STAGES];
        expect(back.qc).toEqual(stages);
        for (const t of QC_THRESHOLDS) if (stages.includes(t.stage)) expect(back[t.key], t.flag).toBe(spec[t.key] ?? t.toFlag(t.default));
        expect([back.frontierWeights, back.ci, back.seed, back.format]).toEqual([spec.frontierWeights ?? 'equal', spec.ci ?? 95, spec.seed ?? 0, 'tsv']);
        expect(back.isoflopDesign).toEqual(spec.bootstrap !== undefined ? (spec.isoflopDesign ?? 'runs') : spec.isoflopDesign);
        expect(back.engine).toEqual((spec.also ?? []).length > 0 ? 'cpu' : undefined);
      }),
      { numRuns: 100 },
    );
  });

  test("the app's printed fit command carries every option of the request (run and law), each read back to the same value", () => {
    fc.assert(
      fc.property(specOf('fit'), (all) => {
        const run = Object.fromEntries(RUN_SCOPE_KEYS.filter((k) => all[k] !== undefined && RUN_OPTIONS[k].commands.includes('fit')).map((k) => [k, all[k]]));
        const law = Object.fromEntries(LAW_OPTION_KEYS.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
        const x = all.x ?? { N: 'N' };
        const req: RunRequest = { file: { name: 'runs.csv', content: '' }, spec: { ...run, x, y: all.y ?? 'loss' }, laws: [{ law: 'power', spec: law }] };
        const argv = fitCommandLine(req, req.laws[0]!, x, Object.keys(x), 'cpu');
        const back = parsed('fit', argv.slice(3));
        for (const [k, v] of Object.entries({ ...run, ...law })) expect(back[k as RunOptionKey], k).toEqual(v);
        expect(back.law).toBe('power');
        expect(back.seed).toBe(all.seed ?? 0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('checked once (resolve.ts)', () => {
  test('the rules between options, each a one-line message naming the flag', () => {
    expect(() => resolveBootstrap({ ci: 90 })).toThrow(/^--ci needs --bootstrap N$/);
    expect(() => resolveBootstrap({ bootstrap: 10, generator: 'numpy-legacy', design: { kind: 'bayes' } })).toThrow(/^--generator numpy-legacy reproduces numpy's row resampling only; it does not apply to --design bayes$/);
    expect(() => resolveStarts({ starts: { kind: 'sobol', count: 8 }, grid: { a: [1, 2] } })).toThrow(/^--starts 'sobol:8' cannot be combined with --grid/);
    expect(() => resolveRunSpec({ bootstrap: 4, audit: 2 })).toThrow(/^--audit checks a single fit/);
    expect(resolveStarts({ starts: { kind: 'random', count: 5 }, seed: 9 })).toEqual({ kind: 'random', count: 5, seed: 9 });
    expect(resolveBootstrap({ bootstrap: 10 })).toEqual({ replicates: 10, level: 0.95, design: { kind: 'rows' }, replicateStarts: { kind: 'basins', k: 4 }, generator: 'xoroshiro' });
  });

  test("typed values from the app are checked by the flags' own parsers", () => {
    expect(() => checkSpecValues({ ci: 150 })).toThrow(/^--ci: expected a level between 0 and 100/);
    expect(() => checkSpecValues({ bootstrap: 0 })).toThrow(/^--bootstrap: '0' is not a positive whole number/);
    expect(() => checkSpecValues({ seed: -1 })).toThrow(/--seed/);
    expect(() => checkSpecValues({ range: [{ name: 'A', range: [2, 1] }] })).toThrow(/^--range: A: expected NAME=LO:HI with LO < HI/);
    expect(() => checkSpecValues({ bootstrap: 10, ci: 90, seed: 3, starts: { kind: 'sobol', count: 4 } })).not.toThrow();
  });
});

describe("an artifact's recorded command read back through the rows (report/recorded-command.ts)", () => {
  test('typed values from a CLI argv or a printed line; absent, foreign or unknown flags do not get in the way', () => {
    const old = ['lawfit', 'fit', 'runs.csv', '--law', 'chinchilla', '--flag-of-an-older-lawfit', 'x', '--format=tsv', '--replicate-starts', 'basins:8', '--generator', 'numpy-legacy'];
    expect(recordedOption({ command: old }, 'replicateStarts')).toEqual({ kind: 'basins', k: 8 });
    expect(recordedOption({ command: old }, 'format')).toBe('tsv');
    expect(recordedOption({ command: old }, 'generator')).toBe('numpy-legacy');
    expect(recordedOption({ command: old }, 'ci')).toBeUndefined();
    expect(recordedOption({ command: ['lawfit', 'demo', '--noise', '0.05'] }, 'noise')).toBe(0.05);
    expect(recordedOption({ command: ['lawfit', 'fit', 'f.csv', '--noise', '0.05'] }, 'noise')).toBeUndefined();
    expect(recordedOption({ command: ['lawfit', 'chain', 'f', '--format', 'csv'] }, 'format')).toBe('csv');
    expect(recordedOption({ command: ['lawfit', 'chain', 'f', '--then-loss', 'huber:0.1'] }, 'thenLoss')).toEqual({ kind: 'huber', delta: 0.1 });
    expect(recordedOption({ command: ['lawfit', 'isoflop', 'f', '--format', 'csv'] }, 'format')).toBe('csv');
    expect(recordedOption({ command: ['lawfit', 'isoflop', 'f', '--min-points', '8'] }, 'minPoints')).toBe(8);
    expect(recordedOption({ command: ['lawfit', 'coverage', 'f', '--format', 'csv'] }, 'format')).toBeUndefined();
    expect(recordedOption(undefined, 'format')).toBeUndefined();
    expect(() => recordedOption({ command: ['lawfit', 'fit', 'f.csv', '--replicate-starts', 'basins:x'] }, 'replicateStarts')).toThrow(/^--replicate-starts: expected basins:K, law or same/);
    fc.assert(
      fc.property(specOf('fit'), (spec) => {
        const line = ['lawfit', 'fit', 'runs.csv', ...printSpec('fit', spec)];
        for (const [k] of commandRows('fit')) expect(recordedOption({ command: line }, k), k).toEqual(spec[k]);
      }),
      { numRuns: 40 },
    );
  });

  test("the typed record (run-spec/record.ts) reads back to the spec's values, outputs left out; it wins over the argv", () => {
    for (const command of SPEC_COMMANDS) {
      fc.assert(
        fc.property(specOf(command), (spec) => {
          const run = runRecord(command, spec);
          expect(JSON.parse(JSON.stringify(run))).toEqual(run);
          for (const [k, r] of commandRows(command)) {
            const want = r.section === 'output' || k === 'threads' || (Array.isArray(spec[k]) && r.print(spec[k]).length === 0) ? undefined : spec[k];
            expect(recordedOption({ run }, k), `${command} ${k}`).toEqual(want);
          }
        }),
        { numRuns: 30 },
      );
    }
    const run = runRecord('fit', { seed: 3, replicateStarts: { kind: 'same' }, out: 'a.json' });
    expect(run).toEqual({ command: 'fit', options: { seed: ['3'], 'replicate-starts': ['same'] } });
    // The record is what was run; the argv beside it is not read again.
    expect(recordedOption({ run, command: ['lawfit', 'fit', 'f', '--seed', '9'] }, 'seed')).toBe(3);
    expect(recordedOption({ run: { command: 'fit', options: {} }, command: ['lawfit', 'fit', 'f', '--seed', '9'] }, 'seed')).toBeUndefined();
    expect(recordedOption({ run: { command: 'fit', options: { 'a-flag-of-another-lawfit': ['x'] } } }, 'ci')).toBeUndefined();
    expect(recordedOption({ run: { command: 'coverage', options: { format: ['csv'] } } as never }, 'format')).toBeUndefined();
    expect(recordedOption({ run: { command: 'isoflop', options: { format: ['csv'] } } }, 'format')).toBe('csv');
    expect(() => recordedOption({ run: { command: 'fit', options: { ci: ['150'] } } }, 'ci')).toThrow(/^--ci: expected a level between 0 and 100/);
  });
});

describe('compare --positive (commands/compare.ts positivesByFormula)', () => {
  test('an entry goes to the formula it names, or to every formula with that parameter; one that reaches none is refused', () => {
    const params = [['E', 'A', 'alpha'], ['E', 'B']];
    const formulas = ['formula-1', 'formula-2'];
    expect(positivesByFormula([{ names: ['E'] }, { law: 'formula-2', names: ['B'] }], ['chinchilla'], formulas, params)).toEqual([['E'], ['E', 'B']]);
    expect(positivesByFormula(RUN_OPTIONS.positives.parse(['formula-1:A,alpha', 'E']), [], formulas, params)).toEqual([['A', 'alpha', 'E'], ['E']]);
    expect(() => positivesByFormula([{ law: 'chinchilla', names: ['E'] }], ['chinchilla'], formulas, params)).toThrow(/^--positive chinchilla:E: 'chinchilla' is a built-in law; --positive is for --formula laws$/);
    expect(() => positivesByFormula([{ law: 'formula-3', names: ['E'] }], [], formulas, params)).toThrow(/^--positive formula-3:E: 'formula-3' is not among the compared formulas \(formula-1, formula-2\)$/);
    expect(() => positivesByFormula([{ law: 'formula-2', names: ['A'] }], [], formulas, params)).toThrow(/^--positive formula-2:A: formula-2 has no parameter 'A' \(parameters: E, B\)$/);
    expect(() => positivesByFormula([{ names: ['nope'] }], [], formulas, params)).toThrow(/^--positive nope: no compared formula has a parameter 'nope'$/);
    expect(() => RUN_OPTIONS.positives.parse(['formula-1:'])).toThrow(/^--positive: expected \[LAW:\]A,B/);
  });

  test("the app's ranking command prints a formula's positive parameters, and refuses them on a built-in", () => {
    const req: RunRequest = { file: { name: 'runs.csv', content: '' }, spec: { x: { N: 'N' }, y: 'loss', holdout: { kind: 'top', k: 2, expression: 'N' } }, laws: [] };
    const line = compareCommandLine(req, [{ law: 'power' }, { formula: 'E + A/N^a', spec: { positive: ['E', 'A'] } }], ['power', 'formula-1'], 'cpu');
    expect(line).toBeDefined();
    expect(parsed('compare', line!.slice(3)).positives).toEqual([{ law: 'formula-1', names: ['E', 'A'] }]);
    expect(compareCommandLine(req, [{ law: 'power', spec: { positive: ['E'] } }], ['power'], 'cpu')).toBeUndefined();
  });
});

describe('compare --range (cli/compare-ranges.ts)', () => {
  test('a range goes to the law it names, or to every law with that parameter; one that reaches none is refused', () => {
    const laws = [findLaw('chinchilla'), { ...findLaw('power'), name: 'formula-1' }];
    const pParam = laws[1]!.params[0]!.name;
    const r = rangesByLaw([{ name: 'E', range: [1, 2] }, { law: 'formula-1', name: pParam, range: [0, 3] }], laws);
    expect(r.get('chinchilla')).toEqual({ E: [1, 2] });
    expect(r.get('formula-1')![pParam]).toEqual([0, 3]);
    expect(() => rangesByLaw([{ law: 'formula-2', name: 'E', range: [0, 1] }], laws)).toThrow(/^--range formula-2:E: 'formula-2' is not among the compared laws \(chinchilla, formula-1\)$/);
    expect(() => rangesByLaw([{ name: 'nope', range: [0, 1] }], laws)).toThrow(/^--range nope: no compared law has a parameter 'nope'$/);
    expect(() => rangesByLaw([{ law: 'chinchilla', name: 'nope', range: [0, 1] }], laws)).toThrow(/^--range chinchilla:nope: law 'chinchilla' has no parameter 'nope'$/);
  });
});
