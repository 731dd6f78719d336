/**
 * The public fitting entry: one law, one dataset, many starts -> the best fit, its uncertainty, and
 * how the starts fared. Engines solve the batch; this module owns everything around it that must
 * not differ between engines: the start set, the screening pass, the choice of the best fit, the
 * share of starts that reached it, and the float64 statistics at the optimum.
 *
 * Progress (control.ts) counts every LM run a call makes: the engine's fits, then for f32 engines
 * the float64 audit sample and the float64 polish of the best candidates, in one monotone count.
 */
import { LawfitError } from '../errors.js';
import { naturalFromInternal, type CompiledLaw } from '../law/compile.js';
import { describeTransform } from '../law/transforms.js';
import type { Dataset } from '../data/dataset.js';
import { startCosts } from './cpu/batch.js';
import { projectionDecision } from './cpu/projected.js';
import { costOnly } from './cpu/normal-equations.js';
import { uncertaintyAt, type Uncertainty } from './covariance.js';
import { singleThreadEngine, type Engine } from './engine.js';
import { LEAST_SQUARES, parseLoss, type LossSpec } from './losses.js';
import { resolveLmOptions, type LmOptions } from './options.js';
import { allocateBatchResult, prepareData, recipeFrom, targetRow, type BatchProblem, type BatchResult, type PreparedData, type ReplicateRecipe } from './problem.js';
import { makeStarts, type StartSet, type StartSpec } from './starts.js';
import { DEFAULT_POLISH, polishBest, type PolishReport } from './polish.js';
import { PhasedProgress, slicer, throwIfCancelled, type RunControl } from './control.js';
import { auditBatch, type AuditReport } from './audit.js';
import { isUsable, STATUS, STATUS_TABLE, statusInfo, type StatusInfo } from './status.js';

export interface FitOptions {
  /** Where to start. Default: the law's own grid. */
  starts?: StartSpec;
  /**
   * Global strategy: evaluate the objective at every start and run LM only from the best `screen`.
   * Default: the law's declared value when its own grid is used, otherwise no screening.
   */
  screen?: number;
  /** Solver options; the loss defaults to the law's own (e.g. Huber 1e-3 for Chinchilla), else least squares. */
  lm?: Partial<LmOptions>;
  /** A start "reached the best" when its cost is within this relative distance of the best cost. Default 1e-6. */
  reachTolerance?: number;
  /** Default: the single-thread float64 engine (Node callers usually pass poolEngine()). */
  engine?: Engine;
  /** Keep every start's final parameters, cost and status in the result. Default false. */
  keepStarts?: boolean;
  /** f32 engines: re-run this many randomly chosen problems entirely in float64 and report the agreement. */
  audit?: number;
  /** Seed of the audit's sample. Default 0. */
  auditSeed?: number;
  /** Progress (phases 'screening', 'fits', 'float64 audit', 'float64 polish') and cancellation; see control.ts. */
  control?: RunControl;
}

export const DEFAULT_REACH_TOLERANCE = 1e-6;
/**
 * For f32 engines: their end points carry about 1e-6 relative noise in the cost, and stop where
 * f32 rounding hides progress (1e-3 in Chinchilla's coefficients), so "reached the best" is
 * judged at 1e-4, the precision the f32 costs support. Only the polished best is float64.
 */
export const F32_REACH_TOLERANCE = 1e-4;

/** The tolerance a fit on this engine uses unless the caller gives one. */
export function defaultReachTolerance(engine: Engine): number {
  return engine.precision === 'f32' ? F32_REACH_TOLERANCE : DEFAULT_REACH_TOLERANCE;
}

export interface ParamEstimate {
  name: string;
  value: number;
  /** NaN when unavailable (fixed, or singular information matrix). */
  stdError: number;
  fixed: boolean;
  transform: string;
  /** Natural value at the start the best fit came from (NaN for fixed). */
  start: number;
}

export interface FitStatistics {
  /** Points with positive weight. */
  nData: number;
  nFree: number;
  dof: number;
  /** The objective as defined by the loss (0.5 sum w rho; for Huber, sum of Huber terms). */
  objective: number;
  /** Weighted residual sum of squares in residual space, sum w r^2. */
  ssr: number;
  reducedChiSquare: number;
  /** Gaussian-likelihood information criteria from ssr, as lmfit defines them. */
  aic: number;
  bic: number;
  /** Root mean square residual in residual space (weighted). */
  rmse: number;
}

