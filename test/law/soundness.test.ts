/**
 * Issue 14: no simplification turns a NaN (or an infinity) into a number, and no formula, however
 * deep or long, crashes a pass: the parser, the checker, the lowering to the graph, the
 * derivatives and the code emitters are iterative over chains and depth-limited otherwise.
 */
import { describe, expect, test } from 'vitest';
import { isLawfitError } from '../../src/errors.js';
import { compileLaw } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { Graph, logSumExp, sigmoid, softplus } from '../../src/law/graph.js';
import { MAX_NESTING, MAX_NODES, parseExpression, parseProgram, printExpr } from '../../src/law/syntax.js';

/** A float64 interpreter of graph nodes, the IEEE reference the simplified graph must agree with. */
function evalNode(g: Graph, id: number, params: readonly number[], inputs: readonly number[] = []): number {
  const memo = new Map<number, number>();
  for (const k of g.topoOrder([id])) {
    const n = g.node(k);
    const a = n.args.map((x) => memo.get(x)!);
    let v: number;
    switch (n.op) {
      case 'const': v = n.value; break;
      case 'param': v = params[n.value]!; break;
      case 'input': v = inputs[n.value]!; break;
      case 'add': v = a[0]! + a[1]!; break;
      case 'sub': v = a[0]! - a[1]!; break;
      case 'mul': v = a[0]! * a[1]!; break;
      case 'div': v = a[0]! / a[1]!; break;
      case 'neg': v = -a[0]!; break;
      case 'powc': v = Math.pow(a[0]!, n.value); break;
      case 'exp': v = Math.exp(a[0]!); break;
      case 'log': v = Math.log(a[0]!); break;
      case 'log1p': v = Math.log1p(a[0]!); break;
      case 'sqrt': v = Math.sqrt(a[0]!); break;
      case 'abs': v = Math.abs(a[0]!); break;
      case 'sign': v = Math.sign(a[0]!); break;
      case 'min': v = Math.min(a[0]!, a[1]!); break;
      case 'max': v = Math.max(a[0]!, a[1]!); break;
      case 'le': v = a[0]! <= a[1]! ? 1 : 0; break;
      case 'select': v = a[0]! !== 0 ? a[1]! : a[2]!; break;
      case 'lse': v = logSumExp(a); break;
      case 'softplus': v = softplus(a[0]!); break;
      case 'sigmoid': v = sigmoid(a[0]!); break;
      case 'sin': v = Math.sin(a[0]!); break;
      case 'cos': v = Math.cos(a[0]!); break;
      case 'atan': v = Math.atan(a[0]!); break;
    }
    memo.set(k, v);
  }
  return memo.get(id)!;
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2.5, -3.5, 1e-310, 1e308];

describe('no simplification turns NaN or ±Inf into a number', () => {
  // Each rule the smart constructors could apply, with its unsimplified IEEE meaning.
  const rules: Array<[string, (g: Graph, x: number, y: number) => number, (x: number, y: number) => number]> = [
    ['x - x', (g, x) => g.sub(x, x), (x) => x - x],
    ['x / x', (g, x) => g.div(x, x), (x) => x / x],
    ['x * 0', (g, x) => g.mul(x, g.constant(0)), (x) => x * 0],
    ['0 * x', (g, x) => g.mul(g.constant(0), x), (x) => 0 * x],
    ['0 / x', (g, x) => g.div(g.constant(0), x), (x) => 0 / x],
    ['x / 0', (g, x) => g.div(x, g.constant(0)), (x) => x / 0],
    ['x + 0', (g, x) => g.add(x, g.constant(0)), (x) => x + 0],
    ['x - 0', (g, x) => g.sub(x, g.constant(0)), (x) => x - 0],
    ['0 - x', (g, x) => g.sub(g.constant(0), x), (x) => 0 - x],
    ['x * 1', (g, x) => g.mul(x, g.constant(1)), (x) => x * 1],
    ['x * -1', (g, x) => g.mul(x, g.constant(-1)), (x) => x * -1],
    ['x / 1', (g, x) => g.div(x, g.constant(1)), (x) => x / 1],
    ['x / -1', (g, x) => g.div(x, g.constant(-1)), (x) => x / -1],
    ['x ^ 0', (g, x) => g.powc(x, 0), (x) => Math.pow(x, 0)],
    ['x ^ 1', (g, x) => g.powc(x, 1), (x) => Math.pow(x, 1)],
    ['x ^ -1', (g, x) => g.powc(x, -1), (x) => Math.pow(x, -1)],
    ['x ^ 0.5', (g, x) => g.powc(x, 0.5), (x) => Math.pow(x, 0.5)],
    ['--x', (g, x) => g.neg(g.neg(x)), (x) => -(-x)],
    ['-(x - y)', (g, x, y) => g.neg(g.sub(x, y)), (x, y) => -(x - y)],
    ['x + (-y)', (g, x, y) => g.add(x, g.neg(y)), (x, y) => x + -y],
    ['x - (-y)', (g, x, y) => g.sub(x, g.neg(y)), (x, y) => x - -y],
    ['(-x) * (-y)', (g, x, y) => g.mul(g.neg(x), g.neg(y)), (x, y) => -x * -y],
    ['(-x) / y', (g, x, y) => g.div(g.neg(x), y), (x, y) => -x / y],
    ['(x - x) / (x - x)', (g, x) => g.div(g.sub(x, x), g.sub(x, x)), (x) => (x - x) / (x - x)],
    ['log(exp(x))', (g, x) => g.log(g.exp(x)), (x) => Math.log(Math.exp(x))],
    ['log(x^3)', (g, x) => g.log(g.powc(x, 3)), (x) => Math.log(Math.pow(x, 3))],
    ['log(x^-1)', (g, x) => g.log(g.powc(x, -1)), (x) => Math.log(Math.pow(x, -1))],
    ['log(sigmoid(x))', (g, x) => g.log(g.sigmoid(x)), (x) => Math.log(sigmoid(x))],
    ['log1p(exp(x))', (g, x) => g.log1p(g.exp(x)), (x) => Math.log1p(Math.exp(x))],
    ['exp(x)^2.5', (g, x) => g.powc(g.exp(x), 2.5), (x) => Math.pow(Math.exp(x), 2.5)],
    ['min(x, x)', (g, x) => g.min(x, x), (x) => Math.min(x, x)],
    ['max(x, x)', (g, x) => g.max(x, x), (x) => Math.max(x, x)],
  ];
  for (const [name, build, reference] of rules) {
    test(name, () => {
      const g = new Graph();
      const node = build(g, g.param(0), g.param(1));
      for (const x of SPECIAL) {
        // One-argument rules take y = 0 only (y is unused).
        for (const y of reference.length === 1 ? [0] : SPECIAL) {
          const want = reference(x, y);
          const got = evalNode(g, node, [x, y]);
          const at = `${name} at x=${x}, y=${y}: IEEE gives ${want}, simplified ${got}`;
          // A NaN of the unsimplified expression survives simplification.
          if (Number.isNaN(want)) expect(got, at).toBeNaN();
          // An infinity survives too, unless it came from overflow or underflow of finite inputs,
          // where the rule computes the exact value (log(exp(1e308)) = 1e308, 3 log(1e-310)).
          if (!Number.isFinite(want) && (!Number.isFinite(x) || !Number.isFinite(y))) expect(Number.isFinite(got), at).toBe(false);
          // A NaN may appear only where the IEEE value is also non-finite (pow(-Inf, 0.5) = Inf vs sqrt = NaN).
          if (Number.isNaN(got)) expect(Number.isFinite(want), at).toBe(false);
        }
      }
    });
  }

  test('repro: (A-A)/(A-A) in a law predicts NaN, not 0', () => {
    const law = compileLaw(decl('E + A*N^-alpha + (A-A)/(A-A)'));
    const X = law.js.features(new Float64Array([100]), 1, 1);
    expect(law.js.prediction(new Float64Array([1, 2, 0.5]), X, 0)).toBeNaN();
  });

  test('a parameter multiplied by zero still has no effect (its gradient is structurally zero)', () => {
    expect(() => compileLaw(decl('E + 0*A + N^-alpha'))).toThrow(/parameter 'A' has no effect/);
  });
});

