/**
 * The float64 engine's kernels, generated per (law, loss): one fused pass over the data that
 * evaluates the law and its exact gradient at every point and accumulates the robust cost and the
 * normal equations (see normal-equations.ts for the quantities), and a cost-only pass.
 *
 * The law's straight-line code (emit-common.ts) is composed into a loop, with two things a generic
 * loop cannot do: parameter-only subexpressions (exp(u) of a log-positive parameter, exponent
 * ratios) are computed once before the loop, and J'J, J'r are accumulated in one of two layouts:
 *
 *   unrolled  J'J, J'r live in local variables unrolled over the parameters (a{j}_{k}, b{j}).
 *             The fastest form for small P; measured with bench/cpu-lm.ts (the generic loop it
 *             replaced ran about 7M point-evaluations/s).
 *   sparse    the gradient row is written to a small typed array, keeping only its non-zero
 *             entries (value and index), and J'J, J'r are accumulated in A, b by loops over those.
 *             Above some size the unrolled function (P(P+1)/2 live locals: 946 at P = 43) is one
 *             V8 no longer optimises well: --trace-opt shows TurboFan taking 0.6 s (+ 3 s for the
 *             on-stack replacement) on its 54 kB at P = 33 and never optimising its 88 kB at P = 43
 *             (bench/results/grouped.md). The loops keep the function small at any P, and
 *             skipping zeros makes a grouped law's pass (law/groups.ts: dm/dE__g = I_g dm/dE, so a
 *             row's gradient is zero on every other group's copies) cost O(nnz^2) per row, nnz =
 *             shared + own parameters, instead of O(P^2).
 *
 * Both layouts add the same products in the same row order into each entry (a zero product added
 * is exact), so they give bit-identical A and b (test/fit/kernel-layout.test.ts). A non-finite
 * gradient entry g_j still poisons A_jj (c g_j^2 is non-finite for every c), so allFinite
 * (normal-equations.ts) rejects the pass as before. `KERNEL_LAYOUT_THRESHOLD` is where sparse
 * takes over, measured with bench/grouped.ts --layouts (bench/results/grouped.md).
 */
import type { CompiledLaw } from '../../law/compile.js';
import { dataDependent, emitStraightLine } from '../../law/emit-common.js';
import { JS_DIALECT, JS_HELPERS } from '../../law/emit-js.js';
import { lossInfo, type LossKind } from '../losses.js';

/** S[0] = cost, S[1] = |r~|^2; A (p x p, full) and b are overwritten. */
export type NormalEquationsPass = (
  u: ArrayLike<number>,
  X: Float64Array,
  yt: Float64Array,
  w: Float64Array,
  wOff: number,
  n: number,
  delta: number,
  A: Float64Array,
  b: Float64Array,
  S: Float64Array,
) => void;

export type CostPass = (u: ArrayLike<number>, X: Float64Array, yt: Float64Array, w: Float64Array, wOff: number, n: number, delta: number) => number;

export interface CpuKernels {
  normalEquations: NormalEquationsPass;
  cost: CostPass;
  source: { normalEquations: string; cost: string };
}

export type KernelLayout = 'unrolled' | 'sparse';

/** Free parameters above which the normal-equations pass is generated in the sparse layout. */
export const KERNEL_LAYOUT_THRESHOLD = 12;

export function defaultKernelLayout(p: number): KernelLayout {
  return p > KERNEL_LAYOUT_THRESHOLD ? 'sparse' : 'unrolled';
}

const cache = new WeakMap<CompiledLaw, Map<string, CpuKernels>>();

/** `layout`: the accumulation layout (default by P); given explicitly by the layout test and the bench's A/B. */
export function cpuKernels(law: CompiledLaw, loss: LossKind, layout: KernelLayout = layoutOverride ?? defaultKernelLayout(law.free.length)): CpuKernels {
  let perLaw = cache.get(law);
  if (perLaw === undefined) {
    perLaw = new Map();
    cache.set(law, perLaw);
  }
  const key = `${loss}/${layout}`;
  let k = perLaw.get(key);
  if (k === undefined) {
    k = buildKernels(law, loss, layout);
    perLaw.set(key, k);
  }
  return k;
}

