/**
 * The NIST StRD nonlinear regression suite: 27 problems x 2 official starts = 54 runs, fitted with
 * the float64 engine at tolerances 1e-15 (as the reference runs; see ../shared/data/nist-strd/SOURCE.md)
 * and judged by NIST's log relative error (LRE) of every parameter against the certified values.
 *
 * The bar (what MINPACK reaches as scipy runs it): at least 6 matching significant digits in at
 * least 50 of the 54 runs, and at least 4 digits in all 54. It is asserted with the engine's
 * DEFAULT options (only the tolerances and the iteration limit are set, as the reference does).
 * The digits table of both damping modes is printed.
 *
 * Also the compiler's test: the 27 models are written by hand in the law language (support/nist.ts);
 * each must compile, reproduce the certified residual sum of squares at the certified values, and
 * have exact derivatives that agree with central differences.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileLaw } from '../../src/law/compile.js';
import { prepareData } from '../../src/fit/problem.js';
import { resolveLmOptions, type DampingMode } from '../../src/fit/options.js';
import { sharedFile } from '../support/shared-data.js';
import {
  formatNistTable,
  loadNistSuite,
  lre,
  NIST_LAWS,
  NIST_LM_OPTIONS,
  NIST_ORDER,
  nistDataset,
  parseNistDat,
  rssAt,
  runLabel,
  runNistSuite,
  summarise,
  type NistProblem,
  type NistRun,
} from '../support/nist.js';

const suite: NistProblem[] = loadNistSuite();
const byName = new Map(suite.map((p) => [p.name, p]));
const problem = (name: string): NistProblem => {
  const p = byName.get(name);
  if (p === undefined) throw new Error(`no NIST problem ${name}`);
  return p;
};

describe('NIST StRD .dat files', () => {
  test('27 problems, every stated count consistent', () => {
    expect(suite.map((p) => p.name)).toEqual(NIST_ORDER);
    for (const p of suite) {
      const law = NIST_LAWS[p.name]!;
      expect(p.nParams, p.name).toBe(law.params.length);
      expect(p.start1.length, p.name).toBe(p.nParams);
      expect(p.start2.length, p.name).toBe(p.nParams);
      expect(p.certified.length, p.name).toBe(p.nParams);
      expect(p.certifiedSd.length, p.name).toBe(p.nParams);
      expect(p.predictors, p.name).toEqual(p.name === 'Nelson' ? ['x1', 'x2'] : ['x']);
      expect(p.y.length, p.name).toBe(p.n);
      expect(p.x.length, p.name).toBe(p.n * p.predictors.length);
      // The certified RSS agrees with the residual standard deviation: RSS = sd^2 (n - p).
      // (Rat43.dat prints 9 degrees of freedom where n - p = 11; its sd is computed with 11.)
      expect(Math.abs(p.residualSd ** 2 * (p.n - p.nParams) - p.certifiedRss) / p.certifiedRss, p.name).toBeLessThan(1e-9);
      if (p.name !== 'Rat43') expect(p.degreesOfFreedom, p.name).toBe(p.n - p.nParams);
    }
  });

  test('values read as printed', () => {
    const misra = problem('Misra1a');
    expect(misra.model).toBe('y = b1*(1-exp[-b2*x]) + e');
    expect([misra.y[0], misra.x[0]]).toEqual([10.07, 77.6]);
    expect(misra.start1).toEqual([500, 1e-4]);
    expect(misra.certifiedRss).toBe(1.2455138894e-1);
    const nelson = problem('Nelson');
    expect(nelson.model).toBe('log[y] = b1 - b2*x1 * exp[-b3*x2] + e');
    expect([nelson.y[127], nelson.x[254], nelson.x[255]]).toEqual([1.2, 64, 275]);
    expect(nelson.start2).toEqual([2.5, 5e-9, -0.05]);
    // The corrected certified b1 of Roszman1 (SOURCE.md), and a negative response in Bennett5.
    expect(problem('Roszman1').certified[0]).toBe(2.0196866396e-1);
    expect([problem('Bennett5').y[153], problem('Bennett5').x[153]]).toEqual([-31.7868, 12.27224]);
    expect(problem('ENSO').n).toBe(168);
  });

  test('a damaged file is rejected with the line that is wrong', () => {
    const text = readFileSync(sharedFile('nist-strd/Misra1a.dat'), 'utf8');
    const lines = text.split('\n');
    const without = (k: number): string => [...lines.slice(0, k - 1), ...lines.slice(k)].join('\n');
    expect(() => parseNistDat(text, 'Misra1a')).not.toThrow();
    // A data row removed: the header's line range now runs past the data.
    expect(() => parseNistDat(without(70), 'Misra1a')).toThrow(/line 74: expected 2 numbers, found 1/);
    // A parameter line garbled.
    expect(() => parseNistDat(text.replace('b2 =', 'b3 ='), 'Misra1a')).toThrow(/line 42: expected 'b2 = \.\.\.'/);
    // A malformed number in the data.
    expect(() => parseNistDat(text.replace('10.07E0', '10.07F0'), 'Misra1a')).toThrow(/line 61 y: expected a number, found '10\.07F0'/);
  });
});

describe('the 27 NIST models in the law language', () => {
  test.each(NIST_ORDER)('%s: compiles, reproduces the certified RSS, exact gradients', (name) => {
    const p = problem(name);
    const law = compileLaw(NIST_LAWS[name]!);
    expect(law.paramNames).toEqual(Array.from({ length: p.nParams }, (_, j) => `b${j + 1}`));
    expect(law.free.length).toBe(p.nParams);
    const data = prepareData(law, nistDataset(p));
    const u = Float64Array.from(p.certified);
    const nF = law.js.nFeatures;
    const g = new Float64Array(p.nParams);

    // RSS at the certified values (11 significant digits): equal to the certified RSS up to 1e-9
    // relative plus what rounding the parameters to 11 digits (relative 5e-11) can change, to first
    // order; that term dominates only Lanczos1, whose certified RSS, 1.4e-25, is below it.
    let rounding = 0;
    for (let i = 0; i < data.n; i++) {
      law.js.valueGrad(u, data.X, i * nF, g);
      let d = 0;
      for (let j = 0; j < p.nParams; j++) d += Math.abs(g[j]! * p.certified[j]!) * 5e-11;
      rounding += 2 * Math.sqrt(p.certifiedRss / data.n) * d + d * d;
    }
    const rss = rssAt(law, data, p.certified);
    expect(Math.abs(rss - p.certifiedRss)).toBeLessThanOrEqual(1e-9 * p.certifiedRss + rounding);

    // Exact derivatives against central differences (relative step 6e-6 in each parameter).
    for (let j = 0; j < p.nParams; j++) {
      const hj = 6e-6 * Math.abs(u[j]!);
      const up = Float64Array.from(u);
      const um = Float64Array.from(u);
      up[j] = up[j]! + hj;
      um[j] = um[j]! - hj;
      let scale = 0;
      let err = 0;
      for (let i = 0; i < data.n; i++) {
        law.js.valueGrad(u, data.X, i * nF, g);
        const fd = (law.js.value(up, data.X, i * nF) - law.js.value(um, data.X, i * nF)) / (2 * hj);
        scale = Math.max(scale, Math.abs(g[j]!));
        err = Math.max(err, Math.abs(fd - g[j]!));
      }
      expect(scale, `${name} b${j + 1}`).toBeGreaterThan(0);
      expect(err / scale, `${name} b${j + 1}`).toBeLessThan(1e-6);
    }
  });

  test('Nelson: fitted in log space, the model in residual space is exactly NIST right-hand side', () => {
    const p = problem('Nelson');
    const law = compileLaw(NIST_LAWS['Nelson']!);
    expect(law.space).toBe('log');
    const data = prepareData(law, nistDataset(p));
    const [b1, b2, b3] = p.certified as [number, number, number];
    const u = Float64Array.from(p.certified);
    for (let i = 0; i < p.n; i++) {
      expect(data.yt[i]).toBe(Math.log(p.y[i]!));
      const rhs = b1 - b2 * p.x[2 * i]! * Math.exp(-b3 * p.x[2 * i + 1]!);
      expect(Math.abs(law.js.value(u, data.X, i * law.js.nFeatures) - rhs)).toBeLessThanOrEqual(2e-15 * Math.abs(rhs));
    }
  });
});

describe('NIST StRD with the float64 engine: 54 runs, tolerances 1e-15', () => {
  const defaultDamping: DampingMode = resolveLmOptions(NIST_LM_OPTIONS).damping;
  const modes: DampingMode[] = [defaultDamping, ...(['levenberg', 'marquardt'] as const).filter((m) => m !== defaultDamping)];
  const runs = new Map<DampingMode, NistRun[]>();

  beforeAll(() => {
    for (const damping of modes) {
      const t0 = performance.now();
      const r = runNistSuite(suite, { ...NIST_LM_OPTIONS, damping });
      const ms = performance.now() - t0;
      runs.set(damping, r);
      const what = damping === defaultDamping ? 'default options' : 'for comparison';
      console.log(formatNistTable(`NIST StRD, damping '${damping}' (${what}); ftol = xtol = gtol = 1e-15, maxIterations 10000; ${ms.toFixed(0)} ms`, r));
    }
  });

  test('every run reports its digits, status and RSS', () => {
    for (const damping of modes) {
      const r = runs.get(damping)!;
      expect(r.map(runLabel)).toEqual(NIST_ORDER.flatMap((n) => [`${n}/1`, `${n}/2`]));
      for (const x of r) {
        expect(x.lre.length).toBe(problem(x.problem).nParams);
        expect(x.minLre).toBe(Math.min(...x.lre));
        expect(x.iterations).toBeGreaterThan(0);
        expect(x.rss).toBeGreaterThan(0);
        // A run at >= 6 digits has the certified RSS to at least as many digits (the RSS is flat
        // at the optimum); Lanczos1's RSS, 1.4e-25, is rounding noise and is exempt.
        if (x.minLre >= 6 && x.problem !== 'Lanczos1') expect(lre(x.rss, x.certifiedRss), runLabel(x)).toBeGreaterThanOrEqual(6);
      }
    }
  });

  test('the bar with the default options: >= 6 digits in >= 50 of 54 runs, >= 4 digits in all 54', () => {
    const r = runs.get(defaultDamping)!;
    const s = summarise(r);
    expect(s.runs).toBe(54);
    const describeRun = (x: NistRun): string =>
      `${runLabel(x)}: ${x.minLre.toFixed(1)} digits, ${x.status} after ${x.iterations} iterations, RSS ${x.rss.toExponential(6)} (certified ${x.certifiedRss.toExponential(6)})`;
    expect(s.below4.map(describeRun), `runs below 4 digits with damping '${defaultDamping}'`).toEqual([]);
    expect(s.atLeast6, `runs at >= 6 digits with damping '${defaultDamping}'; below: ${s.below6.map(describeRun).join('; ')}`).toBeGreaterThanOrEqual(50);
  });
});
