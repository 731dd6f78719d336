/**
 * The bootstrap distributions of the free parameters, from the draws a FitSummary keeps:
 * - bootstrap-histograms.svg: one histogram per parameter, with the point estimate, the percentile
 *   interval the report prints, and the true value when the data are synthetic;
 * - bootstrap-pairs.svg: a scatter matrix (corner plot): draws of each pair below the diagonal,
 *   each parameter's histogram on it, the correlation of the draws above it. Strong correlations
 *   (A with alpha in a Chinchilla fit) are why single-parameter intervals understate what is known.
 */
import type { TopLevelSpec } from 'vega-lite';
import { LawfitError } from '../errors.js';
import type { FitSummary } from '../report/summary.js';
import { covariance } from '../stats/intervals.js';
import { allPositive, COLOR, EXPONENT_LABEL, percent, sourceLabel, successfulDraws, topLevel } from './style.js';
import { own } from '../util/names.js';

const HIST_PANEL = { width: 190, height: 130 } as const;
const PAIR_PANEL = { width: 120, height: 120 } as const;
/** Axis numbers for parameters: 3 significant digits (A = 478, alpha = 0.347, B = 2.14e+3). */
const PARAM_AXIS = { format: '.3~g', labelExpr: EXPONENT_LABEL, labelOverlap: true, labelFlush: true } as const;

function requireDraws(summary: FitSummary): { draws: number[][]; names: string[]; boot: NonNullable<FitSummary['bootstrap']> } {
  const boot = summary.bootstrap;
  const draws = successfulDraws(summary);
  if (boot === undefined || draws.length < 2) throw new LawfitError('bad-option', `bootstrap plots need a fit with at least 2 successful bootstrap draws (this one has ${draws.length}); refit with --bootstrap N`);
  return { draws, names: summary.law.freeNames, boot };
}

/** What the bootstrap was, for subtitles. */
function describeBootstrap(summary: FitSummary, nDraws: number): string {
  const b = summary.bootstrap!;
  return `${nDraws} bootstrap draws (${b.succeeded} of ${b.replicates} replicates succeeded; design ${b.design}, seed ${b.seed}) of the fit of '${summary.law.name}' to ${summary.data.n} runs from ${sourceLabel(summary)}`;
}

/** Parameters whose draws spread over this factor or more (A and B of a Chinchilla fit) are shown on log axes. */
const WIDE_RATIO = 4;

/** How a parameter is shown: its own values, or for widely spread ones their log10 (binned evenly in log). */
interface ParamScale {
  name: string;
  log: boolean;
  /** The field histograms bin: the name, or `log10_NAME`. */
  binField: string;
  /** A value in the binned field's units. */
  toBinned(v: number): number;
  binAxis: object;
}

function paramScales(draws: readonly number[][], names: readonly string[]): ParamScale[] {
  return names.map((name, j) => {
    const v = draws.map((d) => d[j]!);
    const log = allPositive(v) && Math.max(...v) / Math.min(...v) >= WIDE_RATIO;
    return log
      ? { name, log, binField: `log10_${name}`, toBinned: Math.log10, binAxis: { ...PARAM_AXIS, format: undefined, labelExpr: `replace(format(pow(10, datum.value), '.2~g'), 'e+', 'e')` } }
      : { name, log, binField: name, toBinned: (x: number) => x, binAxis: PARAM_AXIS };
  });
}

function binTitle(p: ParamScale): string {
  return p.log ? `${p.name} (log scale)` : p.name;
}

/** Rows of named draws, one record per successful replicate, with log10 fields for log-scaled parameters. */
function drawRecords(draws: readonly number[][], scales: readonly ParamScale[]): Array<Record<string, number>> {
  return draws.map((d) => Object.fromEntries(scales.flatMap((p, j) => (p.log ? [[p.name, d[j]!], [p.binField, Math.log10(d[j]!)]] : [[p.name, d[j]!]]))));
}

