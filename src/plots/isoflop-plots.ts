/**
 * Plots of an IsoFLOP analysis (Vega-Lite specs, rendered to SVG by the CLI and by the app alike):
 *
 * - isoflop-curves: per budget, the runs' loss against N and against D (log axes), the fitted
 *   parabola (solid when the budget was kept, dashed when QC dropped it) and its vertex with the
 *   vertex's interval (± t·se of ln X*); runs QC dropped are grey crosses, their reason in the tooltip.
 * - isoflop-frontier: each budget's N* and D* against C with intervals (kept budgets filled,
 *   dropped ones hollow grey), the fitted power law and its band: the bootstrap's percentile band
 *   when there are draws, else the frontier fit's t band.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { IsoflopGroup, IsoflopResult } from '../stats/isoflop.js';
import { predictFrontier } from '../stats/isoflop-frontier.js';
import { percentileInterval } from '../stats/intervals.js';
import { normalQuantile } from '../stats/normal.js';
import type { NamedPlot } from './plot-set.js';
import { COLOR, LOG_AXIS, logTicks, PANEL, percent, SERIES_SCHEME, TOOLTIP_FORMAT, topLevel } from './style.js';

const CURVE_POINTS = 48;
const FRONTIER_POINTS = 40;

const short = (v: number): string => Number(v.toPrecision(3)).toExponential().replace('e+', 'e');

function fileSuffix(g: Pick<IsoflopGroup, 'group'>): string {
  return g.group === undefined ? '' : `-${g.group.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
}

/** Every file isoflopPlots may write for these groups (undefined: one ungrouped sweep), for the output check before the run. */
export function isoflopPlotFiles(groups: readonly string[] | undefined): string[] {
  return (groups ?? [undefined]).flatMap((group) => {
    const suffix = fileSuffix(group === undefined ? {} : { group });
    return [`isoflop-curves${suffix}.svg`, `isoflop-frontier${suffix}.svg`];
  });
}

/** The curves and frontier of every group, with stable file names. */
export function isoflopPlots(r: IsoflopResult): NamedPlot[] {
  return r.groups.flatMap((g) => {
    const label = g.group !== undefined ? ` (${g.group})` : '';
    const plots: NamedPlot[] = [{ file: `isoflop-curves${fileSuffix(g)}.svg`, description: `IsoFLOP curves with parabolas and vertices${label}`, spec: isoflopCurvesSpec(r, g) }];
    if (g.frontier !== undefined) plots.push({ file: `isoflop-frontier${fileSuffix(g)}.svg`, description: `compute-optimal N*(C), D*(C) from the vertices${label}`, spec: isoflopFrontierSpec(r, g) });
    return plots;
  });
}

