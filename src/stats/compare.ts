/**
 * Which law extrapolates best? Each law is fitted (its own start grid and default loss) on the
 * fitting runs of every fold of a holdout scheme (holdout.ts: a filter, the top K by compute,
 * rolling cut-offs, leave-one-group-out) and judged on the fold's held-out runs by the absolute
 * relative error of its predictions, |prediction - actual| / |actual|, the metric of the
 * Hitchhiker's guide to scaling-law estimation (Choshen et al. 2024). A law's error is the mean
 * over the folds it was scored on of each fold's mean over its held-out runs, so a fold with many
 * held-out runs counts as much as one with few.
 *
 * Information criteria: AIC and BIC come from a fit of each law on all runs (none held out), with
 * lmfit's Gaussian definitions (n ln(SSR/n) + 2k, n ln(SSR/n) + k ln n), and the residuals taken
 * in the target's own units, y - prediction, for every law. The fits themselves may run in other
 * spaces (Chinchilla in log space with a Huber loss, the over-training law in linear space), and
 * criteria computed in each law's own residual space would not be comparable between laws.
 *
 * Bootstrap intervals (`bootstrap`): in every fold the fitting runs are resampled (rows, whole
 * clusters, or Bayesian weights; resample.ts), each law is refitted from the best distinct basins
 * of its fit on the fold (bootstrapFit), and the held-out error is recomputed; a replicate's
 * error is the mean over the law's scored folds, as for the point estimate, and the interval is
 * the percentile interval of those errors. It covers the uncertainty of the fit given the runs:
 * how much the error would move had other runs of the same kind been trained. The held-out runs
 * are fixed, so it says nothing about how representative they are of the runs one will predict.
 * Fold f draws its replicates from seed + f, the same for every law, so the laws are compared on
 * the same resamples. A replicate that fails in any of a law's scored folds (its refit failed by
 * the rules every bootstrap uses, replicate-refit.ts, rescue included; or the refitted law is not
 * finite at a held-out run) is counted as failed for that law, with its reason, never silently
 * dropped.
 *
 * Failures are data: a law that cannot be fitted on a fold (or whose fitting runs are fewer than
 * its free parameters) is reported for that fold and scored on the others; only a spec mistake
 * (an input --x does not map) stops the comparison.
 */
import { LawfitError } from '../errors.js';
import type { DataSpec } from '../data/spec.js';
import type { Dataset } from '../data/dataset.js';
import type { Table } from '../data/table.js';
import { datasetForLaw, mappedInputs } from '../law/groups.js';
import { nestedTest, type NestedTest } from './nested.js';
import { formatLoss } from '../fit/losses.js';
import { internalFromNatural, type CompiledLaw } from '../law/compile.js';
import type { Engine } from '../fit/engine.js';
import { isCancelled, PhasedProgress, throwIfCancelled, type RunControl } from '../fit/control.js';
import { fitLaw, type FitResult } from '../fit/fit.js';
import { makeStarts, type StartSpec } from '../fit/starts.js';
import { bootstrapFit, DEFAULT_BASINS, replicateStartSpec, type ReplicateStarts } from './bootstrap.js';
import type { RefitFailure } from './replicate-refit.js';
import { statusInfo } from '../fit/status.js';
import { holdoutFolds, type Fold, type FoldPlan, type Holdout } from './holdout.js';
import { mean, percentileInterval } from './intervals.js';
import { resolveDesign, type ColumnDesign, type ResampleGenerator } from './resample.js';
import { nameTable, own } from '../util/names.js';

/** Resampling designs for a comparison: clusters name a column, since each fold has its own rows. */
export type CompareDesign = ColumnDesign;

export interface CompareBootstrapOptions {
  replicates: number;
  seed: number;
  /** Interval level. Default 0.95, as bootstrapFit's. */
  level?: number;
  /** Default: rows. */
  design?: CompareDesign;
  /** Starts of every replicate's refit. Default: the best distinct basins of the fold's fit (bootstrapFit's default). */
  replicateStarts?: ReplicateStarts;
  /** Resampling generator (resample.ts). Default 'xoroshiro', as bootstrapFit's; 'numpy-legacy' for the rows design only. */
  generator?: ResampleGenerator;
}