export interface StartSummary {
  description: string;
  count: number;
  /** Starts LM actually ran from (count minus screened-out). */
  fitted: number;
  usable: number;
  reachedBest: number;
  /** reachedBest / count. */
  shareReachedBest: number;
  /** Relative distance to the best cost within which a start counts as having reached it. */
  reachTolerance: number;
  statusCounts: Record<string, number>;
  bestStartIndex: number;
}

export interface FitResult {
  law: CompiledLaw;
  dataset: Dataset;
  loss: LossSpec;
  options: LmOptions;
  params: ParamEstimate[];
  statistics: FitStatistics;
  status: StatusInfo;
  iterations: number;
  uncertainty: Uncertainty;
  starts: StartSummary;
  engine: string;
  elapsedMs: number;
  /** Internal coordinates of the best fit. */
  bestInternal: Float64Array;
  /** Per-start arrays when keepStarts was set. */
  batch?: BatchResult;
  /** How the float64 polish moved the best fit of an f32 engine. */
  polish?: PolishReport;
  /** f32 engines with `audit`: agreement of a sample re-run entirely in float64. */
  audit?: AuditReport;
  /** Names of the parameters variable projection solved by least squares (empty when it did not run). */
  projected: string[];
  /** Set when the law has projectable parameters: what projection did on this run (projectionReport). */
  projection?: ProjectionReport;
}

export interface ProjectionReport {
  projected: readonly string[];
  searched: readonly string[];
  note: string;
}

/**
 * What variable projection does for this law, options and engine: undefined when the law has no
 * projectable parameter (nothing to say); otherwise the names and a one-line note for reports.
 */
export function projectionReport(law: CompiledLaw, options: LmOptions, engine: Engine, starts: StartSet, data?: PreparedData): ProjectionReport | undefined {
  const info = law.linear;
  if (info.projectable.length === 0) return undefined;
  const lin = info.projectable.map((j) => law.free[j]!.name);
  const non = info.nonlinear.map((j) => law.free[j]!.name);
  if (options.projection === 'off') return { projected: [], searched: [], note: `off (${lin.join(', ')} enter the law linearly; --projection on would solve them by least squares)` };
  if (!projectionDecision(law, options, starts.u, starts.count)) {
    return { projected: [], searched: [], note: `auto chose the full LM: robust loss from distinct starts (${lin.join(', ')} enter the law linearly; --projection on projects them)` };
  }
  // f32 engines project on their own terms (the WebGPU kernel: src/gpu/projected-gpu.ts).
  const f32 = engine.precision !== 'f64';
  if (f32) {
    const plan = engine.projectionPlan !== undefined && data !== undefined ? engine.projectionPlan(law, options, data, starts.u, starts.count) : undefined;
    if (plan === undefined || !plan.project) {
      return { projected: [], searched: [], note: `the full LM ran on the ${engine.name} engine: ${plan?.reason ?? 'it does not project'} (${lin.join(', ')} enter the law linearly)` };
    }
  }
  const nn = info.projectable.filter((_, a) => info.nonNegative[a]).map((j) => law.free[j]!.name);
  const how = nn.length > 0 ? `(non-negative: ${nn.join(', ')})` : '';
  const search = `LM over ${non.length > 0 ? non.join(', ') : 'nothing else'}${f32 ? ` on the ${engine.name} engine in f32` : ''}`;
  const finish = f32 ? 'then the float64 polish of the full problem' : 'then the full LM from that optimum';
  return {
    projected: lin,
    searched: non,
    note: `${lin.join(', ')} solved by ${options.loss.kind === 'linear' ? 'linear' : 'robust (IRLS/Newton)'} least squares at every step ${how}, ${search}, ${finish}`.replace('  ', ' '),
  };
}

/** The loss a fit uses: the caller's, else the law's declared default, else least squares. */
export function resolveLoss(law: CompiledLaw, lm: Partial<LmOptions> | undefined): LossSpec {
  if (lm?.loss !== undefined) return lm.loss;
  const d = law.declaration.defaultLoss;
  if (d === undefined) return LEAST_SQUARES;
  const parsed = parseLoss(d);
  if (parsed === undefined) throw new LawfitError('law-declaration', `law '${law.name}': default loss '${d}' is not a loss`);
  return parsed;
}

