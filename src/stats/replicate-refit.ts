/**
 * The refit of bootstrap replicates, one definition for every path that refits them: bootstrapFit
 * (and through it `compare --bootstrap`, which bootstraps each fold's fit) and fitChain (each
 * stage under the joint bootstrap's run weights). Before this module each path had its own idea
 * of a failed replicate (issue 9); now a replicate is judged here, in this order:
 *
 * 1. `fit-failed`: no start gave a finite cost (status `nonfinite`), or the best end point's status
 *    is not usable (status.ts, e.g. `max-iterations`);
 * 2. `not-identified`: the fit is usable but the runs with positive weight do not pin down the
 *    parameters at it: J'WJ over them (internal coordinates) is singular, the test the covariance
 *    uses (fit/linalg.ts invertSpd). Rows resampling of a 5-run ladder with 4 parameters leaves
 *    some replicates so, e.g. the over-training law's a and c when no run off M = 20 was drawn;
 *    their "draws" are arbitrary points of a flat valley (issue 14: sd(A) = 1.7e+123), not
 *    samples of the estimator.
 * A failed replicate is reported with its reason, the status name from the status table and a
 * one-line detail, and left out of the summaries: never silently dropped.
 *
 * The rescue (`rescue`), for replicates that start from the full fit's basins: a `fit-failed`
 * replicate is refit, in two steps.
 * 1. From the same starts with RESCUE_ITERATION_FACTOR times the iteration cap. The usual failure
 *    is max-iterations in a long, flat valley: on the synthetic ladder a resample can make A and
 *    alpha so nearly degenerate (correlation 0.999) that LM from the full-data optimum needs up to
 *    4,000 iterations, while the cost is already at its minimum. Measured on the five such
 *    replicates of `lawfit demo --bootstrap 1000` (172, 528, 592, 842, 878): all converge, in
 *    milliseconds; from Hoffmann's 4,500-point grid instead, 13,460 of 13,500 fits hit the cap (36 s).
 * 2. For any still failed: from a full multi-start set, the full fit's own starts when they number
 *    at most RESCUE_MAX_STARTS (Hoffmann's grid qualifies), else RESCUE_SOBOL Sobol points over the
 *    law's ranges, with the longer cap.
 * Rescued replicates are listed; those still failing count as failed. Dropping them silently would
 * bias the draws towards resamples that happen to be easy to fit. A `not-identified` replicate is
 * not refit: more iterations cannot make its runs determine the parameters.
 */
import type { Dataset } from '../data/dataset.js';
import { internalFromNatural, type CompiledLaw } from '../law/compile.js';
import type { RunControl } from '../fit/control.js';
import type { Engine } from '../fit/engine.js';
import { fitBatch, type BatchFit } from '../fit/fit.js';
import { invertSpd } from '../fit/linalg.js';
import { resolveLmOptions, type LmOptions } from '../fit/options.js';
import { prepareData, type PreparedData, type ReplicateRecipe } from '../fit/problem.js';
import { makeStarts, type StartSpec } from '../fit/starts.js';
import { STATUS, statusInfo } from '../fit/status.js';

/** The rescue uses the full fit's start set when it has at most this many points... */
export const RESCUE_MAX_STARTS = 4500;
/** The rescue's iteration cap, as a multiple of the run's own. */
export const RESCUE_ITERATION_FACTOR = 10;
/** ...otherwise this many Sobol points over the law's ranges. */
export const RESCUE_SOBOL = 1024;

/**
 * Why a replicate failed; the words every report uses for it. A comparison adds its own reason
 * for a replicate whose refit is fine but whose law is not finite at a held-out run.
 */
export const REPLICATE_FAILURE_REASONS = {
  'fit-failed': 'fit failed',
  'not-identified': 'parameters not identified by the runs drawn',
  'prediction-not-finite': 'the refitted law is not finite at a held-out run',
} as const;

export type ReplicateFailureReason = keyof typeof REPLICATE_FAILURE_REASONS;

export interface RefitFailure {
  /** The replicate, numbered as the caller numbers them (0-based). */
  replicate: number;
  reason: ReplicateFailureReason;
  /** The status name (status.ts) of the replicate's best fit; `nonfinite` when no start gave a finite cost. */
  status: string;
  /** One line: the status's message, or how many runs were drawn for how many parameters. */
  detail: string;
}

