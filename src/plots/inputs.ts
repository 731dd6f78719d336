/**
 * The plain data every plot of a fit is drawn from: the FitSummary (parameters, bootstrap draws,
 * truth) and the fitted rows, which a summary does not keep. Both are serialisable, so the CLI
 * builds them where the fit ran and the browser app can pass them from its worker to the page;
 * the spec builders in this folder read nothing else. No Node imports.
 */
import type { Dataset } from '../data/dataset.js';
import type { FitResult } from '../fit/fit.js';
import { compileLaw, internalFromNatural, targetInSpace, type CompiledLaw } from '../law/compile.js';
import { LawfitError } from '../errors.js';
import type { FitSummary } from '../report/summary.js';

/** One fitted row: its inputs, the observed target, the law's value there and the residual. */
export interface FittedPoint {
  /** The row number in the source (1-based, header is row 1), for tooltips. */
  row: number;
  /** The law's inputs by name (N, D, ...). */
  inputs: Record<string, number>;
  observed: number;
  fitted: number;
  /** observed - fitted in the law's residual space (log(observed) - log(fitted) for log-space laws). */
  residual: number;
}

export interface PlotInputs {
  summary: FitSummary;
  points: FittedPoint[];
  /**
   * Runs a comparison held out (source row numbers) and how they were chosen (the --holdout text):
   * the fit and residual plots ring them, so a reader sees where the law had to extrapolate.
   */
  heldOut?: { rows: number[]; label: string };
}

/**
 * The inputs a plot shows: the law's own, without a grouped law's one-hot indicator inputs
 * (law/groups.ts), which the plots show as the runs' group instead (pointGroup).
 */
export function shownInputs(summary: FitSummary): string[] {
  const indicators = summary.law.groups?.indicatorInputs ?? [];
  return Object.keys(summary.data.inputs).filter((n) => !indicators.includes(n));
}

/** A run's group value under a grouped law (the level whose indicator is 1); undefined for other laws. */
export function pointGroup(summary: FitSummary, p: FittedPoint): string | undefined {
  const g = summary.law.groups;
  if (g === undefined) return undefined;
  const k = g.indicatorInputs.findIndex((n) => p.inputs[n] === 1);
  return k < 0 ? undefined : g.levels[k];
}

/** The ring drawn around held-out runs (fit and residual plots). */
export const HELD_OUT_MARK = { type: 'point', shape: 'diamond', filled: false, size: 130, stroke: '#c0392b', strokeWidth: 1.6, opacity: 1 } as const;

/** The subtitle line that says what the rings are. */
export function heldOutLine(h: NonNullable<PlotInputs['heldOut']>, shown: number): string {
  return `red diamonds: the ${shown} run${shown === 1 ? '' : 's'} held out in the comparison (${h.label}); the fit shown is on all runs`;
}

/** The fitted rows of `dataset` under `law` at the internal parameter vector `internal`. */
export function fittedPoints(law: CompiledLaw, dataset: Dataset, internal: ArrayLike<number>): FittedPoint[] {
  const k = dataset.inputNames.length;
  const X = law.js.features(dataset.inputs, k, dataset.n);
  return Array.from({ length: dataset.n }, (_, i) => {
    const fitted = law.js.prediction(internal, X, i * law.js.nFeatures);
    const observed = dataset.y[i]!;
    return {
      row: dataset.rowNumbers[i]!,
      inputs: Object.fromEntries(dataset.inputNames.map((name, c) => [name, dataset.inputs[i * k + c]!])),
      observed,
      fitted,
      residual: targetInSpace(law.space, observed) - targetInSpace(law.space, fitted),
    };
  });
}

/** Plot inputs from a fit just made (the CLI's `--plots`, the app after a fit). */
export function plotInputsFromFit(result: FitResult, summary: FitSummary): PlotInputs {
  return { summary, points: fittedPoints(result.law, result.dataset, result.bestInternal) };
}

/**
 * Plot inputs from a saved summary and the data it was fitted on, reloaded (`lawfit plot`): the
 * fitted values are recomputed from the summary's parameters, so nothing is refitted.
 */
export function plotInputsFromSummary(summary: FitSummary, dataset: Dataset): PlotInputs {
  if (dataset.n !== summary.data.n) {
    throw new LawfitError('artifact', `${dataset.source}: ${dataset.n} rows now pass the fit's filter, but the fit used ${summary.data.n}; the data or the mapping changed`);
  }
  const law = compileLaw(summary.law.declaration);
  const natural = summary.law.freeNames.map((name) => summary.params.find((q) => q.name === name)?.value ?? NaN);
  return { summary, points: fittedPoints(law, dataset, internalFromNatural(law, natural)) };
}