export async function fitLaw(law: CompiledLaw, dataset: Dataset, opts: FitOptions = {}): Promise<FitResult> {
  const t0 = performance.now();
  // fitLaw is fitBatch with one weight vector (the dataset's own), plus the audit and the full
  // float64 statistics at the optimum: both go through solveWeighted.
  const run = await solveWeighted(law, dataset, opts);
  const { data, options, starts, screen, batch, engine } = run;
  const p = law.free.length;
  const best = run.best[0]!;
  if (best < 0) {
    const counts = countStatuses(batch);
    throw new LawfitError(
      'data-value',
      `law '${law.name}' could not be evaluated from any of the ${starts.count} starts on ${dataset.source} (${formatCounts(counts)}); check the data's units and the start ranges`,
    );
  }
  const reached = run.reached[0]!;
  let usable = 0;
  for (let k = 0; k < batch.nProblems; k++) if (isUsable(batch.status[k]!)) usable++;
  const reachTolerance = run.reachTolerance;
  const polish = run.polish?.[0];
  const audit = run.audit;
  const bestU = batch.u.slice(best * p, best * p + p);
  const uncertainty = uncertaintyAt(law, data, data.baseWeights, options.loss, bestU);
  const statistics = statisticsAt(law, data, options.loss, bestU);
  const natural = naturalFromInternal(law, bestU);
  const startNat = naturalFromInternal(law, starts.u.subarray(best * p, best * p + p));
  // By declaration index, and named as the law names them (a per-group copy prints as E[pile]).
  const params: ParamEstimate[] = law.declaration.params.map((d, k) => {
    const j = law.free.findIndex((f) => f.declIndex === k);
    if (j < 0) return { name: d.name, value: law.fixed.get(d.name)!, stdError: NaN, fixed: true, transform: 'fixed', start: NaN };
    return {
      name: law.free[j]!.name,
      value: natural[j]!,
      stdError: uncertainty.stdErrors[j]!,
      fixed: false,
      transform: describeTransform(law.free[j]!.transform),
      start: startNat[j]!,
    };
  });
  const counts = countStatuses(batch);
  const result: FitResult = {
    law,
    dataset,
    loss: options.loss,
    options,
    params,
    statistics,
    status: statusInfo(batch.status[best]!),
    iterations: batch.iterations[best]!,
    uncertainty,
    starts: {
      description: starts.description + (screen !== undefined && screen < starts.count ? `, LM from the best ${screen} by start cost` : ''),
      count: starts.count,
      fitted: starts.count - (counts['screened-out'] ?? 0),
      usable,
      reachedBest: reached,
      shareReachedBest: reached / starts.count,
      reachTolerance,
      statusCounts: counts,
      bestStartIndex: best,
    },
    engine: engine.describe(),
    elapsedMs: performance.now() - t0,
    bestInternal: bestU,
    projected: [],
  };
  const projection = projectionReport(law, options, engine, starts, data);
  if (projection !== undefined) {
    result.projection = projection;
    result.projected = [...projection.projected];
  }
  if (opts.keepStarts === true) result.batch = batch;
  if (polish !== undefined) result.polish = polish;
  if (audit !== undefined) result.audit = audit;
  run.prog.finish();
  return result;
}

/**
 * An engine that runs `inner` and counts each call's problems into phase `i` of `prog`, with the
 * caller's signal checked before each call: for loops of small solves (the audit's one-problem
 * calls) that should show as progress and stop on an abort.
 */
function countingEngine(inner: Engine, prog: PhasedProgress, i: number, phase: string, control: RunControl | undefined): Engine {
  let done = 0;
  const pause = slicer(control);
  return {
    ...inner,
    async solve(problem) {
      await pause();
      throwIfCancelled(control);
      const r = await inner.solve(problem);
      done += r.nProblems;
      prog.advance(i, phase, done);
      return r;
    },
  };
}

/**
 * Run the batch, first screening the starts by their initial cost when `screen` is set: under each
 * weight vector only its best `screen` starts are solved; the rest keep their start and cost with
 * status SCREENED_OUT. The start costs of every vector come from one pass (startCosts); the kept
 * starts differ between vectors, so with several vectors each is one engine call of `screen`
 * problems (a BatchProblem shares its starts across its weight vectors).
 */
