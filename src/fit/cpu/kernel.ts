/**
 * The float64 engine's kernels, generated per (law, loss): one fused pass over the data that
 * evaluates the law and its exact gradient at every point and accumulates the robust cost and the
 * normal equations (see normal-equations.ts for the quantities), and a cost-only pass.
 *
 * The law's straight-line code (emit-common.ts) is composed into a loop, with two things a generic
 * loop cannot do: parameter-only subexpressions (exp(u) of a log-positive parameter, exponent
 * ratios) are computed once before the loop, and J'J, J'r live in local variables unrolled over
 * the parameters. This is the CPU twin of the WGSL kernels' composition; measured with
 * bench/cpu-lm.ts (the generic loop it replaced ran about 7M point-evaluations/s).
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

const cache = new WeakMap<CompiledLaw, Map<LossKind, CpuKernels>>();

export function cpuKernels(law: CompiledLaw, loss: LossKind): CpuKernels {
  let perLaw = cache.get(law);
  if (perLaw === undefined) {
    perLaw = new Map();
    cache.set(law, perLaw);
  }
  let k = perLaw.get(loss);
  if (k === undefined) {
    k = buildKernels(law, loss);
    perLaw.set(loss, k);
  }
  return k;
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

function buildKernels(law: CompiledLaw, loss: LossKind): CpuKernels {
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
  const neBody = [
    'return function normalEquations(u, X, yt, w, wOff, n, delta, A, b, S) {',
    '  const d2 = delta * delta;',
    ...vgs.outer.map((l) => '  ' + l),
    ...decls.map((l) => '  ' + l),
    '  for (let i = 0; i < n; i++) {',
    '    const wi = w[wOff + i];',
    '    if (wi === 0) continue;',
    `    const base = i * ${nF};`,
    ...vgs.inner.map((l) => '    ' + l),
    `    const r = yt[i] - ${m};`,
    ...lossLines(loss, '    '),
    '    rr += c * r * r;',
    ...acc.map((l) => '    ' + l),
    '  }',
    ...stores.map((l) => '  ' + l),
    '  S[0] = cost; S[1] = rr;',
    '};',
  ].join('\n');

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
