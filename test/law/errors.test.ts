/**
 * The parser and checker: every error carries a stable code, a 1-based line/column that points at
 * the offending token, and a message a researcher can act on.
 */
import { describe, expect, test } from 'vitest';
import { FormulaError, isLawfitError, type LawfitErrorCode } from '../../src/errors.js';
import { compileLaw, isFormulaError } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { parseProgram } from '../../src/law/syntax.js';

function decl(formula: string, params = ['E', 'A', 'alpha'], inputs = ['N']): LawDeclaration {
  return { name: 't', formula, inputs: inputs.map((name) => ({ name })), params: params.map((name) => ({ name })), space: 'linear' };
}

/** Compile and return the FormulaError it must throw. */
function formulaErrorOf(formula: string, params?: string[], inputs?: string[]): FormulaError {
  try {
    compileLaw(decl(formula, params, inputs));
  } catch (e) {
    if (isFormulaError(e)) return e;
    throw new Error(`expected a FormulaError, got ${String(e)}`);
  }
  throw new Error(`expected '${formula}' to be rejected`);
}

/** The first line of the message: `col N: detail` or `line L, col N: detail`. */
function headline(formula: string, params?: string[], inputs?: string[]): string {
  return formulaErrorOf(formula, params, inputs).message.split('\n')[0]!;
}

function expectError(formula: string, code: LawfitErrorCode, line: number, col: number, detail: string, params?: string[], inputs?: string[]): void {
  const e = formulaErrorOf(formula, params, inputs);
  expect(e.code).toBe(code);
  expect(e.position.line).toBe(line);
  expect(e.position.col).toBe(col);
  expect(e.detail).toBe(detail);
  expect(e.message.split('\n')[0]).toBe(line > 1 ? `line ${line}, col ${col}: ${detail}` : `col ${col}: ${detail}`);
  expect(isLawfitError(e)).toBe(true);
  expect(e.badInput).toBe(true);
}

describe('names', () => {
  test('unknown name: column of the name, with a suggestion for a one-letter slip', () => {
    expectError('E + A*N^-alph', 'formula-unknown-name', 1, 10, "unknown name 'alph'; did you mean 'alpha'?");
    expectError('E + a*N^-alpha', 'formula-unknown-name', 1, 5, "unknown name 'a'; did you mean 'A'?");
  });

  test('unknown name: a transposed pair of letters gets a suggestion (alpah → alpha)', () => {
    // 'alpah' starts at offset 8 of "E + A/N^alpah": column 9. The suggestion is missing because
    // suggest() (src/errors.ts) measures plain Levenshtein distance, which counts a transposition
    // as 2 edits, above the limit of 1 for a 5-letter name. See the report: use the optimal string
    // alignment (Damerau–Levenshtein) distance, where a swap of adjacent letters costs 1.
    expect(headline('E + A/N^alpah')).toBe("col 9: unknown name 'alpah'; did you mean 'alpha'?");
  });

  test('a function name used without a call says so', () => {
    expectError('E + A*exp', 'formula-unknown-name', 1, 7, "unknown name 'exp' ('exp' is a function: call it as exp(...))");
  });

  test('unknown function, with a suggestion', () => {
    expectError('E + A*exq(-alpha*log(N))', 'formula-unknown-name', 1, 7, "unknown function 'exq'; did you mean 'exp'?");
    expectError('E + A*frobnicate(N)^-alpha', 'formula-unknown-name', 1, 7, "unknown function 'frobnicate'");
  });

  test('the caret line points at the token', () => {
    const e = formulaErrorOf('E + A/N^alph');
    expect(e.message).toBe("col 9: unknown name 'alph'; did you mean 'alpha'?\n  E + A/N^alph\n          ^");
  });
});

describe('arity', () => {
  test('fixed arity', () => {
    expectError('E + A*exp(-alpha, N)', 'formula-arity', 1, 7, "'exp' takes 1 argument, got 2");
    expectError('E + A*pow(N)^alpha', 'formula-arity', 1, 7, "'pow' takes 2 arguments, got 1");
  });

  test('variable arity', () => {
    expectError('E + A*logsumexp() + alpha*N', 'formula-arity', 1, 7, "'logsumexp' takes 1 to 16 arguments, got 0");
    expectError('E + A*max(N)^-alpha', 'formula-arity', 1, 7, "'max' takes 2 to 16 arguments, got 1");
    const many = Array.from({ length: 17 }, () => 'N').join(', ');
    expectError(`E + A*logsumexp(${many})^-alpha`, 'formula-arity', 1, 7, "'logsumexp' takes 1 to 16 arguments, got 17");
  });
});