export function isoflopCurvesSpec(r: IsoflopResult, g: IsoflopGroup): TopLevelSpec {
  const z = normalQuantile(0.5 + r.level / 2);
  const panel = (axis: 'N' | 'D'): object => {
    const points = g.verdicts.map((v) => ({ X: v[axis], loss: v.loss, budget: short(v.budget), C: v.budget, row: v.row, status: v.status, dropped: v.status !== 'used' }));
    const curves: object[] = [];
    const vertices: object[] = [];
    for (const b of g.budgets) {
      const fit = b[axis];
      if (fit === undefined) continue;
      const [c0, c1, c2] = fit.coefficients;
      const lo = Math.log(fit.range[0]);
      const hi = Math.log(fit.range[1]);
      const pad = 0.08 * (hi - lo);
      for (let i = 0; i < CURVE_POINTS; i++) {
        const x = lo - pad + ((hi - lo + 2 * pad) * i) / (CURVE_POINTS - 1);
        curves.push({ X: Math.exp(x), loss: c0 + c1 * x + c2 * x * x, budget: short(b.budget), C: b.budget, kept: b.status === 'kept' ? 'kept' : 'dropped' });
      }
      if (Number.isFinite(fit.optimum) && fit.optimum > 0 && fit.curvature > 0) {
        const se = Number.isFinite(fit.logOptimumSe) ? fit.logOptimumSe : 0;
        vertices.push({ X: fit.optimum, lo: fit.optimum * Math.exp(-z * se), hi: fit.optimum * Math.exp(z * se), loss: fit.loss, budget: short(b.budget), C: b.budget, status: b.status, bracket: b.bracket ?? '-' });
      }
    }
    const xs = [...points.map((p) => p.X), ...curves.map((c) => (c as { X: number }).X)];
    const losses = points.map((p) => p.loss).sort((a, b) => a - b);
    // The loss axis spans the runs (a parabola drawn past them can shoot off; it is clipped).
    const yDomain = [losses[0]! - 0.05 * (losses.at(-1)! - losses[0]!), losses.at(-1)! + 0.05 * (losses.at(-1)! - losses[0]!)];
    const x = { field: 'X', type: 'quantitative', title: axis === 'N' ? 'model size N (parameters)' : 'training tokens D', scale: { type: 'log', nice: false }, axis: { ...LOG_AXIS, ...logTicks(xs, true) } };
    const y = { field: 'loss', type: 'quantitative', title: 'loss', scale: { domain: yDomain, zero: false } };
    const color = { field: 'budget', type: 'ordinal', title: 'budget C', sort: { field: 'C' }, scale: { scheme: SERIES_SCHEME } };
    return {
      ...PANEL,
      layer: [
        { data: { values: curves }, mark: { type: 'line', clip: true, strokeWidth: 1.4 }, encoding: { x, y, color, detail: { field: 'budget' }, strokeDash: { field: 'kept', type: 'nominal', title: 'budget', scale: { domain: ['kept', 'dropped'], range: [[1, 0], [4, 3]] } } } },
        { data: { values: points.filter((p) => !p.dropped) }, mark: { type: 'point', filled: true, size: 28, clip: true }, encoding: { x, y, color, tooltip: [{ field: 'row' }, { field: 'budget' }, { field: 'X', title: axis, format: TOOLTIP_FORMAT }, { field: 'loss', format: TOOLTIP_FORMAT }] } },
        { data: { values: points.filter((p) => p.dropped) }, mark: { type: 'point', shape: 'cross', size: 40, color: COLOR.muted, clip: true }, encoding: { x, y, tooltip: [{ field: 'row' }, { field: 'budget' }, { field: 'status', title: 'dropped' }, { field: 'X', title: axis, format: TOOLTIP_FORMAT }, { field: 'loss', format: TOOLTIP_FORMAT }] } },
        { data: { values: vertices }, mark: { type: 'rule', strokeWidth: 1.5, clip: true }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y, color } },
        { data: { values: vertices }, mark: { type: 'point', shape: 'diamond', filled: true, size: 90, stroke: COLOR.estimate, strokeWidth: 0.8, clip: true }, encoding: { x, y, color, tooltip: [{ field: 'budget' }, { field: 'X', title: `${axis}*`, format: TOOLTIP_FORMAT }, { field: 'loss', title: 'L*', format: TOOLTIP_FORMAT }, { field: 'status' }, { field: 'bracket' }] } },
      ],
    };
  };
  const dropped = g.verdicts.filter((v) => v.status !== 'used').length;
  return {
    ...topLevel(`IsoFLOP curves${g.group !== undefined ? ` of ${g.group}` : ''}: ${g.budgets.length} budgets, ${g.runs} runs`, [
      `each budget's parabola of the loss in ln N (left) and ln D (right); diamonds: the vertices with their ${percent(r.level)} interval; dashed: budgets QC dropped`,
      `grey crosses: the ${dropped} run${dropped === 1 ? '' : 's'} QC dropped or left out with their budget (hover for the reason)`,
    ]),
    hconcat: [panel('N'), panel('D')],
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
  } as TopLevelSpec;
}

