/**
 * Downstream chains: a loss law feeding a downstream law (Gadre et al. 2024: the over-training law
 * L(N, M) fitted on small runs, then Err(L) = ε − k·exp(−γ·L) on (loss, error) pairs, and a big
 * run's error predicted from its *predicted* loss), with the first stage's uncertainty carried
 * into the second. Two or more stages, all over ONE table of runs.
 *
 * Stages. Each stage is a law, a mapping of the table onto it (inputs, target, an optional filter
 * choosing the runs it is fitted on) and, for every stage but the first, exactly one input mapped
 * to PREVIOUS_STAGE ('@'): the previous stage's quantity. On the runs a stage is fitted on, '@' is
 * the previous stage's *observed* target (Gadre et al. fit Err(L) on measured losses); at a new
 * point it is the previous stage's *prediction*. Other inputs of later stages come from the same
 * point (`at`) as the first stage's.
 *
 * Uncertainty, carried by one joint bootstrap (Efron & Tibshirani 1993, ch. 6 and 13, for
 * bootstrapping a statistic computed in several steps from the same sample). The runs are the
 * union of the stages' rows; replicate r draws one weight per run (resample.ts: rows, clusters of
 * a column, or Bayesian Dirichlet weights; the generator and seed of `fit --bootstrap`) and every
 * stage is refitted on its own runs under those weights, so a run that feeds both stages moves
 * both fits at once. The prediction is pushed through the replicate's stages,
 * v1_r = f1(θ1_r; x), v2_r = f2(θ2_r; v1_r, x), ..., and summarised by percentile bands:
 * - chain: the spread of v_K,r, every stage resampled;
 * - last stage alone: f_K(θK_r; v̂_(K−1), x) with the earlier stages held at their full-data point
 *   prediction, i.e. the band one gets by taking the previous prediction as exact. The gap between
 *   the two bands is what the earlier stages contribute.
 * - prediction: the chain with every stage's residual scatter added where it enters,
 *   v1' = v1_r + e1, v2' = f2(θ2_r; v1', x) + e2 (each e drawn normal in its law's residual
 *   space), because the downstream law maps a run's *observed* loss, not its expected loss, to its
 *   error. The scale is sqrt(SSR / (n − p)): with Gadre's 5 runs and 4 parameters the RMS residual
 *   would understate it by sqrt(5/1) ≈ 2.2. A stage with no residual degrees of freedom has no
 *   prediction band.
 *
 * Failed replicates are counted and reported, never silently dropped. Every stage's replicates
 * are refit and judged by replicate-refit.ts, as a fit's bootstrap is: a replicate fails when
 * any stage's best fit is unusable (status.ts) even after the rescue (from basin starts: a longer
 * iteration cap, then the stage's full start set), or when the runs it drew do not identify a
 * stage's parameters (J'WJ over the runs with positive weight singular), e.g. the over-training
 * law's a and c when no run off M = 20 was drawn. Rows resampling of a 5-run ladder with 4
 * parameters fails that way often; the Bayesian bootstrap keeps every run at positive weight and
 * never does.
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { datasetFromTable } from '../data/map-table.js';
import type { DataSpec } from '../data/spec.js';
import type { Table } from '../data/table.js';
import { internalFromNatural, type CompiledLaw } from '../law/compile.js';
import { ReplicateRefits, type RefitFailure } from './replicate-refit.js';
import { PhasedProgress, type RunControl } from '../fit/control.js';
import type { Engine } from '../fit/engine.js';
import { fitLaw, type FitResult } from '../fit/fit.js';
import type { LmOptions } from '../fit/options.js';
import { prepareData, type ReplicateRecipe } from '../fit/problem.js';
import { makeStarts, type StartSpec } from '../fit/starts.js';
import { inputRanges } from './fitted-law.js';
import { createRng, nextNormal } from '../util/rng.js';
import { DEFAULT_BASINS, distinctBasins, fewEffectiveRows, replicateStartSpec, type FewRows, type ReplicateStarts } from './bootstrap.js';
import { percentileInterval } from './intervals.js';
import { outsideFittedRange, residualScale, withResidualNoise } from './predict.js';
import { isFixedDesign, resampleWeights, resolveDesign, type ColumnDesign, type ResampleGenerator } from './resample.js';
import { own } from '../util/names.js';
import { fixedDesignBasis, replicateTargets } from './fixed-design.js';
import { checkClusterDesign, datasetForLaw, groupsRecord, indicatorValues, mappedInputs } from '../law/groups.js';

/** In a later stage's input mapping: the previous stage's quantity (observed when fitting, predicted at new points). */
export const PREVIOUS_STAGE = '@';