describe('syntax', () => {
  test('unbalanced parentheses', () => {
    expectError('E + A*(N^-alpha', 'formula-syntax', 1, 16, "expected ')' to close the '(' at col 7, found end of formula");
    expectError('E + A*N^-alpha)', 'formula-syntax', 1, 15, "unexpected ')' after the result expression");
    expectError('E + A*exp(-alpha*log(N)', 'formula-syntax', 1, 24, "expected ',' or ')' in the arguments of 'exp', found end of formula");
  });

  test('trailing operator', () => {
    expectError('E + A*N^-alpha +', 'formula-syntax', 1, 17, "expected a number, a name or '(', found end of formula");
    expectError('E + A*N^-alpha *', 'formula-syntax', 1, 17, "expected a number, a name or '(', found end of formula");
  });

  test('implicit multiplication and malformed numbers', () => {
    expectError('E + 2A*N^-alpha', 'formula-syntax', 1, 5, "malformed number '2A'; write multiplication as '*'");
    expectError('E + A*N^-alpha*2x', 'formula-syntax', 1, 16, "malformed number '2x'; write multiplication as '*'");
    expectError('E + A*N^-alpha + 1e', 'formula-syntax', 1, 18, "malformed number '1e'; write multiplication as '*'");
  });

  test('unexpected character', () => {
    expectError('E + A*N^-alpha $ 2', 'formula-syntax', 1, 16, "unexpected character '$'");
  });

  test('empty formula and a formula that ends with a definition', () => {
    expectError('# only a comment\n', 'formula-syntax', 2, 1, 'empty formula');
    expectError('x = 2;', 'formula-syntax', 1, 7, 'the formula ends with a definition; the last line must be the result expression');
  });

  test('single `=` in an expression', () => {
    expectError('E + A*N^-alpha = 1', 'formula-syntax', 1, 16, "unexpected '='; use '==' to compare");
  });

  test('precedence: ^ binds tighter than unary minus and is right-associative', () => {
    const p = parseProgram('-x^2^3');
    expect(p.result).toMatchObject({ kind: 'unary', op: '-', arg: { kind: 'binary', op: '^', left: { name: 'x' }, right: { kind: 'binary', op: '^' } } });
    expect(parseProgram('2^-3').result).toMatchObject({ kind: 'binary', op: '^', right: { kind: 'unary', op: '-' } });
    expect(parseProgram('a**b').result).toMatchObject({ kind: 'binary', op: '^' });
  });
});

describe('comparisons and logic are rejected in laws', () => {
  test.each([
    ['E + A*N^-alpha > 0', 16, '>'],
    ['E + A*N^-alpha == 1', 16, '=='],
    ['E + A*N^-alpha + (N < 3)', 21, '<'],
    ['E + A*N^-alpha + (N >= 3)', 21, '>='],
    ['E + A*N^-alpha + (N != 3)', 21, '!='],
    // The outermost operator is reported: '&&' at offset 24.
    ['E + A*N^-alpha + (N > 1 && N < 3)', 25, '&&'],
    ['E + A*N^-alpha + (N > 1 || N < 3)', 25, '||'],
  ])('%s', (formula, col, op) => {
    expectError(formula, 'formula-not-allowed', 1, col, `'${op}' is not allowed in a law (it has no derivative); use min, max or abs`);
  });

  test('logical not', () => {
    expectError('E + A*N^(-alpha) + !A', 'formula-not-allowed', 1, 20, "'!' is not allowed in a law (it has no derivative)");
  });
});

