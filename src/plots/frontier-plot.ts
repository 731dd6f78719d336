/**
 * The compute-optimal frontier of a Chinchilla-type law (frontier.svg): N_opt(C) and D_opt(C)
 * from stats/derived.ts (Hoffmann et al. 2022, eq. 4) over budgets from the smallest run's to
 * FRONTIER_DECADES_BEYOND decades past the largest, each with its percentile band over the
 * bootstrap draws, and the fitted runs themselves (C = 6 N D at their own N and D) as points,
 * so a reader sees how far the frontier is extrapolated from where the data are.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FitSummary } from '../report/summary.js';
import { groupLawValues } from '../law/groups.js';
import { chinchillaDraws, DEFAULT_FLOPS_PER_TOKEN_PER_PARAM, optimalAllocation, optimalExponents, overDraws, type ChinchillaParams } from '../stats/derived.js';
import type { PlotInputs } from './inputs.js';
import { COLOR, LOG_AXIS, logTicks, PANEL, percent, sourceLabel, TOOLTIP_FORMAT, topLevel } from './style.js';

/** How far past the largest run the frontier is drawn (planning is extrapolation). */
export const FRONTIER_DECADES_BEYOND = 3;
const FRONTIER_POINTS = 60;

/**
 * True when the fit has the inputs N, D and the parameters A, B, E, alpha (beta) the frontier needs
 * (for a fit with per-group parameters: each group's own law has them, law/groups.ts).
 */
export function isChinchillaType(summary: FitSummary): boolean {
  const values = Object.fromEntries(summary.params.map((q) => [q.name, 0]));
  const g = summary.law.groups;
  const names = new Set(Object.keys(g === undefined ? values : groupLawValues(values, g, g.levels[0], 'frontier')));
  return 'N' in summary.data.inputs && 'D' in summary.data.inputs && ['A', 'B', 'E', 'alpha'].every((n) => names.has(n));
}

/** The groups a frontier is drawn for: each group of a grouped fit, or the fit's one law (undefined). */
function frontierGroups(summary: FitSummary): Array<string | undefined> {
  return summary.law.groups?.levels.slice() ?? [undefined];
}

export interface FrontierPoint {
  C: number;
  quantity: 'N_opt' | 'D_opt';
  /** For a fit with per-group parameters: the group whose own law this is. */
  group?: string;
  estimate: number;
  lo?: number;
  hi?: number;
}

/** N_opt and D_opt over log-spaced budgets from `cMin` to `cMax`, with bands when there are draws (for a grouped fit: of `group`'s own law). */
export function frontierCurve(summary: FitSummary, cMin: number, cMax: number, group?: string): FrontierPoint[] {
  const { best, draws } = chinchillaDraws(summary, group);
  const level = summary.bootstrap?.level ?? 0.95;
  const out: FrontierPoint[] = [];
  for (let i = 0; i < FRONTIER_POINTS; i++) {
    const C = cMin * (cMax / cMin) ** (i / (FRONTIER_POINTS - 1));
    for (const quantity of ['N_opt', 'D_opt'] as const) {
      const of = (p: ChinchillaParams): number => {
        const a = optimalAllocation(p, C);
        return quantity === 'N_opt' ? a.N : a.D;
      };
      const estimate = of(best);
      const g = group !== undefined ? { group } : {};
      if (draws.length < 2) {
        out.push({ C, quantity, ...g, estimate });
        continue;
      }
      const q = overDraws(estimate, draws.map(of), level);
      out.push({ C, quantity, ...g, estimate, lo: q.interval[0], hi: q.interval[1] });
    }
  }
  return out;
}