export interface ChainStage {
  law: CompiledLaw;
  /** Inputs (one of them PREVIOUS_STAGE in every stage but the first), target, optional weights and filter. */
  spec: DataSpec;
  /** Starts of the full-data fit. Default: the law's grid. */
  starts?: StartSpec;
  lm?: Partial<LmOptions>;
}

/** How a replicate weighs the chain's runs (resample.ts); clusters name the column that groups them. */
export type ChainDesign = ColumnDesign;

export interface ChainBootstrapOptions {
  replicates: number;
  seed: number;
  /** Default rows. */
  design?: ChainDesign;
  /** Band level. Default 0.95. */
  level?: number;
  /** Starts of every replicate's fit of every stage. Default: the best DEFAULT_BASINS distinct basins of the stage's full-data fit. */
  replicateStarts?: ReplicateStarts;
  /** Resampling generator (resample.ts). Default 'xoroshiro'; 'numpy-legacy' for the rows design only. */
  generator?: ResampleGenerator;
}

export interface ChainOptions {
  /** Default: the single-thread float64 engine. */
  engine?: Engine;
  /** The joint bootstrap; without it the chain gives point predictions only. */
  bootstrap?: ChainBootstrapOptions;
  /** Progress (fits finished, phases per stage) and cancellation, passed through to every fit. */
  control?: RunControl;
  /**
   * Fit only replicates [from, to) of the bootstrap (a shard's share, shard/chain-shard.ts): the
   * chain's draws, failures, few-rows sets and bootstrap then cover the slice alone, numbered
   * from 0. Replicate r draws the same weights whatever the slice (its own stream; only the slice
   * is drawn).
   */
  replicateSlice?: { from: number; to: number };
}

export interface FittedStage {
  law: CompiledLaw;
  /** The stage's runs as fitted (the PREVIOUS_STAGE input holds the previous stage's observed target). */
  dataset: Dataset;
  fit: FitResult;
  /** Smallest and largest value of each input over the stage's runs (extrapolation warnings). */
  inputRanges: Record<string, [number, number]>;
  /** The input fed by the previous stage; undefined for the first stage. */
  chainedInput?: string;
  /** For each of the stage's rows, its index among the chain's runs. */
  runIndex: Int32Array;
  /** Residual standard deviation in residual space, sqrt(SSR / (n − p)); NaN without degrees of freedom. */
  residualScale: number;
  /** Bootstrap: natural values of the free parameters per replicate (replicates × p), NaN where this stage failed. */
  draws?: Float64Array;
  /** Bootstrap: the starts of each replicate's refit of this stage. */
  startsPerReplicate?: number;
  /** Bootstrap: this stage's replicates with at most p + 1 effective runs (numbered as the draws). */
  fewRows?: FewRows;
}

/** A replicate's failure in one stage: the refit's (replicate-refit.ts), with the stage. */
export interface ReplicateFailure extends RefitFailure {
  /** 0-based stage index. */
  stage: number;
}

export interface ChainBootstrap {
  replicates: number;
  seed: number;
  design: ChainDesign;
  level: number;
  /** Replicates every stage of which fitted usably and identified its parameters. */
  succeeded: number;
  /** Indices of the replicates that failed in some stage (ascending). */
  failed: number[];
  /** Every stage failure of every failed replicate. */
  failures: ReplicateFailure[];
}

