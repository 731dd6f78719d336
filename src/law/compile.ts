/**
 * The law compiler: declaration -> checked formula -> expression graph -> exact derivatives ->
 * evaluators. Both engines consume its output; nothing downstream reads formula text again.
 *
 * THE CONTRACT (shared by the float64 JS evaluator here and the f32 WGSL function of the GPU engine)
 *
 *   Parameters.  The solver moves an internal vector u of the law's free parameters (declaration
 *   order, fixed ones removed). Natural values are p_k = T_k(u_k) (see transforms.ts); the
 *   transforms are substituted into the graph, so derivatives are exact in u.
 *
 *   Features.  Every subexpression that depends on inputs only (log N, D/N, ...) is hoisted out of
 *   the per-iteration code and computed once per data point on the host in float64: the "feature
 *   matrix" X (row-major, n rows x nFeatures). Raw inputs never reach the evaluators.
 *
 *   Outputs per point i.  m_i(u) = S(f(x_i; p(u))), the model in residual space S (linear: f,
 *   log: log f, log1p: log(1 + f)), and its gradient dm_i/du_j for every free j. The residual is
 *   r_i = S(y_i) - m_i, with S(y_i) computed on the host in float64.
 *
 *   Non-finite values.  An evaluator never throws; a non-finite m or gradient propagates as NaN/Inf
 *   into the sums the engine reduces, and the engine turns a non-finite sum into a status code
 *   (a rejected step, or NONFINITE at the start) rather than a poisoned answer.
 */
import { FormulaError, LawfitError, didYouMean } from '../errors.js';
import { lookupFunction, functionNames } from './functions.js';
import { Graph } from './graph.js';
import { formulaError, freeNames, leftChain, parseProgram, type Expr, type Program } from './syntax.js';
import { buildTransform, describeTransform, NO_TRANSFORM, toInternal, toNatural, type Transform } from './transforms.js';
import type { LawDeclaration, LawOverrides, ParamDecl, ResidualSpace } from './declaration.js';
import { emitJsEvaluators, type JsEvaluators } from './emit-js.js';
import { own } from '../util/names.js';
import { detectLinearParams, type LinearParamInfo } from './linear-params.js';

export interface FreeParam {
  /** Position in the declaration's parameter list. */
  declIndex: number;
  name: string;
  transform: Transform;
}

export interface CompiledLaw {
  readonly declaration: LawDeclaration;
  readonly name: string;
  readonly space: ResidualSpace;
  readonly inputNames: readonly string[];
  /** All declared parameters, in declaration order. */
  readonly paramNames: readonly string[];
  /** The fitted parameters, in the order of the internal vector u. */
  readonly free: readonly FreeParam[];
  readonly fixed: ReadonlyMap<string, number>;
  readonly graph: Graph;
  /** Node ids of the hoisted input-only subexpressions: column k of the feature matrix. */
  readonly featureNodes: readonly number[];
  /** f: the prediction in the target's own units. */
  readonly predictionNode: number;
  /** m = S(f): the model in residual space. */
  readonly modelNode: number;
  /** dm/du_j for each free parameter j. */
  readonly gradientNodes: readonly number[];
  readonly js: JsEvaluators;
  /** Present when some parameters are per-group (law/groups.ts): the levels and the shared law. */
  readonly grouping?: import('./groups.js').Grouping;
  /** Parameters that enter the prediction linearly (variable projection; linear-params.ts). */
  readonly linear: LinearParamInfo;
}

/** Apply caller overrides to a declaration, checking every parameter name they mention. */
export function applyOverrides(decl: LawDeclaration, o: LawOverrides | undefined): LawDeclaration {
  if (o === undefined) return decl;
  const names = decl.params.map((p) => p.name);
  const check = (name: string, what: string): void => {
    if (!names.includes(name)) {
      throw new LawfitError('unknown-parameter', `${what}: law '${decl.name}' has no parameter '${name}'${didYouMean(name, names)} (parameters: ${names.join(', ')})`);
    }
  };
  for (const n of Object.keys(o.fixed ?? {})) check(n, 'fixed');
  for (const n of o.free ?? []) check(n, 'free');
  for (const n of Object.keys(o.transforms ?? {})) check(n, 'transform');
  for (const n of Object.keys(o.starts ?? {})) check(n, 'starts');
  for (const n of Object.keys(o.ranges ?? {})) check(n, 'range');
  const params = decl.params.map((p): ParamDecl => {
    const q: ParamDecl = { ...p };
    const fixed = own(o.fixed, p.name);
    if (fixed !== undefined) q.fixed = fixed;
    if (o.free?.includes(p.name)) delete q.fixed;
    const t = own(o.transforms, p.name);
    if (t !== undefined) q.transform = t;
    const s = o.starts?.[p.name];
    if (s !== undefined) q.start = s;
    const r = own(o.ranges, p.name);
    if (r !== undefined) q.range = r;
    return q;
  });
  return { ...decl, params, ...(o.space !== undefined ? { space: o.space } : {}) };
}

