/**
 * The built-in catalogue as data: every law compiles, is cited, documents its grid, and its default
 * start grid is the published one (mapped to natural units) where a paper published one.
 */
import { describe, expect, test } from 'vitest';
import { isLawfitError } from '../../src/errors.js';
import { compileLaw } from '../../src/law/compile.js';
import { groupByFamily, LAW_FAMILIES, RESIDUAL_SPACES, type LawDeclaration, type LawFamily } from '../../src/law/declaration.js';
import { toInternal, NO_TRANSFORM } from '../../src/law/transforms.js';
import { parseLoss } from '../../src/fit/losses.js';
import { BUILTIN_LAWS, defaultGridSize, findLaw, lawNames, lawsByFamily } from '../../src/laws/index.js';
import { arange, linspace } from '../../src/laws/grid.js';

/** Free parameters and default-grid sizes, as documented in each law's startNote. */
const EXPECTED: Record<string, { free: string[]; grid: number }> = {
  power: { free: ['E', 'A', 'alpha'], grid: 140 },
  'power-no-offset': { free: ['A', 'alpha'], grid: 6 },
  chinchilla: { free: ['A', 'B', 'E', 'alpha', 'beta'], grid: 4500 },
  'chinchilla-tied': { free: ['A', 'B', 'E', 'alpha'], grid: 900 },
  kaplan: { free: ['Nc', 'Dc', 'alphaN', 'alphaD'], grid: 400 },
  overtrain: { free: ['a', 'b', 'c', 'E'], grid: 128 },
  'downstream-exp': { free: ['epsilon', 'k', 'gamma'], grid: 48 },
  'downstream-sigmoid': { free: ['a', 'k', 'L0', 'b'], grid: 80 },
  'bnsl-1': { free: ['a', 'b', 'c0', 'c1', 'd1', 'f1'], grid: 163_840 },
  'bnsl-2': { free: ['a', 'b', 'c0', 'c1', 'd1', 'f1', 'c2', 'd2', 'f2'], grid: 58_320 },
  'data-constrained': { free: ['RDstar', 'RNstar'], grid: 64 },
  vit: { free: ['E', 'A', 'C0', 'alpha'], grid: 240 },
  'kaplan-steps': { free: ['Nc', 'Sc', 'alphaN', 'alphaS'], grid: 300 },
  'downstream-sigmoid-compute': { free: ['a', 'k', 'C0', 'b'], grid: 64 },
  'lr-annealing': { free: ['L0', 'A', 'alpha', 'C'], grid: 108 },
  coverage: { free: ['a', 'b'], grid: 20 },
  precision: { free: ['A', 'B', 'E', 'alpha', 'beta', 'gw', 'ga', 'gkv'], grid: 864 },
  parscale: { free: ['E', 'A', 'alpha', 'k'], grid: 300 },
  moe: { free: ['a', 'b', 'c', 'd'], grid: 24 },
};

/** The family of every law (the catalogue's grouping in `lawfit laws` and the app). */
const FAMILY: Record<string, LawFamily> = {
  power: 'loss',
  'power-no-offset': 'loss',
  chinchilla: 'loss',
  'chinchilla-tied': 'loss',
  kaplan: 'loss',
  'kaplan-steps': 'loss',
  overtrain: 'loss',
  'bnsl-1': 'loss',
  'bnsl-2': 'loss',
  vit: 'loss',
  'downstream-exp': 'downstream',
  'downstream-sigmoid': 'downstream',
  'downstream-sigmoid-compute': 'downstream',
  'data-constrained': 'data',
  'lr-annealing': 'hyperparameters',
  coverage: 'sampling',
  precision: 'precision',
  parscale: 'architecture',
  moe: 'architecture',
};

function axis(d: LawDeclaration, name: string): readonly number[] {
  const p = d.params.find((q) => q.name === name);
  if (p?.start === undefined) throw new Error(`${d.name}.${name}: no start axis`);
  return p.start;
}

