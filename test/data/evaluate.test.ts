/**
 * The float64 interpreter for data expressions: precedence as in the law language, 1/0 comparisons
 * and short-circuit logic, the function table, and the first non-finite operation being reported.
 */
import { describe, expect, test } from 'vitest';
import { dataFunctionNames, evaluateExpression, NonFiniteValue } from '../../src/data/index.js';
import { functionNames } from '../../src/law/functions.js';
import { parseExpression } from '../../src/law/syntax.js';

function run(text: string, vars: Record<string, number> = {}): number {
  return evaluateExpression(parseExpression(text), (name) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`test: no value for ${name}`);
    return v;
  });
}

function failure(text: string, vars: Record<string, number> = {}): NonFiniteValue {
  try {
    run(text, vars);
  } catch (e) {
    expect(e).toBeInstanceOf(NonFiniteValue);
    return e as NonFiniteValue;
  }
  throw new Error(`expected ${text} to fail`);
}

describe('evaluateExpression: arithmetic', () => {
  test('precedence and associativity follow the law language', () => {
    expect(run('1 + 2 * 3')).toBe(7);
    expect(run('(1 + 2) * 3')).toBe(9);
    expect(run('10 - 4 - 3')).toBe(3);
    expect(run('24 / 4 / 2')).toBe(3);
    expect(run('2^3^2')).toBe(512);
    expect(run('-2^2')).toBe(-4);
    expect(run('2^-1')).toBe(0.5);
    expect(run('2**10')).toBe(1024);
    expect(run('+x', { x: 3 })).toBe(3);
    expect(run('-x', { x: 3 })).toBe(-3);
  });

  test('names come from the lookup', () => {
    expect(run('D_tokens / N_params', { D_tokens: 2e10, N_params: 1e9 })).toBe(20);
  });
});

describe('evaluateExpression: comparisons and logic give 1/0', () => {
  test('comparisons', () => {
    expect(run('3 > 2')).toBe(1);
    expect(run('3 < 2')).toBe(0);
    expect(run('2 >= 2')).toBe(1);
    expect(run('2 <= 1')).toBe(0);
    expect(run('x == 0', { x: 0 })).toBe(1);
    expect(run('x != 0', { x: 0 })).toBe(0);
  });

  test('logic, with arithmetic binding tighter than comparison', () => {
    expect(run('1 && 0')).toBe(0);
    expect(run('2 && 3')).toBe(1);
    expect(run('0 || 2')).toBe(1);
    expect(run('0 || 0')).toBe(0);
    expect(run('!0')).toBe(1);
    expect(run('!5')).toBe(0);
    expect(run('a + 1 > 2 && b * 2 < 5', { a: 2, b: 2 })).toBe(1);
    expect(run('a > 1 && b > 1 || c > 1', { a: 0, b: 0, c: 2 })).toBe(1);
  });

  test('&& and || short-circuit: the right side is not evaluated', () => {
    expect(run('x > 0 && log(x) > 1', { x: 0 })).toBe(0);
    expect(run('x == 0 || 1 / x > 1', { x: 0 })).toBe(1);
    // 'y' has no value: reading it would throw.
    expect(run('0 && y')).toBe(0);
    expect(run('1 || y')).toBe(1);
  });
});

describe('evaluateExpression: functions in float64', () => {
  test('every law-language function has a float64 form', () => {
    expect([...dataFunctionNames()].sort()).toEqual([...functionNames()].sort());
  });

  test('values', () => {
    expect(run('exp(1)')).toBe(Math.E);
    expect(run('log(exp(2))')).toBe(2);
    expect(run('log1p(1e-20)')).toBe(1e-20);
    expect(run('sqrt(16)')).toBe(4);
    expect(run('abs(-3)')).toBe(3);
    expect(run('min(3, 1, 2)')).toBe(1);
    expect(run('max(3, 1, 2)')).toBe(3);
    expect(run('pow(2, 10)')).toBe(1024);
    expect(run('softplus(0)')).toBe(Math.log(2));
    expect(run('sigmoid(0)')).toBe(0.5);
    expect(run('logsumexp(0, 0)')).toBe(Math.log(2));
  });

  test('stable forms do not overflow', () => {
    expect(run('softplus(1000)')).toBe(1000);
    expect(run('softplus(-1000)')).toBe(0);
    expect(run('sigmoid(-1000)')).toBe(0);
    expect(run('sigmoid(1000)')).toBe(1);
    expect(run('logsumexp(1000, 1000)')).toBeCloseTo(1000 + Math.log(2), 12);
  });
});

describe('evaluateExpression: non-finite intermediate values stop with the operation and its position', () => {
  test('division by zero', () => {
    const e = failure('D / N', { D: 5, N: 0 });
    expect(e.offset).toBe(2);
    expect(e.detail).toBe('division by zero in D/N (5 / 0)');
  });

  test('0 / 0', () => {
    expect(failure('1 + x / y', { x: 0, y: 0 }).detail).toBe('division by zero in x/y (0 / 0)');
  });

  test('domain errors of functions', () => {
    expect(failure('2 * log(x)', { x: -1 })).toMatchObject({ offset: 4, detail: 'log of a negative number in log(x) (log(-1))' });
    expect(failure('log(x)', { x: 0 }).detail).toBe('log of zero in log(x) (log(0))');
    expect(failure('log1p(x)', { x: -2 }).detail).toBe('log1p of a number below -1 in log1p(x) (log1p(-2))');
    expect(failure('sqrt(x)', { x: -4 }).detail).toBe('square root of a negative number in sqrt(x) (sqrt(-4))');
    expect(failure('pow(x, 0.5)', { x: -4 }).detail).toBe('a negative number raised to a fractional power in pow(x, 0.5) (pow(-4, 0.5))');
  });

  test('powers', () => {
    expect(failure('x^(1/3)', { x: -8 }).detail).toBe('a negative number raised to a fractional power in x^(1/3) (-8 ^ 0.3333333333333333)');
    expect(failure('x^-1', { x: 0 }).detail).toBe('zero raised to a negative power in x^-1 (0 ^ -1)');
    expect(run('x^3', { x: -2 })).toBe(-8);
  });

  test('overflow', () => {
    expect(failure('exp(x)', { x: 1000 }).detail).toBe('overflow beyond the float64 range in exp(x) (exp(1000))');
    expect(failure('x * 10', { x: 1e308 }).detail).toBe('overflow beyond the float64 range in x*10 (1e+308 * 10)');
  });

  test('an out-of-range literal', () => {
    expect(failure('1e400 + 1').detail).toBe('the number Infinity is outside the float64 range');
  });
});
