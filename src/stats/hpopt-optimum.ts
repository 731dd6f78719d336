/**
 * A cell's optimal hyperparameters: one (N, D) cell of a sweep (runs over a grid of learning rates,
 * and optionally batch sizes, at fixed model size and tokens), reduced to the point(s) that the
 * power law η*(N, D), B*(N, D) is fitted to (hpopt-law.ts). Three documented choices:
 *
 * - `best`: the run with the lowest loss (ties: the first in file order). One point per cell; its
 *   lr and bs are grid values, so the estimate is quantised to the grid's step.
 *
 * - `parabola[:W]`: a parabola of the loss in ln lr through the best lr value and its W nearest
 *   lr values on each side (default W = 1: three points, the parabola through them exactly; W ≥ 2
 *   is weighted least squares, parabola.ts), at the best run's batch size (the slice of the grid
 *   through the best run); its vertex is the cell's ln η*. Batch size likewise, in ln bs at the
 *   best run's lr. Repeated runs at one grid value (seeds) enter as their mean loss. A vertex is
 *   only taken when it is a minimum inside the points it was fitted to; otherwise the cell falls
 *   back to the best value and says why: `edge` (the best value is the smallest or largest of the
 *   grid: no neighbour on one side, the optimum may lie beyond the sweep), `too_few_values`
 *   (fewer than 3 distinct values in the slice), `non_positive_curvature` (no minimum), or
 *   `extrapolated` (W ≥ 2: the vertex lies outside the fitted values).
 *
 * - `steplaw[:TOL]`: Step Law's near-optimal set (Li et al. 2025, "Predictable Scale: Part I —
 *   Optimal Hyperparameter Scaling Law in Large Language Model Pretraining", arXiv:2503.04715).
 *   Read in the authors' released fitting code, github.com/step-law/steplaw, code/fit_tool.py:
 *   `query_optimal_lr_bs_data` groups the runs by (N, D), takes each group's minimum smooth loss,
 *   keeps the runs with |loss / min − 1| < filter_threshold (default 0.0025) and converts the batch
 *   size to tokens (bs × seq_len); `fit_models` then regresses ln lr and ln bs on (ln N, ln D) by
 *   ordinary least squares over ALL the kept runs (sklearn LinearRegression), and
 *   `get_bootstrap_lr_bs_scaling_models` bootstraps by resampling the kept runs (1000 draws), the
 *   reported law being the mean of the bootstrap coefficients. lawfit follows the set-in-the-fit
 *   choice: every near-optimal run is a point of the regression (so a cell with a flat optimum
 *   counts more), with TOL the same relative tolerance (default 0.0025) and loss ≤ (1 + TOL)·min
 *   (the loss is never below the minimum). The cell's reported optimum is the geometric mean of
 *   its set's lr (and bs), for display only. Two differences from the authors' code, both
 *   deliberate: lawfit's estimate is the least-squares fit to the data, not the bootstrap mean, and
 *   its bootstrap resamples all runs within each cell and re-derives the set (hpopt.ts), so the
 *   set's own variability is in the interval; the authors resample the kept rows. lawfit takes the
 *   batch size in whatever unit the column holds (give tokens for the paper's convention, e.g.
 *   --hp bs=bs*seq_len). The paper's published fit, as quoted (not read in the paper itself here) by
 *   a reproduction of its Fig. 2 (paperplothub.tech/p/predictscale_3dloss), is
 *   η* = 1.79·N^-0.713·D^0.307 and B* = 0.58·D^0.571 (B in tokens); it serves as
 *   the truth of the synthetic sweeps in src/examples/hp-sweep.ts, since the runs themselves are
 *   not in a form lawfit's tests can read (the data folder was not retrievable here).
 *
 * Every function takes the runs' multiplicities `counts` (1 on the data; the bootstrap's copies
 * in a replicate, 0 for a run not drawn), so the same code serves the fit and each replicate.
 */
import { fitParabola } from './parabola.js';

export const OPTIMUM_KINDS = ['best', 'parabola', 'steplaw'] as const;
export type OptimumKind = (typeof OPTIMUM_KINDS)[number];

export type OptimumChoice = { kind: 'best' } | { kind: 'parabola'; window: number } | { kind: 'steplaw'; tolerance: number };

