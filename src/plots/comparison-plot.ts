/**
 * The law comparison as a chart (comparison.svg): each law's mean absolute relative error on the
 * held-out runs (the metric of stats/compare.ts, Choshen et al. 2024), ranked, with its interval
 * when the comparison has one; a second panel gives the in-sample AIC and BIC as differences from
 * the lowest, so both kinds of evidence are read side by side. Laws that could not be fitted are
 * named in the subtitle with their reason.
 *
 * The input is structural so that stats/compare.ts's LawComparison objects fit it as they are;
 * `comparisonPlotOptions` reads the subtitle's facts from a whole Comparison (the CLI's
 * `compare --plots` and the browser app both call it).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Comparison } from '../stats/compare.js';
import { COLOR, PANEL, percent, topLevel } from './style.js';

export interface ComparisonEntry {
  /** The law's name. */
  law: string;
  /** Mean of |prediction - actual| / actual over the held-out runs (a fraction; NaN when not fitted). */
  meanAbsRelError: number;
  /** An interval on meanAbsRelError (same units): compare's bootstrap refits each law on resampled fitting runs; the held-out runs stay fixed. */
  interval?: readonly [number, number];
  aic: number;
  bic: number;
  /** Why the law could not be fitted or scored, when it could not. */
  error?: string;
  /** A status name for the law's fit (e.g. 'converged-ftol'), shown in tooltips. */
  status?: string;
}

export interface ComparisonPlotOptions {
  /** Level of the intervals, for the subtitle (default 0.95). */
  level?: number;
  /** What the held-out runs are, e.g. the --holdout expression. */
  holdout?: string;
  /** The data source, for the subtitle. */
  source?: string;
  /** How many runs were held out (over all folds), for the subtitle. */
  heldOutRuns?: number;
  /** How many folds the error is averaged over, for the subtitle (shown when more than one). */
  folds?: number;
}

/**
 * The chart's options for a comparison as compareLaws returns it: the bootstrap's level, the data
 * source, the distinct runs held out over all folds (rolling folds share runs, so they are counted
 * once) and the number of folds. `holdout` is the --holdout text as the user wrote it.
 */
export function comparisonPlotOptions(comparison: Comparison, holdout?: string): ComparisonPlotOptions {
  return {
    ...(comparison.bootstrap !== undefined ? { level: comparison.bootstrap.level } : {}),
    ...(holdout !== undefined ? { holdout } : {}),
    source: comparison.source,
    heldOutRuns: new Set(comparison.folds.flatMap((f) => f.heldOutRows)).size,
    folds: comparison.folds.length,
  };
}

export function comparisonSpec(entries: readonly ComparisonEntry[], opts: ComparisonPlotOptions = {}): TopLevelSpec {
  const scored = entries.filter((e) => e.error === undefined && Number.isFinite(e.meanAbsRelError));
  const failed = entries.filter((e) => !scored.includes(e));
  const ranked = [...scored].sort((a, b) => a.meanAbsRelError - b.meanAbsRelError);
  const minAic = Math.min(...ranked.map((e) => e.aic).filter(Number.isFinite));
  const minBic = Math.min(...ranked.map((e) => e.bic).filter(Number.isFinite));
  const rows = ranked.map((e, rank) => ({
    law: e.law,
    rank: rank + 1,
    error: 100 * e.meanAbsRelError,
    ...(e.interval !== undefined ? { lo: 100 * e.interval[0], hi: 100 * e.interval[1] } : {}),
    label: `${(100 * e.meanAbsRelError).toPrecision(3)} %`,
    aic: e.aic,
    bic: e.bic,
    status: e.status ?? 'fitted',
  }));
  const criteria = ranked.flatMap((e) => [
    { law: e.law, criterion: 'ΔAIC', delta: e.aic - minAic, value: e.aic },
    { law: e.law, criterion: 'ΔBIC', delta: e.bic - minBic, value: e.bic },
  ]);
  const order = ranked.map((e) => e.law);
  const y = { field: 'law', type: 'nominal', sort: order, title: null, axis: { labelFontSize: 12, labelLimit: 200 } };
  const height = Math.max(80, 34 * ranked.length);
  const hasIntervals = rows.some((r) => r.lo !== undefined);
  const nHeld = opts.heldOutRuns ?? 0;
  const folds = opts.folds !== undefined && opts.folds > 1 ? `, averaged over ${opts.folds} folds` : '';
  const tooltip = [
    { field: 'rank', type: 'quantitative' },
    { field: 'law', type: 'nominal' },
    { field: 'error', type: 'quantitative', title: 'held-out error (%)', format: '.4~g' },
    ...(hasIntervals ? [{ field: 'lo', type: 'quantitative', title: 'interval low (%)', format: '.4~g' }, { field: 'hi', type: 'quantitative', title: 'interval high (%)', format: '.4~g' }] : []),
    { field: 'aic', type: 'quantitative', title: 'AIC', format: '.6~g' },
    { field: 'bic', type: 'quantitative', title: 'BIC', format: '.6~g' },
    { field: 'status', type: 'nominal' },
  ];
  const errorPanel = {
    width: PANEL.width,
    height,
    data: { values: rows },
    layer: [
      ...(hasIntervals ? [{ mark: { type: 'rule', color: COLOR.band, strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } }] : []),
      { mark: { type: 'point', filled: true, size: 80, color: COLOR.estimate }, encoding: { y, x: { field: 'error', type: 'quantitative', title: 'mean absolute relative error on held-out runs (%)', scale: { zero: true }, axis: { format: '~r' } }, tooltip } },
      { mark: { type: 'text', align: 'left', dx: 8, dy: -9, fontSize: 11, color: '#333' }, encoding: { y, x: { field: 'error', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  };
  const criteriaPanel = {
    width: 200,
    height,
    data: { values: criteria },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      y: { ...y, axis: null },
      x: { field: 'delta', type: 'quantitative', title: 'in-sample ΔAIC, ΔBIC (from the lowest)', scale: { zero: true }, axis: { format: '~r' } },
      color: { field: 'criterion', type: 'nominal', title: null, scale: { range: [COLOR.data, COLOR.interval] }, legend: { orient: 'bottom', direction: 'horizontal' } },
      shape: { field: 'criterion', type: 'nominal', title: null },
      tooltip: [{ field: 'law', type: 'nominal' }, { field: 'criterion', type: 'nominal' }, { field: 'delta', type: 'quantitative', format: '.4~g' }, { field: 'value', type: 'quantitative', title: 'value', format: '.6~g' }],
    },
  };
  const lines = [
    `${ranked.length} law${ranked.length === 1 ? '' : 's'} ranked by error${nHeld > 0 ? ` on ${nHeld} held-out run${nHeld === 1 ? '' : 's'}` : ' on the held-out runs'}${opts.holdout !== undefined ? ` (${opts.holdout})` : ''}${opts.source !== undefined ? ` of ${opts.source}` : ''}${folds}; lower is better`,
    hasIntervals ? `bars: ${percent(opts.level ?? 0.95)} bootstrap intervals on the error (laws refitted on resampled fitting runs)` : 'no intervals on the errors in this comparison',
  ];
  if (failed.length > 0) lines.push(`not fitted: ${failed.map((e) => `${e.law} (${e.error ?? 'no score'})`).join('; ')}`);
  return {
    ...topLevel('Which law extrapolates best? Error on held-out runs', lines),
    hconcat: [errorPanel, criteriaPanel],
    spacing: 24,
  } as TopLevelSpec;
}