export function isoflopFrontierSpec(r: IsoflopResult, g: IsoflopGroup): TopLevelSpec {
  const f = g.frontier!;
  const z = normalQuantile(0.5 + r.level / 2);
  const budgets = g.budgets.map((b) => b.budget);
  const cLo = Math.min(...budgets) / 1.5;
  const cHi = Math.max(...budgets, ...g.predictions.map((p) => p.C));
  const draws = (g.bootstrap?.draws ?? []).filter((d): d is NonNullable<typeof d> => d !== null);
  const banded = draws.length >= 2;
  const curve = Array.from({ length: FRONTIER_POINTS }, (_, i) => {
    const C = cLo * (cHi / cLo) ** (i / (FRONTIER_POINTS - 1));
    const lnC = Math.log(C);
    const t = predictFrontier(f.fit, C, r.level);
    const band = (slope: 0 | 1, k: 2 | 3, fallback: [number, number]): [number, number] =>
      banded ? percentileInterval(draws.map((d) => Math.exp(d[k] + d[slope] * lnC)), r.level) : fallback;
    return [
      { C, quantity: 'N', estimate: t.N.estimate, lo: band(0, 2, t.N.interval)[0], hi: band(0, 2, t.N.interval)[1] },
      { C, quantity: 'D', estimate: t.D.estimate, lo: band(1, 3, t.D.interval)[0], hi: band(1, 3, t.D.interval)[1] },
    ];
  }).flat();
  const vertexRows = g.budgets.flatMap((b) =>
    (['N', 'D'] as const).flatMap((q) => {
      const v = b[q];
      if (v === undefined || !(v.curvature > 0) || !(v.optimum > 0)) return [];
      const se = Number.isFinite(v.logOptimumSe) ? v.logOptimumSe : 0;
      return [{ C: b.budget, quantity: q, estimate: v.optimum, lo: v.optimum * Math.exp(-z * se), hi: v.optimum * Math.exp(z * se), status: b.status, kept: b.status === 'kept' }];
    }),
  );
  const x = { field: 'C', type: 'quantitative', title: 'compute budget C (FLOPs)', scale: { type: 'log', nice: false }, axis: { ...LOG_AXIS, ...logTicks(curve.map((c) => c.C), true) } };
  const panel = (q: 'N' | 'D'): object => {
    const rows = curve.filter((c) => c.quantity === q);
    const vs = vertexRows.filter((v) => v.quantity === q && Number.isFinite(v.lo) && Number.isFinite(v.hi));
    const yValues = [...rows.flatMap((c) => [c.lo, c.hi, c.estimate]), ...vs.flatMap((v) => [v.estimate])].filter((v) => v > 0 && Number.isFinite(v));
    const y = { field: 'estimate', type: 'quantitative', title: q === 'N' ? 'compute-optimal model size N*' : 'compute-optimal tokens D*', scale: { type: 'log', nice: false, domain: [Math.min(...yValues) / 1.5, Math.max(...yValues) * 1.5] }, axis: { ...LOG_AXIS, ...logTicks(yValues, true) } };
    return {
      ...PANEL,
      width: 360,
      layer: [
        { data: { values: rows }, mark: { type: 'area', color: COLOR.band, opacity: 0.22, clip: true }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
        { data: { values: rows }, mark: { type: 'line', color: COLOR.estimate, strokeWidth: 1.8, clip: true }, encoding: { x, y } },
        { data: { values: vs }, mark: { type: 'rule', clip: true }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: { condition: { test: 'datum.kept', value: COLOR.data }, value: COLOR.muted } } },
        {
          data: { values: vs },
          mark: { type: 'point', size: 50, clip: true },
          encoding: {
            x,
            y,
            color: { condition: { test: 'datum.kept', value: COLOR.data }, value: COLOR.muted },
            fill: { condition: { test: 'datum.kept', value: COLOR.data }, value: 'white' },
            tooltip: [{ field: 'C', format: TOOLTIP_FORMAT }, { field: 'estimate', title: `${q}*`, format: TOOLTIP_FORMAT }, { field: 'status' }],
          },
        },
      ],
    };
  };
  const ex = (name: string, v: { estimate: number; interval: [number, number] }, boot?: { interval: [number, number] }): string =>
    `${name} = ${v.estimate.toFixed(3)} [${(boot ?? v).interval[0].toFixed(3)}, ${(boot ?? v).interval[1].toFixed(3)}]`;
  const b = g.bootstrap;
  return {
    ...topLevel(`Compute-optimal frontier${g.group !== undefined ? ` of ${g.group}` : ''} (IsoFLOP, Approach 2)`, [
      `points: each budget's vertex with its ${percent(r.level)} interval (hollow grey: budgets QC dropped); line: the least-squares power law over the ${f.budgets} kept budgets`,
      `shaded: ${percent(r.level)} ${banded ? `percentile band over ${draws.length} bootstrap replicates (design ${b!.design})` : 't band of the frontier fit (no bootstrap: run with --bootstrap N)'}`,
      `N* ∝ C^a, D* ∝ C^b with ${ex('a', f.a, b?.a)}, ${ex('b', f.b, b?.b)}, a + b = ${f.sum.estimate.toFixed(3)}`,
    ]),
    hconcat: [panel('N'), panel('D')],
  } as TopLevelSpec;
}
