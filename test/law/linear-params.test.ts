/**
 * Detection of the parameters that enter a law linearly (src/law/linear-params.ts): on the
 * built-in laws, on NIST's models, on typed formulas, and the cases that must NOT be found
 * (a parameter inside an exponent, a product of two parameters, a divisor, log-space residuals).
 */
import { describe, expect, test } from 'vitest';
import { compileLaw, type CompiledLaw } from '../../src/law/compile.js';
import { formulaDeclaration } from '../../src/cli/law-flags.js';
import { BUILTIN_LAWS } from '../../src/laws/index.js';
import { NIST_LAWS } from '../support/nist.js';
import type { ResidualSpace } from '../../src/law/declaration.js';

const names = (law: CompiledLaw, idx: readonly number[]): string[] => idx.map((j) => law.free[j]!.name).sort();
const formula = (text: string, inputs: string[], positive: string[] = [], space: ResidualSpace = 'linear'): CompiledLaw =>
  compileLaw(formulaDeclaration(text, inputs, space, positive));
const builtin = (name: string, space?: ResidualSpace): CompiledLaw => {
  const d = BUILTIN_LAWS.find((l) => l.name === name)!;
  return compileLaw(d, space !== undefined ? { space } : undefined);
};

describe('linear parameters of typed formulas', () => {
  test("Chinchilla's E, A, B in linear residual space, non-negative where declared positive", () => {
    const law = formula('E + A/N^alpha + B/D^beta', ['N', 'D'], ['A', 'B', 'E']);
    expect(names(law, law.linear.projectable)).toEqual(['A', 'B', 'E']);
    expect(names(law, law.linear.nonlinear)).toEqual(['alpha', 'beta']);
    expect(law.linear.nonNegative).toEqual([true, true, true]);
    const free = formula('E + A*N^(-alpha) + B*D^(-beta)', ['N', 'D']);
    expect(names(free, free.linear.projectable)).toEqual(['A', 'B', 'E']);
    expect(free.linear.nonNegative).toEqual([false, false, false]);
  });
  test('sums, differences, scaling by input-only and nonlinear factors, repeated coefficients', () => {
    const law = formula('a*x + b*exp(-k*x)/(1 + x^2) - 2*c + (a - c)*x^2', ['x']);
    expect(names(law, law.linear.projectable)).toEqual(['a', 'b', 'c']);
    expect(names(law, law.linear.nonlinear)).toEqual(['k']);
    const all = formula('a + b*x', ['x']);
    expect(names(all, all.linear.projectable)).toEqual(['a', 'b']);
    expect(all.linear.nonlinear).toEqual([]);
  });
  test('negative cases: inside an exponent, a product of two parameters, a divisor, a power of a parameter', () => {
    const expo = formula('E + A*x^(-alpha)', ['x']);
    expect(names(expo, expo.linear.projectable)).toEqual(['A', 'E']); // alpha is in the exponent
    const prod = formula('a*b*x + c', ['x']);
    expect(names(prod, prod.linear.projectable)).toEqual(['c']);
    const div = formula('a/(b + x)', ['x']);
    expect(names(div, div.linear.projectable)).toEqual(['a']);
    const sq = formula('A^2*x + E', ['x'], ['A']);
    expect(names(sq, sq.linear.projectable)).toEqual(['E']);
    const logp = formula('log(A)*x + E', ['x'], ['A']);
    expect(names(logp, logp.linear.projectable)).toEqual(['E']);
    const inside = formula('exp(a*x) + sin(b)', ['x']);
    expect(inside.linear.linear).toEqual([]);
    expect(inside.linear.reason).toMatch(/no parameter/);
  });
  test('bounded parameters are not projected (they would need bounded least squares)', () => {
    const d = formulaDeclaration('E + A*x^(-alpha)', ['x'], 'linear', []);
    const law = compileLaw(d, { transforms: { A: { kind: 'bounded', lower: 0, upper: 10 } } });
    expect(names(law, law.linear.projectable)).toEqual(['E']);
  });
  test('log-space residuals: found but not projectable, with the reason', () => {
    const law = formula('E + A/N^alpha', ['N'], ['A', 'E'], 'log');
    expect(names(law, law.linear.linear)).toEqual(['A', 'E']);
    expect(law.linear.projectable).toEqual([]);
    expect(law.linear.reason).toMatch(/log space/);
  });
});

describe('linear parameters of the built-in laws', () => {
  test.each([
    ['power', undefined, ['A', 'E']],
    ['overtrain', undefined, ['E', 'a', 'c']],
    ['downstream-exp', undefined, ['epsilon', 'k']],
    ['downstream-sigmoid', undefined, ['a', 'b']],
    ['vit', undefined, ['A', 'E']],
    // Chinchilla is written exp(logsumexp(log A - alpha log N, ...)): linear once residuals are.
    ['chinchilla', 'linear', ['A', 'B', 'E']],
    ['chinchilla-tied', 'linear', ['A', 'B', 'E']],
    ['bnsl-1', 'linear', ['a', 'b']],
    ['kaplan', 'linear', []],
  ] as const)('%s (space %s): %j', (name, space, expected) => {
    const law = builtin(name, space);
    expect(names(law, law.linear.projectable)).toEqual([...expected].sort());
  });
  test('laws fitted in log or log1p space project nothing', () => {
    for (const name of ['chinchilla', 'bnsl-1', 'bnsl-2', 'power-no-offset', 'kaplan', 'data-constrained']) {
      const law = builtin(name);
      expect(law.linear.projectable, name).toEqual([]);
    }
    // BNSL's a and b are found; log1p residuals keep them from being projected.
    expect(names(builtin('bnsl-1'), builtin('bnsl-1').linear.linear)).toEqual(['a', 'b']);
  });
});

describe('linear parameters of the NIST models', () => {
  test.each([
    ['Misra1a', ['b1']],
    ['Lanczos1', ['b1', 'b3', 'b5']],
    ['Gauss1', ['b1', 'b3', 'b6']],
    ['MGH17', ['b1', 'b2', 'b3']],
    ['Hahn1', ['b1', 'b2', 'b3', 'b4']],
    ['ENSO', ['b1', 'b2', 'b3', 'b5', 'b6', 'b8', 'b9']],
    ['MGH09', ['b1']],
    ['Misra1d', []], // b1*b2*x/(1 + b2 x): a product of two parameters
    ['Chwirut1', []], // exp(-b1 x)/(b2 + b3 x): b2, b3 are in a divisor
  ] as const)('%s: %j', (name, expected) => {
    const law = compileLaw(NIST_LAWS[name]!);
    expect(names(law, law.linear.projectable)).toEqual([...expected].sort());
  });
  test('detection leaves the evaluators unchanged (same value at a point)', () => {
    const law = compileLaw(NIST_LAWS['Lanczos1']!);
    const again = compileLaw(NIST_LAWS['Lanczos1']!);
    const u = Float64Array.from([0.1, 1, 0.5, 3, 0.2, 5]);
    const X = law.js.features(Float64Array.from([0.3]), 1, 1);
    expect(law.js.value(u, X, 0)).toBe(again.js.value(u, X, 0));
  });
});
