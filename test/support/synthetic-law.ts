/** Data drawn from a law itself, for tests that need a known truth (projection, GPU parity). */
import { compileLaw, type CompiledLaw } from '../../src/law/compile.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { createRng, nextDouble, nextNormal } from '../../src/util/rng.js';

/** Data drawn from the law itself at `truth` (natural values), with Gaussian noise of relative size `noise`; inputs log-uniform over their ranges. */
export function synthetic(decl: LawDeclaration, truth: Record<string, number>, inputs: Record<string, [number, number]>, n: number, noise: number, seed: number): { law: CompiledLaw; ds: Dataset } {
  const law = compileLaw(decl);
  const rng = createRng(seed);
  const names = law.inputNames;
  const raw = new Float64Array(n * names.length);
  for (let i = 0; i < n; i++) {
    names.forEach((name, k) => {
      const [lo, hi] = inputs[name]!;
      raw[i * names.length + k] = lo * Math.pow(hi / lo, nextDouble(rng)); // log-uniform
    });
  }
  const X = law.js.features(raw, names.length, n);
  const u = Float64Array.from(law.free, (f) => (f.transform.kind === 'log' ? Math.log(truth[f.name]!) : truth[f.name]!));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = law.js.prediction(u, X, i * law.js.nFeatures);
    y[i] = f * (1 + noise * nextNormal(rng));
  }
  const ds: Dataset = { source: `synthetic:${decl.name}`, inputNames: names, inputExpressions: names, targetExpression: 'y', n, inputs: raw, y, rowNumbers: Int32Array.from({ length: n }, (_, i) => i + 2) };
  return { law, ds };
}

/** The built-in cases of the projection tests: law, truth, input ranges. */
export const PROJECTION_CASES: Array<[string, Record<string, number>, Record<string, [number, number]>]> = [
  ['power', { E: 1.7, A: 400, alpha: 0.3 }, { x: [1e6, 1e10] }],
  ['overtrain', { a: 500, b: -0.2, c: 900, E: 1.9 }, { N: [1e7, 1e10], M: [5, 300] }],
  ['downstream-exp', { epsilon: 0.9, k: 40, gamma: 1.5 }, { L: [2, 5] }],
  ['downstream-sigmoid', { a: 0.7, k: -3, L0: 3, b: 0.25 }, { L: [2, 5] }],
  ['vit', { E: 0.1, A: 5, C0: 1, alpha: 0.4 }, { C: [0.1, 1e4] }],
];