describe('declarations and definitions', () => {
  test('unused parameter', () => {
    expectError('E + A*N^2', 'formula-unused', 1, 10, "parameter 'alpha' is declared but the formula never uses it");
  });

  test('unused input', () => {
    expectError('E + A', 'formula-unused', 1, 6, "input 'N' is declared but the formula never uses it", ['E', 'A']);
  });

  test('unused definition', () => {
    expectError('x = A*N\ny = 2\nE + x^-alpha', 'formula-unused', 2, 1, "'y' is defined but never used");
  });

  test('a definition may not shadow a parameter, an input, an earlier definition or a function', () => {
    expectError('alpha = 3\nE + A*N^-alpha', 'formula-syntax', 1, 1, "'alpha' is already a parameter; choose another name for this definition");
    expectError('N = 1\nE + A*N^-alpha', 'formula-syntax', 1, 1, "'N' is already an input; choose another name for this definition");
    expectError('x = 1\nx = 2\nE + A*N^-alpha*x', 'formula-syntax', 2, 1, "'x' is already an earlier definition; choose another name for this definition");
    expectError('exp = 1\nE + A*N^-alpha', 'formula-syntax', 1, 1, "'exp' is a function name");
  });

  test('a name used before its definition is unknown at that point', () => {
    expectError('y = foo + 1\nfoo = A\nE + y*N^-alpha', 'formula-unknown-name', 1, 5, "unknown name 'foo'");
  });

  test('a parameter with no effect is a declaration error', () => {
    expect(() => compileLaw(decl('E + 0*A + N^-alpha'))).toThrow(/parameter 'A' has no effect on the prediction/);
  });

  test('invalid declarations', () => {
    const bad = (d: Partial<LawDeclaration>): LawDeclaration => ({ ...decl('E + A*N^-alpha'), ...d });
    expect(() => compileLaw(bad({ name: '1law' }))).toThrow(/the name must start with a letter/);
    expect(() => compileLaw(bad({ params: [{ name: 'E' }, { name: 'E' }, { name: 'A' }, { name: 'alpha' }] }))).toThrow(/'E' is declared twice/);
    expect(() => compileLaw(bad({ inputs: [{ name: 'exp' }] }))).toThrow(/'exp' is a function name and cannot name an input or parameter/);
    expect(() => compileLaw(bad({ params: [{ name: 'E', fixed: 1 }, { name: 'A', fixed: 1 }, { name: 'alpha', fixed: 0.3 }] }))).toThrow(/every parameter is fixed/);
    expect(() => compileLaw(bad({ params: [{ name: 'E', start: [NaN] }, { name: 'A' }, { name: 'alpha' }] }))).toThrow(/start values must be finite/);
  });

  test('overrides naming an unknown parameter suggest the right one', () => {
    expect(() => compileLaw(decl('E + A*N^-alpha'), { fixed: { alpa: 0.3 } })).toThrow("fixed: law 't' has no parameter 'alpa'; did you mean 'alpha'? (parameters: E, A, alpha)");
  });
});

test('quoted text is refused in a law, with its position', () => {
  expect(() => compileLaw(decl("E + A*N^-alpha + 'x'"))).toThrow(/col 18: text \('x'\) is not allowed in a law/);
});

describe('multi-line formulas', () => {
  test('positions are line and column of the line', () => {
    expectError('x = A*N\n\nE + x^-alph', 'formula-unknown-name', 3, 8, "unknown name 'alph'; did you mean 'alpha'?");
    // A line ending in an operator continues on the next line.
    expectError('x = A*N  # comment\nE + x^-alpha +\n  foo', 'formula-unknown-name', 3, 3, "unknown name 'foo'");
    expectError('x = A*N  # comment\nE + x^-alpha +\n', 'formula-syntax', 3, 1, "expected a number, a name or '(', found end of formula");
    expectError('E + A*N^-alpha\n+ 1', 'formula-syntax', 2, 1, "unexpected '+' after the result expression");
  });

  test('the caret is drawn under the column on the offending line', () => {
    const e = formulaErrorOf('x = A*N\ny = 2\nE + x^-alpha');
    expect(e.message).toBe("line 2, col 1: 'y' is defined but never used\n  y = 2\n  ^");
  });

  test('definitions separated by `;` and by new lines, with comments, compile to the same law', () => {
    const a = compileLaw(decl('x = A*N^-alpha; E + x'));
    const b = compileLaw(decl('# a comment\nx = A*N^-alpha   # another\n\nE + x\n# trailing'));
    const X = a.js.features(new Float64Array([1e9]), 1, 1);
    expect(a.js.prediction([1.7, 400, 0.3], X, 0)).toBe(b.js.prediction([1.7, 400, 0.3], X, 0));
  });

  test('a new line inside parentheses continues the expression', () => {
    // A new line inside an unclosed '(' can never end a definition or the result.
    const formula = ['exp(logsumexp(log(A) - alpha*log(N),', '              log(E)))'].join('\n');
    const law = compileLaw(decl(formula, ['A', 'E', 'alpha']));
    const X = law.js.features(new Float64Array([1e9]), 1, 1);
    expect(law.js.prediction([400, 1.7, 0.3], X, 0)).toBeCloseTo(1.7 + 400 * Math.pow(1e9, -0.3), 12);
  });
});
