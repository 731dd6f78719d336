/**
 * Which parameters enter a law linearly: the compiler's half of variable projection.
 *
 * A set S of free parameters enters the prediction linearly when the prediction can be written
 *
 *   f(x; p) = h(x; θ) + Σ_{k∈S} p_k · g_k(x; θ)            (θ = the free parameters not in S)
 *
 * with neither h nor any g_k depending on a parameter of S. For a given θ the p_k are then the
 * solution of a (weighted, robust, possibly non-negative) linear least-squares problem, and a
 * solver only has to search over θ (Golub & Pereyra, "The differentiation of pseudo-inverses and
 * nonlinear least squares problems whose variables separate", SIAM J. Numer. Anal. 10, 1973).
 *
 * DETECTION on the expression graph (graph.ts). The compiler substitutes p_k = T_k(u_k) into the
 * graph, so the natural parameter is the node `u_k` (transform none) or `exp(u_k)` (transform log,
 * a positive parameter: projected with a non-negativity constraint). Bounded parameters are not
 * candidates (they would need bounded least squares). Starting from every candidate, one pass in
 * dependency order decomposes each node that depends on S into (h, {g_k}):
 *   - a node independent of S is h itself; the natural node of k ∈ S is g_k = 1;
 *   - a + b, a - b, -a combine the decompositions;
 *   - exp(u_k + r) with k ∈ S positive and r independent of S is p_k · exp(r) (the form the
 *     built-in laws use for A x^-α: exp(log A - α log x), where log(exp(u_k)) is u_k);
 *   - a * b and a / b scale one side by the other when that side (the divisor, for /) is
 *     independent of S;
 *   - p_k * (an expression of other members) blames those others and keeps p_k;
 *   - anything else that depends on S (a product of two members, a member inside exp, pow, log,
 *     min, a divisor, ...) cannot be decomposed: the members it depends on are "blamed".
 * Blamed members leave S and the pass repeats until nothing is blamed (at most |S| passes). The
 * result is a set whose decomposition holds exactly, node for node; the g_k and h nodes are
 * built in the graph but the solvers do not need them: they evaluate g_k and h with the law's own
 * evaluators (the prediction at p_k = 0 is h, and ∂f/∂p_k is g_k), see src/fit/cpu/projected.ts.
 *
 * Projection applies only when the residuals are in linear space (in log space, log f is not linear
 * in p_k); `projectable` is empty otherwise, and `reason` says why.
 */
import type { Graph } from './graph.js';
import type { Transform } from './transforms.js';
import type { ResidualSpace } from './declaration.js';

export interface LinearParamInfo {
  /** Free-parameter indices (into law.free) that enter the prediction linearly. */
  readonly linear: readonly number[];
  /** For each entry of `linear`: true when the parameter is declared positive (solved non-negative). */
  readonly nonNegative: readonly boolean[];
  /** The free parameters a projected solver searches over (the complement of `linear`). */
  readonly nonlinear: readonly number[];
  /** `linear` when residuals are in linear space (projection applies), else empty. */
  readonly projectable: readonly number[];
  /** Why nothing is projectable, when that is so. */
  readonly reason?: string;
  /**
   * The decomposition f = h + sum_k p_k g_k as graph nodes (independent of every member of
   * `linear`): `hNode`, and `gNodes[a]` for `linear[a]`. The float64 solver evaluates h and g_k
   * with the law's own evaluators instead; the WebGPU kernel (src/gpu/projected-kernel.ts)
   * generates code for these nodes. Empty `gNodes` when nothing is linear.
   */
  readonly hNode: number;
  readonly gNodes: readonly number[];
}

interface Affine {
  h: number;
  coef: Map<number, number>;
}

/**
 * Find the free parameters that enter `predictionNode` linearly. `free[j]` is the transform of
 * internal parameter j (node `g.param(j)`).
 */