export interface ChainFit {
  source: string;
  stages: FittedStage[];
  /** The runs: the union of the stages' rows, by the table's row numbers (ascending). */
  runs: { n: number; rowNumbers: Int32Array; groups?: readonly string[] };
  bootstrap?: ChainBootstrap;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Which input of a stage is chained, checking that the first stage has none and every later stage exactly one. */
function chainedInputOf(stage: ChainStage, k: number): string | undefined {
  const chained = mappedInputs(stage.law).filter((n) => own(stage.spec.inputs, n)?.trim() === PREVIOUS_STAGE);
  const where = `stage ${k + 1} (law '${stage.law.name}')`;
  if (k === 0 && chained.length > 0) throw new LawfitError('bad-option', `${where}: the first stage has no previous stage, so no input can be '${PREVIOUS_STAGE}' (${chained.join(', ')})`);
  if (k > 0 && chained.length !== 1) {
    throw new LawfitError(
      'bad-option',
      `${where}: map exactly one input to '${PREVIOUS_STAGE}' (the previous stage's prediction), e.g. ${stage.law.inputNames[0] ?? 'L'}=${PREVIOUS_STAGE}; ${chained.length === 0 ? 'none is' : `${chained.join(', ')} are`}`,
    );
  }
  return chained[0];
}

/** Fit every stage on its runs and, with `bootstrap`, refit them all under each replicate's run weights. */
export async function fitChain(table: Table, stages: readonly ChainStage[], o: ChainOptions = {}): Promise<ChainFit> {
  if (stages.length < 2) throw new LawfitError('bad-option', `a chain needs at least 2 stages, got ${stages.length}`);
  const design = o.bootstrap?.design ?? { kind: 'rows' };
  const group = o.bootstrap !== undefined && design.kind === 'clusters' ? design.column : undefined;

  // Each stage's runs; a chained input reads the previous stage's observed target.
  const datasets = stages.map((s, k) => {
    const chainedInput = chainedInputOf(s, k);
    const inputs = { ...s.spec.inputs };
    if (chainedInput !== undefined) {
      const prev = stages[k - 1]!.spec.target.trim();
      inputs[chainedInput] = PLAIN_NAME.test(prev) ? prev : `(${prev})`;
    }
    const spec: DataSpec = { ...s.spec, inputs, ...(group !== undefined ? { group } : {}) };
    // A grouped stage (law/groups.ts) reads its group column into its indicator inputs.
    checkClusterDesign(s.law, group);
    return { chainedInput, dataset: s.law.grouping !== undefined ? datasetForLaw(s.law, table, spec, true) : datasetFromTable(table, spec, s.law.inputNames) };
  });

  const rowNumbers = Int32Array.from(new Set(datasets.flatMap((d) => Array.from(d.dataset.rowNumbers)))).sort();
  const runOf = new Map(Array.from(rowNumbers, (row, i) => [row, i]));
  const runIndex = datasets.map((d) => Int32Array.from(d.dataset.rowNumbers, (row) => runOf.get(row)!));
  const U = rowNumbers.length;
  let groups: string[] | undefined;
  if (group !== undefined) {
    groups = new Array<string>(U);
    datasets.forEach((d, k) => d.dataset.groups!.forEach((g, i) => (groups![runIndex[k]![i]!] = g)));
  }

  const engine = o.engine;
  const boot = o.bootstrap;
  const R = boot?.replicates ?? 0;
  const rs = boot?.replicateStarts ?? { kind: 'basins', k: DEFAULT_BASINS };
  // Phases: each stage's full fit, then each stage's replicates. Sizes start low (a replicate fits
  // at least one start) and grow once when known, so the total never shrinks.
  const K = stages.length;
  const prog = new PhasedProgress(o.control, [...stages.map(() => 0), ...stages.map(() => R)]);

  const fitted: FittedStage[] = [];
  for (const [k, s] of stages.entries()) {
    const ds = datasets[k]!.dataset;
    const phase = `stage ${k + 1} (${s.law.name}): fit`;
    const control = prog.phase(k, phase);
    const fit = await fitLaw(s.law, ds, {
      ...(s.starts !== undefined ? { starts: s.starts } : {}),
      ...(s.lm !== undefined ? { lm: s.lm } : {}),
      ...(engine !== undefined ? { engine } : {}),
      ...(control !== undefined ? { control } : {}),
      keepStarts: boot !== undefined,
    });
    prog.complete(k, phase);
    const stage: FittedStage = { law: s.law, dataset: ds, fit, inputRanges: inputRanges(ds), runIndex: runIndex[k]!, residualScale: residualScale(fit.statistics) };
    const chainedInput = datasets[k]!.chainedInput;
    if (chainedInput !== undefined) stage.chainedInput = chainedInput;
    fitted.push(stage);
  }

  const chain: ChainFit = { source: table.source, stages: fitted, runs: { n: U, rowNumbers, ...(groups !== undefined ? { groups } : {}) } };
  if (boot === undefined) {
    prog.finish();
    return chain;
  }

  const level = boot.level ?? 0.95;
  const slice = o.replicateSlice ?? { from: 0, to: R };
  const m = slice.to - slice.from;
  // Only this call's replicates are drawn (replicate r's draws depend on (seed, r) alone; the
  // numpy-legacy generator runs its stream through the earlier ones first): m x U run weights.
  const W = resampleWeights(U, { replicates: Math.max(m, 1), first: slice.from, seed: boot.seed, design: resolveDesign(design, groups), ...(boot.generator !== undefined ? { generator: boot.generator } : {}) });
  const failures: ReplicateFailure[] = [];
  const starts = fitted.map((st, k) => {
    const r = replicateStartSpec(rs, stages[k]!.starts);
    return r.kind === 'basins' ? ({ kind: 'points', points: distinctBasins(st.law, st.fit, r.k) } as const) : r;
  });
  starts.forEach((spec, k) => prog.resize(K + k, R * makeStarts(fitted[k]!.law, spec).count));

  for (const [k, st] of fitted.entries()) {
    const phase = `stage ${k + 1} (${st.law.name}): bootstrap replicates`;
    const control = prog.phase(K + k, phase);
    const n = st.dataset.n;
    const data = prepareData(st.law, st.dataset);
    const weights = new Float64Array(m * n);
    for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) weights[r * n + i] = W[r * U + st.runIndex[i]!]! * data.baseWeights[i]!;
    // Fixed designs: every stage keeps its rows and refits to targets drawn around its own fit,
    // stage k from stream k of replicate r's generator (the stages' noises taken as independent).
    const basis = isFixedDesign(design) ? fixedDesignBasis(st.law, st.dataset, st.fit.params.filter((q) => !q.fixed).map((q) => q.value), design) : undefined;
    const targets = basis !== undefined && isFixedDesign(design) ? replicateTargets(basis, design, boot.seed, slice.from, m, k) : undefined;
    // A fixed design's stage rows are the recipe's (base weights, stream k), so an engine may redraw them (BatchProblem.recipe).
    const recipe: ReplicateRecipe | undefined =
      basis !== undefined && isFixedDesign(design) && (boot.generator ?? 'xoroshiro') === 'xoroshiro' ? { seed: boot.seed, first: slice.from, stream: k, design, base: data.baseWeights, basis } : undefined;
    // One refit for every bootstrap (replicate-refit.ts): the same failure rules as a fit's
    // bootstrap, and from basin starts the same rescue.
    const basins = replicateStartSpec(rs, stages[k]!.starts).kind === 'basins';
    const refits = new ReplicateRefits(st.law, st.dataset, m, basins);
    const refit = { starts: starts[k]!, ...(stages[k]!.lm !== undefined ? { lm: stages[k]!.lm } : {}), ...(engine !== undefined ? { engine } : {}) };
    await refits.fit(0, weights, targets, { ...refit, ...(recipe !== undefined ? { recipe } : {}), ...(control !== undefined ? { control } : {}) });
    if (basins) await refits.rescue({ ...refit, ...(stages[k]!.starts !== undefined ? { fullStarts: stages[k]!.starts } : {}), ...(control !== undefined ? { control } : {}) });
    prog.complete(K + k, phase);
    const p = st.law.free.length;
    const draws = refits.draws;
    for (const f of refits.failureList()) failures.push({ ...f, stage: k });
    st.draws = draws;
    st.startsPerReplicate = refits.startsPerReplicate;
    // Replicates with at most p + 1 effective runs in this stage, over this call's replicates
    // (numbered from 0 as its draws are; a merge joins the shards' sets, chain-shard.ts).
    st.fewRows = fewEffectiveRows(weights, m, n, p);
  }