export interface CompareOptions {
  engine?: Engine;
  /**
   * Start sets by law name, for laws that should not start from their own default (a user's grid
   * or edited ranges, as the app and `fit --grid/--starts` allow). Default: each law's own starts.
   */
  starts?: Readonly<Record<string, StartSpec>>;
  bootstrap?: CompareBootstrapOptions;
  /**
   * Progress and cancellation (control.ts): one count over every fit of every law, with phases
   * named "LAW, fold F" and "LAW, all runs"; a cancelled run rejects, never reports half a ranking.
   */
  control?: RunControl;
  /**
   * Fit only bootstrap replicates [from, to) in every (law, fold) (a shard's share, shard/): each
   * fold's replicateErrors then cover the slice alone; mergeReplicateErrors joins the shards.
   */
  replicateSlice?: { from: number; to: number };
}

export interface HeldOutError {
  /** Source row number of the held-out run. */
  row: number;
  actual: number;
  predicted: number;
  absRelError: number;
}

export interface FoldScore {
  /** Index into Comparison.folds. */
  fold: number;
  outcome: 'scored' | 'skipped' | 'failed';
  /** Why a fold was skipped or failed. */
  note?: string;
  /** Status name of the law's best fit on the fold's fitting runs. */
  status?: string;
  /** Mean over the fold's held-out runs; NaN unless scored. */
  meanAbsRelError: number;
  heldOut: HeldOutError[];
  /** Bootstrap: percentile interval of the fold's error. */
  interval?: [number, number];
  /** Bootstrap: the fold's error per replicate; null for a failed replicate. */
  replicateErrors?: Array<number | null>;
  /** Bootstrap: why each null of replicateErrors failed (replicate-refit.ts's reasons), by replicate. */
  replicateFailures?: RefitFailure[];
}

export interface LawComparison {
  law: string;
  /** The law's formula text. */
  formula: string;
  /** Number of fitted parameters (k in AIC and BIC). */
  nFree: number;
  /** Mean over scored folds of each fold's mean absolute relative error; NaN when no fold was scored. */
  meanAbsRelError: number;
  /** Bootstrap percentile interval of meanAbsRelError. */
  interval?: [number, number];
  /** From the fit on all runs, residuals in the target's units (see the module comment); NaN if that fit failed. */
  aic: number;
  bic: number;
  /** Set when the law could not be scored on any fold: why. */
  error?: string;
  /** The fit on all runs: its status and parameters, or why it failed. */
  allRuns: { status: string; usable: boolean; params: Record<string, number> } | { error: string };
  folds: FoldScore[];
  scoredFolds: number;
  bootstrap?: {
    replicates: number;
    succeeded: number;
    /** Replicates (0-based) that failed in at least one scored fold. */
    failed: number[];
    /** meanAbsRelError per replicate; null for failed ones. */
    draws: Array<number | null>;
    /** Why each failed replicate failed: its failure in the first scored fold where it failed. */
    failures: Array<RefitFailure & { fold: number }>;
  };
}

export interface Comparison {
  source: string;
  /** Runs the where filter keeps (every fold splits these). */
  runs: number;
  holdout: Holdout;
  folds: Fold[];
  /** Ranked by meanAbsRelError, laws that could not be scored last. */
  laws: LawComparison[];
  /** The bootstrap as run, every default filled in. */
  bootstrap?: Required<CompareBootstrapOptions>;
  /** Shared vs per-group tests (nested.ts): one per grouped law whose shared law is compared too. */
  nested?: NestedTest[];
}

/**
 * Every nested pair of the same law on their fits to all runs: the shared law inside any grouped
 * variant of it, and a grouped variant inside another on the same column whose per-group
 * parameters include its own (b shared inside b per group). Same law, same runs, nested parameters.
 */
function nestedTests(laws: readonly CompiledLaw[], fits: ReadonlyMap<string, AllRunsFit>): NestedTest[] {
  const root = (l: CompiledLaw): CompiledLaw => l.grouping?.base ?? l;
  const sameLaw = (a: CompiledLaw, b: CompiledLaw): boolean => root(a).declaration.formula === root(b).declaration.formula && root(a).name === root(b).name;
  const inside = (small: CompiledLaw, big: CompiledLaw): boolean => {
    const gb = big.grouping;
    if (gb === undefined || small === big || !sameLaw(small, big)) return false;
    const gs = small.grouping;
    if (gs === undefined) return true;
    return gs.column === gb.column && gs.levels.join('\u0000') === gb.levels.join('\u0000') && gs.perParams.every((p) => gb.perParams.includes(p)) && gs.perParams.length < gb.perParams.length;
  };
  const out: NestedTest[] = [];
  for (const big of laws) {
    for (const small of laws) {
      if (!inside(small, big)) continue;
      const a = fits.get(small.name)?.fit;
      const b = fits.get(big.name)?.fit;
      if (a === undefined || b === undefined || a.dataset.n !== b.dataset.n) continue;
      out.push(nestedTest({ name: small.name, nFree: small.free.length, ssr: a.statistics.ssr }, { name: big.name, nFree: big.free.length, ssr: b.statistics.ssr }, b.dataset.n, formatLoss(b.loss)));
    }
  }
  return out;
}

