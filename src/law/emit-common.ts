/**
 * Straight-line code emission shared by every target language. A dialect says how to write a
 * literal, a declaration and each node operation; this module decides what to emit and in which
 * order: one temporary per graph node, arguments before uses, leaves (parameters and hoisted
 * features) read once at the top.
 */
import type { Graph, GraphNode } from './graph.js';

export interface Dialect {
  /** A numeric literal. */
  lit(v: number): string;
  /** A statement declaring temporary `name` = `expr`. */
  decl(name: string, expr: string): string;
  /** Expression for a non-leaf node given its argument expressions. */
  op(node: GraphNode, args: readonly string[]): string;
}

export interface LeafNames {
  /** Expression reading free parameter j. */
  param(j: number): string;
  /** Expression reading feature column k (the k-th hoisted node). */
  feature(k: number): string;
  /** Expression reading raw input k; only the host-side feature code has these. */
  input?(k: number): string;
}

/**
 * Emit statements computing `outputs`. Returns the statements and, for each output, the expression
 * naming its value (a temporary or a literal).
 */
export function emitStraightLine(
  g: Graph,
  outputs: readonly number[],
  featureNodes: readonly number[],
  leaves: LeafNames,
  dialect: Dialect,
  prefix = 't',
): { lines: string[]; results: string[]; entries: Array<{ id: number; line: string }> } {
  const featureIndex = new Map(featureNodes.map((id, k) => [id, k]));
  const names = new Map<number, string>();
  const lines: string[] = [];
  const entries: Array<{ id: number; line: string }> = [];

  const visitOrder = topoStoppingAtFeatures(g, outputs, featureIndex);
  for (const id of visitOrder) {
    const n = g.node(id);
    const fk = featureIndex.get(id);
    let expr: string;
    if (n.op === 'const') {
      names.set(id, dialect.lit(n.value));
      continue;
    } else if (fk !== undefined) {
      expr = leaves.feature(fk);
    } else if (n.op === 'param') {
      expr = leaves.param(n.value);
    } else if (n.op === 'input') {
      if (leaves.input === undefined) throw new Error(`internal: raw input ${n.value} reached the evaluator without being hoisted`);
      expr = leaves.input(n.value);
    } else {
      expr = dialect.op(
        n,
        n.args.map((a) => names.get(a)!),
      );
    }
    const name = `${prefix}${id}`;
    const line = dialect.decl(name, expr);
    lines.push(line);
    entries.push({ id, line });
    names.set(id, name);
  }
  return { lines, results: outputs.map((o) => names.get(o)!), entries };
}

/** Topological order of the nodes the outputs need, treating hoisted features as leaves. */
function topoStoppingAtFeatures(g: Graph, outputs: readonly number[], features: ReadonlyMap<number, number>): number[] {
  // An explicit stack rather than recursion: a law graph can be as deep as a sum of thousands of
  // terms (syntax.ts MAX_NODES), deeper than the call stack allows.
  const seen = new Set<number>();
  const order: number[] = [];
  for (const o of outputs) {
    if (seen.has(o)) continue;
    seen.add(o);
    const stack: Array<[number, number]> = [[o, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const args = features.has(top[0]) ? [] : g.node(top[0]).args;
      if (top[1] < args.length) {
        const child = args[top[1]++]!;
        if (!seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  return order;
}

/**
 * Which nodes depend on the data (a hoisted feature) rather than on parameters and constants
 * alone. Parameter-only nodes (exp(u) of a log-positive parameter, ratios of exponents) are the
 * same for every point and can be computed once per pass, outside the loop over points.
 */
export function dataDependent(g: Graph, featureNodes: readonly number[]): (id: number) => boolean {
  const features = new Set(featureNodes);
  const memo = new Map<number, boolean>();
  const dep = (id: number): boolean => {
    const m = memo.get(id);
    if (m !== undefined) return m;
    // Arguments before uses with an explicit stack that stops at nodes already known, so no
    // recursion on deep graphs and no node is visited twice across calls.
    const stack: Array<[number, number]> = [[id, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const n = g.node(top[0]);
      if (top[1] < n.args.length) {
        const child = n.args[top[1]++]!;
        if (!memo.has(child)) stack.push([child, 0]);
      } else {
        if (!memo.has(top[0])) memo.set(top[0], features.has(top[0]) || n.op === 'input' || n.args.some((a) => memo.get(a) === true));
        stack.pop();
      }
    }
    return memo.get(id)!;
  };
  return dep;
}

/** The arithmetic operators, spelled the same in every target language; undefined for the rest. */
export function infixOp(n: GraphNode, a: readonly string[]): string | undefined {
  const [x, y] = a;
  switch (n.op) {
    case 'add':
      return `${x} + ${y}`;
    case 'sub':
      return `${x} - ${y}`;
    case 'mul':
      return `${x} * ${y}`;
    case 'div':
      return `${x} / ${y}`;
    case 'neg':
      return `-${x}`;
    default:
      return undefined;
  }
}
