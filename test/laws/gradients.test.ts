/**
 * The compiler's derivative test on the real catalogue: for every built-in law, the generated
 * gradient (law.js.valueGrad, symbolic) agrees with Ridders-extrapolated central differences of
 * law.js.value in float64, at random points of each parameter's start range and on rows of
 * realistic inputs. No finite differences exist anywhere in src/; this is where they live.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw, type CompiledLaw } from '../../src/law/compile.js';
import type { LawOverrides } from '../../src/law/declaration.js';
import { BUILTIN_LAWS, findLaw } from '../../src/laws/index.js';
import { checkGradient, rng } from './helpers.js';

/** Realistic input rows per law (raw inputs, row-major in the law's input order). */
const SAMPLE_INPUTS: Record<string, number[][]> = {
  power: [[10], [1e4], [1e9]],
  'power-no-offset': [[10], [1e4], [1e9]],
  chinchilla: [[7e7, 1.4e9], [1e9, 2e10], [7e10, 1.4e12]],
  'chinchilla-tied': [[7e7, 1.4e9], [1e9, 2e10], [7e10, 1.4e12]],
  kaplan: [[7e7, 1.4e9], [1e9, 2e10], [7e10, 1.4e12]],
  overtrain: [[10569312, 20], [411616256, 320], [6889410560, 20]],
  'downstream-exp': [[2.2], [3.1], [4.5]],
  'downstream-sigmoid': [[0.6], [2.2], [3.1], [4.5]],
  'bnsl-1': [[20], [300], [612], [900], [4000]],
  'bnsl-2': [[20], [300], [612], [900], [4000]],
  // (N, D, U): one epoch and N below U_N; many epochs with excess parameters; both regimes.
  'data-constrained': [[1e8, 2e9, 2e9], [1.46e8, 1.74e11, 1e8], [6.34e9, 2.42e11, 2.5e10], [2.81e9, 5.5e10, 4e9]],
  vit: [[0.01], [3], [1e4]],
  'kaplan-steps': [[1e7, 1e3], [3e8, 1e4], [1e9, 1e5]],
  'downstream-sigmoid-compute': [[1e19], [1e22], [3e24]],
  // (S1, S2): no annealing yet, then a little (small S2 keeps L0 + A S1^-α − C S2 > 0 over the
  // parameters' whole ranges, where log L is defined).
  'lr-annealing': [[0.075, 0], [3.2, 0.01], [3.3, 0.02]],
  coverage: [[1], [16], [1024]],
  // (N, D, Pw, Pa, Pkv): full precision, one precision low, all low.
  precision: [[3e7, 1.5e9, 16, 16, 16], [1e8, 6e9, 3, 16, 16], [3e8, 2.6e10, 4, 4, 4]],
  parscale: [[5e8, 1], [1e9, 2], [4e9, 8]],
  moe: [[1.5e7, 1], [1.3e8, 32], [1.3e9, 512]],
};

const POINTS_PER_LAW = 8;

/** A random internal point: uniform in u over each free parameter's range (log-uniform for log). */
function randomPoint(law: CompiledLaw, next: () => number): number[] {
  return law.free.map((fp) => {
    const d = law.declaration.params[fp.declIndex]!;
    const range = d.range;
    if (range === undefined) throw new Error(`law '${law.name}': parameter '${fp.name}' has no range`);
    const t = next();
    if (fp.transform.kind === 'log') return Math.log(range[0]) + t * (Math.log(range[1]) - Math.log(range[0]));
    if (fp.transform.kind === 'none') return range[0] + t * (range[1] - range[0]);
    throw new Error(`law '${law.name}': unexpected transform ${fp.transform.kind}`);
  });
}

function runCheck(name: string, overrides?: LawOverrides, inputRows?: number[][], seed = 1) {
  const law = compileLaw(findLaw(name), overrides);
  const rows = inputRows ?? SAMPLE_INPUTS[name];
  if (rows === undefined) throw new Error(`no sample inputs for law '${name}': add some to SAMPLE_INPUTS`);
  const raw = new Float64Array(rows.flat());
  const X = law.js.features(raw, law.inputNames.length, rows.length);
  const next = rng(seed);
  let compared = 0;
  let nonFinite = 0;
  const mismatches = [];
  for (let k = 0; k < POINTS_PER_LAW; k++) {
    const r = checkGradient(law, randomPoint(law, next), X, rows.length);
    compared += r.compared;
    nonFinite += r.nonFinite;
    mismatches.push(...r.mismatches);
  }
  return { law, compared, nonFinite, mismatches, rows: rows.length };
}

describe('compiled gradients match Ridders differences (float64)', () => {
  test('every built-in law has sample inputs', () => {
    for (const d of BUILTIN_LAWS) expect(SAMPLE_INPUTS[d.name], d.name).toBeDefined();
  });

  for (const d of BUILTIN_LAWS) {
    test(d.name, () => {
      const r = runCheck(d.name);
      expect(r.mismatches).toEqual([]);
      // Not vacuous: almost every (point, row) pair was finite and every component compared.
      const evaluated = POINTS_PER_LAW * r.rows;
      expect(r.nonFinite).toBeLessThanOrEqual(Math.floor(evaluated / 10));
      expect(r.compared).toBe((evaluated - r.nonFinite) * r.law.free.length);
    });
  }

  test('data-constrained with every parameter free (through U_N = min(N, G (G U)^(β/α)) and G(A, B, α))', () => {
    // Near the published base fit, U_N = G²U with G² = (A/B)^(1/α) ∈ [0.0067, 0.26]; the rows have
    // N/U = 1e−3 (U_N = N) or N/U ≥ 0.35 (U_N = G²U), away from the kink of the min.
    const r = runCheck(
      'data-constrained',
      { free: ['A', 'B', 'E', 'alpha'], ranges: { A: [400, 700], B: [1200, 1800], E: [1.5, 2.2], alpha: [0.3, 0.4] } },
      [[1e8, 2e11, 1e11], [1.46e8, 1.74e11, 1e8], [2.81e9, 5.5e10, 4e9], [8.67e9, 1.78e11, 2.5e10]],
    );
    expect(r.law.free.map((f) => f.name)).toEqual(['A', 'B', 'E', 'alpha', 'RDstar', 'RNstar']);
    expect(r.mismatches).toEqual([]);
    expect(r.nonFinite).toBe(0);
    expect(r.compared).toBe(POINTS_PER_LAW * r.rows * 6);
  });

  test('the check detects a gradient that is wrong by 1e−5 relative', () => {
    // Guard against a checker that cannot fail: perturb one component and expect mismatches.
    const law = compileLaw(findLaw('chinchilla'));
    const rows = SAMPLE_INPUTS.chinchilla!;
    const X = law.js.features(new Float64Array(rows.flat()), 2, rows.length);
    const u = [Math.log(400), Math.log(400), Math.log(1.7), 0.34, 0.28];
    const wrong: CompiledLaw['js']['valueGrad'] = (uu, XX, base, g) => {
      const m = law.js.valueGrad(uu, XX, base, g);
      g[3] = g[3]! * (1 + 1e-5);
      return m;
    };
    expect(checkGradient(law, u, X, rows.length).mismatches).toEqual([]);
    const bad = checkGradient(law, u, X, rows.length, { valueGrad: wrong });
    expect(bad.mismatches.length).toBe(rows.length);
    expect(bad.mismatches.every((m) => m.param === 'alpha')).toBe(true);
  });
});
