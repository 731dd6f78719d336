/**
 * The expression graph every law compiles to, and its exact derivatives.
 *
 * Nodes are hash-consed (structurally equal nodes are one node), so common subexpressions are
 * shared by construction, and each node becomes one temporary in the generated code. Derivatives
 * are symbolic on this graph: d(node)/d(u_j) is built from the node's own rule with the same smart
 * constructors, memoised per (node, j). Because the derivative of `exp(x)` reuses the node `exp(x)`,
 * and the derivative of `a/b` reuses `a/b`, this is forward-mode differentiation with CSE, written
 * out as straight-line code: no finite differences anywhere.
 *
 * The smart constructors simplify as they build: constants fold, `x+0`, `x*1`, `x*0`, `--x`
 * collapse, and `log(exp(x)) = x` (exact, and the reason log-space laws such as Chinchilla's
 * `logsumexp` form stay stable once their log-positive parameters are substituted as `exp(u)`).
 * `x*0 = 0` drops a NaN that `x` might carry; that is the intended algebra here, because the
 * derivative code multiplies by structurally-zero partials all the time.
 *
 * A general power `a^b` whose exponent depends on parameters is built as `exp(b * log(a))`: with an
 * input base, `log(a)` depends on inputs only and is hoisted to the host (see `hoist`), computed once
 * per data point in float64, as the design notes ask.
 */

export type NodeOp =
  | 'const'
  | 'input' // raw input column `index`
  | 'param' // internal (free) parameter `index`
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'neg'
  | 'powc' // args[0] ^ value (constant exponent)
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'min'
  | 'max'
  | 'le' // 1 if args[0] <= args[1] else 0
  | 'select' // args[0] != 0 ? args[1] : args[2]
  | 'lse' // logsumexp of all args
  | 'softplus'
  | 'sigmoid'
  | 'sin'
  | 'cos'
  | 'atan';

export interface GraphNode {
  readonly id: number;
  readonly op: NodeOp;
  readonly args: readonly number[];
  /** For const: the value; for powc: the exponent; for input/param: the index. */
  readonly value: number;
  /** True when the node depends on at least one parameter. */
  readonly varies: boolean;
}

export class Graph {
  readonly nodes: GraphNode[] = [];
  private readonly index = new Map<string, number>();
  private readonly derivMemo = new Map<string, number>();

  private make(op: NodeOp, args: readonly number[], value = 0): number {
    const key = `${op}|${value}|${args.join(',')}`;
    const found = this.index.get(key);
    if (found !== undefined) return found;
    const id = this.nodes.length;
    const varies = op === 'param' || args.some((a) => this.nodes[a]!.varies);
    this.nodes.push({ id, op, args: [...args], value, varies });
    this.index.set(key, id);
    return id;
  }

  node(id: number): GraphNode {
    return this.nodes[id]!;
  }
  isConst(id: number, v?: number): boolean {
    const n = this.nodes[id]!;
    return n.op === 'const' && (v === undefined || Object.is(n.value, v) || n.value === v);
  }
  constValue(id: number): number | undefined {
    const n = this.nodes[id]!;
    return n.op === 'const' ? n.value : undefined;
  }

  // ---- leaves --------------------------------------------------------------------------------
  constant(v: number): number {
    // Normalise -0 so that hash-consing treats 0 and -0 as one node.
    return this.make('const', [], v === 0 ? 0 : v);
  }
  input(index: number): number {
    return this.make('input', [], index);
  }
  param(index: number): number {
    return this.make('param', [], index);
  }