/** Step Law's default relative tolerance (filter_threshold in the authors' fit_tool.py). */
export const STEPLAW_DEFAULT_TOLERANCE = 0.0025;
/** The parabola's default half-window: the best value and one neighbour on each side. */
export const PARABOLA_DEFAULT_WINDOW = 1;

/** The text of a choice, as --optimum writes it (parseOptimum in cli/hpopt-flags.ts reads it back). */
export function describeOptimum(o: OptimumChoice): string {
  if (o.kind === 'parabola') return `parabola:${o.window}`;
  if (o.kind === 'steplaw') return `steplaw:${o.tolerance}`;
  return 'best';
}

/** How a cell's value of one hyperparameter was obtained. */
export type OptimumFlag = 'best' | 'vertex' | 'edge' | 'too_few_values' | 'non_positive_curvature' | 'extrapolated' | 'near_optimal_set' | 'set_at_edge';

/** What the flags mean, for the report. */
export const OPTIMUM_FLAGS: Record<OptimumFlag, string> = {
  best: 'the best run',
  vertex: 'parabola vertex, inside the fitted values',
  edge: 'best value at the edge of the grid: the best value, not a vertex (the optimum may lie beyond the sweep)',
  too_few_values: 'fewer than 3 values in the slice: the best value',
  non_positive_curvature: 'the parabola has no minimum: the best value',
  extrapolated: 'the vertex lies outside the fitted values: the best value',
  near_optimal_set: "Step Law's near-optimal set (geometric mean shown)",
  set_at_edge: "Step Law's near-optimal set reaches the smallest or largest value of the cell's grid: the set is cut off there, which biases its points toward the inside (widen the sweep or lower TOL)",
};

/** The flags that warn: the value is the best grid value instead of a vertex, or the set is cut off. */
export const WARNING_FLAGS: readonly OptimumFlag[] = ['edge', 'too_few_values', 'non_positive_curvature', 'extrapolated', 'set_at_edge'];

/** The runs of one cell: indices into the run arrays, and those arrays (ln lr, ln bs, loss). */
export interface CellData {
  rows: readonly number[];
  lnLr: Float64Array;
  lnBs: Float64Array | undefined;
  loss: Float64Array;
}

/** A point of the law's regression: ln lr (and ln bs) with its weight (multiplicity). */
export interface OptimumPoint {
  lnLr: number;
  lnBs?: number;
  weight: number;
}

export interface CellOptimum {
  /** The points this cell gives the regression. */
  points: OptimumPoint[];
  /** The cell's optimum (display): ln lr*, ln bs*. */
  lnLr: number;
  lnBs?: number;
  /** Lowest loss among the runs present; the best run (index into the run arrays). */
  bestLoss: number;
  bestRow: number;
  lrFlag: OptimumFlag;
  bsFlag?: OptimumFlag;
  /** steplaw: distinct runs in the near-optimal set. */
  nearOptimal?: number;
}

/** The best present run: lowest loss, the first in file order on ties. */
function bestRun(c: CellData, counts: ArrayLike<number>): number {
  let best = -1;
  for (const i of c.rows) if (counts[i]! > 0 && (best < 0 || c.loss[i]! < c.loss[best]!)) best = i;
  return best;
}

/**
 * The parabola's value of one axis (x = ln lr or ln bs) through the slice of present runs `slice`:
 * mean loss per distinct x (weighted by multiplicity), the best value and W neighbours each side.
 */
function parabolaAxis(x: Float64Array, c: CellData, counts: ArrayLike<number>, slice: readonly number[], window: number): { value: number; flag: OptimumFlag } {
  const byValue = new Map<number, { sum: number; count: number }>();
  for (const i of slice) {
    const e = byValue.get(x[i]!) ?? { sum: 0, count: 0 };
    e.sum += counts[i]! * c.loss[i]!;
    e.count += counts[i]!;
    byValue.set(x[i]!, e);
  }
  const values = [...byValue.entries()].map(([v, e]) => ({ x: v, y: e.sum / e.count })).sort((a, b) => a.x - b.x);
  let k = 0;
  for (let j = 1; j < values.length; j++) if (values[j]!.y < values[k]!.y) k = j;
  const centre = values[k]!.x;
  if (values.length < 3) return { value: centre, flag: 'too_few_values' };
  if (k === 0 || k === values.length - 1) return { value: centre, flag: 'edge' };
  const lo = Math.max(0, k - window);
  const hi = Math.min(values.length - 1, k + window);
  const pts = values.slice(lo, hi + 1);
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const ones = pts.map(() => 1);
  const fit = fitParabola(xs, ys, ones, ones, pts.map((_, j) => j));
  if (!fit.ok) return { value: centre, flag: 'too_few_values' };
  if (!(fit.curvature > 0)) return { value: centre, flag: 'non_positive_curvature' };
  if (!(fit.vertex >= fit.xMin && fit.vertex <= fit.xMax)) return { value: centre, flag: 'extrapolated' };
  return { value: fit.vertex, flag: 'vertex' };
}