export function detectLinearParams(g: Graph, free: readonly { name: string; transform: Transform }[], predictionNode: number, space: ResidualSpace): LinearParamInfo {
  // Natural node of each candidate: u_j itself, or exp(u_j) for a positive (log) parameter.
  const natural = new Map<number, number>();
  free.forEach((p, j) => {
    if (p.transform.kind === 'none') natural.set(g.param(j), j);
    else if (p.transform.kind === 'log') natural.set(g.exp(g.param(j)), j);
  });
  let S = new Set<number>(natural.values());
  let decomposition: Affine | undefined;
  const order = g.topoOrder([predictionNode]);
  // Which free parameters each node depends on.
  const deps = new Map<number, Set<number>>();
  for (const id of order) {
    const n = g.node(id);
    const s = new Set<number>();
    if (n.op === 'param') s.add(n.value);
    for (const a of n.args) for (const j of deps.get(a)!) s.add(j);
    deps.set(id, s);
  }
  const touches = (id: number, set: Set<number>): boolean => {
    for (const j of deps.get(id)!) if (set.has(j)) return true;
    return false;
  };

  for (let pass = 0; pass <= free.length && S.size > 0; pass++) {
    const aff = new Map<number, Affine | null>();
    const blamed = new Set<number>();
    const blame = (ids: readonly number[]): null => {
      for (const a of ids) for (const j of deps.get(a)!) if (S.has(j)) blamed.add(j);
      return null;
    };
    // u_k of a positive member k (the node exp(u_k) is its natural value).
    const member = (x: number): number | undefined => {
      const k = g.node(x).op === 'param' ? natural.get(g.exp(x)) : undefined;
      return k !== undefined && S.has(k) ? k : undefined;
    };
    for (const id of order) {
      const n = g.node(id);
      if (!touches(id, S)) {
        aff.set(id, { h: id, coef: new Map() });
        continue;
      }
      const nat = natural.get(id);
      if (nat !== undefined && S.has(nat)) {
        aff.set(id, { h: g.constant(0), coef: new Map([[nat, g.constant(1)]]) });
        continue;
      }
      if (n.op === 'param') {
        // u_k of a positive member: fine as long as only exp(u_k) (its natural node) reads it.
        aff.set(id, null);
        continue;
      }
      if (n.op === 'exp' && g.node(n.args[0]!).op === 'lse') {
        // exp(logsumexp(x_1..x_m)) = Σ exp(x_i): Chinchilla's stable form, each term split as below.
        const terms = g.node(n.args[0]!).args;
        const coef = new Map<number, number>();
        let hsum = g.constant(0);
        let ok = true;
        for (const x of terms) {
          if (!touches(x, S)) {
            hsum = g.add(hsum, g.exp(x));
            continue;
          }
          const split = splitLogCoefficient(g, x, member);
          const inRest = split === undefined ? [x] : split.terms.filter((t) => touches(t, S));
          if (split === undefined || inRest.length > 0) {
            blame(inRest);
            ok = false;
            continue;
          }
          const e = g.exp(split.rest);
          const prev = coef.get(split.k);
          coef.set(split.k, prev === undefined ? e : g.add(prev, e));
        }
        aff.set(id, ok ? { h: hsum, coef } : null);
        continue;
      }
      if (n.op === 'exp') {
        // exp(u_k + r) = p_k * exp(r) for a positive member k and r independent of S: the form
        // the built-in laws are written in (A x^-alpha as exp(log A - alpha log x), stable in f32).
        const split = splitLogCoefficient(g, n.args[0]!, member);
        if (split !== undefined) {
          // Members inside the rest (an exponent alpha) are not linear; k may still be.
          const inRest = split.terms.filter((t) => touches(t, S));
          if (inRest.length > 0) {
            blame(inRest);
            aff.set(id, null);
          } else {
            aff.set(id, { h: g.constant(0), coef: new Map([[split.k, g.exp(split.rest)]]) });
          }
          continue;
        }
      }
      const args = n.args.map((a) => aff.get(a)!);
      if (args.some((a) => a === null)) {
        // Reads a member's raw u_k: fine if an exp above splits it off (exp(u_k - ...)); if the
        // null reaches the prediction, the members below are blamed after the pass.
        aff.set(id, null);
        continue;
      }
      const bare = (x: number): boolean => {
        const k = natural.get(x);
        return k !== undefined && S.has(k);
      };
      aff.set(id, combine(g, n.op, n.args, args as Affine[], (id2) => touches(id2, S), bare, blame));
    }
    const top = aff.get(predictionNode);
    if (top === null && blamed.size === 0) {
      // Walk down the undecomposable chain from the prediction to the raw u_k it reads (log A, A^2).
      const stack = [predictionNode];
      const seen = new Set<number>();
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        const n = g.node(id);
        if (n.op === 'param' && S.has(n.value)) blamed.add(n.value);
        for (const a of n.args) if (aff.get(a) === null) stack.push(a);
      }
    }
    if (blamed.size === 0 && top !== null && top !== undefined) {
      decomposition = top;
      break;
    }
    if (blamed.size === 0) {
      // Unblamed failure cannot happen (every failure blames); guard against a loop anyway.
      S = new Set();
      break;
    }
    S = new Set([...S].filter((j) => !blamed.has(j)));
  }
  const linear = [...S].sort((a, b) => a - b);
  const nonNegative = linear.map((j) => free[j]!.transform.kind === 'log');
  const nonlinear = free.map((_, j) => j).filter((j) => !S.has(j));
  const hNode = decomposition?.h ?? predictionNode;
  const gNodes = decomposition === undefined ? [] : linear.map((j) => decomposition!.coef.get(j) ?? g.constant(0));
  const base = { linear, nonNegative, nonlinear, hNode, gNodes: decomposition === undefined ? [] : gNodes };
  if (linear.length === 0) return { ...base, projectable: [], reason: 'no parameter enters the prediction linearly' };
  if (space !== 'linear') return { ...base, projectable: [], reason: `residuals are in ${space} space, where the prediction is not linear in its coefficients` };
  return { ...base, projectable: linear };
}

