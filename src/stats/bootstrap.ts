/**
 * The bootstrap of a fit: replicates drawn as weight vectors (resample.ts), every replicate refit
 * with multi-start through the batched API (one call, any engine), and the draws summarised:
 * standard deviations, covariance, percentile and BCa intervals. Failed replicates are counted
 * and reported, never silently dropped. The fixed-design designs (`residuals`, `wild`) keep the
 * weights and give each replicate its own targets, drawn around the full fit (fixed-design.ts).
 * The BCa acceleration comes from the row jackknife for every design.
 *
 * Starts per replicate:
 * - `basins` (the default): the best k distinct end points of the full-data fit (distinct: some
 *   natural parameter differs by more than 1e-3 relative). Fast, and each replicate still gets a
 *   chance at every basin the full data showed.
 * - any StartSpec: the same start set for every replicate (e.g. the law's full grid).
 *
 * Every replicate is refit and judged by replicate-refit.ts, the one definition of a failed
 * replicate that compare and chain use too: no usable fit, or parameters the resample does not
 * identify; with basin starts a replicate whose fit failed is rescued (a longer iteration cap,
 * then the full start set) before it counts as failed. Failed replicates are listed with their
 * reasons and left out of the summaries.
 *
 * Progress (control.ts) is one monotone count over four phases, 'full fit', 'bootstrap
 * replicates', 'rescue' (sized when known) and 'jackknife' (BCa only). Their sizes are estimated before the full fit runs (the
 * replicates' basin count is at most k) and settle as each phase reports its own total.
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { naturalFromInternal, type CompiledLaw } from '../law/compile.js';
import type { Engine } from '../fit/engine.js';
import { fitBatch, fitLaw, type FitResult } from '../fit/fit.js';
import { ReplicateRefits, RESCUE_ITERATION_FACTOR, type RefitFailure } from './replicate-refit.js';
import { resolveLmOptions, type LmOptions } from '../fit/options.js';
import { makeStarts, type StartSpec } from '../fit/starts.js';
import { PhasedProgress, type RunControl } from '../fit/control.js';
import { isUsable } from '../fit/status.js';
import { bcaInterval, covariance, percentileInterval, sd } from './intervals.js';
import { isFixedDesign, resampleWeights, type BootstrapDesign, type ResampleGenerator } from './resample.js';
import { fixedDesignBasis, replicateTargets } from './fixed-design.js';
import { formatCount } from '../util/format-count.js';
import type { ReplicateRecipe } from '../fit/problem.js';

/** Where each replicate starts: the full fit's best distinct basins, the full fit's own start set ('same'), or any start set. */
export type ReplicateStarts = { kind: 'basins'; k: number } | { kind: 'same' } | StartSpec;

/** The replicate starts with 'same' resolved to the full fit's start set (`fullStarts`, default the law's own). */
export function replicateStartSpec(rs: ReplicateStarts, fullStarts: StartSpec | undefined): { kind: 'basins'; k: number } | StartSpec {
  return rs.kind === 'same' ? (fullStarts ?? { kind: 'default' }) : rs;
}

export interface BootstrapOptions {
  replicates: number;
  seed: number;
  /**
   * Index of the first replicate: the run refits replicates [firstReplicate, firstReplicate +
   * replicates) of the seed's sequence (each replicate's draws depend on (seed, index) only), so a
   * run can be split into ranges. Default 0.
   */
  firstReplicate?: number;
  /** Replicates per batched call (default REPLICATE_CHUNK): bounds the host memory; results do not depend on it. */
  replicateChunk?: number;
  design?: BootstrapDesign;
  generator?: ResampleGenerator;
  /** Starts for the full-data fit. Default: the law's grid. */
  starts?: StartSpec;
  /** Starts for every replicate. Default: the best 4 distinct basins of the full-data fit. */
  replicateStarts?: ReplicateStarts;
  lm?: Partial<LmOptions>;
  engine?: Engine;
  /** Interval level. Default 0.95. */
  level?: number;
  /** Compute BCa intervals (one jackknife refit per row). Default true. */
  bca?: boolean;
  /** Refit replicates that fail from basin starts with a full start set (see the module comment). Default true. */
  rescue?: boolean;
  /** Progress over the full fit, the replicates, the rescue and the jackknife, and cancellation; see control.ts. */
  control?: RunControl;
  /**
   * Fit only replicates [from, to) of the R (a shard's share; shard/): the result's draws and
   * summaries cover the slice alone, and `part` carries it to assembleBootstrap. Default: all.
   */
  slice?: { from: number; to: number };
  /** Compute the BCa jackknife (when bca is on). Default true; a shard other than the first skips it. */
  jackknife?: boolean;
  /**
   * The full-data fit, when the caller has it already (fitted with `starts` and keepStarts, as
   * this function would): e.g. a coverage check that bootstraps one dataset under several designs.
   */
  fit?: FitResult;
}