  prog.finish();
  const failed = [...new Set(failures.map((f) => f.replicate))].sort((a, b) => a - b);
  chain.bootstrap = { replicates: m, seed: boot.seed, design, level, succeeded: m - failed.length, failed, failures };
  return chain;
}

/** A stage fit's free parameters, name and natural value (the estimates its bootstrap summary reports). */
export function freeEstimates(fit: FitResult): Array<{ name: string; value: number }> {
  return fit.params.filter((q) => !q.fixed).map((q) => ({ name: q.name, value: q.value }));
}

export interface StagePrediction {
  law: string;
  target: string;
  /** The stage's inputs at this point (the chained one is the previous stage's point prediction). */
  inputs: Record<string, number>;
  estimate: number;
  /** Decades outside the stage's fitted range per input (only inputs outside it). */
  outside: Record<string, number>;
  /** Percentile band of the stage's value over the replicates, every earlier stage resampled too. */
  confidence?: [number, number];
  /** The same with every stage's residual scatter added (absent when some stage has no residual degrees of freedom). */
  prediction?: [number, number];
}

export interface ChainPrediction {
  at: Record<string, number>;
  /** The group of the point, for stages with per-group parameters (law/groups.ts): their indicator inputs follow from it. */
  group?: string;
  level: number;
  /** One per stage; the last is the chain's final target, and its `confidence` is the chain band. */
  stages: StagePrediction[];
  /** The final target's band with the earlier stages held at their point prediction (the last stage's uncertainty alone). */
  lastStageOnly?: [number, number];
  /** Successful replicates behind the bands whose chain value is finite. */
  draws?: number;
  /** Per replicate (NaN for failed ones): each stage's value, and the final value with the earlier stages held fixed. */
  replicateValues?: { stages: Float64Array[]; lastStageOnly: Float64Array };
}