export function bootstrapHistogramsSpec(summary: FitSummary): TopLevelSpec {
  const { draws, names, boot } = requireDraws(summary);
  const scales = paramScales(draws, names);
  const level = percent(boot.level);
  const kinds = ['estimate', `${level} percentile interval`, ...(summary.truth !== undefined ? ['true value'] : [])];
  const color = { field: 'kind', type: 'nominal', title: null, scale: { domain: kinds, range: [COLOR.estimate, COLOR.interval, COLOR.truth] }, legend: { orient: 'top', direction: 'horizontal', labelLimit: 400 } };
  const panels = scales.map((scale) => {
    const name = scale.name;
    const q = boot.parameters.find((p) => p.name === name);
    const at = scale.toBinned;
    const markers = [
      ...(q !== undefined ? [{ kind: kinds[0], value: at(q.estimate) }, { kind: kinds[1], value: at(q.percentile[0]) }, { kind: kinds[1], value: at(q.percentile[1]) }] : []),
      ...(own(summary.truth, name) !== undefined ? [{ kind: 'true value', value: at(own(summary.truth, name)!) }] : []),
    ];
    return {
      ...HIST_PANEL,
      layer: [
        {
          mark: { type: 'bar', color: COLOR.band, opacity: 0.75 },
          encoding: {
            x: { field: scale.binField, type: 'quantitative', bin: { maxbins: 30 }, title: binTitle(scale), axis: scale.binAxis },
            y: { aggregate: 'count', type: 'quantitative', title: 'draws' },
          },
        },
        {
          data: { values: markers },
          mark: { type: 'rule', strokeWidth: 2 },
          encoding: { x: { field: 'value', type: 'quantitative' }, color, strokeDash: { condition: { test: `datum.kind === '${kinds[1]}'`, value: [5, 3] }, value: [1, 0] } },
        },
      ],
    };
  });
  return {
    ...topLevel(`Bootstrap distributions of the parameters of '${summary.law.name}'`, describeBootstrap(summary, draws.length)),
    data: { values: drawRecords(draws, scales) },
    concat: panels,
    columns: Math.min(3, names.length),
  } as TopLevelSpec;
}

/** Pearson correlations of the draws (free parameters x free parameters). */
export function drawCorrelations(draws: readonly number[][], p: number): number[][] {
  const cov = covariance(Float64Array.from(draws.flat()), draws.length, p);
  return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => cov[i * p + j]! / Math.sqrt(cov[i * p + i]! * cov[j * p + j]!)));
}

function scaleOf(p: ParamScale): object {
  return p.log ? { type: 'log', nice: false } : { zero: false };
}

export function bootstrapPairsSpec(summary: FitSummary): TopLevelSpec {
  const { draws, names } = requireDraws(summary);
  const scales = paramScales(draws, names);
  const p = names.length;
  const r = drawCorrelations(draws, p);
  const estimate = Object.fromEntries(names.map((n) => [n, summary.params.find((q) => q.name === n)?.value ?? NaN]));
  const truth = summary.truth;
  const pointSize = draws.length > 1000 ? 5 : 10;
  const axis = (name: string, show: boolean) => (show ? { ...PARAM_AXIS, title: name } : { title: null, labels: false, ticks: false });
  const panels: object[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const xi = names[j]!;
      const yi = names[i]!;
      const xs = scales[j]!;
      const ys = scales[i]!;
      const bottom = i === p - 1;
      const left = j === 0;
      if (i === j) {
        panels.push({
          ...PAIR_PANEL,
          mark: { type: 'bar', color: COLOR.band, opacity: 0.75 },
          encoding: { x: { field: xs.binField, type: 'quantitative', bin: { maxbins: 20 }, axis: bottom ? { ...xs.binAxis, title: xi } : axis(xi, false) }, y: { aggregate: 'count', type: 'quantitative', axis: axis('draws', left), title: left ? 'draws' : null } },
        });
      } else if (i > j) {
        const marks: object[] = [{ mark: { type: 'point', filled: true, size: pointSize, opacity: 0.3, color: COLOR.data }, encoding: { x: { field: xi, type: 'quantitative', scale: scaleOf(xs), axis: axis(xi, bottom) }, y: { field: yi, type: 'quantitative', scale: scaleOf(ys), axis: axis(yi, left) } } }];
        const spots = [{ kind: 'estimate', x: estimate[xi], y: estimate[yi] }, ...(truth?.[xi] !== undefined && truth[yi] !== undefined ? [{ kind: 'true value', x: truth[xi], y: truth[yi] }] : [])];
        marks.push({
          data: { values: spots },
          mark: { type: 'point', shape: 'cross', filled: true, size: 90, strokeWidth: 0 },
          encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'kind', type: 'nominal', title: null, scale: { domain: truth !== undefined ? ['estimate', 'true value'] : ['estimate'], range: [COLOR.interval, COLOR.truth] }, legend: { orient: 'top', direction: 'horizontal' } } },
        });
        panels.push({ ...PAIR_PANEL, layer: marks });
      } else {
        const rij = r[i]![j]!;
        panels.push({
          ...PAIR_PANEL,
          data: { values: [{ text: `r = ${rij.toFixed(2)}`, strength: Math.abs(rij) }] },
          mark: { type: 'text', fontSize: 15 },
          encoding: { text: { field: 'text' }, opacity: { field: 'strength', type: 'quantitative', scale: { domain: [0, 1], range: [0.35, 1] }, legend: null } },
        });
      }
    }
  }
  return {
    ...topLevel(`Bootstrap draws of '${summary.law.name}', in pairs`, [
      describeBootstrap(summary, draws.length),
      'below the diagonal: each pair of parameters (cross: the estimate' + (truth !== undefined ? '; green cross: the true value' : '') + '); on it: histograms; above it: correlation of the draws',
    ]),
    data: { values: drawRecords(draws, scales) },
    concat: panels,
    columns: p,
    spacing: 6,
  } as TopLevelSpec;
}