export interface ParameterSummary {
  name: string;
  estimate: number;
  sd: number;
  percentile: [number, number];
  bca?: [number, number];
}

export interface BootstrapResult {
  fit: FitResult;
  replicates: number;
  /** Replicates whose best fit is usable and identified; the others are reported in `failed`. */
  succeeded: number;
  failed: number[];
  /** Why each of `failed` failed (replicate-refit.ts), in the same order. */
  failures: RefitFailure[];
  /** Replicates that failed from the basin starts and were refit from `rescueStarts` (usable or not). */
  rescued: number[];
  /** What the rescue started from, e.g. "law grid (4,500 points)"; absent when nothing needed it. */
  rescueStarts?: string;
  /** Natural values of the free parameters per replicate (failed ones NaN), replicates x p. */
  draws: Float64Array;
  /** Share of each replicate's starts that reached its best. */
  shareReachedBest: Float64Array;
  /** Status code (status.ts) of each replicate's best fit; STATUS.NONFINITE when no start gave a finite cost. */
  status: Uint8Array;
  level: number;
  parameters: ParameterSummary[];
  covariance: Float64Array;
  startsPerReplicate: number;
  /** The replicates this call fitted, as assembleBootstrap takes them (bootstrapFit only). */
  part?: BootstrapPart;
  /** The BCa jackknife, n x p (bootstrapFit, when computed). */
  jackknife?: Float64Array;
  /**
   * Replicates with at most p + 1 effective rows (distinct rows with positive weight): with p
   * parameters such a fit (nearly) interpolates its rows, so its draw says nothing about the
   * sampling spread (issue 14: 5 parameters on 6 rows gave sd(A) = 1.7e+123). Empty when none.
   */
  fewRows: FewRows;
}

export interface FewRows {
  /**
   * p + 1: a replicate with this many effective rows or fewer is flagged. Under a law with
   * per-group parameters (law/groups.ts) a replicate is also flagged when one group has no more
   * effective rows than its own parameters: that group's copies interpolate its rows.
   */
  threshold: number;
  /** The flagged replicates (0-based). */
  replicates: number[];
  /** The fewest effective rows of any replicate. */
  minEffectiveRows: number;
}

/** Effective rows (distinct rows with positive weight) of each replicate, and those at most p + 1. */
export function fewEffectiveRows(weights: Float64Array, replicates: number, n: number, p: number): FewRows {
  const flagged: number[] = [];
  let min = Infinity;
  for (let r = 0; r < replicates; r++) {
    let rows = 0;
    for (let i = 0; i < n; i++) if (weights[r * n + i]! > 0) rows++;
    min = Math.min(min, rows);
    if (rows <= p + 1) flagged.push(r);
  }
  return { threshold: p + 1, replicates: flagged, minEffectiveRows: Number.isFinite(min) ? min : 0 };
}

/**
 * fewEffectiveRows counted range by range, replicates in ascending order (a chunk, a shard's
 * slice, or rows drawn only to be counted): the host never holds more than one range's weights.
 */
export class FewRowsCounter {
  private readonly flagged: number[] = [];
  private min = Infinity;
  /**
   * `groups`: for a grouped law, each row's group (index into its levels), the number of groups,
   * and the parameters each group has of its own.
   */
  constructor(
    private readonly n: number,
    private readonly p: number,
    private readonly groups?: { of: Int32Array; count: number; own: number },
  ) {}

