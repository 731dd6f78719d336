/**
 * Truth recovery for the laws added from the seed papers: each law fitted (float64 engine, its own
 * default start grid and loss) to a synthetic ladder drawn from its textbook form (synthetic.ts)
 * recovers the true parameters: exactly (1e−6 relative) without noise, and with 0.3 % noise to a
 * fit at least as good as the truth itself, its parameters near the truth (exponents within 10 %,
 * log-positive coefficients within a factor e^0.5).
 */
import { describe, expect, test } from 'vitest';
import { datasetFromText } from '../../src/data/index.js';
import { compileLaw, internalFromNatural, targetInSpace, type CompiledLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { huber } from './helpers.js';
import { SYNTHETIC, syntheticCsv, syntheticTargets, type Natural } from './synthetic.js';

/** The fit's objective at natural parameter values, from scratch: Σ huber_δ(r) or ½ Σ r² in the law's space. */
function objectiveAt(law: CompiledLaw, name: string, natural: Natural, y: readonly number[]): number {
  const rows = SYNTHETIC[name]!.rows;
  const u = internalFromNatural(law, law.free.map((f) => natural[f.name]!));
  const X = law.js.features(new Float64Array(rows.flat()), law.inputNames.length, rows.length);
  const loss = law.declaration.defaultLoss;
  const delta = loss !== undefined ? Number(loss.split(':')[1]) : undefined;
  let sum = 0;
  rows.forEach((_, i) => {
    const r = targetInSpace(law.space, y[i]!) - law.js.value(u, X, i * law.js.nFeatures);
    sum += delta !== undefined ? huber(r, delta) : 0.5 * r * r;
  });
  return sum;
}

async function fitSynthetic(name: string, noise: number) {
  const law = compileLaw(findLaw(name));
  const spec = { inputs: Object.fromEntries(law.inputNames.map((n) => [n, n])), target: 'y' };
  const ds = await datasetFromText(syntheticCsv(name, law.inputNames, noise), `${name}.csv`, 'csv', spec, law.inputNames);
  const fit = await fitLaw(law, ds, {});
  const truth = SYNTHETIC[name]!.truth;
  const atTruth = objectiveAt(law, name, truth, syntheticTargets(name, noise));
  const atFit = objectiveAt(law, name, Object.fromEntries(fit.params.map((p) => [p.name, p.value])), syntheticTargets(name, noise));
  return { law, fit, atTruth, atFit, truth };
}

function relErr(got: number, want: number, floor: number): number {
  return Math.abs(got - want) / Math.max(Math.abs(want), floor);
}

describe.each(Object.keys(SYNTHETIC))('%s recovers synthetic truth', (name) => {
  test('without noise: every parameter to 1e−6 relative', async () => {
    const { fit, truth } = await fitSynthetic(name, 0);
    expect(fit.status.usable).toBe(true);
    for (const p of fit.params) expect(relErr(p.value, truth[p.name]!, 1e-3), `${name}.${p.name}: ${p.value} vs ${truth[p.name]}`).toBeLessThan(1e-6);
  }, 60_000);

  test('with 0.3 % noise: objective no worse than at the truth, parameters within 10 %', async () => {
    const { law, fit, atTruth, atFit, truth } = await fitSynthetic(name, 3e-3);
    expect(fit.status.usable).toBe(true);
    // The objective recomputed here is the engine's own (so the comparison is like for like).
    expect(Math.abs(atFit - fit.statistics.objective)).toBeLessThanOrEqual(1e-9 * fit.statistics.objective);
    expect(fit.statistics.objective).toBeLessThanOrEqual(atTruth * (1 + 1e-9));
    // Coefficients (log-positive) trade off against exponents under noise: compared as logs, to ±0.5.
    for (const p of fit.params) {
      const logPositive = law.free.find((f) => f.name === p.name)!.transform.kind === 'log';
      const err = logPositive ? Math.abs(Math.log(p.value / truth[p.name]!)) : relErr(p.value, truth[p.name]!, 1e-2);
      expect(err, `${name}.${p.name}: ${p.value} vs ${truth[p.name]}`).toBeLessThan(logPositive ? 0.5 : 0.1);
    }
  }, 60_000);
});