const LAW_FORBIDDEN_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '&&', '||']);

/** Check and compile a law. Throws FormulaError (with position) or LawfitError('law-declaration'). */
export function compileLaw(decl: LawDeclaration, overrides?: LawOverrides): CompiledLaw {
  const d = applyOverrides(decl, overrides);
  validateDeclaration(d);
  const program = parseProgram(d.formula);
  checkProgram(d, program);

  const g = new Graph();
  const inputNames = d.inputs.map((i) => i.name);
  const free: FreeParam[] = [];
  const fixed = new Map<string, number>();
  const env = new Map<string, number>();
  inputNames.forEach((name, k) => env.set(name, g.input(k)));
  for (const [k, p] of d.params.entries()) {
    const t = p.transform ?? NO_TRANSFORM;
    if (p.fixed !== undefined) {
      fixed.set(p.name, p.fixed);
      env.set(p.name, g.constant(p.fixed));
    } else {
      env.set(p.name, buildTransform(g, t, g.param(free.length)));
      free.push({ declIndex: k, name: p.name, transform: t });
    }
  }
  if (free.length === 0) {
    throw new LawfitError('law-declaration', `law '${d.name}': every parameter is fixed; nothing to fit`);
  }
  for (const b of program.bindings) env.set(b.name, lower(g, b.expr, env, program.source));
  const predictionNode = lower(g, program.result, env, program.source);
  const modelNode = applySpace(g, d.space, predictionNode);
  const gradientNodes = free.map((_, j) => g.derivative(modelNode, j));

  for (const [j, p] of free.entries()) {
    // Structurally zero gradient: `0*A` keeps its node (0 * NaN is NaN, graph.ts) but A still has no effect.
    if (!reaches(g, predictionNode, j) || g.isConst(gradientNodes[j]!, 0)) {
      throw new LawfitError('law-declaration', `law '${d.name}': parameter '${p.name}' has no effect on the prediction (it cancels out or is multiplied by zero)`);
    }
  }

  const featureNodes = collectFeatures(g, [predictionNode, modelNode, ...gradientNodes]);
  const js = emitJsEvaluators(g, featureNodes, inputNames.length, predictionNode, modelNode, gradientNodes);
  // After the evaluators: detection adds (unused) nodes to the graph and must not change them.
  const linear = detectLinearParams(g, free, predictionNode, d.space);
  return {
    declaration: d,
    name: d.name,
    space: d.space,
    inputNames,
    paramNames: d.params.map((p) => p.name),
    free,
    fixed,
    graph: g,
    featureNodes,
    predictionNode,
    modelNode,
    gradientNodes,
    js,
    linear,
  };
}

function validateDeclaration(d: LawDeclaration): void {
  const bad = (msg: string): never => {
    throw new LawfitError('law-declaration', `law '${d.name}': ${msg}`);
  };
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(d.name)) bad(`the name must start with a letter and use letters, digits, '-', '_' or '.'`);
  const seen = new Set<string>();
  for (const n of [...d.inputs.map((i) => i.name), ...d.params.map((p) => p.name)]) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) bad(`'${n}' is not a valid name`);
    if (seen.has(n)) bad(`'${n}' is declared twice`);
    if (lookupFunction(n) !== undefined) bad(`'${n}' is a function name and cannot name an input or parameter`);
    seen.add(n);
  }
  for (const p of d.params) {
    const t = p.transform ?? NO_TRANSFORM;
    if (t.kind === 'bounded' && !(t.lower < t.upper)) bad(`parameter '${p.name}': bounds must satisfy lower < upper`);
    if (p.fixed !== undefined && !Number.isFinite(p.fixed)) bad(`parameter '${p.name}': fixed value must be finite`);
    if (p.fixed !== undefined && !Number.isFinite(toInternal(t, p.fixed))) {
      bad(`parameter '${p.name}': fixed value ${p.fixed} is outside its domain (${describeTransform(t)})`);
    }
    for (const s of p.start ?? []) {
      if (!Number.isFinite(s)) bad(`parameter '${p.name}': start values must be finite`);
    }
    if (p.range !== undefined && !(p.range[0] < p.range[1])) bad(`parameter '${p.name}': range must satisfy low < high`);
  }
}