  /** Count replicates first .. first + count - 1, whose weight rows are `weights` (count x n). */
  add(weights: Float64Array, count: number, first: number): void {
    const n = this.n;
    const g = this.groups;
    const perGroup = new Int32Array(g?.count ?? 0);
    for (let r = 0; r < count; r++) {
      let rows = 0;
      perGroup.fill(0);
      for (let i = 0; i < n; i++) {
        if (weights[r * n + i]! > 0) {
          rows++;
          if (g !== undefined) perGroup[g.of[i]!]!++;
        }
      }
      this.min = Math.min(this.min, rows);
      if (rows <= this.p + 1 || (g !== undefined && perGroup.some((c) => c <= g.own))) this.flagged.push(first + r);
    }
  }

  result(): FewRows {
    return { threshold: this.p + 1, replicates: [...this.flagged], minEffectiveRows: Number.isFinite(this.min) ? this.min : 0 };
  }
}

/** For a grouped law: each row's group, read from its one-hot indicator inputs (law/groups.ts). */
function groupOfRows(law: CompiledLaw, ds: Dataset): { of: Int32Array; count: number; own: number } | undefined {
  const gr = law.grouping;
  if (gr === undefined) return undefined;
  const cols = gr.indicatorInputs.map((name) => ds.inputNames.indexOf(name));
  if (cols.some((c) => c < 0)) return undefined;
  const k = ds.inputNames.length;
  const of = new Int32Array(ds.n);
  for (let i = 0; i < ds.n; i++) of[i] = Math.max(0, cols.findIndex((c) => ds.inputs[i * k + c] === 1));
  return { of, count: gr.levels.length, own: gr.perParams.length };
}

export const DEFAULT_BASINS = 4;
/** Replicates per batched call: bounds the host's weight and target rows (R x n each otherwise). */
export const REPLICATE_CHUNK = 16_384;
// The rescue's constants live with the refit (replicate-refit.ts); re-exported for existing callers.
export { RESCUE_ITERATION_FACTOR, RESCUE_MAX_STARTS, RESCUE_SOBOL } from './replicate-refit.js';

