/**
 * The float64 JavaScript evaluators of a compiled law, generated as straight-line code and turned
 * into functions with `new Function` (one temporary per graph node; see emit-common.ts).
 *
 *   features(raw, nInputs, n) -> X        host-side hoisted columns, row-major n x nFeatures
 *   value(u, X, base)         -> m        model in residual space at the row starting at X[base]
 *   valueGrad(u, X, base, g)  -> m        and dm/du into g[0..nFree)
 *   prediction(u, X, base)    -> f        the prediction in the target's own units
 *
 * Generated source is kept on the object (`source`) for debugging and snapshot tests.
 */
import { logSumExp, sigmoid, softplus, type Graph, type GraphNode } from './graph.js';
import { emitStraightLine, infixOp, type Dialect } from './emit-common.js';

export interface JsEvaluators {
  readonly nFeatures: number;
  readonly nFree: number;
  features(raw: Float64Array, nInputs: number, n: number): Float64Array;
  value(u: ArrayLike<number>, X: Float64Array, base: number): number;
  valueGrad(u: ArrayLike<number>, X: Float64Array, base: number, g: Float64Array): number;
  prediction(u: ArrayLike<number>, X: Float64Array, base: number): number;
  readonly source: { features: string; value: string; valueGrad: string; prediction: string };
}

export function jsLiteral(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

/** The JavaScript dialect of the straight-line emitter (shared with the CPU engine's kernels). */
export const JS_DIALECT: Dialect = {
  lit: jsLiteral,
  decl: (name, expr) => `const ${name} = ${expr};`,
  op(n: GraphNode, a: readonly string[]): string {
    const [x, y, z] = a;
    const infix = infixOp(n, a);
    if (infix !== undefined) return infix;
    switch (n.op) {
      case 'powc':
        if (n.value === 2) return `${x} * ${x}`;
        if (n.value === 3) return `${x} * ${x} * ${x}`;
        if (n.value === -2) return `1 / (${x} * ${x})`;
        return `Math.pow(${x}, ${jsLiteral(n.value)})`;
      case 'exp':
      case 'log':
      case 'log1p':
      case 'sqrt':
      case 'abs':
      case 'sign':
      case 'sin':
      case 'cos':
      case 'atan':
        return `Math.${n.op}(${x})`;
      case 'min':
      case 'max':
        return `Math.${n.op}(${x}, ${y})`;
      case 'le':
        return `(${x} <= ${y} ? 1 : 0)`;
      case 'select':
        return `(${x} !== 0 ? ${y} : ${z})`;
      case 'lse':
        // Fixed-arity helpers: no array allocated per point on the hot path.
        if (a.length <= 4) return `H.lse${a.length}(${a.join(', ')})`;
        return `H.lse([${a.join(', ')}])`;
      case 'softplus':
        return `H.softplus(${x})`;
      case 'sigmoid':
        return `H.sigmoid(${x})`;
      case 'const':
      case 'input':
      case 'param':
        throw new Error(`internal: leaf ${n.op} emitted as an operation`);
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
      case 'neg':
        throw new Error('internal: arithmetic is emitted by infixOp');
    }
  },
};

/** Runtime helpers the generated code calls as H.name. */
export const JS_HELPERS = {
  lse: logSumExp,
  lse2(a: number, b: number): number {
    const m = a > b ? a : b;
    if (m === -Infinity || m === Infinity || m !== m) return a !== a || b !== b ? NaN : m;
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  },
  lse3(a: number, b: number, c: number): number {
    const m = a > b ? (a > c ? a : c) : b > c ? b : c;
    if (m === -Infinity || m === Infinity || m !== m) return a !== a || b !== b || c !== c ? NaN : m;
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m));
  },
  lse4(a: number, b: number, c: number, d: number): number {
    const m = Math.max(a, b, c, d);
    if (m === -Infinity || m === Infinity || m !== m) return m;
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m) + Math.exp(d - m));
  },
  softplus,
  sigmoid,
};

type Compiled<T> = { fn: T; source: string };

function build<T>(body: string): Compiled<T> {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('H', `"use strict";\n${body}`) as (h: typeof JS_HELPERS) => T;
  return { fn: factory(JS_HELPERS), source: body };
}

export function emitJsEvaluators(
  g: Graph,
  featureNodes: readonly number[],
  nInputs: number,
  predictionNode: number,
  modelNode: number,
  gradientNodes: readonly number[],
): JsEvaluators {
  const nFree = gradientNodes.length;
  const nF = featureNodes.length;
  const leaves = {
    param: (j: number) => `u[${j}]`,
    feature: (k: number) => `X[base + ${k}]`,
  };

  const val = emitStraightLine(g, [modelNode], featureNodes, leaves, JS_DIALECT);
  const value = build<JsEvaluators['value']>(
    `return function value(u, X, base) {\n  ${val.lines.join('\n  ')}\n  return ${val.results[0]};\n};`,
  );

  const vg = emitStraightLine(g, [modelNode, ...gradientNodes], featureNodes, leaves, JS_DIALECT);
  const gradLines = vg.results.slice(1).map((r, j) => `g[${j}] = ${r};`);
  const valueGrad = build<JsEvaluators['valueGrad']>(
    `return function valueGrad(u, X, base, g) {\n  ${vg.lines.join('\n  ')}\n  ${gradLines.join('\n  ')}\n  return ${vg.results[0]};\n};`,
  );

  const pr = emitStraightLine(g, [predictionNode], featureNodes, leaves, JS_DIALECT);
  const prediction = build<JsEvaluators['prediction']>(
    `return function prediction(u, X, base) {\n  ${pr.lines.join('\n  ')}\n  return ${pr.results[0]};\n};`,
  );

  // Host-side features: each hoisted node computed from the raw inputs of one row, in float64.
  const ft = emitStraightLine(g, featureNodes, [], { param: () => 'NaN', feature: () => 'NaN', input: (k) => `R[r + ${k}]` }, JS_DIALECT, 'f');
  const featureStores = ft.results.map((r, k) => `X[o + ${k}] = ${r};`);
  const featuresFn = build<(R: Float64Array, nIn: number, n: number, X: Float64Array) => void>(
    `return function features(R, nIn, n, X) {\n  for (let i = 0; i < n; i++) {\n    const r = i * nIn, o = i * ${nF};\n    ${ft.lines.join('\n    ')}\n    ${featureStores.join('\n    ')}\n  }\n};`,
  );

  return {
    nFeatures: nF,
    nFree,
    features(raw, nIn, n) {
      if (nIn !== nInputs) throw new Error(`internal: features() expected ${nInputs} inputs per row, got ${nIn}`);
      const X = new Float64Array(n * nF);
      featuresFn.fn(raw, nIn, n, X);
      return X;
    },
    value: value.fn,
    valueGrad: valueGrad.fn,
    prediction: prediction.fn,
    source: { features: featuresFn.source, value: value.source, valueGrad: valueGrad.source, prediction: prediction.source },
  };
}