let layoutOverride: KernelLayout | undefined;

/**
 * For bench/grouped.ts's side-by-side A/B only: make every later pass in this thread use `layout`
 * (undefined: back to the default by P). Worker threads of the CPU pool keep the default.
 */
export function setKernelLayoutForBench(layout: KernelLayout | undefined): void {
  layoutOverride = layout;
}

/** Per-point loss: sets `c` (the IRLS weight w rho') and adds the point's cost. */
function lossLines(loss: LossKind, indent: string): string[] {
  switch (loss) {
    case 'linear':
      return ['const c = wi;', 'cost += 0.5 * wi * r * r;'].map((l) => indent + l);
    case 'huber':
      return [
        'const ar = Math.abs(r);',
        'let c;',
        'if (ar <= delta) { c = wi; cost += 0.5 * wi * r * r; }',
        'else { c = wi * delta / ar; cost += wi * delta * (ar - 0.5 * delta); }',
      ].map((l) => indent + l);
    default:
      return ['const z = r * r / d2;', 'const c = wi * L.rho1(z);', 'cost += 0.5 * wi * d2 * L.rho(z);'].map((l) => indent + l);
  }
}

type SplitLines = { outer: string[]; inner: string[] };

/**
 * The opening of both passes' loop over the rows, up to the row's loss weight c and its share of
 * the cost: skip zero-weight rows, the data-dependent lines, the residual r (one text for both
 * layouts, so they cannot drift apart).
 */
function rowLoopHead(nF: number, vgs: SplitLines, m: string, loss: LossKind): string[] {
  return [
    '  for (let i = 0; i < n; i++) {',
    '    const wi = w[wOff + i];',
    '    if (wi === 0) continue;',
    `    const base = i * ${nF};`,
    ...vgs.inner.map((l) => '    ' + l),
    `    const r = yt[i] - ${m};`,
    ...lossLines(loss, '    '),
    '    rr += c * r * r;',
  ];
}

/** The pass with J'J, J'r in locals unrolled over the parameters (small P). */
function unrolledNormalEquations(p: number, nF: number, vgs: SplitLines, m: string, G: readonly string[], loss: LossKind): string {
  const acc: string[] = [];
  const decls: string[] = ['let cost = 0, rr = 0;'];
  for (let j = 0; j < p; j++) {
    decls.push(`let b${j} = 0;`);
    for (let k = 0; k <= j; k++) decls.push(`let a${j}_${k} = 0;`);
    acc.push(`const cg${j} = c * ${G[j]};`, `b${j} += cg${j} * r;`);
    for (let k = 0; k <= j; k++) acc.push(`a${j}_${k} += cg${j} * ${G[k]};`);
  }
  const stores: string[] = [];
  for (let j = 0; j < p; j++) {
    stores.push(`b[${j}] = b${j};`);
    for (let k = 0; k <= j; k++) {
      stores.push(`A[${j * p + k}] = a${j}_${k};`);
      if (k !== j) stores.push(`A[${k * p + j}] = a${j}_${k};`);
    }
  }
  return [
    'return function normalEquations(u, X, yt, w, wOff, n, delta, A, b, S) {',
    '  const d2 = delta * delta;',
    ...vgs.outer.map((l) => '  ' + l),
    ...decls.map((l) => '  ' + l),
    ...rowLoopHead(nF, vgs, m, loss),
    ...acc.map((l) => '    ' + l),
    '  }',
    ...stores.map((l) => '  ' + l),
    '  S[0] = cost; S[1] = rr;',
    '};',
  ].join('\n');
}