export async function bootstrapFit(law: CompiledLaw, ds: Dataset, o: BootstrapOptions): Promise<BootstrapResult> {
  const level = o.level ?? 0.95;
  const engine = o.engine;
  const n = ds.n;
  const rs = replicateStartSpec(o.replicateStarts ?? { kind: 'basins', k: DEFAULT_BASINS }, o.starts);
  const bca = o.bca !== false;
  // Estimated sizes, in fits: the full fit's starts (fitLaw reports its exact total, screening and
  // polish included, as soon as it starts), every replicate's starts, one jackknife fit per row.
  // Only worked out when someone watches (a law's grid can have 163,840 points).
  const sizes = (): number[] => {
    const perReplicate = rs.kind === 'basins' ? rs.k : makeStarts(law, rs).count;
    return [makeStarts(law, o.starts ?? { kind: 'default' }).count, o.replicates * perReplicate, 0, bca ? n : 0];
  };
  const prog = new PhasedProgress(o.control, o.control !== undefined ? sizes() : []);
  const fit = o.fit ?? await fitLaw(law, ds, {
    ...(o.starts !== undefined ? { starts: o.starts } : {}),
    ...(o.lm !== undefined ? { lm: o.lm } : {}),
    ...(engine !== undefined ? { engine } : {}),
    keepStarts: true,
    ...controlFor(prog.phase(0, 'full fit')),
  });
  prog.complete(0, 'full fit');
  const p = law.free.length;
  const base = ds.weights ?? new Float64Array(n).fill(1);

  const starts: StartSpec = rs.kind === 'basins' ? { kind: 'points', points: distinctBasins(law, fit, rs.k) } : rs;

  const design = o.design ?? { kind: 'rows' };
  const fullNatural = fit.params.filter((q) => !q.fixed).map((q) => q.value);
  const basis = isFixedDesign(design) ? fixedDesignBasis(law, ds, fullNatural, design) : undefined;
  const common = { starts, ...(o.lm !== undefined ? { lm: o.lm } : {}), ...(engine !== undefined ? { engine } : {}) };
  // The replicates this call fits: [slice.from, slice.to) of the R (a shard's share), offset by
  // firstReplicate in the seed's sequence. Replicate r's draws depend on (seed, r) only
  // (resample.ts), so a shard draws its own range alone and replicate r is the same resample in
  // any shard layout; the numpy-legacy generator, sequential by construction, runs its stream
  // through the earlier replicates first.
  const slice = o.slice ?? { from: 0, to: o.replicates };
  if (!(Number.isInteger(slice.from) && Number.isInteger(slice.to) && 0 <= slice.from && slice.from <= slice.to && slice.to <= o.replicates)) {
    throw new LawfitError('bad-option', `bootstrap: replicate slice [${slice.from}, ${slice.to}) is not within the ${o.replicates} replicates`);
  }
  const m = slice.to - slice.from;
  const first0 = (o.firstReplicate ?? 0) + slice.from;
  // Replicates in chunks of REPLICATE_CHUNK, each drawn by range, so the host holds one chunk's
  // weights and targets however many replicates there are; the refits (replicate-refit.ts) keep
  // only failed replicates' rows, for the rescue. Indices below are local to the slice (r) until
  // the part is built (slice.from + r).
  const rescue = rs.kind === 'basins' && o.rescue !== false;
  const refits = new ReplicateRefits(law, ds, m, rescue);
  // Replicates with at most p + 1 effective rows, counted chunk by chunk over this slice (global
  // numbers); a merge joins the slices' sets (assembleBootstrap).
  const few = new FewRowsCounter(n, p, groupOfRows(law, ds));
  let doneBefore = 0;
  const chunkSize = Math.max(1, Math.floor(o.replicateChunk ?? REPLICATE_CHUNK));
  for (let first = 0; first < m; first += chunkSize) {
    const count = Math.min(chunkSize, m - first);
    const raw = resampleWeights(n, { replicates: count, seed: o.seed, first: first0 + first, design, ...(o.generator !== undefined ? { generator: o.generator } : {}) });
    for (let r = 0; r < count; r++) for (let i = 0; i < n; i++) raw[r * n + i] = raw[r * n + i]! * base[i]!;
    few.add(raw, count, slice.from + first);
    const targets = basis !== undefined && isFixedDesign(design) ? replicateTargets(basis, design, o.seed, first0 + first, count) : undefined;
    const before = doneBefore;
    let chunkTotal = 0;
    const chunkControl: RunControl | undefined =
      o.control === undefined
        ? undefined
        : {
            ...(o.control.signal !== undefined ? { signal: o.control.signal } : {}),
            onProgress: (q) => {
              prog.resize(1, before + q.total * Math.ceil((m - first) / count));
              prog.advance(1, 'bootstrap replicates', before + q.done);
              chunkTotal = q.total;
            },
          };
    // The recipe lets an engine redraw these rows where it solves (the WebGPU engine, on the device).
    const recipe: ReplicateRecipe | undefined =
      (o.generator ?? 'xoroshiro') === 'xoroshiro' && (design.kind === 'rows' || design.kind === 'clusters' || isFixedDesign(design))
        ? { seed: o.seed, first: first0 + first, stream: 0, design, base, ...(basis !== undefined ? { basis } : {}) }
        : undefined;
    await refits.fit(first, raw, targets, { ...common, ...(recipe !== undefined ? { recipe } : {}), ...controlFor(chunkControl) });
    doneBefore = before + chunkTotal;
  }
  prog.complete(1, 'bootstrap replicates');
  const startsPerReplicate = starts.kind === 'points' ? starts.points.length : makeStarts(law, starts).count;

  const rescueReport = rescue
    ? await refits.rescue({ ...common, ...(o.starts !== undefined ? { fullStarts: o.starts } : {}), ...controlFor(prog.phase(2, 'rescue')) })
    : { rescued: [], fromFullStarts: [], longerIterations: RESCUE_ITERATION_FACTOR * resolveLmOptions(o.lm).maxIterations };
  prog.complete(2, 'rescue');
  const { draws, shareReachedBest, status } = refits;
  const failed = refits.failed();
  const failures = refits.failureList();
  const { rescued, fromFullStarts } = rescueReport;
  const global = (rs_: number[]): number[] => rs_.map((r) => slice.from + r);
  const part: BootstrapPart = {
    from: slice.from,
    to: slice.to,
    draws,
    shareReachedBest,
    status,
    failed: global(failed),
    failures: failures.map((f) => ({ ...f, replicate: slice.from + f.replicate })),
    rescued: global(rescued),
    fromFullStarts: global(fromFullStarts),
    ...(rescueReport.fullStartsDescription !== undefined ? { fullStartsDescription: rescueReport.fullStartsDescription } : {}),
    longerIterations: rescueReport.longerIterations,
    startsPerReplicate,
    fewRows: few.result(),
  };

  // Jackknife (leave one row out) for the BCa acceleration, from the full-data optimum. It does
  // not depend on the replicates: a sharded run computes it once (o.jackknife false elsewhere).
  let jack: Float64Array | undefined;
  if (bca && o.jackknife !== false) {
    const jw = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) jw[i * n + k] = k === i ? 0 : base[k]!;
    const best = fit.params.filter((q) => !q.fixed).map((q) => q.value);
    const jb = await fitBatch(law, ds, { ...common, starts: { kind: 'points', points: [best] }, weightSets: jw, ...controlFor(prog.phase(3, 'jackknife')) });
    jack = new Float64Array(n * p);
    for (let i = 0; i < n; i++) jack.set(jb.params.subarray(jb.best[i]! * p, jb.best[i]! * p + p), i * p);
  }

  prog.finish();
  const estimates = fit.params.filter((q) => !q.fixed).map((q) => ({ name: q.name, value: q.value }));
  // A slice is summarised on its own, its replicates numbered from 0 (the shard's artifact keeps `part`, global).
  const local = slice.from === 0 && slice.to === o.replicates ? part : { ...part, from: 0, to: m, failed, failures, rescued, fromFullStarts, fewRows: { ...part.fewRows, replicates: part.fewRows.replicates.map((r) => r - slice.from) } };
  const summary = assembleBootstrap({ replicates: m, level, n, estimates, parts: [local], ...(jack !== undefined ? { jackknife: jack } : {}) });
  return { fit, ...summary, part, ...(jack !== undefined ? { jackknife: jack } : {}) };
}