/** Fit each law on every fold's fitting runs, score it on the held-out runs, and rank the laws. */
export async function compareLaws(laws: readonly CompiledLaw[], table: Table, spec: DataSpec, holdout: Holdout, opts: CompareOptions = {}): Promise<Comparison> {
  for (const law of laws) {
    const missing = mappedInputs(law).filter((n) => own(spec.inputs, n) === undefined);
    if (missing.length > 0) {
      throw new LawfitError('data-column', `law '${law.name}' takes ${missing.map((m) => `'${m}'`).join(', ')}, which --x does not map (add e.g. ${missing[0]}=COLUMN)`);
    }
  }
  const plans = holdoutFolds(table, spec.where, holdout);
  const kept = new Set(plans[0]!.fitIndex.concat(plans[0]!.heldOutIndex));
  const b = opts.bootstrap;
  const boot: Required<CompareBootstrapOptions> | undefined =
    b === undefined ? undefined : { level: 0.95, design: { kind: 'rows' }, replicateStarts: { kind: 'basins', k: DEFAULT_BASINS }, generator: 'xoroshiro', ...b };
  // Progress: per law, one phase per fold and one for the fit on all runs, each sized at first by
  // the law's start count (plus its replicates' starts) until the fit reports its own total.
  const phases = plans.length + 1;
  const prog = new PhasedProgress(
    opts.control,
    laws.flatMap((law) => {
      const starts = makeStarts(law, opts.starts?.[law.name] ?? { kind: 'default' }).count;
      const rs = boot === undefined ? undefined : replicateStartSpec(boot.replicateStarts, opts.starts?.[law.name]);
      const replicates = boot === undefined || rs === undefined ? 0 : boot.replicates * (rs.kind === 'basins' ? rs.k : makeStarts(law, rs).count);
      return [...plans.map(() => starts + replicates), starts];
    }),
  );
  const out: LawComparison[] = [];
  const allFits = new Map<string, AllRunsFit>();
  for (const [j, law] of laws.entries()) {
    // Each law reads only its own inputs; the group column rides along for a cluster design.
    const lawSpec: DataSpec = {
      ...spec,
      inputs: nameTable(mappedInputs(law).map((n) => [n, own(spec.inputs, n)!] as const)),
      ...(boot?.design?.kind === 'clusters' ? { group: boot.design.column } : {}),
    };
    const folds: FoldScore[] = [];
    for (let f = 0; f < plans.length; f++) {
      throwIfCancelled(opts.control);
      const label = `${law.name}, fold ${f + 1}`;
      folds.push(await scoreFold(law, table, lawSpec, plans[f]!, f, { engine: opts.engine, control: prog.phase(j * phases + f, label), starts: opts.starts?.[law.name] }, boot, opts.replicateSlice));
      prog.complete(j * phases + f, label);
    }
    const label = `${law.name}, all runs`;
    const allRuns = await fitAllRuns(law, subTable(table, [...kept].sort((a, b) => a - b)), lawSpec, { engine: opts.engine, control: prog.phase(j * phases + plans.length, label), starts: opts.starts?.[law.name] });
    prog.complete(j * phases + plans.length, label);
    allFits.set(law.name, allRuns);
    out.push(summarizeLaw(law, folds, allRuns, boot, opts.replicateSlice));
  }
  out.sort((a, b) => (Number.isNaN(a.meanAbsRelError) ? 1 : Number.isNaN(b.meanAbsRelError) ? -1 : a.meanAbsRelError - b.meanAbsRelError));
  const result: Comparison = { source: table.source, runs: kept.size, holdout, folds: plans.map((p) => p.fold), laws: out };
  if (boot !== undefined) result.bootstrap = boot;
  const nested = nestedTests(laws, allFits);
  if (nested.length > 0) result.nested = nested;
  prog.finish();
  return result;
}

/** What every fit of a comparison runs on: the engine and this fit's share of the progress. */
interface FitRun {
  engine: Engine | undefined;
  control: RunControl | undefined;
  starts: StartSpec | undefined;
}

/** The run as fit options (exactOptionalPropertyTypes: absent options, not undefined ones). */
function fitRunOptions(run: FitRun): { engine?: Engine; control?: RunControl; starts?: StartSpec } {
  return {
    ...(run.engine !== undefined ? { engine: run.engine } : {}),
    ...(run.control !== undefined ? { control: run.control } : {}),
    ...(run.starts !== undefined ? { starts: run.starts } : {}),
  };
}