/** A failure in words, e.g. "fit failed (max-iterations)" or "parameters not identified by the runs drawn". */
export function describeFailure(f: Pick<RefitFailure, 'reason' | 'status'>): string {
  return f.reason === 'fit-failed' ? `${REPLICATE_FAILURE_REASONS[f.reason]} (${f.status})` : REPLICATE_FAILURE_REASONS[f.reason];
}

/** How every replicate of a set is fitted: the starts, solver options and engine. */
export interface RefitOptions {
  starts: StartSpec;
  lm?: Partial<LmOptions>;
  engine?: Engine;
}

/** What the rescue did (absent parts: nothing needed it). */
export interface RescueReport {
  /** Replicates that failed from the starts and were refit (usable afterwards or not). */
  rescued: number[];
  /** Those still failing after the longer cap, refit from the full start set. */
  fromFullStarts: number[];
  /** That start set, in words (present when fromFullStarts is non-empty). */
  fullStartsDescription?: string;
  /** The rescue's iteration cap. */
  longerIterations: number;
}

/**
 * The replicates of one bootstrap over one law and dataset, numbered 0..count-1: fitted range by
 * range (`fit`, e.g. in chunks that bound the host memory), rescued once at the end (`rescue`),
 * each judged by the rules of the module comment.
 */
export class ReplicateRefits {
  /** Natural values of the free parameters, count x p; NaN for failed replicates. */
  readonly draws: Float64Array;
  /** Status code of each replicate's best fit (STATUS.NONFINITE when no start gave a finite cost). */
  readonly status: Uint8Array;
  /** Share of each replicate's starts that reached its best. */
  readonly shareReachedBest: Float64Array;
  /** Starts per replicate of the first pass (known after the first `fit`). */
  startsPerReplicate = 0;
  private readonly failures = new Map<number, RefitFailure>();
  /** The weight (and target) rows of `fit-failed` replicates, kept for the rescue. */
  private readonly kept = new Map<number, { w: Float64Array; t?: Float64Array }>();
  private readonly data: PreparedData;
  private readonly p: number;

  constructor(
    private readonly law: CompiledLaw,
    private readonly ds: Dataset,
    readonly count: number,
    /** Keep failed replicates' rows for `rescue` (off when no rescue will run: saves the copies). */
    private readonly keepForRescue: boolean,
  ) {
    this.p = law.free.length;
    this.draws = new Float64Array(count * this.p).fill(NaN);
    this.status = new Uint8Array(count).fill(STATUS.NONFINITE);
    this.shareReachedBest = new Float64Array(count);
    this.data = prepareData(law, ds);
  }

  /** Fit replicates first..first+k-1 under `weights` (k x n) and, for fixed designs, `targets` (k x n). */
  async fit(first: number, weights: Float64Array, targets: Float64Array | undefined, o: RefitOptions & { control?: RunControl; recipe?: ReplicateRecipe }): Promise<void> {
    const n = this.ds.n;
    const k = weights.length / n;
    // The recipe (how these rows were drawn) lets an engine redraw them where it solves (the WebGPU
    // engine, on the device); only this first pass has it: the rescue refits a subset of the rows.
    const batch = await fitBatch(this.law, this.ds, { ...batchOptions(o), weightSets: weights, ...(targets !== undefined ? { targetSets: targets } : {}), ...(o.recipe !== undefined ? { recipe: o.recipe } : {}) });
    this.startsPerReplicate = batch.nStarts;
    for (let j = 0; j < k; j++) {
      const w = weights.subarray(j * n, j * n + n);
      this.judge(first + j, batch, j, w);
      if (this.keepForRescue && this.failures.get(first + j)?.reason === 'fit-failed') {
        this.kept.set(first + j, { w: w.slice(), ...(targets !== undefined ? { t: targets.slice(j * n, j * n + n) } : {}) });
      }
    }
  }