/** Names, arity, forbidden operators, unused declarations: every error with its formula position. */
function checkProgram(d: LawDeclaration, program: Program): void {
  const src = program.source;
  const inputs = d.inputs.map((i) => i.name);
  const params = d.params.map((p) => p.name);
  const known = new Set<string>([...inputs, ...params]);
  const used = new Map<string, number>();

  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'number':
        return;
      case 'string':
        throw formulaError('formula-not-allowed', src, e.pos, `text (${e.value === '' ? 'an empty string' : `'${e.value}'`}) is not allowed in a law; laws are numeric`);
      case 'name':
        if (!known.has(e.name)) {
          const fnHint = lookupFunction(e.name) !== undefined ? ` ('${e.name}' is a function: call it as ${e.name}(...))` : '';
          throw formulaError('formula-unknown-name', src, e.pos, `unknown name '${e.name}'${fnHint || didYouMean(e.name, known)}`);
        }
        if (!used.has(e.name)) used.set(e.name, e.pos);
        return;
      case 'unary':
        if (e.op === '!') throw formulaError('formula-not-allowed', src, e.pos, `'!' is not allowed in a law (it has no derivative)`);
        visit(e.arg);
        return;
      case 'binary': {
        // A left-associative chain (a long sum) is followed with a loop, not recursion (leftChain).
        const { first, links } = e.op === '^' ? { first: e.left, links: [e] } : leftChain(e);
        for (const l of [...links].reverse()) {
          if (LAW_FORBIDDEN_OPS.has(l.op)) {
            throw formulaError('formula-not-allowed', src, l.pos, `'${l.op}' is not allowed in a law (it has no derivative); use min, max or abs`);
          }
        }
        visit(first);
        for (const l of links) visit(l.right);
        return;
      }
      case 'call': {
        const f = lookupFunction(e.fn);
        if (f === undefined) {
          throw formulaError('formula-unknown-name', src, e.pos, `unknown function '${e.fn}'${didYouMean(e.fn, functionNames())}`);
        }
        if (e.args.length < f.minArgs || e.args.length > f.maxArgs) {
          const want = f.minArgs === f.maxArgs ? `${f.minArgs}` : `${f.minArgs} to ${f.maxArgs}`;
          throw formulaError('formula-arity', src, e.pos, `'${e.fn}' takes ${want} argument${f.maxArgs === 1 ? '' : 's'}, got ${e.args.length}`);
        }
        for (const a of e.args) visit(a);
        return;
      }
    }
  };

  for (const b of program.bindings) {
    if (known.has(b.name)) {
      const what = inputs.includes(b.name) ? 'an input' : params.includes(b.name) ? 'a parameter' : 'an earlier definition';
      throw formulaError('formula-syntax', src, b.pos, `'${b.name}' is already ${what}; choose another name for this definition`);
    }
    if (lookupFunction(b.name) !== undefined) throw formulaError('formula-syntax', src, b.pos, `'${b.name}' is a function name`);
    visit(b.expr);
    known.add(b.name);
  }
  visit(program.result);

  // Unused definitions, inputs and parameters are almost always typos; say so rather than fit a
  // law that silently ignores a column or a parameter.
  const usedAnywhere = new Set<string>();
  for (const b of program.bindings) for (const n of freeNames(b.expr).keys()) usedAnywhere.add(n);
  for (const n of freeNames(program.result).keys()) usedAnywhere.add(n);
  for (const b of program.bindings) {
    if (!usedAnywhere.has(b.name)) throw formulaError('formula-unused', src, b.pos, `'${b.name}' is defined but never used`);
  }
  for (const n of inputs) {
    if (!usedAnywhere.has(n)) throw formulaError('formula-unused', src, src.length, `input '${n}' is declared but the formula never uses it`);
  }
  for (const p of d.params) {
    if (!usedAnywhere.has(p.name)) throw formulaError('formula-unused', src, src.length, `parameter '${p.name}' is declared but the formula never uses it`);
  }
}

