/**
 * The functions a formula may call: one table, used by the checker (names, arity, suggestions),
 * by the lowering to the expression graph, and by `lawfit laws --help`-style documentation.
 */
import type { Graph } from './graph.js';

export interface FunctionSpec {
  name: string;
  minArgs: number;
  maxArgs: number;
  summary: string;
  build(g: Graph, args: number[]): number;
}

const unary = (name: string, summary: string, f: (g: Graph, a: number) => number): FunctionSpec => ({
  name,
  minArgs: 1,
  maxArgs: 1,
  summary,
  build: (g, args) => f(g, args[0]!),
});

const foldBinary = (f: (g: Graph, a: number, b: number) => number) => (g: Graph, args: number[]) =>
  args.slice(1).reduce((acc, x) => f(g, acc, x), args[0]!);

export const FUNCTIONS: readonly FunctionSpec[] = [
  unary('exp', 'e^x', (g, a) => g.exp(a)),
  unary('log', 'natural logarithm', (g, a) => g.log(a)),
  unary('log1p', 'log(1 + x), accurate for small x', (g, a) => g.log1p(a)),
  unary('sqrt', 'square root', (g, a) => g.sqrt(a)),
  unary('abs', 'absolute value', (g, a) => g.abs(a)),
  unary('sin', 'sine (radians)', (g, a) => g.sin(a)),
  unary('cos', 'cosine (radians)', (g, a) => g.cos(a)),
  unary('atan', 'arctangent (radians)', (g, a) => g.atan(a)),
  unary('softplus', 'log(1 + e^x), computed without overflow', (g, a) => g.softplus(a)),
  unary('sigmoid', '1 / (1 + e^-x), computed without overflow', (g, a) => g.sigmoid(a)),
  {
    name: 'pow',
    minArgs: 2,
    maxArgs: 2,
    summary: 'pow(x, y) = x^y',
    build: (g, args) => g.pow(args[0]!, args[1]!),
  },
  { name: 'min', minArgs: 2, maxArgs: 16, summary: 'smallest argument', build: foldBinary((g, a, b) => g.min(a, b)) },
  { name: 'max', minArgs: 2, maxArgs: 16, summary: 'largest argument', build: foldBinary((g, a, b) => g.max(a, b)) },
  {
    name: 'logsumexp',
    minArgs: 1,
    maxArgs: 16,
    summary: 'log(e^x1 + e^x2 + ...), computed without overflow',
    build: (g, args) => g.lse(args),
  },
];

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function lookupFunction(name: string): FunctionSpec | undefined {
  return BY_NAME.get(name);
}

export function functionNames(): string[] {
  return FUNCTIONS.map((f) => f.name);
}
