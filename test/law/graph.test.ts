/**
 * The expression graph: hash-consing, the simplifications its smart constructors promise, and the
 * structure of its symbolic derivatives.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { Graph, logSumExp, sigmoid, softplus } from '../../src/law/graph.js';
import { findLaw } from '../../src/laws/index.js';

describe('hash-consing', () => {
  test('structurally equal nodes are one node', () => {
    const g = new Graph();
    const build = (): number => g.mul(g.exp(g.param(0)), g.log(g.input(0)));
    const a = build();
    const size = g.nodes.length;
    expect(build()).toBe(a);
    expect(g.nodes.length).toBe(size);
  });

  test('commutative operations are canonical: a+b is b+a, 2x is x·2', () => {
    const g = new Graph();
    const x = g.input(0);
    const p = g.param(0);
    expect(g.add(x, p)).toBe(g.add(p, x));
    expect(g.mul(x, p)).toBe(g.mul(p, x));
    expect(g.mul(g.constant(2), p)).toBe(g.mul(p, g.constant(2)));
    expect(g.sub(x, p)).not.toBe(g.sub(p, x));
  });

  test('0 and −0 are one constant', () => {
    const g = new Graph();
    expect(g.constant(-0)).toBe(g.constant(0));
  });

  test('a compiled law shares common subexpressions: chinchilla has one log N node and one log D node', () => {
    const law = compileLaw(findLaw('chinchilla'));
    const logs = law.graph.nodes.filter((n) => n.op === 'log');
    expect(logs.map((n) => law.graph.node(n.args[0]!).op)).toEqual(['input', 'input']);
    expect(law.featureNodes).toEqual(logs.map((n) => n.id));
  });
});

describe('simplification', () => {
  const g = new Graph();
  const u = g.param(0);
  const v = g.param(1);
  const x = g.input(0);

  test('constants fold', () => {
    expect(g.constValue(g.add(g.constant(2), g.constant(3)))).toBe(5);
    expect(g.constValue(g.pow(g.constant(2), g.constant(10)))).toBe(1024);
    expect(g.constValue(g.log(g.exp(g.constant(1.5))))).toBe(1.5);
    expect(g.constValue(g.lse([g.constant(1), g.constant(2)]))).toBe(logSumExp([1, 2]));
  });

  test('identities: x+0, x·1, −−x; x·0, x−x, x/x and 0/x are NOT simplified (NaN/Inf would become a number)', () => {
    expect(g.add(u, g.constant(0))).toBe(u);
    expect(g.mul(u, g.constant(1))).toBe(u);
    expect(g.constValue(g.mul(u, g.constant(0)))).toBeUndefined();
    expect(g.constValue(g.sub(u, u))).toBeUndefined();
    expect(g.constValue(g.div(u, u))).toBeUndefined();
    expect(g.constValue(g.div(g.constant(0), u))).toBeUndefined();
    expect(g.neg(g.neg(u))).toBe(u);
    expect(g.add(u, g.neg(v))).toBe(g.sub(u, v));
    expect(g.neg(g.sub(u, v))).toBe(g.sub(v, u));
  });

  test('log(exp(u)) = u, so a log-transformed parameter costs nothing in log space', () => {
    expect(g.log(g.exp(u))).toBe(u);
    expect(g.log(g.exp(g.sub(u, g.mul(v, g.log(x)))))).toBe(g.sub(u, g.mul(v, g.log(x))));
  });

  test('log1p(exp(u)) = softplus(u); log(sigmoid(u)) = −softplus(−u)', () => {
    expect(g.log1p(g.exp(u))).toBe(g.softplus(u));
    expect(g.log(g.sigmoid(u))).toBe(g.neg(g.softplus(g.neg(u))));
  });

  test('exp(u)^c = exp(c·u); a parameter exponent becomes exp(b·log a) with log a input-only', () => {
    expect(g.powc(g.exp(u), 3)).toBe(g.exp(g.mul(g.constant(3), u)));
    const p = g.pow(x, v);
    expect(p).toBe(g.exp(g.mul(v, g.log(x))));
    expect(g.node(g.log(x)).varies).toBe(false);
    expect(g.pow(x, g.constant(0.5))).toBe(g.sqrt(x));
    expect(g.pow(x, g.constant(-1))).toBe(g.div(g.constant(1), x));
  });

  test('the stable scalar helpers', () => {
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
    expect(softplus(0)).toBe(Math.log(2));
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
    expect(logSumExp([1000, 1000])).toBe(1000 + Math.log(2));
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([NaN, 1])).toBeNaN();
  });
});

describe('symbolic derivatives', () => {
  test('d exp(u) reuses the exp node; d(a/b) reuses a/b; derivatives are memoised', () => {
    const g = new Graph();
    const u = g.param(0);
    const e = g.exp(u);
    expect(g.derivative(e, 0)).toBe(e);
    expect(g.constValue(g.derivative(e, 1))).toBe(0);
    const q = g.div(g.input(0), e);
    const dq = g.derivative(q, 0);
    expect(g.topoOrder([dq])).toContain(q);
    expect(g.derivative(q, 0)).toBe(dq);
  });

  test('chinchilla’s gradient w.r.t. log E is the softmax weight exp(e − LSE)', () => {
    const law = compileLaw(findLaw('chinchilla'));
    const g = law.graph;
    const dE = law.gradientNodes[2]!;
    const n = g.node(dE);
    expect(n.op).toBe('exp');
    const arg = g.node(n.args[0]!);
    expect(arg.op).toBe('sub');
    expect(arg.args[1]).toBe(law.modelNode);
    expect(g.node(law.modelNode).op).toBe('lse');
  });
});
