/**
 * Derived quantities per group of a grouped fit (law/groups.ts groupLawValues; stats/optimal.ts,
 * stats/predict.ts): each group's compute-optimal plan and predictions are those of its own law
 * (the shared parameters and that group's copies), with bootstrap intervals per group from the
 * same draws. On the synthetic grouped ladder (src/examples/grouped-ladder.ts) the truth is known.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { groupLawValues, perGroup } from '../../src/law/groups.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { summarizeBootstrapFit } from '../../src/report/bootstrap-summary.js';
import { computeOptimal, computeOptimalByGroup } from '../../src/stats/optimal.js';
import { chinchillaParams, optimalAllocation, optimalExponents } from '../../src/stats/derived.js';
import { predictAt } from '../../src/stats/predict.js';
import { groupedLadder } from '../../src/examples/grouped-ladder.js';
import { singleThreadEngine } from '../../src/fit/engine.js';
import type { FitSummary } from '../../src/report/summary.js';
import { coverageCheck } from '../../src/stats/coverage.js';
import { lawFromDeclaration } from '../../src/law/groups.js';

const lad = groupedLadder({ groups: 3, seed: 5, noise: 0.003 });
const C = 1e22;
let s: FitSummary;

beforeAll(async () => {
  const { law, dataset } = perGroup(compileLaw(findLaw('chinchilla')), lad.dataset, { column: 'group', params: ['E', 'A'] });
  const b = await bootstrapFit(law, dataset, { replicates: 60, seed: 2, starts: { kind: 'sobol', count: 32 }, engine: singleThreadEngine, bca: false });
  s = summarizeBootstrapFit(b, { seed: 2 }, lad.truth);
}, 300_000);

const truthOf = (g: string) => chinchillaParams(groupLawValues(lad.truth, s.law.groups, g, 'test'));

describe('one group’s own law', () => {
  test('groupLawValues: shared names kept, the group’s copies renamed, the others dropped; errors', () => {
    const groups = { column: 'corpus', levels: ['pile', 'stack'], params: ['E'], indicatorInputs: ['lawfit_group_0', 'lawfit_group_1'] };
    expect(groupLawValues({ 'E[pile]': 1, 'E[stack]': 2, alpha: 0.3 }, groups, 'stack', 'x')).toEqual({ E: 2, alpha: 0.3 });
    expect(() => groupLawValues({ 'E[pile]': 1 }, groups, 'c4', 'optimal')).toThrow(/optimal: group 'c4' of column 'corpus' was not in the fit/);
    expect(() => groupLawValues({ 'E[pile]': 1 }, groups, undefined, 'optimal')).toThrow(/give the group, e\.g\. --group pile/);
    expect(() => groupLawValues({ E: 1 }, undefined, 'pile', 'optimal')).toThrow(/--group pile: this fit has no per-group parameters/);
  });
});

describe('compute-optimal plan per group (grouped ladder, known truth)', () => {
  test('each group’s plan is the Chinchilla formulas at its own fitted law, labelled with its group', () => {
    const plans = computeOptimalByGroup(s, { compute: [C] });
    expect(plans.map((p) => p.group)).toEqual(lad.levels.map((value) => ({ column: 'group', value })));
    for (const plan of plans) {
      const g = plan.group!.value;
      const fitted = chinchillaParams(groupLawValues(Object.fromEntries(s.params.map((q) => [q.name, q.value!])), s.law.groups, g, 'test'));
      expect(plan.budgets[0]!.N.estimate).toBe(optimalAllocation(fitted, C).N);
      expect(plan.a.estimate).toBe(optimalExponents(fitted).a);
      expect(plan.draws).toBe(s.bootstrap!.succeeded);
    }
    // Groups differ in A, so in N_opt: the plans are not one plan repeated.
    expect(new Set(plans.map((p) => p.budgets[0]!.N.estimate)).size).toBe(3);
  });

  test('N_opt, D_opt per group recover the truth, and each group’s interval covers its own true value', () => {
    for (const g of lad.levels) {
      const plan = computeOptimal(s, { compute: [C], group: g });
      const t = optimalAllocation(truthOf(g), C);
      const at = plan.budgets[0]!;
      expect(Math.abs(at.N.estimate / t.N - 1), g).toBeLessThan(0.05);
      expect(Math.abs(at.loss.estimate / t.loss - 1), g).toBeLessThan(0.005);
      expect(at.N.interval![0], g).toBeLessThan(t.N);
      expect(at.N.interval![1], g).toBeGreaterThan(t.N);
      expect(at.D.interval![0], g).toBeLessThan(t.D);
      expect(at.D.interval![1], g).toBeGreaterThan(t.D);
    }
  });

  test('without a group: a clear error from computeOptimal (computeOptimalByGroup plans every group)', () => {
    expect(() => computeOptimal(s, { compute: [C] })).toThrow(/compute-optimal quantities: the law has per-group parameters \(E, A per group\); give the group/);
  });
});

describe('predictions per group', () => {
  test('the estimate is the group’s own law at the point; bands per group; the truth within them', () => {
    const N = 1e9;
    const D = 2e10;
    for (const g of lad.levels) {
      const p = predictAt(s, { N, D }, 0, g);
      const f = chinchillaParams(groupLawValues(Object.fromEntries(s.params.map((q) => [q.name, q.value!])), s.law.groups, g, 'test'));
      expect(p.estimate).toBeCloseTo(f.E + f.A / N ** f.alpha + f.B / D ** f.beta, 12);
      const t = truthOf(g);
      const truth = t.E + t.A / N ** t.alpha + t.B / D ** t.beta;
      expect(p.prediction![0]).toBeLessThan(truth);
      expect(p.prediction![1]).toBeGreaterThan(truth);
      expect(p.confidence![1] - p.confidence![0]).toBeGreaterThan(0);
    }
  });

  test('a group absent from the fit, or none, is a one-line error from the library', () => {
    expect(() => predictAt(s, { N: 1e9, D: 2e10 }, 0, 'g7')).toThrow(/^predict: group 'g7' of column 'group' was not in the fit, so it has no E, A \(groups: g0, g1, g2\)$/);
    expect(() => predictAt(s, { N: 1e9, D: 2e10 })).toThrow(/give the group/);
  });
});

describe('coverage check of a grouped fit', () => {
  test('derived quantities per group (N_opt[g], D_opt[g], prediction[g]), their truth each group’s own law’s; parameters by display name', async () => {
    // The law as `lawfit coverage` rebuilds it from the artifact (its grouping restored).
    const law = lawFromDeclaration(s.law.declaration, s.law.groups);
    const { dataset } = perGroup(compileLaw(findLaw('chinchilla')), lad.dataset, { column: 'group', params: ['E', 'A'] });
    const r = await coverageCheck(law, dataset, { sets: 2, seed: 1, designs: [{ label: 'rows', design: { kind: 'rows' } }], replicates: 6, bca: false, starts: { kind: 'sobol', count: 16 }, engine: singleThreadEngine });
    const q = r.designs[0]!.quantities;
    const C = r.derived.compute!;
    expect(q.filter((x) => x.kind === 'parameter').map((x) => x.name)).toEqual(s.law.freeNames);
    const fitted = Object.fromEntries(Object.entries(r.truth));
    for (const g of lad.levels) {
      const own = chinchillaParams(groupLawValues(fitted, s.law.groups, g, 'test'));
      const n = q.find((x) => x.name === `N_opt[${g}](C=${C.toExponential(2)})`)!;
      expect(n.truth).toBe(optimalAllocation(own, C).N);
      const pred = q.find((x) => x.name.startsWith(`prediction[${g}](`))!;
      const { N, D } = r.derived.at as { N: number; D: number };
      expect(pred.truth).toBeCloseTo(own.E + own.A / N ** own.alpha + own.B / D ** own.beta, 10);
    }
    expect(Object.keys(r.derived.at)).toEqual(['N', 'D']);
    expect(q).toHaveLength(s.law.freeNames.length + 3 * 3);
  }, 300_000);
});
