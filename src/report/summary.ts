/**
 * FitSummary: a fit as plain data. Reports, artifacts and the app all render from this one
 * serialisable shape, so a report printed from a saved artifact is the report printed at fit time.
 */
import { groupsRecord, type GroupsRecord } from '../law/groups.js';
import type { CoverageResult } from '../stats/coverage.js';
import type { FitResult, FitStatistics, StartSummary } from '../fit/fit.js';
import { formatLoss } from '../fit/losses.js';
import type { LmOptions } from '../fit/options.js';
import type { LawDeclaration } from '../law/declaration.js';
import { inputRanges, type FittedLaw } from '../stats/fitted-law.js';

/** A fit as plain data: the statistics' FittedLaw (stats/fitted-law.ts) plus everything a report shows. */
export interface FitSummary extends FittedLaw {
  law: {
    name: string;
    declaration: LawDeclaration;
    freeNames: string[];
    /** Per-group parameters (law/groups.ts): the declaration's `E__g` is displayed as `E[level g]`. */
    groups?: GroupsRecord;
  };
  data: {
    source: string;
    digest?: string;
    n: number;
    inputs: Record<string, string>;
    /** Smallest and largest value of each law input over the fitted rows (for extrapolation warnings). */
    inputRanges?: Record<string, [number, number]>;
    target: string;
    weights?: string;
    where?: string;
  };
  loss: string;
  options: Omit<LmOptions, 'loss'>;
  params: Array<{ name: string; value: number | null; stdError: number | null; fixed: boolean; transform: string; start: number | null }>;
  /** As FitStatistics, with a reduced chi-square that is null when there are no degrees of freedom. */
  statistics: Omit<FitStatistics, 'reducedChiSquare'> & { reducedChiSquare: number | null };
  status: { code: number; name: string; message: string; usable: boolean };
  iterations: number;
  uncertainty: {
    method: 'least-squares' | 'sandwich';
    /** Free parameters in `law.freeNames` order, natural units; null when singular. */
    covariance: number[][] | null;
    correlation: number[][] | null;
  };
  starts: StartSummary;
  engine: string;
  elapsedMs: number;
  /** Variable projection: the parameters solved by least squares per step, those searched, and a note. */
  projection?: { projected: string[]; searched: string[]; note: string };
  /** For f32 engines: how the float64 polish moved the best fit. */
  polish?: { costBefore: number; costAfter: number; maxRelativeChange: number; parameter: string; iterations: number; candidates: number };
  /** For f32 engines with an audit: a sample re-run entirely in float64. */
  audit?: { sampled: number; agreeing: number; tolerance: number; maxRelativeDifference: number; seed: number };
  /** The bootstrap, when one was run: every draw is kept so intervals and derived quantities can be recomputed. */
  bootstrap?: {
    replicates: number;
    succeeded: number;
    failed: number[];
    seed: number;
    design: string;
    level: number;
    startsPerReplicate: number;
    /** Replicates with no usable fit from the basin starts, refit from `rescueStarts` (bootstrap.ts); absent in older artifacts. */
    rescued?: number[];
    rescueStarts?: string;
    /** Why each failed replicate failed (stats/replicate-refit.ts: reason, status name, detail); absent when none failed or in older artifacts. */
    failures?: Array<{ replicate: number; reason: string; status: string; detail: string }>;
    /** Per replicate: its best fit's status name and the share of its starts that reached that best (absent in older artifacts). */
    replicateStatus?: string[];
    replicateShareReachedBest?: number[];
    parameters: Array<{ name: string; estimate: number; sd: number; percentile: [number, number]; bca?: [number, number] }>;
    /** replicates x free parameters, natural units, in law.freeNames order; null for failed replicates. */
    draws: Array<number[] | null>;
    /** Replicates with at most p + 1 effective rows (bootstrap.ts FewRows); absent when none or in older artifacts. */
    fewRows?: { threshold: number; replicates: number[]; minEffectiveRows: number };
  };
  /** A coverage check of these intervals (`lawfit coverage`, stats/coverage.ts), shown next to them. */
  coverage?: CoverageResult;
  /** Known true parameter values (synthetic data only), shown next to the estimates. */
  truth?: Record<string, number>;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function matrix(flat: Float64Array | undefined, p: number): number[][] | null {
  if (flat === undefined) return null;
  return Array.from({ length: p }, (_, i) => Array.from(flat.subarray(i * p, i * p + p)));
}

export function summarizeFit(r: FitResult, truth?: Record<string, number>): FitSummary {
  const ds = r.dataset;
  const p = r.law.free.length;
  const { loss: _loss, ...options } = r.options;
  const summary: FitSummary = {
    law: { name: r.law.name, declaration: r.law.declaration, freeNames: r.law.free.map((f) => f.name), ...(r.law.grouping !== undefined ? { groups: groupsRecord(r.law)! } : {}) },
    data: {
      source: ds.source,
      ...(ds.digest !== undefined ? { digest: ds.digest } : {}),
      n: ds.n,
      inputs: Object.fromEntries(ds.inputNames.map((name, k) => [name, ds.inputExpressions[k] ?? name])),
      inputRanges: inputRanges(ds),
      target: ds.targetExpression,
      ...(ds.weightExpression !== undefined ? { weights: ds.weightExpression } : {}),
      ...(ds.where !== undefined ? { where: ds.where } : {}),
    },
    loss: formatLoss(r.loss),
    options,
    params: r.params.map((q) => ({
      name: q.name,
      value: finiteOrNull(q.value),
      stdError: finiteOrNull(q.stdError),
      fixed: q.fixed,
      transform: q.transform,
      start: finiteOrNull(q.start),
    })),
    statistics: { ...r.statistics, reducedChiSquare: finiteOrNull(r.statistics.reducedChiSquare) },
    status: { ...r.status },
    iterations: r.iterations,
    uncertainty: {
      method: r.uncertainty.method,
      covariance: matrix(r.uncertainty.covariance, p),
      correlation: matrix(r.uncertainty.correlation, p),
    },
    starts: { ...r.starts },
    engine: r.engine,
    elapsedMs: r.elapsedMs,
  };
  if (truth !== undefined) summary.truth = truth;
  if (r.polish !== undefined) {
    const { costBefore, costAfter, maxRelativeChange, parameter, iterations, candidates } = r.polish;
    summary.polish = { costBefore, costAfter, maxRelativeChange, parameter, iterations, candidates };
  }
  if (r.audit !== undefined) summary.audit = { ...r.audit };
  if (r.projection !== undefined) summary.projection = { ...r.projection, projected: [...r.projection.projected], searched: [...r.projection.searched] };
  return summary;
}