/**
 * The pass with the gradient row's non-zero entries gathered into gv (values) and nz (their
 * parameter indices, ascending), and J'J (lower triangle, mirrored at the end), J'r accumulated in
 * A, b by loops over them (large P, and grouped laws' one-hot gradients).
 */
function sparseNormalEquations(p: number, nF: number, vgs: SplitLines, m: string, G: readonly string[], loss: LossKind): string {
  const gather = G.map((g, j) => `{ const t = ${g}; if (t !== 0) { gv[q] = t; nz[q] = ${j}; q++; } }`);
  return [
    'return function normalEquations(u, X, yt, w, wOff, n, delta, A, b, S) {',
    '  const d2 = delta * delta;',
    ...vgs.outer.map((l) => '  ' + l),
    `  const gv = new Float64Array(${p}), nz = new Int32Array(${p});`,
    '  A.fill(0); b.fill(0);',
    '  let cost = 0, rr = 0;',
    ...rowLoopHead(nF, vgs, m, loss),
    '    let q = 0;',
    ...gather.map((l) => '    ' + l),
    '    for (let s = 0; s < q; s++) {',
    '      const cg = c * gv[s], row = nz[s] * ' + p + ';',
    '      b[nz[s]] += cg * r;',
    '      for (let t = 0; t <= s; t++) A[row + nz[t]] += cg * gv[t];',
    '    }',
    '  }',
    `  for (let j = 1; j < ${p}; j++) for (let k = 0; k < j; k++) A[k * ${p} + j] = A[j * ${p} + k];`,
    '  S[0] = cost; S[1] = rr;',
    '};',
  ].join('\n');
}

function buildKernels(law: CompiledLaw, loss: LossKind, layout: KernelLayout): CpuKernels {
  const g = law.graph;
  const p = law.free.length;
  const nF = law.js.nFeatures;
  const leaves = { param: (j: number) => `u[${j}]`, feature: (k: number) => `X[base + ${k}]` };
  const dep = dataDependent(g, law.featureNodes);
  const split = (entries: Array<{ id: number; line: string }>) => ({
    outer: entries.filter((e) => !dep(e.id)).map((e) => e.line),
    inner: entries.filter((e) => dep(e.id)).map((e) => e.line),
  });

  // Fused value + gradient + normal equations.
  const vg = emitStraightLine(g, [law.modelNode, ...law.gradientNodes], law.featureNodes, leaves, JS_DIALECT);
  const vgs = split(vg.entries);
  const m = vg.results[0]!;
  const G = vg.results.slice(1);
  const neBody = (layout === 'unrolled' ? unrolledNormalEquations : sparseNormalEquations)(p, nF, vgs, m, G, loss);

  // Cost only (screening passes).
  const v = emitStraightLine(g, [law.modelNode], law.featureNodes, leaves, JS_DIALECT);
  const vs = split(v.entries);
  const costBody = [
    'return function cost(u, X, yt, w, wOff, n, delta) {',
    '  const d2 = delta * delta;',
    ...vs.outer.map((l) => '  ' + l),
    '  let cost = 0;',
    '  for (let i = 0; i < n; i++) {',
    '    const wi = w[wOff + i];',
    '    if (wi === 0) continue;',
    `    const base = i * ${nF};`,
    ...vs.inner.map((l) => '    ' + l),
    `    const r = yt[i] - ${v.results[0]};`,
    ...lossLines(loss, '    '),
    '  }',
    '  return cost;',
    '};',
  ].join('\n');

  const info = lossInfo(loss);
  const L = { rho: info.rho, rho1: info.rho1 };
  const make = <T>(body: string): T => new Function('H', 'L', `"use strict";\n${body}`)(JS_HELPERS, L) as T;
  return {
    normalEquations: make<NormalEquationsPass>(neBody),
    cost: make<CostPass>(costBody),
    source: { normalEquations: neBody, cost: costBody },
  };
}
