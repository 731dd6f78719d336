/**
 * Per-group parameters (law/groups.ts): the --per parser, the expansion (the grouped law evaluates
 * each row with its own group's copies, exactly as the shared law with that group's values), the
 * display names, the starts copied from the shared law, and the bad-input errors.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { compileLaw, internalFromNatural } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { extractIndexedParams, mergePer, compileGroupedLaw, groupedDataset, groupLevels, indicatorValues, parsePerFlag, perGroup, groupsRecord, displayName, lawFromDeclaration } from '../../src/law/groups.js';
import { makeStarts } from '../../src/fit/starts.js';
import { prepareData } from '../../src/fit/problem.js';
import { groupedLadder } from '../../src/examples/grouped-ladder.js';
import { LawfitError } from '../../src/errors.js';

const chin = compileLaw(findLaw('chinchilla'));

describe('--per COL:P1,P2', () => {
  test('parses the column and the parameters', () => {
    expect(parsePerFlag('corpus:E,A')).toEqual({ column: 'corpus', params: ['E', 'A'] });
    expect(parsePerFlag(' train set : alpha ')).toEqual({ column: 'train set', params: ['alpha'] });
  });
  test('rejects malformed text with a one-line bad-option error', () => {
    for (const t of ['corpus', 'corpus:', ':E', 'corpus:E,E', '']) {
      expect(() => parsePerFlag(t), t).toThrow(LawfitError);
    }
  });
  test('property: any column and distinct parameter names round-trip', () => {
    const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
    fc.assert(
      fc.property(ident, fc.uniqueArray(ident, { minLength: 1, maxLength: 5 }), (col, params) => {
        expect(parsePerFlag(`${col}:${params.join(',')}`)).toEqual({ column: col, params });
      }),
    );
  });
});

describe('the indexed syntax E[COL]', () => {
  test('strips the index, keeps every other character at its column, and names the parameters', () => {
    const f = 'E[corpus] + A[ corpus ]/N^alpha + E[corpus]*0';
    const r = extractIndexedParams(f);
    expect(r.per).toEqual({ column: 'corpus', params: ['E', 'A'] });
    expect(r.formula.length).toBe(f.length);
    expect(r.formula.indexOf('/N^alpha')).toBe(f.indexOf('/N^alpha'));
    expect(extractIndexedParams('E + A/N^alpha')).toEqual({ formula: 'E + A/N^alpha' });
  });
  test('property: any formula without brackets is returned unchanged', () => {
    fc.assert(fc.property(fc.string().filter((t) => !t.includes('[')), (t) => {
      expect(extractIndexedParams(t)).toEqual({ formula: t });
    }));
  });
  test('two group columns, an empty index, and a --per on another column are errors', () => {
    expect(() => extractIndexedParams('E[a] + A[b]')).toThrow(/indexed by 'a' and 'b'; a law takes one group column/);
    expect(() => extractIndexedParams('E[] + A')).toThrow(/names no group column/);
    expect(() => mergePer({ column: 'x', params: ['A'] }, { column: 'y', params: ['E'] })).toThrow(/one group column/);
    expect(mergePer({ column: 'x', params: ['A'] }, { column: 'x', params: ['E'] })).toEqual({ column: 'x', params: ['E', 'A'] });
  });
});

describe('the grouped law', () => {
  const lad = groupedLadder({ groups: 4, noise: 0 });
  const { law, dataset } = perGroup(chin, lad.dataset, { column: 'group', params: ['E', 'A'] });

  test('names its parameters E[g0] ... and shares the rest; G copies per per-group parameter', () => {
    const levels = ['g0', 'g1', 'g2', 'g3'];
    const want = chin.free.flatMap((f) => (f.name === 'E' || f.name === 'A' ? levels.map((l) => `${f.name}[${l}]`) : [f.name]));
    expect(law.free.map((f) => f.name)).toEqual(want);
    expect(law.free.length).toBe(4 * 2 + 3);
    expect(law.grouping!.levels).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(displayName('E__2', groupsRecord(law))).toBe('E[g2]');
    expect(displayName('alpha', groupsRecord(law))).toBe('alpha');
  });

  test('from a saved declaration and groups record: the same grouped law again (names, grouping, generated code)', () => {
    for (const [base, per] of [[chin, ['E', 'A']], [compileLaw(findLaw('chinchilla'), { fixed: { beta: 0.3 }, transforms: { alpha: { kind: 'log' } } }), ['alpha', 'B']]] as const) {
      const g = perGroup(base, lad.dataset, { column: 'group', params: per }).law;
      const again = lawFromDeclaration(g.declaration, groupsRecord(g));
      expect(again.declaration).toEqual(g.declaration);
      expect(again.free.map((f) => f.name)).toEqual(g.free.map((f) => f.name));
      expect(again.grouping!.baseIndex).toEqual(g.grouping!.baseIndex);
      expect(again.grouping!.level).toEqual(g.grouping!.level);
      expect(again.js.source.valueGrad).toBe(g.js.source.valueGrad);
      expect(makeStarts(again, { kind: 'sobol', count: 4 }).u).toEqual(makeStarts(g, { kind: 'sobol', count: 4 }).u);
    }
    expect(lawFromDeclaration(chin.declaration, undefined).free.map((f) => f.name)).toEqual(chin.free.map((f) => f.name));
    const rec = groupsRecord(law)!;
    expect(() => lawFromDeclaration(chin.declaration, rec)).toThrow(/does not have the per-group form its groups record describes/);
  });

  test('each row is predicted with its own group’s values (= the shared law at that group’s values), in float64', () => {
    const data = prepareData(law, dataset);
    const u = internalFromNatural(law, law.free.map((f) => lad.truth[f.name]!));
    for (let i = 0; i < dataset.n; i++) {
      const g = lad.levels.indexOf(lad.dataset.groups![i]!);
      const shared = chin.free.map((f) => (f.name === 'E' || f.name === 'A' ? lad.truth[`${f.name}[g${g}]`]! : lad.truth[f.name]!));
      const X = chin.js.features(lad.dataset.inputs.subarray(2 * i, 2 * i + 2), 2, 1);
      const want = chin.js.prediction(internalFromNatural(chin, shared), X, 0);
      expect(law.js.prediction(u, data.X, i * law.js.nFeatures)).toBeCloseTo(want, 12);
      expect(want).toBeCloseTo(dataset.y[i]!, 12); // noise 0: the truth reproduces the data
    }
  });

  test('starts: the shared law’s grid (not |axis|^G points), copied to every group’s copy', () => {
    const shared = makeStarts(chin, { kind: 'default' });
    const s = makeStarts(law, { kind: 'default' });
    expect(s.count).toBe(shared.count);
    const p = law.free.length;
    const gr = law.grouping!;
    for (const k of [0, 17, shared.count - 1]) {
      for (let j = 0; j < p; j++) expect(s.u[k * p + j]).toBe(shared.u[k * chin.free.length + gr.baseIndex[j]!]);
    }
    // --grid axes are named by the shared parameters
    const g = makeStarts(law, { kind: 'grid', axes: { E: [1, 2] } });
    expect(g.count).toBe(shared.count / 5 * 2);
  });
});

describe('bad input: one-line LawfitErrors', () => {
  const lad = groupedLadder({ groups: 3 });
  test('a group column with a single value', () => {
    expect(() => groupLevels(['pile', 'pile'], 'corpus', 'runs.csv')).toThrow(/column 'corpus': per-group parameters need at least two groups, but the column has the single value 'pile'/);
  });
  test('a group with fewer runs than its own parameters', () => {
    const ds = { ...lad.dataset, groups: lad.dataset.groups!.map((g, i) => (i === 0 ? 'lonely' : g)) };
    expect(() => perGroup(chin, ds, { column: 'group', params: ['E', 'A'] })).toThrow(/group 'lonely' has 1 run for its 2 own parameters \(E\[lonely\], A\[lonely\]\); need at least 2/);
  });
  test('a group value absent from the fit, at prediction time', () => {
    const { law } = perGroup(chin, lad.dataset, { column: 'group', params: ['E'] });
    const rec = groupsRecord(law)!;
    expect(() => indicatorValues(rec, 'g9', 'predict')).toThrow(/group 'g9' of column 'group' was not in the fit/);
    expect(() => indicatorValues(rec, undefined, 'predict')).toThrow(/give the group/);
    expect(indicatorValues(rec, 'g1', 'predict')).toEqual({ lawfit_group_0: 0, lawfit_group_1: 1, lawfit_group_2: 0 });
    expect(() => groupedDataset(law, lad.dataset, lad.dataset.groups!.map(() => 'g9'))).toThrow(/group 'g9' was not in the fit/);
  });
  test('an unknown or fixed parameter', () => {
    expect(() => compileGroupedLaw(chin, { column: 'group', params: ['F'] }, ['a', 'b'])).toThrow(/has no parameter 'F'/);
    const fixedE = compileLaw(findLaw('chinchilla'), { fixed: { E: 1.7 } });
    expect(() => compileGroupedLaw(fixedE, { column: 'group', params: ['E'] }, ['a', 'b'])).toThrow(/'E' is fixed/);
  });
});