/**
 * The cell's optimum under `choice` at multiplicities `counts`; undefined when no run of the cell
 * is present (cannot happen within-cell resampling, which keeps each cell's count).
 */
export function cellOptimum(c: CellData, counts: ArrayLike<number>, choice: OptimumChoice): CellOptimum | undefined {
  const b = bestRun(c, counts);
  if (b < 0) return undefined;
  const bestLoss = c.loss[b]!;
  const withBs = c.lnBs !== undefined;
  if (choice.kind === 'best') {
    const p: OptimumPoint = { lnLr: c.lnLr[b]!, ...(withBs ? { lnBs: c.lnBs![b]! } : {}), weight: 1 };
    return { points: [p], lnLr: p.lnLr, ...(withBs ? { lnBs: p.lnBs!, bsFlag: 'best' as const } : {}), bestLoss, bestRow: b, lrFlag: 'best' };
  }
  if (choice.kind === 'parabola') {
    const present = c.rows.filter((i) => counts[i]! > 0);
    // The slice through the best run: same bs for the lr parabola, same lr for the bs parabola.
    const lrSlice = withBs ? present.filter((i) => c.lnBs![i] === c.lnBs![b]) : present;
    const lr = parabolaAxis(c.lnLr, c, counts, lrSlice, choice.window);
    const bs = withBs ? parabolaAxis(c.lnBs!, c, counts, present.filter((i) => c.lnLr[i] === c.lnLr[b]), choice.window) : undefined;
    const p: OptimumPoint = { lnLr: lr.value, ...(bs !== undefined ? { lnBs: bs.value } : {}), weight: 1 };
    return { points: [p], lnLr: lr.value, ...(bs !== undefined ? { lnBs: bs.value, bsFlag: bs.flag } : {}), bestLoss, bestRow: b, lrFlag: lr.flag };
  }
  // Step Law: every present run within the relative tolerance of the cell's best loss.
  const limit = bestLoss * (1 + choice.tolerance);
  // A set cut off by the grid: the tolerance band extends past the sweep on that side, so the
  // set's points lean inward (bench/results/hpopt.md shows the bias this gives on B*).
  let lrMin = Infinity, lrMax = -Infinity, bsMin = Infinity, bsMax = -Infinity;
  for (const i of c.rows) {
    if (!(counts[i]! > 0)) continue;
    lrMin = Math.min(lrMin, c.lnLr[i]!);
    lrMax = Math.max(lrMax, c.lnLr[i]!);
    if (withBs) {
      bsMin = Math.min(bsMin, c.lnBs![i]!);
      bsMax = Math.max(bsMax, c.lnBs![i]!);
    }
  }
  let lrEdge = false;
  let bsEdge = false;
  const points: OptimumPoint[] = [];
  let w = 0;
  let sLr = 0;
  let sBs = 0;
  for (const i of c.rows) {
    const m = counts[i]!;
    if (!(m > 0) || !(c.loss[i]! <= limit)) continue;
    points.push({ lnLr: c.lnLr[i]!, ...(withBs ? { lnBs: c.lnBs![i]! } : {}), weight: m });
    if (c.lnLr[i] === lrMin || c.lnLr[i] === lrMax) lrEdge = true;
    if (withBs && (c.lnBs![i] === bsMin || c.lnBs![i] === bsMax)) bsEdge = true;
    w += m;
    sLr += m * c.lnLr[i]!;
    if (withBs) sBs += m * c.lnBs![i]!;
  }
  return {
    points,
    lnLr: sLr / w,
    ...(withBs ? { lnBs: sBs / w, bsFlag: bsEdge ? ('set_at_edge' as const) : ('near_optimal_set' as const) } : {}),
    bestLoss,
    bestRow: b,
    lrFlag: lrEdge ? 'set_at_edge' : 'near_optimal_set',
    nearOptimal: points.length,
  };
}