/**
 * One slice of a bootstrap's replicates, as fitted: everything the summary needs from them, with
 * replicate indices global (from + local). Several parts covering [0, R) assemble into exactly
 * the result one call over all R would give (assembleBootstrap).
 */
export interface BootstrapPart {
  from: number;
  to: number;
  /** (to - from) x p natural values; NaN for failed replicates. */
  draws: Float64Array;
  shareReachedBest: Float64Array;
  status: Uint8Array;
  failed: number[];
  /** Why each of `failed` failed, replicate numbers global. */
  failures: RefitFailure[];
  rescued: number[];
  /** Rescued replicates still unusable after the longer cap, refit from the full start set. */
  fromFullStarts: number[];
  /** That start set, in words (present when fromFullStarts is non-empty). */
  fullStartsDescription?: string;
  longerIterations: number;
  startsPerReplicate: number;
  /** The part's replicates with at most p + 1 effective rows (global numbers); assembleBootstrap joins the parts'. */
  fewRows: FewRows;
}

export interface AssembleInput {
  replicates: number;
  level: number;
  /** Rows of the data (the jackknife's length). */
  n: number;
  /** The full fit's free parameters: name and natural value. */
  estimates: Array<{ name: string; value: number }>;
  /** Parts in any order; together they must cover [0, replicates) exactly once. */
  parts: readonly BootstrapPart[];
  /** n x p leave-one-out fits, for BCa; absent: no BCa intervals. */
  jackknife?: Float64Array;
}