export function frontierSpec(inputs: PlotInputs): TopLevelSpec {
  const { summary, points } = inputs;
  const k = DEFAULT_FLOPS_PER_TOKEN_PER_PARAM;
  const runs = points.map((p) => ({ C: k * p.inputs.N! * p.inputs.D!, N_opt: p.inputs.N!, D_opt: p.inputs.D!, row: p.row, loss: p.observed }));
  const cMin = Math.min(...runs.map((r) => r.C));
  const cMaxData = Math.max(...runs.map((r) => r.C));
  const groups = frontierGroups(summary);
  const gr = summary.law.groups;
  const curve = groups.flatMap((g) => frontierCurve(summary, cMin, cMaxData * 10 ** FRONTIER_DECADES_BEYOND, g));
  const banded = curve.some((c) => c.lo !== undefined);
  const level = summary.bootstrap?.level ?? 0.95;
  const exponentsOf = (group: string | undefined): string => {
    const { best, draws } = chinchillaDraws(summary, group);
    const ab = optimalExponents(best);
    const exponent = (label: string, est: number, f: (p: ChinchillaParams) => number): string => {
      if (draws.length < 2) return `${label} = ${est.toFixed(3)}`;
      const q = overDraws(est, draws.map(f), level);
      return `${label} = ${est.toFixed(3)} [${q.interval[0].toFixed(3)}, ${q.interval[1].toFixed(3)}]`;
    };
    return `${exponent('a', ab.a, (p) => optimalExponents(p).a)}, ${exponent('b', ab.b, (p) => optimalExponents(p).b)}`;
  };
  const draws = chinchillaDraws(summary, groups[0]).draws;
  // A grouped fit: one frontier per group (its own law), coloured by group.
  const byGroup = gr !== undefined ? { color: { field: 'group', type: 'nominal', title: gr.column } } : {};
  const exponentLines = gr === undefined ? [exponentsOf(undefined)] : [...new Set(groups.map((g) => exponentsOf(g)))].length === 1 ? [`${exponentsOf(groups[0])} (the same for every ${gr.column}: the exponents are shared)`] : groups.map((g) => `${gr.column} = ${g}: ${exponentsOf(g)}`);
  const xValues = curve.map((c) => c.C);
  const x = { field: 'C', type: 'quantitative', title: `compute C = ${k}·N·D (FLOPs)`, scale: { type: 'log', nice: false }, axis: { ...LOG_AXIS, ...logTicks(xValues, true) } };
  const panel = (quantity: 'N_opt' | 'D_opt', title: string): object => {
    const rows = curve.filter((c) => c.quantity === quantity);
    const yValues = [...rows.flatMap((r) => [r.estimate, r.lo ?? r.estimate, r.hi ?? r.estimate]), ...runs.map((r) => r[quantity])];
    const y = { type: 'quantitative', title, scale: { type: 'log', nice: false }, axis: { ...LOG_AXIS, ...logTicks(yValues, true) } };
    const layers: object[] = [];
    if (banded) layers.push({ data: { values: rows }, mark: { type: 'area', color: COLOR.band, opacity: 0.25 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, ...(gr !== undefined ? { ...byGroup, detail: { field: 'group' } } : {}) } });
    layers.push({ data: { values: rows }, mark: { type: 'line', color: COLOR.estimate, strokeWidth: 1.8 }, encoding: { x, y: { ...y, field: 'estimate' }, ...byGroup } });
    layers.push({
      data: { values: runs },
      mark: { type: 'point', filled: true, size: 16, opacity: 0.55, color: COLOR.muted },
      encoding: { x, y: { ...y, field: quantity }, tooltip: [{ field: 'row', type: 'quantitative' }, { field: 'C', type: 'quantitative', format: TOOLTIP_FORMAT }, { field: 'N_opt', title: 'N', type: 'quantitative', format: TOOLTIP_FORMAT }, { field: 'D_opt', title: 'D', type: 'quantitative', format: TOOLTIP_FORMAT }, { field: 'loss', type: 'quantitative', format: TOOLTIP_FORMAT }] },
    });
    layers.push({ data: { values: [{ C: cMaxData }] }, mark: { type: 'rule', strokeDash: [4, 3], color: COLOR.interval }, encoding: { x: { field: 'C', type: 'quantitative' } } });
    return { ...PANEL, width: 360, layer: layers };
  };
  return {
    ...topLevel(`Compute-optimal model size and tokens from '${summary.law.name}'`, [
      `line${gr !== undefined ? `s: one per ${gr.column} (its own law: ${gr.params.join(', ')} per ${gr.column}),` : ':'} N_opt(C) and D_opt(C) at the best fit; ${banded ? `shaded: ${percent(level)} interval over ${draws.length} bootstrap draws` : 'no bootstrap draws in this fit, so no band (refit with --bootstrap N)'}`,
      `grey points: the ${runs.length} runs fitted (${sourceLabel(summary)}), at their own N and D; dashed line: the largest run's compute, beyond it the frontier is extrapolated`,
      `N_opt grows as C^a and D_opt as C^b, with ${exponentLines[0]}`,
      ...exponentLines.slice(1),
    ]),
    hconcat: [panel('N_opt', 'model size N_opt (parameters)'), panel('D_opt', 'training tokens D_opt')],
  } as TopLevelSpec;
}