  // ---- arithmetic with simplification --------------------------------------------------------
  add(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(ca + cb);
    if (ca === 0) return b;
    if (cb === 0) return a;
    if (this.nodes[b]!.op === 'neg') return this.sub(a, this.nodes[b]!.args[0]!);
    if (this.nodes[a]!.op === 'neg') return this.sub(b, this.nodes[a]!.args[0]!);
    // Canonical order for commutative ops, so a+b and b+a are one node.
    return a <= b ? this.make('add', [a, b]) : this.make('add', [b, a]);
  }
  sub(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(ca - cb);
    if (cb === 0) return a;
    if (ca === 0) return this.neg(b);
    if (a === b) return this.constant(0);
    if (this.nodes[b]!.op === 'neg') return this.add(a, this.nodes[b]!.args[0]!);
    return this.make('sub', [a, b]);
  }
  mul(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(ca * cb);
    if (ca === 0 || cb === 0) return this.constant(0);
    if (ca === 1) return b;
    if (cb === 1) return a;
    if (ca === -1) return this.neg(b);
    if (cb === -1) return this.neg(a);
    const na = this.nodes[a]!;
    const nb = this.nodes[b]!;
    if (na.op === 'neg' && nb.op === 'neg') return this.mul(na.args[0]!, nb.args[0]!);
    if (na.op === 'neg') return this.neg(this.mul(na.args[0]!, b));
    if (nb.op === 'neg') return this.neg(this.mul(a, nb.args[0]!));
    // Constants first, then by id: one canonical node for a*b and b*a.
    if (cb !== undefined) return this.make('mul', [b, a]);
    if (ca !== undefined) return this.make('mul', [a, b]);
    return a <= b ? this.make('mul', [a, b]) : this.make('mul', [b, a]);
  }
  div(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined && cb !== 0) return this.constant(ca / cb);
    if (ca === 0) return this.constant(0);
    if (cb === 1) return a;
    if (cb === -1) return this.neg(a);
    if (a === b) return this.constant(1);
    const na = this.nodes[a]!;
    if (na.op === 'neg') return this.neg(this.div(na.args[0]!, b));
    return this.make('div', [a, b]);
  }
  neg(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(-ca);
    const na = this.nodes[a]!;
    if (na.op === 'neg') return na.args[0]!;
    if (na.op === 'sub') return this.make('sub', [na.args[1]!, na.args[0]!]);
    return this.make('neg', [a]);
  }
  /** a^c for a constant exponent c. */
  powc(a: number, c: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.pow(ca, c));
    if (c === 0) return this.constant(1);
    if (c === 1) return a;
    if (c === 0.5) return this.sqrt(a);
    if (c === -1) return this.div(this.constant(1), a);
    const na = this.nodes[a]!;
    // (x^p)^c = x^(p c) only holds for x > 0 or integer exponents; exp(u)^c = exp(c u) always holds.
    if (na.op === 'exp') return this.exp(this.mul(this.constant(c), na.args[0]!));
    return this.make('powc', [a], c);
  }
  /** a^b in general: constant exponents stay powers; otherwise exp(b log a). */
  pow(a: number, b: number): number {
    const cb = this.constValue(b);
    if (cb !== undefined) return this.powc(a, cb);
    return this.exp(this.mul(b, this.log(a)));
  }

  // ---- functions -----------------------------------------------------------------------------
  exp(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.exp(ca));
    return this.make('exp', [a]);
  }
  log(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.log(ca));
    const na = this.nodes[a]!;
    if (na.op === 'exp') return na.args[0]!; // log(exp(x)) = x exactly
    if (na.op === 'sigmoid') return this.neg(this.softplus(this.neg(na.args[0]!))); // log σ(x) = -softplus(-x)
    if (na.op === 'powc' && na.value === Math.trunc(na.value) && na.value % 2 !== 0) {
      return this.mul(this.constant(na.value), this.log(na.args[0]!)); // odd integer power keeps the sign domain
    }
    return this.make('log', [a]);
  }
  log1p(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.log1p(ca));
    const na = this.nodes[a]!;
    if (na.op === 'exp') return this.softplus(na.args[0]!); // log(1 + e^x) = softplus(x), stable
    return this.make('log1p', [a]);
  }
  sqrt(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.sqrt(ca));
    return this.make('sqrt', [a]);
  }
  abs(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.abs(ca));
    return this.make('abs', [a]);
  }
  sin(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.sin(ca));
    return this.make('sin', [a]);
  }
  cos(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.cos(ca));
    return this.make('cos', [a]);
  }
  atan(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.atan(ca));
    return this.make('atan', [a]);
  }
  sign(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(Math.sign(ca));
    return this.make('sign', [a]);
  }
  min(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(Math.min(ca, cb));
    if (a === b) return a;
    return this.make('min', [a, b]);
  }
  max(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(Math.max(ca, cb));
    if (a === b) return a;
    return this.make('max', [a, b]);
  }
  le(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(ca <= cb ? 1 : 0);
    return this.make('le', [a, b]);
  }
  select(cond: number, a: number, b: number): number {
    const cc = this.constValue(cond);
    if (cc !== undefined) return cc !== 0 ? a : b;
    if (a === b) return a;
    return this.make('select', [cond, a, b]);
  }
  lse(args: number[]): number {
    if (args.length === 1) return args[0]!;
    if (args.every((a) => this.constValue(a) !== undefined)) {
      return this.constant(logSumExp(args.map((a) => this.constValue(a)!)));
    }
    return this.make('lse', args);
  }
  softplus(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(softplus(ca));
    return this.make('softplus', [a]);
  }
  sigmoid(a: number): number {
    const ca = this.constValue(a);
    if (ca !== undefined) return this.constant(sigmoid(ca));
    return this.make('sigmoid', [a]);
  }

  // ---- derivatives ---------------------------------------------------------------------------
  /** d(node)/d(param j), as a node of this graph. */
  derivative(id: number, j: number): number {
    const n = this.nodes[id]!;
    if (!n.varies) return this.constant(0);
    const key = `${id}:${j}`;
    const memo = this.derivMemo.get(key);
    if (memo !== undefined) return memo;
    const d = this.derivativeRule(n, j);
    this.derivMemo.set(key, d);
    return d;
  }

  private derivativeRule(n: GraphNode, j: number): number {
    const a = n.args[0]!;
    const b = n.args[1]!;
    const D = (x: number): number => this.derivative(x, j);
    switch (n.op) {
      case 'const':
      case 'input':
      case 'sign':
      case 'le':
        return this.constant(0);
      case 'param':
        return this.constant(n.value === j ? 1 : 0);
      case 'add':
        return this.add(D(a), D(b));
      case 'sub':
        return this.sub(D(a), D(b));
      case 'mul':
        return this.add(this.mul(D(a), b), this.mul(a, D(b)));
      case 'div': {
        // d(a/b) = (da - (a/b) db) / b : reuses this node, no b^2.
        const db = D(b);
        return this.div(this.sub(D(a), this.mul(n.id, db)), b);
      }
      case 'neg':
        return this.neg(D(a));
      case 'powc':
        return this.mul(this.mul(this.constant(n.value), this.powc(a, n.value - 1)), D(a));
      case 'exp':
        return this.mul(n.id, D(a));
      case 'log':
        return this.div(D(a), a);
      case 'log1p':
        return this.div(D(a), this.add(this.constant(1), a));
      case 'sqrt':
        return this.div(D(a), this.mul(this.constant(2), n.id));
      case 'abs':
        return this.mul(this.sign(a), D(a));
      case 'min':
        return this.select(this.le(a, b), D(a), D(b));
      case 'max':
        return this.select(this.le(b, a), D(a), D(b));
      case 'select':
        return this.select(a, D(b), D(n.args[2]!));
      case 'lse': {
        // d lse(x_1..x_k) = sum_i exp(x_i - lse) dx_i  (softmax weights; stable since x_i <= lse)
        let sum = this.constant(0);
        for (const x of n.args) {
          const dx = D(x);
          if (this.isConst(dx, 0)) continue;
          sum = this.add(sum, this.mul(this.exp(this.sub(x, n.id)), dx));
        }
        return sum;
      }
      case 'softplus':
        return this.mul(this.sigmoid(a), D(a));
      case 'sigmoid':
        return this.mul(this.mul(n.id, this.sub(this.constant(1), n.id)), D(a));
      case 'sin':
        return this.mul(this.cos(a), D(a));
      case 'cos':
        return this.neg(this.mul(this.sin(a), D(a)));
      case 'atan':
        return this.div(D(a), this.add(this.constant(1), this.mul(a, a)));
    }
  }

  /** Every node reachable from `roots`, in dependency order (arguments before uses). */
  topoOrder(roots: readonly number[]): number[] {
    const seen = new Uint8Array(this.nodes.length);
    const order: number[] = [];
    const stack: Array<[number, number]> = [];
    for (const r of roots) {
      if (seen[r]) continue;
      stack.push([r, 0]);
      seen[r] = 1;
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const node = this.nodes[top[0]]!;
        if (top[1] < node.args.length) {
          const child = node.args[top[1]++]!;
          if (!seen[child]) {
            seen[child] = 1;
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
}

// ---- numerically stable scalar functions, shared by constant folding and the f64 evaluators ----

export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity || !Number.isFinite(m)) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
