/**
 * How to show a law of several inputs on one flat plot, by scaling-law convention:
 * - a Chinchilla-type law (inputs N and D): loss against compute C = 6 N D, one curve per model
 *   size N (Hoffmann et al. 2022, Fig. 2), each curve sweeping D at its N;
 * - a law of one input: the law against that input;
 * - any other law: the law against the input spanning the most decades, one curve per value of the
 *   next input; any further inputs are held at their median over the data (and the subtitle says so).
 * Curves are drawn at up to MAX_SERIES values of the series input: every distinct value when there
 * are that few (a ladder), otherwise one per log-spaced bin of the runs.
 */
import { DEFAULT_FLOPS_PER_TOKEN_PER_PARAM } from '../stats/derived.js';
import type { FittedPoint } from './inputs.js';
import { allPositive } from './style.js';
import { own } from '../util/names.js';

export interface FitView {
  x: { title: string; log: boolean; of(inputs: Readonly<Record<string, number>>): number };
  /** The input each curve sweeps (x increases with it). */
  along: string;
  /** The input each curve holds at one value and the colour encodes; absent for one-input laws. */
  series?: string;
  /** Further inputs, held at their median over the runs. */
  held: string[];
}

export const MAX_SERIES = 8;
/** Curves when the series input takes more than MAX_SERIES values: one per log-spaced bin. */
export const SERIES_BINS = 6;

/** Decades an input spans over the runs (its range, not in decades, when it is not positive). */
function span(points: readonly FittedPoint[], name: string): number {
  const v = points.map((p) => own(p.inputs, name)!);
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return allPositive(v) ? Math.log10(hi / lo) : hi - lo;
}

export function chooseView(inputNames: readonly string[], inputExpressions: Readonly<Record<string, string>>, points: readonly FittedPoint[]): FitView {
  const title = (name: string): string => {
    const e = own(inputExpressions, name);
    return e !== undefined && e !== name ? `${name} = ${e}` : name;
  };
  const positive = (name: string): boolean => allPositive(points.map((p) => own(p.inputs, name)!));
  if (inputNames.includes('N') && inputNames.includes('D')) {
    const k = DEFAULT_FLOPS_PER_TOKEN_PER_PARAM;
    return {
      x: { title: `compute C = ${k}·N·D (FLOPs)`, log: true, of: (r) => k * r.N! * r.D! },
      along: 'D',
      series: 'N',
      held: inputNames.filter((n) => n !== 'N' && n !== 'D'),
    };
  }
  const byRange = [...inputNames].sort((a, b) => span(points, b) - span(points, a));
  const along = byRange[0]!;
  const x = { title: title(along), log: positive(along), of: (r: Readonly<Record<string, number>>) => own(r, along)! };
  const rest = inputNames.filter((n) => n !== along);
  if (rest.length === 0) return { x, along, held: [] };
  return { x, along, series: rest[0]!, held: rest.slice(1) };
}

/** Groups of runs that share one curve: the curve's series value and its members. */
export interface SeriesGroup {
  value: number;
  members: FittedPoint[];
}

export function seriesGroups(points: readonly FittedPoint[], series: string): SeriesGroup[] {
  const distinct = [...new Set(points.map((p) => p.inputs[series]!))].sort((a, b) => a - b);
  if (distinct.length <= MAX_SERIES) return distinct.map((value) => ({ value, members: points.filter((p) => p.inputs[series] === value) }));
  const log = allPositive(distinct);
  const t = (v: number): number => (log ? Math.log(v) : v);
  const lo = t(distinct[0]!);
  const hi = t(distinct[distinct.length - 1]!);
  const bins: FittedPoint[][] = Array.from({ length: SERIES_BINS }, () => []);
  for (const p of points) bins[Math.min(SERIES_BINS - 1, Math.floor(((t(p.inputs[series]!) - lo) / (hi - lo)) * SERIES_BINS))]!.push(p);
  // Each bin's curve sits at its members' median value (a size that was trained), not the bin's centre.
  return bins
    .filter((members) => members.length > 0)
    .map((members) => ({ value: median(members.map((p) => p.inputs[series]!)), members }));
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}