export async function solveWithScreening(engine: Engine, problem: BatchProblem, screen: number | undefined, control?: RunControl): Promise<BatchResult> {
  if (screen === undefined || screen >= problem.nStarts) return engine.solve(problem, control);
  const p = problem.law.free.length;
  const n = problem.data.n;
  const S = problem.nStarts;
  const costs = await startCosts(problem, control);
  const keeps = Array.from({ length: problem.nWeightSets }, (_, w) =>
    Array.from({ length: S }, (_, s) => s)
      .filter((s) => !Number.isNaN(costs[w * S + s]!))
      .sort((a, b) => costs[w * S + a]! - costs[w * S + b]! || a - b)
      .slice(0, screen),
  );
  const out = allocateBatchResult(problem.nStarts * problem.nWeightSets, p);
  for (let w = 0; w < problem.nWeightSets; w++) {
    out.u.set(problem.starts, w * S * p);
    for (let s = 0; s < S; s++) {
      const c = costs[w * S + s]!;
      out.cost[w * S + s] = c;
      out.status[w * S + s] = Number.isNaN(c) ? STATUS.NONFINITE_START : STATUS.SCREENED_OUT;
    }
  }
  // One phase per weight vector, so the caller sees one monotone count of the screened fits.
  const prog = new PhasedProgress(control, keeps.map((k) => k.length));
  for (let w = 0; w < problem.nWeightSets; w++) {
    const keep = keeps[w]!;
    if (keep.length === 0) continue;
    throwIfCancelled(control);
    const sub = new Float64Array(keep.length * p);
    keep.forEach((s, k) => sub.set(problem.starts.subarray(s * p, s * p + p), k * p));
    const solved = await engine.solve(
      {
        ...problem,
        starts: sub,
        nStarts: keep.length,
        weights: problem.weights.subarray(w * n, (w + 1) * n),
        nWeightSets: 1,
        // Vector w's own targets (a fixed-design replicate), as its start costs were computed.
        ...(problem.targets !== undefined ? { targets: targetRow(problem, w) } : {}),
        ...recipeFrom(problem, w),
      },
      prog.phase(w, 'fits'),
    );
    keep.forEach((s, k) => {
      const at = w * S + s;
      out.u.set(solved.u.subarray(k * p, k * p + p), at * p);
      out.cost[at] = solved.cost[k]!;
      out.status[at] = solved.status[k]!;
      out.iterations[at] = solved.iterations[k]!;
    });
  }
  return out;
}

/** Index of the best fit: lowest cost among usable fits, else lowest finite cost among fitted ones; -1 if none. */
export function pickBest(batch: BatchResult, from = 0, to = batch.nProblems): number {
  let best = -1;
  let bestUsable = false;
  for (let k = from; k < to; k++) {
    const c = batch.cost[k]!;
    const st = batch.status[k]!;
    if (!Number.isFinite(c) || st === STATUS.SCREENED_OUT || st === STATUS.NONFINITE_START) continue;
    const u = isUsable(st);
    if (best < 0 || (u && !bestUsable) || (u === bestUsable && c < batch.cost[best]!)) {
      best = k;
      bestUsable = u;
    }
  }
  return best;
}

