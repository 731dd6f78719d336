/**
 * The data with the fitted law and its bands (fit.svg). The runs are points; the law is drawn as
 * curves along the view chosen in view.ts; with bootstrap draws, each curve carries its confidence
 * band (the spread of the law over the draws) and, when there is one curve, the wider prediction
 * band (plus the fit's residual scatter), both from stats/predict.ts. Without draws the law is
 * drawn alone and the subtitle says so. A law with per-group parameters is drawn per group: each
 * group's runs with their own curves (its own law), told apart by the point shape and line dash.
 */
import type { TopLevelSpec } from 'vega-lite';
import { predictAt } from '../stats/predict.js';
import { HELD_OUT_MARK, heldOutLine, pointGroup, shownInputs, type FittedPoint, type PlotInputs } from './inputs.js';
import { allPositive, axisFor, LOG_AXIS, logTicks, COLOR, PANEL, percent, SERIES_SCHEME, sourceLabel, successfulDraws, TOOLTIP_FORMAT, topLevel } from './style.js';
import { chooseView, median, seriesGroups, type FitView } from './view.js';
import { nameTable, own } from '../util/names.js';

/** Points per curve. */
export const CURVE_POINTS = 40;
/** Each curve extends this factor beyond its runs' range of the swept input (log axes). */
const CURVE_MARGIN = 1.25;

export interface CurvePoint {
  /** Which curve (its series value, or 0 for a one-input law). */
  series: number;
  /** For a law with per-group parameters: the group whose law the curve is. */
  group?: string;
  x: number;
  estimate: number;
  /** Confidence band over the bootstrap draws, when the fit has them. */
  lo?: number;
  hi?: number;
  /** Prediction band (confidence plus residual scatter), when the fit has draws. */
  predLo?: number;
  predHi?: number;
}

function sweep(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const a = Math.log(lo / CURVE_MARGIN);
    const b = Math.log(hi * CURVE_MARGIN);
    return Array.from({ length: CURVE_POINTS }, (_, i) => Math.exp(a + ((b - a) * i) / (CURVE_POINTS - 1)));
  }
  const pad = 0.1 * (hi - lo || Math.abs(hi) || 1);
  return Array.from({ length: CURVE_POINTS }, (_, i) => lo - pad + ((hi - lo + 2 * pad) * i) / (CURVE_POINTS - 1));
}

/** The law along the view's curves, with bands from the summary's bootstrap draws when it has them. */
export function fitCurves(inputs: PlotInputs, view: FitView = viewOf(inputs)): CurvePoint[] {
  const { summary, points } = inputs;
  const held = nameTable(view.held.map((name) => [name, median(points.map((p) => own(p.inputs, name)!))] as const));
  const byGroup: Array<{ group: string | undefined; members: FittedPoint[] }> =
    summary.law.groups === undefined ? [{ group: undefined, members: points }] : summary.law.groups.levels.map((group) => ({ group, members: points.filter((p) => pointGroup(summary, p) === group) }));
  const alongLog = allPositive(points.map((p) => p.inputs[view.along]!));
  const out: CurvePoint[] = [];
  for (const { group, members } of byGroup) {
    if (members.length === 0) continue;
    const groups = view.series !== undefined ? seriesGroups(members, view.series) : [{ value: 0, members }];
    for (const g of groups) {
      const along = g.members.map((p) => p.inputs[view.along]!);
      for (const a of sweep(Math.min(...along), Math.max(...along), alongLog)) {
        const at = nameTable<number>([...Object.entries(held), [view.along, a]]);
        if (view.series !== undefined) at[view.series] = g.value;
        const p = predictAt(summary, at, 0, group);
        if (!Number.isFinite(p.estimate)) continue;
        out.push({
          series: g.value,
          ...(group !== undefined ? { group } : {}),
          x: view.x.of(at),
          estimate: p.estimate,
          ...(p.confidence !== undefined ? { lo: p.confidence[0], hi: p.confidence[1] } : {}),
          ...(p.prediction !== undefined ? { predLo: p.prediction[0], predHi: p.prediction[1] } : {}),
        });
      }
    }
  }
  return out;
}

export function viewOf(inputs: PlotInputs): FitView {
  return chooseView(shownInputs(inputs.summary), inputs.summary.data.inputs, inputs.points);
}

