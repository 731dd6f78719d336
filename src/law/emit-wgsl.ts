/**
 * The f32 WGSL functions of a compiled law: the same straight-line code as the float64 evaluator
 * (emit-common.ts), in the WGSL dialect, with the same contract (see compile.ts):
 *
 *   fn law_value(u: ptr<function, array<f32, P>>, base: u32) -> f32
 *   fn law_value_grad(u: ptr<function, array<f32, P>>, base: u32, g: ptr<function, array<f32, P>>) -> f32
 *
 * `base` is the offset of the row in the `features` storage array (row-major, NF per row), which
 * the kernel template that includes these functions must declare. Parameter-only subexpressions
 * are hoisted by the kernels themselves where it pays; here every function is self-contained.
 *
 * WGSL has no log1p, logsumexp, softplus or sigmoid, and its pow(x, y) is undefined for x < 0, so
 * the prelude supplies stable versions (the f32 twins of graph.ts's helpers) and integer powers
 * are written as products. Non-finite values are not trapped: they propagate into the kernel's
 * sums, which the kernel tests with `lf_finite` (WGSL has no isnan/isinf; the exponent bits do).
 */
import { LawfitError } from '../errors.js';
import { emitStraightLine, infixOp, type Dialect } from './emit-common.js';
import type { GraphNode } from './graph.js';
import type { CompiledLaw } from './compile.js';

/** Largest finite f32. */
const F32_MAX = 3.4028234663852886e38;

export function wgslLiteral(v: number): string {
  if (Number.isNaN(v) || Math.abs(v) > F32_MAX) {
    throw new LawfitError('law-declaration', `the constant ${v} cannot be represented in f32, so this law cannot run on the GPU`);
  }
  if (v === 0) return '0.0f';
  const a = Math.abs(v);
  // Round-trip through f32 so the literal is exactly the f32 the GPU will use.
  const f = Math.fround(a);
  let s = f.toString();
  if (!/[.eE]/.test(s)) s += '.0';
  return v < 0 ? `(-${s}f)` : `${s}f`;
}

function intPower(x: string, k: number): string {
  const n = Math.abs(k);
  const prod = Array.from({ length: n }, () => x).join(' * ');
  return k > 0 ? `(${prod})` : `(1.0f / (${prod}))`;
}

export const WGSL_DIALECT: Dialect = {
  lit: wgslLiteral,
  decl: (name, expr) => `let ${name} = ${expr};`,
  op(n: GraphNode, a: readonly string[]): string {
    const [x, y, z] = a;
    const infix = infixOp(n, a);
    if (infix !== undefined) return infix;
    switch (n.op) {
      case 'powc': {
        const c = n.value;
        if (Number.isInteger(c) && Math.abs(c) <= 4) return intPower(x!, c);
        if (Number.isInteger(c)) {
          // pow() needs x >= 0; restore the sign for odd integer powers.
          const mag = `pow(abs(${x}), ${wgslLiteral(c)})`;
          return c % 2 === 0 ? mag : `(sign(${x}) * ${mag})`;
        }
        return `pow(${x}, ${wgslLiteral(c)})`;
      }
      case 'exp':
      case 'log':
      case 'sqrt':
      case 'abs':
      case 'sign':
      case 'sin':
      case 'cos':
      case 'atan':
        return `${n.op}(${x})`;
      case 'log1p':
        return `lf_log1p(${x})`;
      case 'min':
      case 'max':
        return `${n.op}(${x}, ${y})`;
      case 'le':
        return `select(0.0f, 1.0f, ${x} <= ${y})`;
      case 'select':
        return `select(${z}, ${y}, ${x} != 0.0f)`;
      case 'lse':
        if (a.length <= 4) return `lf_lse${a.length}(${a.join(', ')})`;
        // Fold wider sums pairwise: lse(a, b, c, ...) = lse(lse(a, b), c, ...), still stable.
        return a.slice(1).reduce((acc, v) => `lf_lse2(${acc}, ${v})`, a[0]!);
      case 'softplus':
        return `lf_softplus(${x})`;
      case 'sigmoid':
        return `lf_sigmoid(${x})`;
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

/** Helpers every law function may call. Stable f32 twins of graph.ts's logSumExp, softplus, sigmoid. */
export const WGSL_LAW_PRELUDE = /* wgsl */ `
fn lf_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}
fn lf_log1p(x: f32) -> f32 {
  // Goldberg's trick: exact to a few ulp for small x, where log(1 + x) loses every digit.
  let u = 1.0f + x;
  if (u == 1.0f) { return x; }
  return log(u) * x / (u - 1.0f);
}
fn lf_softplus(x: f32) -> f32 {
  if (x > 0.0f) { return x + lf_log1p(exp(-x)); }
  return lf_log1p(exp(x));
}
fn lf_sigmoid(x: f32) -> f32 {
  if (x >= 0.0f) { return 1.0f / (1.0f + exp(-x)); }
  let e = exp(x);
  return e / (1.0f + e);
}
fn lf_lse2(a: f32, b: f32) -> f32 {
  let m = max(a, b);
  if (!lf_finite(m)) { return m; }
  return m + log(exp(a - m) + exp(b - m));
}
fn lf_lse3(a: f32, b: f32, c: f32) -> f32 {
  let m = max(max(a, b), c);
  if (!lf_finite(m)) { return m; }
  return m + log(exp(a - m) + exp(b - m) + exp(c - m));
}
fn lf_lse4(a: f32, b: f32, c: f32, d: f32) -> f32 {
  let m = max(max(a, b), max(c, d));
  if (!lf_finite(m)) { return m; }
  return m + log(exp(a - m) + exp(b - m) + exp(c - m) + exp(d - m));
}
fn lf_lse1(a: f32) -> f32 { return a; }
`;

export interface WgslLaw {
  /** Parameter count P (array<f32, P>). */
  nFree: number;
  /** Features per row NF. */
  nFeatures: number;
  /** law_value and law_value_grad (the prelude is separate: include WGSL_LAW_PRELUDE once). */
  code: string;
}

/** The WGSL functions of a law. They read `features[base + k]`; the including module declares `features`. */
export function emitWgslLaw(law: CompiledLaw): WgslLaw {
  const g = law.graph;
  const P = law.free.length;
  const leaves = { param: (j: number) => `(*u)[${j}]`, feature: (k: number) => `features[base + ${k}u]` };
  const val = emitStraightLine(g, [law.modelNode], law.featureNodes, leaves, WGSL_DIALECT);
  const vg = emitStraightLine(g, [law.modelNode, ...law.gradientNodes], law.featureNodes, leaves, WGSL_DIALECT);
  const grads = vg.results.slice(1).map((r, j) => `(*g)[${j}] = ${r};`);
  const code = [
    `// Law '${law.name}' (${P} free parameters, ${law.js.nFeatures} features per row), generated from its formula.`,
    `fn law_value(u: ptr<function, array<f32, ${P}>>, base: u32) -> f32 {`,
    ...val.lines.map((l) => `  ${l}`),
    `  return ${val.results[0]};`,
    '}',
    `fn law_value_grad(u: ptr<function, array<f32, ${P}>>, base: u32, g: ptr<function, array<f32, ${P}>>) -> f32 {`,
    ...vg.lines.map((l) => `  ${l}`),
    ...grads.map((l) => `  ${l}`),
    `  return ${vg.results[0]};`,
    '}',
  ].join('\n');
  return { nFree: P, nFeatures: law.js.nFeatures, code };
}