  /**
   * Refit the `fit-failed` replicates (module comment): the same starts with the longer cap, then
   * the full start set (`fullStarts`: the full fit's, default the law's own) for those still failing.
   */
  async rescue(o: RefitOptions & { fullStarts?: StartSpec; control?: RunControl }): Promise<RescueReport> {
    const longerIterations = RESCUE_ITERATION_FACTOR * resolveLmOptions(o.lm).maxIterations;
    const rescued = this.failedFits();
    const report: RescueReport = { rescued, fromFullStarts: [], longerIterations };
    if (rescued.length === 0) return report;
    const longer = { ...o, lm: { ...(o.lm ?? {}), maxIterations: longerIterations } };
    await this.refit(rescued, longer);
    const still = this.failedFits();
    if (still.length > 0) {
      const fullSpec = o.fullStarts ?? { kind: 'default' };
      const full = makeStarts(this.law, fullSpec);
      const spec: StartSpec = full.count <= RESCUE_MAX_STARTS ? fullSpec : { kind: 'sobol', count: RESCUE_SOBOL };
      report.fullStartsDescription = full.count <= RESCUE_MAX_STARTS ? full.description : makeStarts(this.law, spec).description;
      report.fromFullStarts = still;
      await this.refit(still, { ...longer, starts: spec });
    }
    return report;
  }

  /** Failed replicates, ascending. */
  failed(): number[] {
    return [...this.failures.keys()].sort((a, b) => a - b);
  }

  /** Every failure, by replicate. */
  failureList(): RefitFailure[] {
    return this.failed().map((r) => this.failures.get(r)!);
  }

  private failedFits(): number[] {
    return this.failed().filter((r) => this.failures.get(r)!.reason === 'fit-failed');
  }

  private async refit(which: number[], o: RefitOptions & { control?: RunControl }): Promise<void> {
    const n = this.ds.n;
    const w = new Float64Array(which.length * n);
    which.forEach((r, j) => w.set(this.kept.get(r)!.w, j * n));
    let t: Float64Array | undefined;
    if (this.kept.get(which[0]!)!.t !== undefined) {
      t = new Float64Array(which.length * n);
      which.forEach((r, j) => t!.set(this.kept.get(r)!.t!, j * n));
    }
    const batch = await fitBatch(this.law, this.ds, { ...batchOptions(o), weightSets: w, ...(t !== undefined ? { targetSets: t } : {}) });
    which.forEach((r, j) => {
      this.failures.delete(r);
      this.judge(r, batch, j, w.subarray(j * n, j * n + n));
    });
  }

  /** Record replicate r from weight vector j of `batch`: its status, share, and draw or failure. */
  private judge(r: number, batch: BatchFit, j: number, weights: Float64Array): void {
    const p = this.p;
    const b = batch.best[j]!;
    this.shareReachedBest[r] = batch.shareReachedBest[j]!;
    this.status[r] = b >= 0 ? batch.status[b]! : STATUS.NONFINITE;
    const info = statusInfo(this.status[r]!);
    if (b < 0 || !info.usable) {
      this.failures.set(r, { replicate: r, reason: 'fit-failed', status: info.name, detail: b < 0 ? 'no start gave a finite cost' : info.message });
      return;
    }
    const natural = batch.params.subarray(b * p, b * p + p);
    if (!identified(this.law, this.data, weights, internalFromNatural(this.law, natural))) {
      const used = weights.reduce((c, x) => c + (x > 0 ? 1 : 0), 0);
      this.failures.set(r, { replicate: r, reason: 'not-identified', status: info.name, detail: `${used} of ${weights.length} runs drawn for ${p} parameters` });
      return;
    }
    this.draws.set(natural, r * p);
  }
}

function batchOptions(o: RefitOptions & { control?: RunControl }): { starts: StartSpec; lm?: Partial<LmOptions>; engine?: Engine; control?: RunControl } {
  return { starts: o.starts, ...(o.lm !== undefined ? { lm: o.lm } : {}), ...(o.engine !== undefined ? { engine: o.engine } : {}), ...(o.control !== undefined ? { control: o.control } : {}) };
}

/**
 * Do the runs with positive weight pin down every parameter at u? J'WJ (internal coordinates)
 * must be positive definite; invertSpd scales it to unit diagonal and counts a pivot below 1e-7
 * as singular.
 */
export function identified(law: CompiledLaw, data: PreparedData, weights: ArrayLike<number>, u: ArrayLike<number>): boolean {
  const p = law.free.length;
  const nF = law.js.nFeatures;
  const A = new Float64Array(p * p);
  const g = new Float64Array(p);
  for (let i = 0; i < data.n; i++) {
    const w = weights[i]!;
    if (!(w > 0)) continue;
    law.js.valueGrad(u, data.X, i * nF, g);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) A[a * p + b] = A[a * p + b]! + w * g[a]! * g[b]!;
  }
  return invertSpd(A, p) !== undefined;
}