/**
 * Write `x` as u_k + rest, following + and - (u_k with sign +1 only). `terms` are the original
 * nodes that make up rest (the caller checks they are independent of S). Undefined when x is not
 * of that form.
 */
function splitLogCoefficient(g: Graph, x: number, member: (id: number) => number | undefined): { k: number; rest: number; terms: number[] } | undefined {
  const k = member(x);
  if (k !== undefined) return { k, rest: g.constant(0), terms: [] };
  const n = g.node(x);
  if (n.op !== 'add' && n.op !== 'sub') return undefined;
  const [a, b] = n.args as [number, number];
  const left = splitLogCoefficient(g, a, member);
  if (left !== undefined) return { k: left.k, rest: n.op === 'add' ? g.add(left.rest, b) : g.sub(left.rest, b), terms: [...left.terms, b] };
  if (n.op === 'add') {
    const right = splitLogCoefficient(g, b, member);
    if (right !== undefined) return { k: right.k, rest: g.add(a, right.rest), terms: [...right.terms, a] };
  }
  return undefined;
}

function combine(g: Graph, op: string, ids: readonly number[], a: readonly Affine[], varies: (id: number) => boolean, bare: (id: number) => boolean, blame: (ids: readonly number[]) => null): Affine | null {
  const [x, y] = a;
  const scale = (v: Affine, by: number, how: 'mul' | 'div'): Affine => {
    const f = (node: number) => (how === 'mul' ? g.mul(node, by) : g.div(node, by));
    return { h: f(v.h), coef: new Map([...v.coef].map(([k, c]) => [k, f(c)])) };
  };
  switch (op) {
    case 'add':
    case 'sub': {
      const coef = new Map(x!.coef);
      for (const [k, c] of y!.coef) {
        const prev = coef.get(k);
        coef.set(k, op === 'add' ? (prev === undefined ? c : g.add(prev, c)) : prev === undefined ? g.neg(c) : g.sub(prev, c));
      }
      return { h: op === 'add' ? g.add(x!.h, y!.h) : g.sub(x!.h, y!.h), coef };
    }
    case 'neg':
      return { h: g.neg(x!.h), coef: new Map([...x!.coef].map(([k, c]) => [k, g.neg(c)])) };
    case 'mul': {
      const vx = varies(ids[0]!);
      const vy = varies(ids[1]!);
      if (vx && vy) {
        // p_k * (something with other members): keep the bare p_k, blame the other side (b1 of
        // b1*(x^2 + b2 x) stays linear once b2 is out). A product of two bare members: both go.
        const bx = bare(ids[0]!);
        const by = bare(ids[1]!);
        if (bx !== by) return blame([bx ? ids[1]! : ids[0]!]);
        return blame(ids);
      }
      return vx ? scale(x!, ids[1]!, 'mul') : scale(y!, ids[0]!, 'mul');
    }
    case 'div':
      if (varies(ids[1]!)) return blame([ids[1]!]);
      return scale(x!, ids[1]!, 'div');
    default:
      return blame(ids);
  }
}
