/**
 * Predictions from a saved fit: the law at user-given inputs, with
 * - a confidence band: the spread of the prediction over the bootstrap draws (the law's own
 *   uncertainty), and
 * - a prediction band: the same plus the residual scatter of the fit, drawn as normal noise in
 *   residual space (so multiplicative for log-space laws) with the residual scale s = sqrt(SSR/(n-p)),
 *   not the RMS residual sqrt(SSR/n): on a ladder of 5 runs and 4 parameters the RMS understates
 *   the scatter a new run would show by sqrt(5) (the usual degrees-of-freedom correction),
 * and a warning, in decades of each input, when a point lies outside the fitted range.
 */
import { indicatorValues } from '../law/groups.js';
import { compileLaw, internalFromNatural, type CompiledLaw } from '../law/compile.js';
import type { ResidualSpace } from '../law/declaration.js';
import type { FittedLaw } from './fitted-law.js';
import { createRng, nextNormal } from '../util/rng.js';
import { percentileInterval } from './intervals.js';
import { nameTable, own } from '../util/names.js';

export interface Prediction {
  inputs: Record<string, number>;
  estimate: number;
  confidence?: [number, number];
  prediction?: [number, number];
  level: number;
  /** Decades outside the fitted range per input (only inputs outside it). */
  outside: Record<string, number>;
}

export function lawOf(summary: FittedLaw): CompiledLaw {
  return compileLaw(summary.law.declaration);
}

function predictOne(law: CompiledLaw, natural: readonly number[], inputs: Float64Array): number {
  const X = law.js.features(inputs, law.inputNames.length, 1);
  return law.js.prediction(internalFromNatural(law, natural), X, 0);
}

/**
 * `group`: for a law with per-group parameters, the group value whose parameters to use (an
 * error when absent or not among the fitted groups).
 */
export function predictAt(summary: FittedLaw, point: Record<string, number>, seed = 0, group?: string): Prediction {
  const groups = summary.law.groups;
  const at = groups === undefined ? point : { ...point, ...indicatorValues(groups, group, 'predict') };
  const law = lawOf(summary);
  const inputs = Float64Array.from(law.inputNames.map((n) => own(at, n) ?? NaN));
  const free = summary.law.freeNames;
  const best = free.map((n) => summary.params.find((q) => q.name === n)!.value!);
  const estimate = predictOne(law, best, inputs);
  const level = summary.bootstrap?.level ?? 0.95;
  const result: Prediction = { inputs: { ...at }, estimate, level, outside: outsideFittedRange(summary, at) };
  const draws = summary.bootstrap?.draws.filter((d): d is number[] => d !== null);
  if (draws === undefined || draws.length < 2) return result;
  const preds = draws.map((d) => predictOne(law, d, inputs)).filter((v) => Number.isFinite(v));
  result.confidence = percentileInterval(preds, level);
  // Residual scatter in residual space, mapped back through the space's inverse.
  const rng = createRng(seed);
  const s = residualScale(summary.statistics);
  const space = summary.law.declaration.space;
  const noisy = preds.map((m) => withResidualNoise(space, m, s * nextNormal(rng)));
  result.prediction = percentileInterval(noisy, level);
  return result;
}

/**
 * The scale of a new run's residual, sqrt(SSR/(n - p)) in residual space (SSR weighted: the scale
 * of a unit-weight point); NaN without degrees of freedom. Shared by predict and chain.
 */
export function residualScale(st: { ssr: number; dof: number }): number {
  return st.dof > 0 ? Math.sqrt(st.ssr / st.dof) : NaN;
}

/** Decades outside the fitted range per input (only inputs outside it; positive above, negative below). */
export function outsideFittedRange(summary: Pick<FittedLaw, 'data'>, at: Record<string, number>): Record<string, number> {
  const outside = nameTable<number>();
  for (const [name, [lo, hi]] of Object.entries(summary.data.inputRanges ?? {})) {
    const v = own(at, name) ?? NaN;
    if (v > hi && v > 0 && hi > 0) outside[name] = Math.log10(v / hi);
    else if (v < lo && v > 0 && lo > 0) outside[name] = -Math.log10(lo / v);
  }
  return outside;
}

/** A prediction `m` (target units) moved by a residual `e` drawn in the law's residual space. */
export function withResidualNoise(space: ResidualSpace, m: number, e: number): number {
  if (space === 'log') return m * Math.exp(e);
  if (space === 'log1p') return (1 + m) * Math.exp(e) - 1;
  return m + e;
}