function decl(formula: string, params = ['E', 'A', 'alpha'], inputs = ['N']): LawDeclaration {
  return { name: 't', formula, inputs: inputs.map((name) => ({ name })), params: params.map((name) => ({ name })), space: 'linear' };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('formula size limits: a clear error with a position, never a RangeError', () => {
  const base = 'E + A*N^-alpha';
  test(`500 nested parentheses: formula-too-large at the ${MAX_NESTING + 1}th '('`, () => {
    const e = thrown(() => parseProgram('('.repeat(500) + base + ')'.repeat(500)));
    expect(isLawfitError(e) && e.code).toBe('formula-too-large');
    expect((e as Error).message).toMatch(new RegExp(`col ${MAX_NESTING + 1}: nesting deeper than ${MAX_NESTING} levels`));
  });

  test('sin nested 2,000 deep and 2,000 unary minus signs are refused with a position', () => {
    for (const text of [`${base} + ${'sin('.repeat(2000)}A${')'.repeat(2000)}`, `${base} + ${'-'.repeat(2000)}A`, `${'A^'.repeat(2000)}A`]) {
      const e = thrown(() => parseProgram(text));
      expect(isLawfitError(e) && e.code).toBe('formula-too-large');
      expect((e as Error).message).toMatch(/col \d+: nesting deeper than/);
    }
  });

  test('nesting up to the limit compiles', () => {
    const depth = MAX_NESTING - 10;
    const law = compileLaw(decl(`E + A*N^-alpha + ${'sin('.repeat(depth)}A${')'.repeat(depth)}`));
    expect(law.gradientNodes).toHaveLength(3);
  });

  test('a sum of 1,800 terms (and of 10,000) compiles, differentiates and evaluates: chains are iterative', () => {
    for (const terms of [1800, 10000]) {
      const formula = `E + A*N^-alpha${' + A*1e-9'.repeat(terms)}`;
      const law = compileLaw(decl(formula));
      const X = law.js.features(new Float64Array([100]), 1, 1);
      const g = new Float64Array(3);
      const v = law.js.valueGrad(new Float64Array([1, 2, 0.5]), X, 0, g);
      expect(v).toBeCloseTo(1 + 2 / 10 + 2e-9 * terms, 9);
      expect(g[1]).toBeCloseTo(0.1 + 1e-9 * terms, 9);
    }
  });

  test('a long product and a long chain of differences print and parse back', () => {
    const text = `${Array.from({ length: 3000 }, (_, i) => `x${i % 7}`).join(' - ')}`;
    expect(printExpr(parseExpression(text))).toBe(text);
    const prod = Array.from({ length: 3000 }, (_, i) => `x${i % 7}`).join('*');
    expect(printExpr(parseExpression(`(${prod}) + 1`))).toBe(`${prod} + 1`);
  });

  test(`more than ${MAX_NODES} terms is refused with a position`, () => {
    const e = thrown(() => parseExpression(Array.from({ length: MAX_NODES }, () => 'x').join('+')));
    expect(isLawfitError(e) && e.code).toBe('formula-too-large');
    expect((e as Error).message).toMatch(/col \d+: more than 50000 terms/);
  });
});