/** The inputs a point must give: every stage's inputs except the chained ones (checks the stages' '@' mappings). */
export function pointInputs(stages: readonly ChainStage[]): string[] {
  return [...new Set(stages.flatMap((s, k) => mappedInputs(s.law).filter((n) => n !== chainedInputOf(s, k))))];
}

/**
 * A stage's input values at a point: the chained input from the previous stage, a grouped law's
 * indicator inputs from the point's group (an error when it is missing or was not fitted), the
 * rest from `at`.
 */
function stageInputs(law: CompiledLaw, chainedInput: string | undefined, at: Readonly<Record<string, number>>, group: string | undefined, previous: number): number[] {
  const groups = groupsRecord(law);
  const indicators = groups !== undefined ? indicatorValues(groups, group, `--group (stage law '${law.name}')`) : {};
  return law.inputNames.map((n) => (n === chainedInput ? previous : own(indicators, n) ?? own(at, n)!));
}

function evaluate(law: CompiledLaw, internal: ArrayLike<number>, inputs: readonly number[]): number {
  return law.js.prediction(internal, law.js.features(Float64Array.from(inputs), inputs.length, 1), 0);
}

/**
 * The chain at a point: each stage's point prediction (the previous one feeding the chained
 * input), and with a bootstrap the chain, last-stage-alone and prediction bands. `seed` drives the
 * residual noise of the prediction band only.
 */