function lower(g: Graph, e: Expr, env: Map<string, number>, src: string): number {
  switch (e.kind) {
    case 'number':
      return g.constant(e.value);
    case 'string':
      throw formulaError('formula-not-allowed', src, e.pos, 'text is not allowed in a law');
    case 'name': {
      const id = env.get(e.name);
      if (id === undefined) throw formulaError('formula-unknown-name', src, e.pos, `unknown name '${e.name}'`);
      return id;
    }
    case 'unary': {
      const a = lower(g, e.arg, env, src);
      return e.op === '-' ? g.neg(a) : a;
    }
    case 'binary': {
      // Left-associative chains with a loop (leftChain): a sum of thousands of terms costs no stack.
      const { first, links } = e.op === '^' ? { first: e.left, links: [e] } : leftChain(e);
      let a = lower(g, first, env, src);
      for (const l of links) {
        const b = lower(g, l.right, env, src);
        switch (l.op) {
          case '+':
            a = g.add(a, b);
            break;
          case '-':
            a = g.sub(a, b);
            break;
          case '*':
            a = g.mul(a, b);
            break;
          case '/':
            a = g.div(a, b);
            break;
          case '^':
            a = g.pow(a, b);
            break;
          default:
            throw formulaError('formula-not-allowed', src, l.pos, `'${l.op}' is not allowed in a law`);
        }
      }
      return a;
    }
    case 'call': {
      const f = lookupFunction(e.fn);
      if (f === undefined) throw formulaError('formula-unknown-name', src, e.pos, `unknown function '${e.fn}'`);
      return f.build(
        g,
        e.args.map((a) => lower(g, a, env, src)),
      );
    }
  }
}

function applySpace(g: Graph, space: ResidualSpace, f: number): number {
  switch (space) {
    case 'linear':
      return f;
    case 'log':
      return g.log(f);
    case 'log1p':
      return g.log1p(f);
  }
}

/** Does node `id` depend on free parameter j? */
function reaches(g: Graph, id: number, j: number): boolean {
  for (const k of g.topoOrder([id])) {
    const n = g.node(k);
    if (n.op === 'param' && n.value === j) return true;
  }
  return false;
}

/**
 * Input-only, non-constant nodes that varying code (or an output) reads directly: these become
 * host-computed float64 columns. Input-only nodes used only inside other input-only nodes are
 * folded into those and never materialised.
 */
function collectFeatures(g: Graph, outputs: readonly number[]): number[] {
  const features = new Set<number>();
  const consider = (id: number): void => {
    const n = g.node(id);
    if (!n.varies && n.op !== 'const') features.add(id);
  };
  for (const id of g.topoOrder(outputs)) {
    const n = g.node(id);
    if (n.varies) for (const a of n.args) consider(a);
  }
  for (const o of outputs) consider(o);
  return [...features].sort((a, b) => a - b);
}

// ---- conveniences on a compiled law --------------------------------------------------------------

/** Internal vector u from natural values of the free parameters (NaN where out of domain). */
export function internalFromNatural(law: CompiledLaw, natural: ArrayLike<number>): Float64Array {
  const u = new Float64Array(law.free.length);
  law.free.forEach((p, j) => (u[j] = toInternal(p.transform, natural[j]!)));
  return u;
}

/** Natural values of the free parameters from u. */
export function naturalFromInternal(law: CompiledLaw, u: ArrayLike<number>): Float64Array {
  const p = new Float64Array(law.free.length);
  law.free.forEach((fp, j) => (p[j] = toNatural(fp.transform, u[j]!)));
  return p;
}

/** Transform observed targets into residual space (float64, host side). NaN where undefined. */
export function targetInSpace(space: ResidualSpace, y: number): number {
  switch (space) {
    case 'linear':
      return y;
    case 'log':
      return y > 0 ? Math.log(y) : NaN;
    case 'log1p':
      return y > -1 ? Math.log1p(y) : NaN;
  }
}

export function isFormulaError(e: unknown): e is FormulaError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'FormulaError';
}
