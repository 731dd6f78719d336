/**
 * The normal-equations pass in its two layouts (src/fit/cpu/kernel.ts): `unrolled` (locals) and
 * `sparse` (loops over the gradient row's non-zeros) add the same products in the same order, so
 * they must give bit-identical cost, |r~|^2, A and b, on every built-in law, on grouped laws (whose
 * one-hot gradients the sparse layout skips), with zero weights and for every loss; and a
 * non-finite gradient must make both passes fail allFinite.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw, internalFromNatural, type CompiledLaw } from '../../src/law/compile.js';
import { BUILTIN_LAWS, findLaw } from '../../src/laws/index.js';
import { perGroup } from '../../src/law/groups.js';
import { cpuKernels, defaultKernelLayout, KERNEL_LAYOUT_THRESHOLD, type KernelLayout } from '../../src/fit/cpu/kernel.js';
import { allFinite, allocateNormalEquations } from '../../src/fit/cpu/normal-equations.js';
import { makeStarts } from '../../src/fit/starts.js';
import { groupedLadder } from '../../src/examples/grouped-ladder.js';
import { createRng, nextNormal } from '../../src/util/rng.js';
import type { LossKind } from '../../src/fit/losses.js';
import { SYNTHETIC } from '../laws/synthetic.js';

function pass(law: CompiledLaw, layout: KernelLayout, loss: LossKind, raw: Float64Array, n: number, y: Float64Array, w: Float64Array, u: ArrayLike<number>) {
  const X = law.js.features(raw, law.inputNames.length, n);
  const ne = allocateNormalEquations(law.free.length);
  // Stale values in A and b: each pass must overwrite both completely.
  ne.A.fill(7);
  ne.b.fill(-3);
  cpuKernels(law, loss, layout).normalEquations(u, X, y, w, 0, n, 1e-3, ne.A, ne.b, ne.S);
  return { A: Array.from(ne.A), b: Array.from(ne.b), S: Array.from(ne.S), finite: allFinite({ ...ne, cost: ne.S[0]!, rr: ne.S[1]! }) };
}

/** Positive inputs spread over decades, targets near the law's own values at a start, weights with zeros. */
function problem(law: CompiledLaw, seed: number) {
  const rng = createRng(seed);
  const n = 40;
  const nIn = law.inputNames.length;
  const raw = new Float64Array(n * nIn);
  // A law with a synthetic ladder (test/laws/synthetic.ts) takes its rows: lr-annealing's log L
  // is undefined where C·S2 exceeds L0 + A·S1^-α, which decades of S2 would reach.
  const ladder = SYNTHETIC[law.name]?.rows;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nIn; k++) {
      raw[i * nIn + k] = law.inputNames[k]!.startsWith('lawfit_group_') ? 0 : ladder !== undefined ? ladder[i % ladder.length]![k]! : 10 ** (1 + 8 * Math.abs(nextNormal(rng)) / 3);
    }
  }
  const w = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1 + 0.1 * (i % 3)));
  const p = law.free.length;
  const u = makeStarts(law, { kind: 'sobol', count: 2 }).u.slice(p, 2 * p);
  const y = Float64Array.from({ length: n }, () => 1 + 0.3 * nextNormal(rng));
  return { n, raw, w, u, y };
}

describe('normal-equations layouts', () => {
  test.each(BUILTIN_LAWS.map((d) => [d.name]))('%s: bit-identical A, b, cost for linear, huber and soft_l1', (name) => {
    const law = compileLaw(findLaw(name));
    const pr = problem(law, 5);
    let finite = 0;
    for (const loss of ['linear', 'huber', 'soft_l1'] as const) {
      const a = pass(law, 'unrolled', loss, pr.raw, pr.n, pr.y, pr.w, pr.u);
      const b = pass(law, 'sparse', loss, pr.raw, pr.n, pr.y, pr.w, pr.u);
      expect(b).toEqual(a);
      finite += a.finite ? 1 : 0;
    }
    // Not a comparison of two NaN-filled passes: the problem is one the law can evaluate.
    expect(finite).toBe(3);
  });

  test('grouped law, G = 20 (P = 43): bit-identical, and each row adds only its own group’s block', () => {
    const lad = groupedLadder({ groups: 20 });
    const { law, dataset } = perGroup(compileLaw(findLaw('chinchilla')), lad.dataset, { column: 'group', params: ['E', 'A'] });
    expect(law.free.length).toBe(43);
    const y = Float64Array.from(dataset.y, Math.log);
    const w = Float64Array.from({ length: dataset.n }, (_, i) => (i % 5 === 0 ? 0 : 1));
    const truth = law.free.map((f) => lad.truth[f.name]!);
    const u = internalFromNatural(law, truth.map((v) => v * 1.01));
    const a = pass(law, 'unrolled', 'huber', dataset.inputs, dataset.n, y, w, u);
    const b = pass(law, 'sparse', 'huber', dataset.inputs, dataset.n, y, w, u);
    expect(b).toEqual(a);
    expect(a.finite).toBe(true);
    // Two different groups' copies never meet in a row: their J'J entry is exactly 0.
    const p = 43;
    const e0 = law.free.findIndex((f) => f.name === 'E[g0]');
    const e1 = law.free.findIndex((f) => f.name === 'E[g1]');
    expect(b.A[e0 * p + e1]).toBe(0);
    expect(b.A[e0 * p + e0]).toBeGreaterThan(0);
  });

  test('a non-finite gradient entry fails allFinite in both layouts', () => {
    // d/dc of c * log(x) at x = 0 is -Infinity; the value is NaN-free only through the select.
    const law = compileLaw({ name: 'edge', formula: 'a + b * x + c * log(x)', inputs: [{ name: 'x' }], params: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], space: 'linear' });
    const raw = Float64Array.from([1, 2, 0, 4]);
    const y = Float64Array.from([1, 2, 3, 4]);
    const w = new Float64Array(4).fill(1);
    for (const layout of ['unrolled', 'sparse'] as const) expect(pass(law, layout, 'linear', raw, 4, y, w, [0.5, 0.5, 0]).finite).toBe(false);
  });

  test('the default: unrolled up to the measured threshold, sparse above it', () => {
    expect(defaultKernelLayout(5)).toBe('unrolled');
    expect(defaultKernelLayout(KERNEL_LAYOUT_THRESHOLD)).toBe('unrolled');
    expect(defaultKernelLayout(KERNEL_LAYOUT_THRESHOLD + 1)).toBe('sparse');
    expect(defaultKernelLayout(43)).toBe('sparse');
  });
});