export function predictChain(chain: ChainFit, at: Record<string, number>, seed = 0, group?: string): ChainPrediction {
  const needed = [...new Set(chain.stages.flatMap((s) => mappedInputs(s.law).filter((n) => n !== s.chainedInput)))];
  for (const k of Object.keys(at)) if (!needed.includes(k)) throw new LawfitError('bad-option', `--at: the chain has no input '${k}' (inputs: ${needed.join(', ')})`);
  for (const k of needed) if (own(at, k) === undefined || !Number.isFinite(own(at, k)!)) throw new LawfitError('bad-option', `--at: give a value for input '${k}' (inputs: ${needed.join(', ')})`);
  if (group !== undefined && chain.stages.every((s) => s.law.grouping === undefined)) throw new LawfitError('bad-option', `--group ${group}: no stage of the chain has per-group parameters`);
  const inputsOf = (st: FittedStage, previous: number): number[] => stageInputs(st.law, st.chainedInput, at, group, previous);

  const stages: StagePrediction[] = [];
  let previous = NaN;
  for (const st of chain.stages) {
    const x = inputsOf(st, previous);
    const estimate = evaluate(st.law, st.fit.bestInternal, x);
    const inputs = Object.fromEntries(st.law.inputNames.map((n, j) => [n, x[j]!]));
    stages.push({ law: st.law.name, target: st.dataset.targetExpression, inputs, estimate, outside: outsideFittedRange({ data: { inputRanges: st.inputRanges } }, inputs) });
    previous = estimate;
  }
  const boot = chain.bootstrap;
  const result: ChainPrediction = { at: { ...at }, ...(group !== undefined ? { group } : {}), level: boot?.level ?? 0.95, stages };
  if (boot === undefined) return result;
  addChainBands(result, chain.stages as ReadonlyArray<BandStage>, boot.replicates, new Set(boot.failed), seed);
  return result;
}

/** What the bands need of a stage: its law, which input the previous stage feeds, its residual scale and R x p draws. */
export interface BandStage {
  law: CompiledLaw;
  chainedInput?: string;
  residualScale: number;
  draws?: Float64Array;
}

/**
 * The bootstrap bands of a point whose point predictions `result.stages` already hold: pushes
 * every successful replicate through the stages (predictChain, and merging shards, which joins
 * their draws first: the residual noise is one stream over the successful replicates in order).
 */
export function addChainBands(result: ChainPrediction, chainStages: ReadonlyArray<BandStage>, R: number, failed: ReadonlySet<number>, seed: number): void {
  const at = result.at;
  const stages = result.stages;
  const inputsOf = (st: BandStage, previous: number): number[] => stageInputs(st.law, st.chainedInput, at, result.group, previous);
  const K = chainStages.length;
  const values = chainStages.map(() => new Float64Array(R).fill(NaN));
  const noisy = chainStages.map(() => new Float64Array(R).fill(NaN));
  const lastOnly = new Float64Array(R).fill(NaN);
  const rng = createRng(seed);
  const held = stages[K - 2]!.estimate;
  for (let r = 0; r < R; r++) {
    if (failed.has(r)) continue;
    let clean = NaN;
    let scattered = NaN;
    chainStages.forEach((st, k) => {
      const p = st.law.free.length;
      const u = internalFromNatural(st.law, st.draws!.subarray(r * p, r * p + p));
      clean = evaluate(st.law, u, inputsOf(st, clean));
      scattered = withResidualNoise(st.law.declaration.space, evaluate(st.law, u, inputsOf(st, scattered)), st.residualScale * nextNormal(rng));
      values[k]![r] = clean;
      noisy[k]![r] = scattered;
      if (k === K - 1) lastOnly[r] = evaluate(st.law, u, inputsOf(st, held));
    });
  }
  const band = (v: Float64Array): [number, number] | undefined => {
    const finite = v.filter((x) => Number.isFinite(x));
    return finite.length >= 2 ? percentileInterval(finite, result.level) : undefined;
  };
  stages.forEach((s, k) => {
    const c = band(values[k]!);
    if (c !== undefined) s.confidence = c;
    // NaN residual scale (no degrees of freedom) makes every noisy value NaN from that stage on: no band.
    const pb = band(noisy[k]!);
    if (pb !== undefined) s.prediction = pb;
  });
  const lb = band(lastOnly);
  if (lb !== undefined) result.lastStageOnly = lb;
  result.draws = values[K - 1]!.filter((x) => Number.isFinite(x)).length;
  result.replicateValues = { stages: values, lastStageOnly: lastOnly };
}