function internalAxis(d: LawDeclaration, name: string): number[] {
  const p = d.params.find((q) => q.name === name)!;
  return axis(d, name).map((v) => toInternal(p.transform ?? NO_TRANSFORM, v));
}

function expectClose(got: readonly number[], want: readonly number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}

describe('catalogue', () => {
  test('names: unique, in catalogue order, and the expected set', () => {
    expect(lawNames()).toEqual(BUILTIN_LAWS.map((l) => l.name));
    expect(new Set(lawNames()).size).toBe(BUILTIN_LAWS.length);
    expect([...lawNames()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test('findLaw returns the declaration', () => {
    for (const d of BUILTIN_LAWS) expect(findLaw(d.name)).toBe(d);
  });

  test('findLaw on an unknown name: unknown-law, a suggestion, and the list of names', () => {
    let caught: unknown;
    try {
      findLaw('chinchila');
    } catch (e) {
      caught = e;
    }
    expect(isLawfitError(caught)).toBe(true);
    const e = caught as { code: string; message: string };
    expect(e.code).toBe('unknown-law');
    expect(e.message).toContain("unknown law 'chinchila'; did you mean 'chinchilla'?");
    for (const n of lawNames()) expect(e.message).toContain(n);
    expect(() => findLaw('zzzzzzzz')).toThrow(/^unknown law 'zzzzzzzz' \(built-in laws: power, /);
  });

  test('every law has a family, the expected one', () => {
    expect(Object.keys(FAMILY).sort()).toEqual([...lawNames()].sort());
    for (const d of BUILTIN_LAWS) expect(d.family, d.name).toBe(FAMILY[d.name]);
  });

  test('lawsByFamily: every family of LAW_FAMILIES has a law, in that order, and every law appears once', () => {
    const groups = lawsByFamily();
    expect(groups.map((g) => g.family)).toEqual(LAW_FAMILIES.map((f) => f.id));
    expect(groups.map((g) => g.label)).toEqual(LAW_FAMILIES.map((f) => f.label));
    expect(groups.flatMap((g) => g.items.map((l) => l.name)).sort()).toEqual([...lawNames()].sort());
    for (const g of groups) for (const l of g.items) expect(l.family).toBe(g.family);
    // Within a family, catalogue order.
    const archi = groups.find((g) => g.family === 'architecture')!;
    expect(archi.items.map((l) => l.name)).toEqual(lawNames().filter((n) => FAMILY[n] === 'architecture'));
    // A family with no item is left out, and so is an item with no family (a user's law).
    expect(groupByFamily([{ name: 'x', family: 'sampling' as const }, { name: 'y' }]).map((g) => [g.family, g.items.map((i) => i.name)])).toEqual([['sampling', ['x']]]);
  });

  test('the catalogue is frozen (shared, read-only data)', () => {
    const d = findLaw('chinchilla');
    expect(Object.isFrozen(BUILTIN_LAWS)).toBe(true);
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.params[0]!.start)).toBe(true);
    expect(() => (d.params[0]!.start as number[]).push(1)).toThrow();
  });
});

describe.each(BUILTIN_LAWS.map((d) => [d.name, d] as const))('%s', (name, d) => {
  test('compiles with the expected free parameters', () => {
    const law = compileLaw(d);
    expect(law.free.map((f) => f.name)).toEqual(EXPECTED[name]!.free);
  });

  test('is cited and documented', () => {
    expect(d.citation).toMatch(/\(20\d\d\)\. .+\. .*arXiv:\d{4}\.\d{4,5}\.$/);
    expect(d.description).toBeTruthy();
    expect(d.description).not.toContain('\n');
    expect(d.display).toBeTruthy();
    expect(d.startNote).toBeTruthy();
    expect(RESIDUAL_SPACES).toContain(d.space);
    for (const i of d.inputs) expect(i.description, `${name}: input ${i.name}`).toBeTruthy();
    for (const p of d.params) expect(p.description, `${name}: parameter ${p.name}`).toBeTruthy();
    // The formula carries the textbook form next to its stable rewrite.
    expect(d.formula).toMatch(/# textbook: /);
  });

  test('default loss, when given, is a valid loss', () => {
    if (d.defaultLoss !== undefined) expect(parseLoss(d.defaultLoss)).toBeDefined();
  });

  test('every parameter has a usable start axis and range', () => {
    for (const p of d.params) {
      const t = p.transform ?? NO_TRANSFORM;
      expect(p.start?.length, `${name}.${p.name}`).toBeGreaterThan(0);
      for (const v of p.start!) expect(Number.isFinite(toInternal(t, v)), `${name}.${p.name} start ${v}`).toBe(true);
      expect(p.range, `${name}.${p.name}`).toBeDefined();
      const [lo, hi] = p.range!;
      expect(lo).toBeLessThan(hi);
      expect(Number.isFinite(toInternal(t, lo)) && Number.isFinite(toInternal(t, hi)), `${name}.${p.name} range`).toBe(true);
    }
  });

  test('default grid size', () => {
    expect(defaultGridSize(d)).toBe(EXPECTED[name]!.grid);
  });
});

describe('published start grids', () => {
  test('parscale: the authors’ 300 starts, Huber δ = 1e−3 on log L', () => {
    const d = findLaw('parscale');
    expectClose(internalAxis(d, 'E'), [-1, -0.5, 0], 1e-15);
    expectClose(internalAxis(d, 'A'), [-4, -2, 0, 2, 4], 1e-15);
    expect(axis(d, 'alpha')).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(axis(d, 'k')).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(d.defaultLoss).toBe('huber:1e-3');
    expect(d.space).toBe('log');
  });

  test('lr-annealing: the reproduction’s 108 starts, Huber δ = 1e−3 on log L', () => {
    const d = findLaw('lr-annealing');
    expect(axis(d, 'L0')).toEqual([1, 2, 4]);
    expect(axis(d, 'A')).toEqual([1, 2, 4]);
    expect(axis(d, 'alpha')).toEqual([0.2, 0.4, 0.6, 0.8, 1, 1.2]);
    expect(axis(d, 'C')).toEqual([0.5, 1]);
    expect(d.defaultLoss).toBe('huber:1e-3');
    expect(d.space).toBe('log');
  });

  test('chinchilla: Hoffmann et al.’s 4,500 points, in internal coordinates a = log A etc.', () => {
    for (const name of ['chinchilla', 'chinchilla-tied']) {
      const d = findLaw(name);
      expectClose(internalAxis(d, 'A'), [0, 5, 10, 15, 20, 25], 1e-15);
      expectClose(internalAxis(d, 'B'), [0, 5, 10, 15, 20, 25], 1e-15);
      expectClose(internalAxis(d, 'E'), [-1, -0.5, 0, 0.5, 1], 1e-15);
      expect(axis(d, 'alpha')).toEqual([0, 0.5, 1, 1.5, 2]);
      expect(d.defaultLoss).toBe('huber:1e-3');
      expect(d.space).toBe('log');
    }
    expect(axis(findLaw('chinchilla'), 'beta')).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  test('chinchilla’s evaluator reads only hoisted logs: no Math.log in valueGrad', () => {
    const law = compileLaw(findLaw('chinchilla'));
    expect(law.js.source.valueGrad).not.toContain('Math.log');
    expect(law.js.source.features).toContain('Math.log');
  });

  test('no built-in law takes a log or a general power per iteration', () => {
    // Except lr-annealing: its log-space residual is the log of L0 + A S1^-alpha - C S2, a sum with
    // a negative term that no rewrite turns into a logsumexp.
    for (const d of BUILTIN_LAWS.filter((l) => l.name !== 'lr-annealing')) {
      const src = compileLaw(d).js.source.valueGrad;
      expect(src, d.name).not.toMatch(/Math\.log\(|Math\.pow\(/);
    }
  });

  test('overtrain: Gadre et al.’s 128 starts, least squares in linear space', () => {
    const d = findLaw('overtrain');
    expect(axis(d, 'a')).toEqual([1e2, 3e2, 1e3, 3e3]);
    expect(axis(d, 'c')).toEqual([1e2, 3e2, 1e3, 3e3]);
    expect(axis(d, 'b')).toEqual([-0.1, -0.3]);
    expect(axis(d, 'E')).toEqual([0, 1, 2, 10]);
    expect(d.space).toBe('linear');
    expect(d.defaultLoss).toBeUndefined();
    for (const p of d.params) expect(p.transform ?? NO_TRANSFORM).toEqual(NO_TRANSFORM);
  });

  test('bnsl-1: the paper’s brute grid in natural units, f1 = 0 replaced, screened to 64', () => {
    const d = findLaw('bnsl-1');
    const g = arange(0, 40, 2.5);
    expect(g).toEqual([0, 2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20, 22.5, 25, 27.5, 30, 32.5, 35, 37.5]);
    const natural = g.map((v) => Math.pow(1.25, v) - 1 + 1e-8);
    expect(axis(d, 'a')).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(axis(d, 'b')).toEqual(natural);
    expect(axis(d, 'd1')).toEqual(natural);
    expect(axis(d, 'b')[0]).toBe(1e-8);
    expect(axis(d, 'c0')).toEqual([0, 0.25, 0.5, 0.75]);
    expect(axis(d, 'c1')).toEqual([0, 0.25, 0.5, 0.75]);
    expect(axis(d, 'f1')).toEqual([0.05, 0.25, 0.5, 0.75]);
    expect(d.startNote).toMatch(/f1 = 0/);
    expect(d.screen).toBe(64);
    expect(d.space).toBe('log1p');
  });

  test('bnsl-2: at most ~100k points, screened to 64, its two breaks in disjoint d ranges', () => {
    const d = findLaw('bnsl-2');
    expect(defaultGridSize(d)).toBeLessThanOrEqual(100_000);
    expect(d.screen).toBe(64);
    expect(Math.max(...axis(d, 'd1'))).toBeLessThan(Math.min(...axis(d, 'd2')));
  });

  test('data-constrained: a superset of linspace(0, 20, 4) (0 replaced by 1); Huber δ = 1e−3 in log space', () => {
    const d = findLaw('data-constrained');
    expect(linspace(0, 20, 4)).toEqual([0, 20 / 3, 40 / 3, 20]);
    for (const v of [1, 20 / 3, 40 / 3, 20]) {
      expect(axis(d, 'RDstar')).toContain(v);
      expect(axis(d, 'RNstar')).toContain(v);
    }
    expect(d.startNote).toMatch(/becomes 1/);
    expect(d.defaultLoss).toBe('huber:1e-3');
    expect(d.space).toBe('log');
    // beta is a definition tied to alpha, not a parameter.
    expect(d.params.map((p) => p.name)).not.toContain('beta');
    expect(d.formula).toMatch(/^beta = alpha\b/m);
  });

  test('data-constrained: the base is fixed but can be freed, then starts from the paper’s base grid', () => {
    const law = compileLaw(findLaw('data-constrained'), { free: ['A', 'B', 'E', 'alpha'] });
    expect(law.free.map((f) => f.name)).toEqual(['A', 'B', 'E', 'alpha', 'RDstar', 'RNstar']);
    const d = findLaw('data-constrained');
    expectClose(internalAxis(d, 'A'), [0, 6.25, 12.5, 18.75, 25], 1e-15);
    expectClose(internalAxis(d, 'E'), linspace(-1, 1, 4), 1e-15);
  });
});