/** The summary of the draws (sd, percentile and BCa intervals, covariance) from parts of the replicates. */
export function assembleBootstrap(a: AssembleInput): Omit<BootstrapResult, 'fit'> {
  const R = a.replicates;
  const p = a.estimates.length;
  const parts = [...a.parts].sort((x, y) => x.from - y.from);
  let at = 0;
  for (const q of parts) {
    if (q.from !== at) throw new LawfitError('artifact', `bootstrap: replicates ${at}..${q.from - 1} are in no part`);
    at = q.to;
  }
  if (at !== R) throw new LawfitError('artifact', `bootstrap: replicates ${at}..${R - 1} are in no part`);
  const draws = new Float64Array(R * p);
  const shareReachedBest = new Float64Array(R);
  const status = new Uint8Array(R);
  for (const q of parts) {
    draws.set(q.draws, q.from * p);
    shareReachedBest.set(q.shareReachedBest, q.from);
    status.set(q.status, q.from);
  }
  const failed = parts.flatMap((q) => q.failed);
  const failures = parts.flatMap((q) => q.failures);
  const rescued = parts.flatMap((q) => q.rescued);
  const fromFull = parts.flatMap((q) => q.fromFullStarts);
  let rescueStarts: string | undefined;
  if (rescued.length > 0) {
    rescueStarts = `the same starts with ${formatCount(parts[0]!.longerIterations)} iterations`;
    if (fromFull.length > 0) rescueStarts += `, then ${fromFull.length} from ${parts.find((q) => q.fullStartsDescription !== undefined)!.fullStartsDescription!}`;
  }
  const failedSet = new Set(failed);
  const ok = Array.from({ length: R }, (_, r) => r).filter((r) => !failedSet.has(r));
  const good = new Float64Array(ok.length * p);
  ok.forEach((r, k) => good.set(draws.subarray(r * p, r * p + p), k * p));
  const jack = a.jackknife;
  const parameters: ParameterSummary[] = a.estimates.map((q, j) => {
    const col = Float64Array.from(ok, (r) => draws[r * p + j]!);
    const summary: ParameterSummary = { name: q.name, estimate: q.value, sd: sd(col), percentile: percentileInterval(col, a.level) };
    if (jack !== undefined) summary.bca = bcaInterval(col, q.value, Float64Array.from({ length: a.n }, (_, i) => jack[i * p + j]!), a.level);
    return summary;
  });
  return {
    replicates: R,
    succeeded: ok.length,
    failed,
    failures,
    rescued,
    ...(rescueStarts !== undefined ? { rescueStarts } : {}),
    draws,
    shareReachedBest,
    status,
    level: a.level,
    parameters,
    covariance: covariance(good, ok.length, p),
    startsPerReplicate: parts[0]!.startsPerReplicate,
    // The parts' few-rows sets joined (parts ascending, so replicates ascending), fewest rows the least.
    fewRows: {
      threshold: p + 1,
      replicates: parts.flatMap((q) => q.fewRows.replicates),
      minEffectiveRows: parts.some((q) => q.to > q.from) ? Math.min(...parts.filter((q) => q.to > q.from).map((q) => q.fewRows.minEffectiveRows)) : a.n,
    },
  };
}

/** `{ control }` when there is one (exactOptionalPropertyTypes: an absent option, not an undefined one). */
function controlFor(control: RunControl | undefined): { control?: RunControl } {
  return control !== undefined ? { control } : {};
}

/** The k lowest-cost usable end points of a fit whose parameters differ from each other. */
export function distinctBasins(law: CompiledLaw, fit: FitResult, k: number): number[][] {
  const b = fit.batch;
  const best = fit.params.filter((q) => !q.fixed).map((q) => q.value);
  if (b === undefined) return [best];
  const p = law.free.length;
  const order = Array.from({ length: b.nProblems }, (_, i) => i)
    .filter((i) => isUsable(b.status[i]!) && Number.isFinite(b.cost[i]!))
    .sort((x, y) => b.cost[x]! - b.cost[y]!);
  const picked: number[][] = [best];
  for (const i of order) {
    if (picked.length >= k) break;
    const nat = Array.from(naturalFromInternal(law, b.u.subarray(i * p, i * p + p)));
    const far = picked.every((q) => nat.some((v, j) => Math.abs(v - q[j]!) > 1e-3 * Math.max(Math.abs(q[j]!), 1e-12)));
    if (far) picked.push(nat);
  }
  return picked;
}
