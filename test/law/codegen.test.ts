/**
 * The generated float64 evaluators: hoisting (features are computed once per row on the host, in
 * float64, and raw inputs never reach the per-iteration code), residual spaces, the no-throw
 * contract, and a differential test of value and gradient against an independent interpreter of
 * the syntax tree and against Ridders differences, on random formulas.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import type { LawDeclaration, ResidualSpace } from '../../src/law/declaration.js';
import { parseProgram, type Expr } from '../../src/law/syntax.js';
import { checkGradient, rng } from '../laws/helpers.js';

function law(formula: string, params: string[], inputs: string[], space: ResidualSpace = 'linear'): LawDeclaration {
  return { name: 't', formula, inputs: inputs.map((name) => ({ name })), params: params.map((name) => ({ name })), space };
}

describe('features (hoisted input-only subexpressions)', () => {
  test('are computed in float64 on the host', () => {
    const c = compileLaw(law('a*log(N) + b*(D/N)', ['a', 'b'], ['N', 'D']));
    const N = 1e10 + 1;
    const D = 1e12 + 7;
    const X = c.js.features(new Float64Array([N, D]), 2, 1);
    expect(c.js.nFeatures).toBe(2);
    const values = [...X].sort((p, q) => p - q);
    expect(values).toEqual([Math.log(N), D / N].sort((p, q) => p - q));
    // The same numbers rounded to float32 would differ: the host really keeps f64.
    expect(Math.fround(Math.log(N))).not.toBe(Math.log(N));
    expect(Math.fround(D / N)).not.toBe(D / N);
  });

  test('raw inputs never reach the per-iteration code', () => {
    const c = compileLaw(law('E + A*exp(-alpha*log(N)) + B*D^-beta', ['E', 'A', 'alpha', 'B', 'beta'], ['N', 'D']));
    for (const src of [c.js.source.value, c.js.source.valueGrad, c.js.source.prediction]) {
      expect(src).not.toContain('R[');
      expect(src).not.toContain('Math.log(');
    }
    expect(c.js.source.features).toContain('R[r + 0]');
    expect(c.js.source.features).toContain('R[r + 1]');
  });

  test('one column per distinct hoisted node, shared by value and gradient', () => {
    // log(N) appears three times but is one node and one feature column.
    const c = compileLaw(law('a*log(N) + b*log(N)^2 + exp(c*log(N))', ['a', 'b', 'c'], ['N']));
    const logs = c.featureNodes.filter((id) => c.graph.node(id).op === 'log');
    expect(logs.length).toBe(1);
  });

  test('a row-major feature matrix for many rows', () => {
    const c = compileLaw(law('a*log(N) + b*log(D)', ['a', 'b'], ['N', 'D']));
    const raw = new Float64Array([1, 2, 3, 4, 5, 6]);
    const X = c.js.features(raw, 2, 3);
    expect(X.length).toBe(6);
    for (let i = 0; i < 3; i++) {
      const row = [X[2 * i]!, X[2 * i + 1]!].sort((p, q) => p - q);
      expect(row).toEqual([Math.log(raw[2 * i]!), Math.log(raw[2 * i + 1]!)]);
    }
    expect(() => c.js.features(raw, 3, 2)).toThrow(/expected 2 inputs per row, got 3/);
  });
});

describe('residual spaces', () => {
  const formula = 'E + A*x^-alpha';
  const params = ['E', 'A', 'alpha'];
  const u = [0.5, 3, 0.4];
  const x = 7;
  const f = 0.5 + 3 * Math.pow(7, -0.4);
  test.each([
    ['linear', f],
    ['log', Math.log(f)],
    ['log1p', Math.log1p(f)],
  ] as const)('%s', (space, m) => {
    const c = compileLaw(law(formula, params, ['x'], space));
    const X = c.js.features(new Float64Array([x]), 1, 1);
    expect(c.js.prediction(u, X, 0)).toBeCloseTo(f, 14);
    expect(c.js.value(u, X, 0)).toBeCloseTo(m, 14);
    const g = new Float64Array(3);
    expect(c.js.valueGrad(u, X, 0, g)).toBe(c.js.value(u, X, 0));
  });
});

describe('non-finite values propagate; evaluators never throw', () => {
  test('log of a negative prediction in log space is NaN, not an exception', () => {
    const c = compileLaw(law('E + A*x', ['E', 'A'], ['x'], 'log'));
    const X = c.js.features(new Float64Array([1]), 1, 1);
    const g = new Float64Array(2);
    expect(c.js.value([-5, 1], X, 0)).toBeNaN();
    expect(c.js.valueGrad([-5, 1], X, 0, g)).toBeNaN();
    expect(c.js.valueGrad([-5, 1], X, 0, g)).toBeNaN();
  });

  test('logsumexp and softplus stay finite where the naive forms overflow', () => {
    const c = compileLaw(law('exp(logsumexp(a*x, b*x))', ['a', 'b'], ['x'], 'log'));
    const X = c.js.features(new Float64Array([1000]), 1, 1);
    const g = new Float64Array(2);
    const m = c.js.valueGrad([1, 1], X, 0, g);
    expect(m).toBe(1000 + Math.log(2));
    // Softmax weights exp(1000 − LSE) = 1/2 each, times x = 1000.
    expect(g[0]).toBeCloseTo(500, 10);
    expect(g[1]).toBe(g[0]);
  });
});

// ---- differential test on random formulas ------------------------------------------------------

const FUNCS = ['exp', 'log', 'log1p', 'sqrt', 'abs', 'softplus', 'sigmoid', 'pow', 'min', 'max', 'logsumexp'] as const;

function randomFormula(next: () => number, depth: number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)]!;
  const leaf = (): string => (next() < 0.75 ? pick(['p', 'q', 'r', 'x', 'y']) : pick(['2', '0.5', '3', '1.5', '-1.5']));
  const go = (d: number): string => {
    if (d <= 0 || next() < 0.2) return leaf();
    const k = next();
    if (k < 0.45) return `(${go(d - 1)} ${pick(['+', '-', '*', '/'])} ${go(d - 1)})`;
    if (k < 0.55) return `-${go(d - 1)}`;
    if (k < 0.65) return `(${go(d - 1)})^${pick(['2', '3', '0.5', '-1', '-2', '1.5', `(${go(d - 1)})`])}`;
    const f = pick(FUNCS);
    if (f === 'pow' || f === 'min' || f === 'max') return `${f}(${go(d - 1)}, ${go(d - 1)})`;
    if (f === 'logsumexp') return `logsumexp(${go(d - 1)}, ${go(d - 1)}, ${go(d - 1)})`;
    return `${f}(${go(d - 1)})`;
  };
  // Every parameter and input appears, so the checker accepts the law.
  return `${go(depth)} + 0.001*(p + q + r + x + y)`;
}

/** An interpreter of the syntax tree with plain Math: the reference for the compiled code. */
function interpret(e: Expr, env: Readonly<Record<string, number>>): number {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'string':
      throw new Error('text in a law');
    case 'name':
      return env[e.name]!;
    case 'unary':
      return e.op === '-' ? -interpret(e.arg, env) : interpret(e.arg, env);
    case 'binary': {
      const a = interpret(e.left, env);
      const b = interpret(e.right, env);
      switch (e.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '^':
          return Math.pow(a, b);
        default:
          throw new Error(`operator ${e.op}`);
      }
    }
    case 'call': {
      const a = e.args.map((arg) => interpret(arg, env));
      const x = a[0]!;
      switch (e.fn) {
        case 'exp':
          return Math.exp(x);
        case 'log':
          return Math.log(x);
        case 'log1p':
          return Math.log1p(x);
        case 'sqrt':
          return Math.sqrt(x);
        case 'abs':
          return Math.abs(x);
        case 'softplus':
          return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
        case 'sigmoid':
          return 1 / (1 + Math.exp(-x));
        case 'pow':
          return Math.pow(x, a[1]!);
        case 'min':
          return Math.min(...a);
        case 'max':
          return Math.max(...a);
        case 'logsumexp': {
          const m = Math.max(...a);
          return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
        }
        default:
          throw new Error(`function ${e.fn}`);
      }
    }
  }
}