export function countStatuses(batch: BatchResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of batch.status) {
    const name = STATUS_TABLE[s]?.name ?? `code-${s}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

/** Statistics at u, all evaluated here in float64 (the objective too, whatever engine found u). */
function statisticsAt(law: CompiledLaw, data: PreparedData, loss: LossSpec, u: ArrayLike<number>): FitStatistics {
  const objective = costOnly(law, data.X, data.yt, data.baseWeights, 0, data.n, loss, u);
  const nF = law.js.nFeatures;
  let ssr = 0;
  let wsum = 0;
  let nData = 0;
  for (let i = 0; i < data.n; i++) {
    const w = data.baseWeights[i]!;
    if (w === 0) continue;
    nData++;
    const r = data.yt[i]! - law.js.value(u, data.X, i * nF);
    ssr += w * r * r;
    wsum += w;
  }
  const p = law.free.length;
  const dof = nData - p;
  const chi = Math.max(ssr, 1e-300);
  return {
    nData,
    nFree: p,
    dof,
    objective,
    ssr,
    reducedChiSquare: dof > 0 ? ssr / dof : NaN,
    aic: nData * Math.log(chi / nData) + 2 * p,
    bic: nData * Math.log(chi / nData) + Math.log(nData) * p,
    rmse: Math.sqrt(ssr / wsum),
  };
}

export interface BatchFitOptions {
  starts?: StartSpec;
  /**
   * Screening, per weight vector: the objective at every start under the vector, then LM from its
   * best `screen` only. Default: as fitLaw, the law's declared value when its own grid is used.
   */
  screen?: number;
  /**
   * Weight vectors, row-major k x n (n = the dataset's rows): each row multiplies the points'
   * costs, e.g. multinomial counts for bootstrap replicates. Default: the dataset's own weights.
   */
  weightSets?: Float64Array;
  /**
   * Target vectors in the law's residual space, one row of n per weight vector (a fixed-design
   * bootstrap's replicates, stats/fixed-design.ts). Default: every weight vector fits the data's.
   */
  targetSets?: Float64Array;
  /** How weightSets (and targetSets) were drawn, so an engine may redraw them where it solves (BatchProblem.recipe). */
  recipe?: ReplicateRecipe;
  lm?: Partial<LmOptions>;
  engine?: Engine;
  reachTolerance?: number;
  /** f32 engines: end points polished in float64 per weight vector (the lowest f32 costs). Default 2 (polish.ts). */
  polishCandidates?: number;
  /** Progress (phases 'fits', then for f32 engines 'float64 polish') and cancellation; see control.ts. */
  control?: RunControl;
}

export interface BatchFit {
  law: CompiledLaw;
  nStarts: number;
  nWeightSets: number;
  /** Problem p = w * nStarts + s. Natural values of the free parameters, nProblems x nFree. */
  params: Float64Array;
  cost: Float64Array;
  status: Uint8Array;
  iterations: Uint32Array;
  /** For each weight vector: the index (into the problems) of its best fit, -1 if none. */
  best: Int32Array;
  /** For each weight vector: the share of its starts within reachTolerance of its best cost. */
  shareReachedBest: Float64Array;
  /** f32 engines: for each weight vector, how the float64 polish moved its best fit. */
  polish?: (PolishReport | undefined)[];
}

/**
 * The batched API: one law, one dataset, every start under every weight vector, in one call, as
 * arrays. Multi-start and bootstrap are both this call (the bootstrap draws its replicates as
 * weight vectors).
 */
export async function fitBatch(law: CompiledLaw, dataset: Dataset, opts: BatchFitOptions = {}): Promise<BatchFit> {
  const { batch, starts, nWeightSets, polish, best, reached, prog } = await solveWeighted(law, dataset, opts);
  const p = law.free.length;
  const params = new Float64Array(batch.nProblems * p);
  for (let k = 0; k < batch.nProblems; k++) params.set(naturalFromInternal(law, batch.u.subarray(k * p, k * p + p)), k * p);
  const share = Float64Array.from(reached, (r, w) => (best[w]! < 0 ? 0 : r / starts.count));
  const out: BatchFit = { law, nStarts: starts.count, nWeightSets, params, cost: batch.cost, status: batch.status, iterations: batch.iterations, best, shareReachedBest: share };
  if (polish !== undefined) out.polish = polish;
  prog.finish();
  return out;
}

interface WeightedRun {
  data: PreparedData;
  options: LmOptions;
  starts: StartSet;
  screen: number | undefined;
  engine: Engine;
  nWeightSets: number;
  batch: BatchResult;
  /** f32 engines: the float64 polish of each weight vector's best candidates. */
  polish?: (PolishReport | undefined)[];
  audit?: AuditReport;
  /** Per weight vector: its best problem (-1 if none) and how many of its starts reached it. */
  best: Int32Array;
  reached: Int32Array;
  reachTolerance: number;
  /** Phases fits, audit, polish; the caller finishes it. */
  prog: PhasedProgress;
}

/**
 * The one orchestration behind fitLaw and fitBatch: options and loss resolved, data prepared,
 * starts made, every start under every weight vector solved (screened per vector), for f32
 * engines audited (on request) and polished in float64 per vector, and each vector's best fit
 * and reach counted.
 */
async function solveWeighted(law: CompiledLaw, dataset: Dataset, opts: BatchFitOptions & Pick<FitOptions, 'audit' | 'auditSeed'>): Promise<WeightedRun> {
  const options = resolveLmOptions({ ...opts.lm, loss: resolveLoss(law, opts.lm) });
  const data = prepareData(law, dataset);
  const startSpec = opts.starts ?? { kind: 'default' };
  const starts = makeStarts(law, startSpec);
  const screen = opts.screen ?? (startSpec.kind === 'default' ? law.declaration.screen : undefined);
  const weights = opts.weightSets ?? data.baseWeights;
  if (weights.length % data.n !== 0 || weights.length === 0) {
    throw new LawfitError('bad-option', `weightSets: expected a multiple of ${data.n} values (one per row per weight vector), got ${weights.length}`);
  }
  for (let k = 0; k < weights.length; k++) {
    if (!(weights[k]! >= 0) || !Number.isFinite(weights[k]!)) throw new LawfitError('bad-option', `weightSets: value ${k} is ${weights[k]}; weights must be finite and >= 0`);
  }
  const nWeightSets = weights.length / data.n;
  const targets = opts.targetSets;
  if (targets !== undefined) {
    if (targets.length !== weights.length) throw new LawfitError('bad-option', `targetSets: expected ${weights.length} values (one per row per weight vector), got ${targets.length}`);
    for (let k = 0; k < targets.length; k++) if (!Number.isFinite(targets[k]!)) throw new LawfitError('bad-option', `targetSets: value ${k} is ${targets[k]}; targets must be finite`);
  }
  const engine = opts.engine ?? singleThreadEngine;
  const control = opts.control;
  const f32 = engine.precision === 'f32';
  const candidates = opts.polishCandidates ?? DEFAULT_POLISH.candidates;
  const auditSample = f32 && opts.audit !== undefined && opts.audit > 0 ? opts.audit : 0;
  const screened = screen !== undefined && screen < starts.count;
  // Phase sizes: fits (the screened count per vector), audit sample, polish candidates per vector.
  const nFits = screened ? screen : starts.count;
  const prog = new PhasedProgress(control, [nFits * nWeightSets, Math.min(auditSample, nFits * nWeightSets), f32 ? nWeightSets * Math.min(candidates, nFits) : 0]);
  throwIfCancelled(control);
  const full: BatchProblem = { law, data, starts: starts.u, nStarts: starts.count, weights, nWeightSets, ...(targets !== undefined ? { targets } : {}), ...(opts.recipe !== undefined ? { recipe: opts.recipe } : {}), options };
  if (screened) prog.advance(0, 'screening', 0);
  const batch = await solveWithScreening(engine, full, screen, prog.phase(0, 'fits'));
  prog.complete(0, 'fits');
  // f32 engines: an audit against float64 on a sample (before the polish changes anything).
  // The audit re-runs the engine's own algorithm (the full LM) in float64: projection off.
  const audit = auditSample > 0 ? await auditBatch({ ...full, options: { ...options, projection: 'off' } }, batch, auditSample, opts.auditSeed ?? 0, countingEngine(singleThreadEngine, prog, 1, 'float64 audit', control)) : undefined;
  prog.complete(1, 'float64 audit');
  // f32 engines: finish each weight vector's best candidates in float64 (in place in `batch`): on
  // this thread, so in slices that let a cancel arrive (thousands of bootstrap replicates take seconds).
  let polish: (PolishReport | undefined)[] | undefined;
  if (f32) {
    polish = [];
    const pause = slicer(control);
    const perVector = Math.min(candidates, nFits);
    // An engine that projected gets the projected float64 polish (polish.ts).
    const projected = engine.projectionPlan?.(law, options, data, starts.u, starts.count).project === true;
    for (let w = 0; w < nWeightSets; w++) {
      await pause();
      polish.push(polishBest(law, data, weights, w * data.n, batch, w * starts.count, (w + 1) * starts.count, options, candidates, targetRow(full, w), projected));
      prog.advance(2, 'float64 polish', (w + 1) * perVector);
    }
  }
  prog.complete(2, 'float64 polish');
  // f32 engines: the best fit is the polish's winner. Raw f32 costs sit slightly below the true
  // optimum (f32 rounding of the residuals), so comparing them with float64 costs would crown an
  // unpolished end point with an objective no float64 evaluation reproduces.
  const reachTolerance = opts.reachTolerance ?? defaultReachTolerance(engine);
  const best = new Int32Array(nWeightSets);
  const reached = new Int32Array(nWeightSets);
  for (let w = 0; w < nWeightSets; w++) {
    const from = w * starts.count;
    const b = polish?.[w] !== undefined ? polish[w]!.problem : pickBest(batch, from, from + starts.count);
    best[w] = b;
    if (b < 0) continue;
    const c = batch.cost[b]!;
    for (let k = from; k < from + starts.count; k++) if (batch.cost[k]! <= c + reachTolerance * Math.abs(c)) reached[w]!++;
  }
  const run: WeightedRun = { data, options, starts, screen, engine, nWeightSets, batch, best, reached, reachTolerance, prog };
  if (polish !== undefined) run.polish = polish;
  if (audit !== undefined) run.audit = audit;
  return run;
}
