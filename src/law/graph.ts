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
 * The smart constructors simplify as they build, and only where the simplified node has the value
 * of the original at every point, NaN and ±Inf included (a rule may never turn a NaN into a
 * number; test/law/graph.test.ts checks each against IEEE evaluation): constants fold, `x+0`,
 * `x-0`, `x*1`, `x/1`, `x^1`, `x^0 = 1` (IEEE pow), `--x`, `a+(-b) = a-b` collapse, and
 * `log(exp(x)) = x` (exact, and the reason log-space laws such as Chinchilla's `logsumexp` form
 * stay stable once their log-positive parameters are substituted as `exp(u)`; it differs from
 * float evaluation only where exp overflows, and then it is the right answer). `x-x`, `x/x`,
 * `x*0` and `0/x` are NOT simplified: Inf-Inf, 0/0, 0*Inf are NaN. Derivatives drop terms whose
 * derivative is structurally zero (the node does not depend on that parameter), see `times`.
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
    // No `x - x = 0`: Inf - Inf and NaN - NaN are NaN, and a law must not lose that.
    if (this.nodes[b]!.op === 'neg') return this.add(a, this.nodes[b]!.args[0]!);
    return this.make('sub', [a, b]);
  }
  mul(a: number, b: number): number {
    const ca = this.constValue(a);
    const cb = this.constValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(ca * cb);
    // No `x * 0 = 0`: 0 * Inf and 0 * NaN are NaN. Derivatives skip structurally zero terms
    // themselves (`times` in derivativeRule), which is where that rule used to matter.
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
    // Constant quotients fold unless they divide by zero (kept as a node, evaluated as IEEE does).
    // No `0 / x = 0` and no `x / x = 1`: 0/0, Inf/Inf and NaN/NaN are NaN.
    if (ca !== undefined && cb !== undefined && cb !== 0) return this.constant(ca / cb);
    if (cb === 1) return a;
    if (cb === -1) return this.neg(a);
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
    // x^0 = 1 for every x, NaN and Inf included: IEEE 754 pow(x, 0) and Math.pow say so, and the
    // evaluators compute powers that way, so this rule changes no value.
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
    // log(x^c) = c log(x) for a positive odd integer c keeps the sign domain (x < 0: NaN both
    // ways). Not for negative c: at x = -0, x^-1 = -Inf whose log is NaN, but -log(-0) = +Inf.
    if (na.op === 'powc' && na.value > 0 && na.value === Math.trunc(na.value) && na.value % 2 !== 0) {
      return this.mul(this.constant(na.value), this.log(na.args[0]!));
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
    const known = this.knownDerivative(id, j);
    if (known !== undefined) return known;
    // Iterative forward mode: differentiate every node below `id` in dependency order, so each
    // rule finds its arguments' derivatives already memoised. No recursion, so a graph as deep
    // as a sum of thousands of terms costs no stack depth.
    for (const k of this.topoOrder([id])) {
      if (this.knownDerivative(k, j) !== undefined) continue;
      this.derivMemo.set(`${k}:${j}`, this.derivativeRule(this.nodes[k]!, j));
    }
    return this.knownDerivative(id, j)!;
  }

  /** The derivative of a node if it is structurally zero or already built. */
  private knownDerivative(id: number, j: number): number | undefined {
    if (!this.nodes[id]!.varies) return this.constant(0);
    return this.derivMemo.get(`${id}:${j}`);
  }

  private derivativeRule(n: GraphNode, j: number): number {
    const a = n.args[0]!;
    const b = n.args[1]!;
    const D = (x: number): number => {
      const d = this.knownDerivative(x, j);
      if (d === undefined) throw new Error(`internal: derivative of node ${x} needed before it was built`);
      return d;
    };
    // d * x and d / x for a derivative d: a structurally zero derivative (the node does not depend
    // on u_j at all) gives an exact 0 term, whatever x is. This is the only place a product with
    // zero is dropped; where x is NaN or infinite the law's value itself is, so nothing is hidden.
    const times = (d: number, x: number): number => (this.isConst(d, 0) ? d : this.mul(d, x));
    const over = (d: number, x: number): number => (this.isConst(d, 0) ? d : this.div(d, x));
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
        return this.add(times(D(a), b), times(D(b), a));
      case 'div': {
        // d(a/b) = (da - (a/b) db) / b : reuses this node, no b^2.
        return over(this.sub(D(a), times(D(b), n.id)), b);
      }
      case 'neg':
        return this.neg(D(a));
      case 'powc':
        return times(D(a), this.mul(this.constant(n.value), this.powc(a, n.value - 1)));
      case 'exp':
        return times(D(a), n.id);
      case 'log':
        return over(D(a), a);
      case 'log1p':
        return over(D(a), this.add(this.constant(1), a));
      case 'sqrt':
        return over(D(a), this.mul(this.constant(2), n.id));
      case 'abs':
        return times(D(a), this.sign(a));
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
        return times(D(a), this.sigmoid(a));
      case 'sigmoid':
        return times(D(a), this.mul(n.id, this.sub(this.constant(1), n.id)));
      case 'sin':
        return times(D(a), this.cos(a));
      case 'cos':
        return this.neg(times(D(a), this.sin(a)));
      case 'atan':
        return over(D(a), this.add(this.constant(1), this.mul(a, a)));
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