describe('differential test on random formulas', () => {
  test('prediction equals an independent interpreter wherever the interpreter is finite', () => {
    const next = rng(20240611);
    let compared = 0;
    for (let it = 0; it < 1500; it++) {
      const formula = randomFormula(next, 4);
      const c = compileLaw(law(formula, ['p', 'q', 'r'], ['x', 'y']));
      const ast = parseProgram(formula).result;
      for (let k = 0; k < 3; k++) {
        const env = { p: next() * 4 - 1, q: next() * 4 - 1, r: next() * 3, x: next() * 5 - 1, y: next() * 3 + 0.1 };
        const want = interpret(ast, env);
        // The simplifier may legitimately turn NaN/Inf into a number (x·0 = 0, log(exp(x)) = x).
        if (!Number.isFinite(want)) continue;
        const X = c.js.features(new Float64Array([env.x, env.y]), 2, 1);
        const got = c.js.prediction([env.p, env.q, env.r], X, 0);
        compared++;
        if (!(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) {
          throw new Error(`${formula} at ${JSON.stringify(env)}: compiled ${got}, interpreter ${want}`);
        }
      }
    }
    expect(compared).toBeGreaterThan(2500);
  });

  test('valueGrad equals Ridders differences of value', () => {
    const next = rng(7);
    let compared = 0;
    let mismatches = 0;
    const examples: string[] = [];
    for (let it = 0; it < 600; it++) {
      const formula = randomFormula(next, 4);
      const c = compileLaw(law(formula, ['p', 'q', 'r'], ['x', 'y']));
      for (let k = 0; k < 2; k++) {
        const u = [next() * 4 - 1, next() * 4 - 1, next() * 3];
        const X = c.js.features(new Float64Array([next() * 5 - 1, next() * 3 + 0.1]), 2, 1);
        const r = checkGradient(c, u, X, 1);
        compared += r.compared;
        for (const m of r.mismatches) {
          // min, max and abs have kinks; a finite difference straddling one is not a derivative.
          if (/min|max|abs/.test(formula) && Math.abs(m.numericErr) > 1e-8 * Math.max(1, Math.abs(m.numeric))) continue;
          mismatches++;
          if (examples.length < 5) examples.push(`${formula} at u = ${JSON.stringify(u)}: ${JSON.stringify(m)}`);
        }
      }
    }
    expect(examples).toEqual([]);
    expect(mismatches).toBe(0);
    expect(compared).toBeGreaterThan(2000);
  });
});
