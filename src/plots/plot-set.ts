/**
 * Which plots a fit gets, and their file names (one list, used by the CLI's writer and by the app
 * for its tabs): the data with the law and the residuals always; the bootstrap histograms and
 * pairs when the fit has draws; the compute-optimal frontier for Chinchilla-type laws.
 */
import type { TopLevelSpec } from 'vega-lite';
import { bootstrapHistogramsSpec, bootstrapPairsSpec } from './bootstrap-plots.js';
import { comparisonSpec, type ComparisonEntry, type ComparisonPlotOptions } from './comparison-plot.js';
import { fitPlotSpec } from './fit-plot.js';
import { frontierSpec, isChinchillaType } from './frontier-plot.js';
import type { PlotInputs } from './inputs.js';
import { residualsSpec } from './residuals-plot.js';
import { successfulDraws } from './style.js';

export interface NamedPlot {
  /** Stable file name, e.g. `fit.svg`. */
  file: string;
  /** What it shows, for listings and the app's tabs. */
  description: string;
  spec: TopLevelSpec;
}

/** Every file name fitPlots and comparisonPlots can write (the CLI checks them all before a run). */
export const FIT_PLOT_FILES = ['fit.svg', 'residuals.svg', 'bootstrap-histograms.svg', 'bootstrap-pairs.svg', 'frontier.svg'] as const;
export const COMPARISON_PLOT_FILES = ['comparison.svg'] as const;

export function fitPlots(inputs: PlotInputs): NamedPlot[] {
  const { summary } = inputs;
  const plots: NamedPlot[] = [
    { file: 'fit.svg', description: 'data with the fitted law and its bands', spec: fitPlotSpec(inputs) },
    { file: 'residuals.svg', description: 'residuals against the fitted value and each input', spec: residualsSpec(inputs) },
  ];
  if (successfulDraws(summary).length >= 2) {
    plots.push({ file: 'bootstrap-histograms.svg', description: 'bootstrap distribution of each parameter', spec: bootstrapHistogramsSpec(summary) });
    plots.push({ file: 'bootstrap-pairs.svg', description: 'bootstrap draws of each pair of parameters', spec: bootstrapPairsSpec(summary) });
  }
  if (isChinchillaType(summary)) plots.push({ file: 'frontier.svg', description: 'compute-optimal N_opt(C) and D_opt(C)', spec: frontierSpec(inputs) });
  return plots;
}

export function comparisonPlots(entries: readonly ComparisonEntry[], opts: ComparisonPlotOptions = {}): NamedPlot[] {
  return [{ file: 'comparison.svg', description: 'held-out error of each law, ranked', spec: comparisonSpec(entries, opts) }];
}