function subTable(table: Table, index: readonly number[]): Table {
  return { ...table, rows: index.map((r) => table.rows[r]!), rowNumbers: index.map((r) => table.rowNumbers[r]!) };
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** The law's predictions at the held-out runs from internal parameters u. */
function predict(law: CompiledLaw, u: ArrayLike<number>, test: Dataset, X: Float64Array): HeldOutError[] {
  return Array.from({ length: test.n }, (_, i) => {
    const predicted = law.js.prediction(u, X, i * law.js.nFeatures);
    const actual = test.y[i]!;
    return { row: test.rowNumbers[i]!, actual, predicted, absRelError: Math.abs(predicted - actual) / Math.abs(actual) };
  });
}

const meanError = (h: readonly HeldOutError[]): number => mean(h.map((e) => e.absRelError));

async function scoreFold(
  law: CompiledLaw,
  table: Table,
  spec: DataSpec,
  plan: FoldPlan,
  fold: number,
  run: FitRun,
  boot: Required<CompareBootstrapOptions> | undefined,
  slice: { from: number; to: number } | undefined,
): Promise<FoldScore> {
  const p = law.free.length;
  const skipped = (note: string): FoldScore => ({ fold, outcome: 'skipped', note, meanAbsRelError: NaN, heldOut: [] });
  if (plan.fitIndex.length < p) return skipped(`${plan.fitIndex.length} run${plan.fitIndex.length === 1 ? '' : 's'} to fit, fewer than the law's ${p} free parameters`);
  try {
    const fitData = datasetForLaw(law, subTable(table, plan.fitIndex), spec, true);
    const test = datasetForLaw(law, subTable(table, plan.heldOutIndex), spec, false);
    const X = law.js.features(test.inputs, law.inputNames.length, test.n);
    let fit: FitResult;
    let replicateErrors: Array<number | null> | undefined;
    let replicateFailures: RefitFailure[] | undefined;
    if (boot === undefined) {
      fit = await fitLaw(law, fitData, fitRunOptions(run));
    } else {
      const b = await bootstrapFit(law, fitData, {
        replicates: boot.replicates,
        // Modulo 2^32: the seed range (rng.ts); the largest seed's fold 1 wraps to 0.
        seed: (boot.seed + fold) % 2 ** 32,
        design: resolveDesign(boot.design, fitData.groups),
        generator: boot.generator,
        level: boot.level,
        replicateStarts: boot.replicateStarts,
        ...fitRunOptions(run),
        bca: false,
        ...(slice !== undefined ? { slice } : {}),
      });
      fit = b.fit;
      // The refit's failures (replicate-refit.ts), plus replicates whose refitted law cannot be scored.
      const failedFit = new Map(b.failures.map((f) => [f.replicate, f]));
      replicateFailures = [];
      replicateErrors = Array.from({ length: b.replicates }, (_, r) => {
        const f = failedFit.get(r);
        if (f !== undefined) {
          replicateFailures!.push(f);
          return null;
        }
        const e = meanError(predict(law, internalFromNatural(law, b.draws.subarray(r * p, r * p + p)), test, X));
        if (Number.isFinite(e)) return e;
        replicateFailures!.push({ replicate: r, reason: 'prediction-not-finite', status: statusInfo(b.status[r]!).name, detail: 'the refitted law is not finite at some held-out run' });
        return null;
      });
    }
    const heldOut = predict(law, fit.bestInternal, test, X);
    const bad = heldOut.find((h) => !Number.isFinite(h.predicted));
    if (bad !== undefined) return { fold, outcome: 'failed', note: `the fitted law is not finite at held-out row ${bad.row}`, status: fit.status.name, meanAbsRelError: NaN, heldOut };
    const score: FoldScore = { fold, outcome: 'scored', status: fit.status.name, meanAbsRelError: meanError(heldOut), heldOut };
    if (replicateErrors !== undefined) setFoldReplicates(score, replicateErrors, boot!.level, replicateFailures!);
    return score;
  } catch (e) {
    if (isCancelled(e)) throw e;
    return { fold, outcome: 'failed', note: message(e), meanAbsRelError: NaN, heldOut: [] };
  }
}

interface AllRunsFit {
  fit?: FitResult;
  dataset?: Dataset;
  error?: string;
}

async function fitAllRuns(law: CompiledLaw, table: Table, spec: DataSpec, run: FitRun): Promise<AllRunsFit> {
  if (table.rows.length < law.free.length) return { error: `${table.rows.length} runs, fewer than the law's ${law.free.length} free parameters` };
  try {
    const dataset = datasetForLaw(law, table, spec, true);
    return { fit: await fitLaw(law, dataset, fitRunOptions(run)), dataset };
  } catch (e) {
    if (isCancelled(e)) throw e;
    return { error: message(e) };
  }
}

/**
 * Gaussian AIC and BIC (lmfit's definitions) from the residuals in the target's own units, at the
 * internal parameters `u`. Laws fitted in different residual spaces or with different losses (log
 * space with Huber, linear least squares) are only comparable on this common footing; the AIC a
 * fit report gives is in the law's own residual space.
 */
export function targetInformationCriteria(law: CompiledLaw, u: ArrayLike<number>, ds: Dataset): { aic: number; bic: number } {
  const X = law.js.features(ds.inputs, law.inputNames.length, ds.n);
  let ssr = 0;
  let n = 0;
  for (let i = 0; i < ds.n; i++) {
    const w = ds.weights?.[i] ?? 1;
    if (w === 0) continue;
    const r = ds.y[i]! - law.js.prediction(u, X, i * law.js.nFeatures);
    ssr += w * r * r;
    n++;
  }
  const k = law.free.length;
  const fitTerm = n * Math.log(Math.max(ssr, 1e-300) / n);
  return { aic: fitTerm + 2 * k, bic: fitTerm + Math.log(n) * k };
}

/** A fold's replicate errors and their percentile interval (scoreFold, and merging shards). */
export function setFoldReplicates(score: FoldScore, replicateErrors: Array<number | null>, level: number, failures: RefitFailure[]): void {
  score.replicateErrors = replicateErrors;
  score.replicateFailures = failures;
  const ok = replicateErrors.filter((e): e is number => e !== null);
  if (ok.length > 0) score.interval = percentileInterval(ok, level);
  else delete score.interval;
}

/** A law's bootstrap over its scored folds: per replicate the mean of the folds' errors, and its interval. */
export function setLawReplicates(out: LawComparison, replicates: number, level: number): void {
  const scored = out.folds.filter((f) => f.outcome === 'scored');
  delete out.bootstrap;
  delete out.interval;
  if (scored.length === 0) return;
  const draws = Array.from({ length: replicates }, (_, r) => {
    const per = scored.map((f) => f.replicateErrors?.[r] ?? null);
    return per.every((e): e is number => e !== null) ? mean(per) : null;
  });
  const ok = draws.filter((d): d is number => d !== null);
  const failed = draws.flatMap((d, r) => (d === null ? [r] : []));
  const byReplicate = new Map<number, RefitFailure & { fold: number }>();
  for (const f of scored) for (const x of f.replicateFailures ?? []) if (!byReplicate.has(x.replicate)) byReplicate.set(x.replicate, { ...x, fold: f.fold });
  out.bootstrap = { replicates, succeeded: ok.length, failed, failures: failed.flatMap((r) => byReplicate.get(r) ?? []), draws };
  if (ok.length > 0) out.interval = percentileInterval(ok, level);
}

function summarizeLaw(law: CompiledLaw, folds: FoldScore[], all: AllRunsFit, boot: Required<CompareBootstrapOptions> | undefined, slice: { from: number; to: number } | undefined): LawComparison {
  const scored = folds.filter((f) => f.outcome === 'scored');
  const ic = all.fit !== undefined && all.dataset !== undefined ? targetInformationCriteria(law, all.fit.bestInternal, all.dataset) : { aic: NaN, bic: NaN };
  const out: LawComparison = {
    law: law.name,
    formula: law.declaration.formula,
    nFree: law.free.length,
    meanAbsRelError: scored.length > 0 ? mean(scored.map((f) => f.meanAbsRelError)) : NaN,
    aic: ic.aic,
    bic: ic.bic,
    allRuns:
      all.fit !== undefined
        ? { status: all.fit.status.name, usable: all.fit.status.usable, params: Object.fromEntries(all.fit.params.map((q) => [q.name, q.value])) }
        : { error: all.error ?? 'not fitted' },
    folds,
    scoredFolds: scored.length,
  };
  if (scored.length === 0) out.error = folds.find((f) => f.note !== undefined)?.note ?? 'no fold could be scored';
  // A shard's slice is summarised on its own (replicates numbered from 0); merging redoes it over all.
  if (boot !== undefined) setLawReplicates(out, slice !== undefined ? slice.to - slice.from : boot.replicates, boot.level);
  return out;
}