export function fitPlotSpec(inputs: PlotInputs): TopLevelSpec {
  const { summary, points } = inputs;
  const view = viewOf(inputs);
  const curves = fitCurves(inputs, view);
  const nDraws = successfulDraws(summary).length;
  const banded = curves.some((c) => c.lo !== undefined);
  const nCurves = new Set(curves.map((c) => `${c.series}|${c.group ?? ''}`)).size;
  const groups = summary.law.groups;
  const target = summary.data.target;
  const yValues = [...points.map((p) => p.observed), ...curves.map((c) => c.estimate)];
  const yLog = summary.law.declaration.space !== 'linear' && allPositive(yValues);
  const series = view.series;
  const inputNames = shownInputs(summary);

  const held = new Set(inputs.heldOut?.rows ?? []);
  const pointRows = points.map((p) => ({ ...p.inputs, x: view.x.of(p.inputs), observed: p.observed, fitted: p.fitted, residual: p.residual, row: p.row, series: series !== undefined ? p.inputs[series]! : 0, heldOut: held.has(p.row), ...(groups !== undefined ? { group: pointGroup(summary, p) } : {}) }));
  // A grouped law: one curve per (series value, group); the group is the point shape and line dash.
  const detail = groups !== undefined ? [{ field: 'series' }, { field: 'group' }] : { field: 'series' };
  const groupField = { field: 'group', type: 'nominal' as const, title: groups?.column ?? '' };
  const shape = groups !== undefined ? { shape: groupField } : {};
  const dash = groups !== undefined ? { strokeDash: groupField } : {};
  const x = { field: 'x', type: 'quantitative' as const, title: view.x.title, scale: { type: view.x.log ? ('log' as const) : ('linear' as const), nice: false, padding: 6 }, axis: { ...axisFor(view.x.log), ...logTicks(pointRows.map((r) => r.x).concat(curves.map((c) => c.x)), view.x.log) } };
  const y = { type: 'quantitative' as const, title: `${target} (points: runs; lines: fitted law)`, scale: yLog ? { type: 'log' as const, nice: false, padding: 6 } : { zero: false, nice: false, padding: 6 }, axis: axisFor(false) };
  const seriesLog = series !== undefined && allPositive(pointRows.map((r) => r.series));
  const color =
    series !== undefined
      ? { color: { field: 'series', type: 'quantitative' as const, title: seriesTitle(series, summary.data.inputs[series]), scale: { type: seriesLog ? ('log' as const) : ('linear' as const), scheme: SERIES_SCHEME }, legend: { ...LOG_AXIS, titleLimit: 300, gradientLength: 200 } } }
      : {};
  // Curves and bands share the points' colour scale but not their legend: a legend fed by both
  // fill (points, bands) and stroke (lines) becomes a list of symbols instead of one gradient.
  const curveColor = 'color' in color ? { color: { ...color.color, legend: null } } : {};
  const fixedColor = (c: string) => (series !== undefined ? {} : { color: c });

  const layers: object[] = [];
  if (banded && nCurves === 1) {
    layers.push({ data: { values: curves }, mark: { type: 'area', opacity: 0.12, color: COLOR.band }, encoding: { x, y: { ...y, field: 'predLo' }, y2: { field: 'predHi' }, detail } });
  }
  if (banded) {
    layers.push({ data: { values: curves }, mark: { type: 'area', opacity: nCurves === 1 ? 0.3 : 0.22, ...fixedColor(COLOR.band) }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, detail, ...curveColor } });
  }
  layers.push({ data: { values: curves }, mark: { type: 'line', strokeWidth: 1.6, ...fixedColor(COLOR.estimate) }, encoding: { x, y: { ...y, field: 'estimate' }, detail, ...curveColor, ...dash } });
  layers.push({
    data: { values: pointRows },
    mark: { type: 'point', filled: true, size: 28, opacity: 0.85, stroke: 'white', strokeWidth: 0.4, ...fixedColor(COLOR.data) },
    encoding: {
      x,
      y: { ...y, field: 'observed' },
      ...color,
      ...shape,
      tooltip: [
        { field: 'row', type: 'quantitative', title: 'row' },
        ...(groups !== undefined ? [groupField] : []),
        ...inputNames.map((n) => ({ field: n, type: 'quantitative', format: TOOLTIP_FORMAT })),
        { field: 'observed', type: 'quantitative', format: TOOLTIP_FORMAT },
        { field: 'fitted', type: 'quantitative', format: TOOLTIP_FORMAT },
        { field: 'residual', type: 'quantitative', format: TOOLTIP_FORMAT },
      ],
    },
  });

  const heldRows = pointRows.filter((r) => r.heldOut);
  if (inputs.heldOut !== undefined && heldRows.length > 0) {
    layers.push({ data: { values: heldRows }, mark: HELD_OUT_MARK, encoding: { x, y: { ...y, field: 'observed' } } });
  }

  const lines = [`${summary.data.n} runs from ${sourceLabel(summary)}; law '${summary.law.name}' at the best fit`];
  if (inputs.heldOut !== undefined && heldRows.length > 0) lines.push(heldOutLine(inputs.heldOut, heldRows.length));
  if (groups !== undefined) lines.push(`per-group parameters (${groups.params.join(', ')} per ${groups.column}): each of the ${groups.levels.length} groups' runs with its own law's curves (shape and dash: ${groups.column})`);
  if (series !== undefined) lines.push(`one curve per ${nCurves === new Set(pointRows.map((r) => `${r.series}|${r.group ?? ''}`)).size ? '' : 'band of '}${groups !== undefined ? `group and ` : ''}${series} (${nCurves} curves; colour: ${series})${view.held.length > 0 ? `; ${view.held.join(', ')} held at the median of the runs` : ''}`);
  lines.push(
    banded
      ? `shaded: ${percent(summary.bootstrap!.level)} confidence band over ${nDraws} bootstrap draws${nCurves === 1 ? ' (darker) and prediction band (lighter)' : ''}`
      : 'no bootstrap draws in this fit: the law alone, no band (refit with --bootstrap N for one)',
  );
  return {
    ...topLevel(`${target} against ${view.x.title.split(' (')[0]}: data and fitted law`, lines),
    ...PANEL,
    layer: layers,
    // Each layer keeps its own legend, so the nulls on the curves do not silence the points'.
    resolve: { legend: { color: 'independent' } },
  } as TopLevelSpec;
}

function seriesTitle(name: string, expression: string | undefined): string {
  if (name === 'N') return 'model size N (parameters)';
  return expression !== undefined && expression !== name ? `${name} = ${expression}` : name;
}
