/**
 * IsoFLOP analysis: Chinchilla's Approach 2 (Hoffmann et al. 2022, §3.2 and Fig. 3), with the
 * quality control of isoflop-qc.ts and a bootstrap carried through every step.
 *
 * Runs are grouped by compute budget C (a column of the data: the nominal budget of the IsoFLOP
 * curve each run belongs to; 6·N·D is close to it, not equal). Per budget, the loss is fitted by a
 * parabola in ln N and, separately, in ln D (parabola.ts: weighted least squares, closed form,
 * float64); the vertices give N*(C), D*(C) and L*(C) with delta-method standard errors. The QC
 * stages drop runs and budgets, each with its reason. The frontier (isoflop-frontier.ts) is the
 * least-squares line of ln N* and ln D* on ln C over the kept budgets: N* ∝ C^a, D* ∝ C^b.
 *
 * Groups (an optional column: one IsoFLOP study each, e.g. one dataset or architecture) are
 * analysed independently, each with its own frontier.
 *
 * The bootstrap (seeded; resample.ts draws the weights with the project's generator) redoes
 * the parabolas, the budget- and run-level QC and the frontier on every replicate, so the
 * percentile intervals of a and b include the QC's own variability. Designs: `runs` resamples
 * the runs within each budget (each budget keeps its count), `budgets` resamples whole budgets
 * (the vertices as the unit: the frontier's own uncertainty), and the fixed designs of
 * fixed-design.ts, which keep every run and redraw its loss around its budget's ln N parabola of
 * the full data: `residuals` resamples that parabola's residuals within the budget (the budget is
 * the stratum; Davison & Hinkley 1997, alg. 6.1, per stratum), `wild` multiplies each run's own
 * residual by a random weight. A small sweep resampled by runs loses ~37 % of each budget's
 * distinct sizes per replicate, which widens the spread of the vertices beyond the noise's
 * (issue 15; test/stats/isoflop-designs.test.ts measures it). One target vector serves both
 * parabolas: within a budget ln D = ln C − ln 6N up to the runs' departure from the nominal
 * budget, so the ln D parabola is the same curve. Runs the full pass dropped (QC) and budgets
 * without a parabola keep their observed losses, so each replicate's QC meets them as the data's
 * did. Duplicates are removed once, from the
 * data, before resampling (a resample's copies of one run are not duplicates to remove). A replicate
 * whose frontier cannot be fitted (fewer than 2 budgets left) is counted as failed, with its reason;
 * the intervals are over the others and the report says how many there were.
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { percentileInterval, sd } from './intervals.js';
import { curvatureInterval, fitParabola, vertexPosition, type ParabolaFit } from './parabola.js';
import { fitFrontier, frontierWeight, predictFrontier, type FrontierFit, type FrontierPrediction, type FrontierWeights } from './isoflop-frontier.js';
import { DEFAULT_QC, checkQc, robustZ, type QcOptions, type QcReason } from './isoflop-qc.js';
import { describeDesign, FIXED_DESIGN_SYNTAX, FIXED_DESIGNS, isFixedDesign, parseDesign, resampleWeights, type FixedDesign } from './resample.js';
import { basisFromResiduals, replicateTargets } from './fixed-design.js';
import { studentTQuantile } from './student-t.js';

/** The runs of an IsoFLOP study, numeric and validated (isoflopRunsFromDataset). */
export interface IsoflopRuns {
  source: string;
  n: number;
  N: Float64Array;
  D: Float64Array;
  /** Compute budget of each run's IsoFLOP curve. */
  C: Float64Array;
  loss: Float64Array;
  /** Optional precision weights of the runs (>= 0). */
  weights?: Float64Array;
  /** Optional group label per run. */
  groups?: readonly string[];
  groupColumn?: string;
  /** Each run's row number in the source. */
  rowNumbers: Int32Array;
  digest?: string;
}

/**
 * The IsoFLOP bootstrap's designs, by name: its own `runs` and `budgets`, and the fixed designs of
 * fixed-design.ts (as describeDesign names them: residuals, residuals:leverage, wild:mammen, ...)
 * with each budget as a stratum (see bootstrapReplicates).
 */
export const ISOFLOP_DESIGNS: readonly string[] = ['runs', 'budgets', ...FIXED_DESIGNS.map(describeDesign)];
export type IsoflopDesign = string;
export const ISOFLOP_DESIGN_SYNTAX = `runs, budgets, ${FIXED_DESIGN_SYNTAX}`;

type ResolvedIsoflopDesign = { kind: 'runs' } | { kind: 'budgets' } | FixedDesign;

/** A design's text (`--design`) resolved, undefined when it is not an IsoFLOP design (parseDesign reads the fixed ones). */
export function parseIsoflopDesign(text: string): ResolvedIsoflopDesign | undefined {
  if (text === 'runs' || text === 'budgets') return { kind: text };
  const d = parseDesign(text);
  return d !== undefined && isFixedDesign(d) ? d : undefined;
}

/** The design's canonical name (what the artifact records: wild:rademacher is wild). */
export function isoflopDesignName(d: ResolvedIsoflopDesign): IsoflopDesign {
  return d.kind === 'runs' || d.kind === 'budgets' ? d.kind : describeDesign(d);
}

/** What a design resamples, in words, for the report. */
export function describeIsoflopDesign(text: IsoflopDesign): string {
  const d = parseIsoflopDesign(text);
  if (d === undefined) return text;
  switch (d.kind) {
    case 'runs':
      return 'runs resampled within each budget';
    case 'budgets':
      return 'whole budgets resampled';
    case 'residuals':
      return `each budget's parabola residuals${d.centre ? ', centred' : ''}${d.leverage ? ' and leverage-adjusted' : ''}, resampled within the budget`;
    case 'wild':
      return `each run's parabola residual${d.leverage ? ', leverage-adjusted,' : ''} times ${d.weights === 'mammen' ? "Mammen's two-point weight" : 'a random sign'}`;
  }
}

export interface IsoflopBootstrapOptions {
  replicates: number;
  seed?: number;
  design?: IsoflopDesign;
  /**
   * Fit replicates [from, to) of each group only (a shard's share, 0 <= from <= to <= replicates):
   * each group then has `bootstrapReplicates` instead of `bootstrap`.
   */
  slice?: { from: number; to: number };
}

export interface IsoflopOptions {
  qc?: QcOptions;
  frontierWeights?: FrontierWeights;
  /** Interval level for the frontier's t intervals and the bootstrap's percentile intervals (default 0.95). */
  level?: number;
  /** Budgets at which to predict N*, D* and D* / N*. */
  at?: readonly number[];
  bootstrap?: IsoflopBootstrapOptions;
}

export type Bracket = 'bracketed' | 'edge' | 'extrapolated';

/** One parabola's result at a budget, in the units of its input (N or D). */
export interface VertexFit {
  /** y = c0 + c1 ln X + c2 (ln X)². */
  coefficients: [number, number, number];
  curvature: number;
  curvatureSe: number;
  curvatureInterval: [number, number];
  /** X* = exp(vertex) and the standard error of ln X*. */
  optimum: number;
  logOptimumSe: number;
  /** L* from this parabola and its standard error. */
  loss: number;
  lossSe: number;
  /** Position of the vertex in the sampled ln X range (0 = smallest, 1 = largest). */
  position: number;
  /** Sampled range of X. */
  range: [number, number];
}

export interface IsoflopBudget {
  budget: number;
  /** Runs of the budget after the duplicate stage; runs in the final fit. */
  runs: number;
  used: number;
  /** 'kept', or why the budget was left out of the frontier. */
  status: 'kept' | QcReason;
  detail?: string;
  N?: VertexFit;
  D?: VertexFit;
  /** Whether the vertex lies inside the sampled range (both parabolas), at its edge, or outside. */
  bracket?: Bracket;
}

export interface IsoflopRunVerdict {
  row: number;
  budget: number;
  N: number;
  D: number;
  loss: number;
  /** 'used' in its budget's final parabola; otherwise the reason the run or its budget was dropped. */
  status: 'used' | QcReason;
  detail?: string;
}

export interface StageCount {
  reason: QcReason;
  runs: number;
  budgets: number;
}

export interface ExponentSummary {
  estimate: number;
  se: number;
  /** t interval at the level, from the frontier fit's covariance. */
  interval: [number, number];
}

export interface IsoflopFrontier {
  budgets: number;
  weights: FrontierWeights;
  a: ExponentSummary;
  b: ExponentSummary;
  sum: ExponentSummary;
  kN: number;
  kD: number;
  /** The full fit (covariances, residuals). */
  fit: FrontierFit;
}

export interface BootstrapQuantity {
  estimate: number;
  sd: number;
  interval: [number, number];
}

export interface IsoflopBootstrap {
  replicates: number;
  succeeded: number;
  failed: { replicate: number; reason: string }[];
  seed: number;
  design: IsoflopDesign;
  level: number;
  a: BootstrapQuantity;
  b: BootstrapQuantity;
  sum: BootstrapQuantity;
  predictions: { C: number; N: BootstrapQuantity; D: BootstrapQuantity; tokensPerParam: BootstrapQuantity }[];
  /** Per replicate: [a, b, ln k_N, ln k_D, budgets kept], or null when it failed. */
  draws: ([number, number, number, number, number] | null)[];
  /** How often each budget was kept across the successful replicates. */
  budgetKeptShare: { budget: number; share: number }[];
  elapsedMs: number;
}

export interface IsoflopGroup {
  /** The group's label (undefined without a group column). */
  group?: string;
  runs: number;
  budgets: IsoflopBudget[];
  verdicts: IsoflopRunVerdict[];
  stageCounts: StageCount[];
  frontier?: IsoflopFrontier;
  /** Why there is no frontier (fewer than 2 budgets kept). */
  frontierError?: string;
  predictions: FrontierPrediction[];
  bootstrap?: IsoflopBootstrap;
  /** With the bootstrap's `slice` option (a shard): the slice's replicates, unsummarised. */
  bootstrapReplicates?: IsoflopReplicateSlice;
}

export interface IsoflopResult {
  source: string;
  runs: number;
  groupColumn?: string;
  qc: QcOptions;
  frontierWeights: FrontierWeights;
  level: number;
  groups: IsoflopGroup[];
  elapsedMs: number;
}

/**
 * The runs of a Dataset whose inputs are N, D and the budget (in that order, as the CLI maps them),
 * checked: N, D and the budget must be positive (they enter as logarithms).
 */
export function isoflopRunsFromDataset(ds: Dataset): IsoflopRuns {
  const k = ds.inputNames.length;
  const at = (name: string): number => {
    const j = ds.inputNames.indexOf(name);
    if (j < 0) throw new LawfitError('bad-option', `isoflop: the dataset has no input '${name}' (inputs: ${ds.inputNames.join(', ')})`);
    return j;
  };
  const [jN, jD, jC] = [at('N'), at('D'), at('budget')];
  const N = new Float64Array(ds.n);
  const D = new Float64Array(ds.n);
  const C = new Float64Array(ds.n);
  for (let i = 0; i < ds.n; i++) {
    N[i] = ds.inputs[i * k + jN]!;
    D[i] = ds.inputs[i * k + jD]!;
    C[i] = ds.inputs[i * k + jC]!;
    for (const [name, v, expr] of [['N', N[i]!, ds.inputExpressions[jN]], ['D', D[i]!, ds.inputExpressions[jD]], ['budget', C[i]!, ds.inputExpressions[jC]]] as const) {
      if (!(v > 0)) throw new LawfitError('data-value', `${ds.source}, row ${ds.rowNumbers[i]}: ${name} = ${v} ('${expr}') must be positive (the IsoFLOP fits take its logarithm); exclude the row with --where`);
    }
  }
  return {
    source: ds.source,
    n: ds.n,
    N,
    D,
    C,
    loss: ds.y,
    ...(ds.weights !== undefined ? { weights: ds.weights } : {}),
    ...(ds.groups !== undefined ? { groups: ds.groups } : {}),
    ...(ds.groupColumn !== undefined ? { groupColumn: ds.groupColumn } : {}),
    rowNumbers: ds.rowNumbers,
    ...(ds.digest !== undefined ? { digest: ds.digest } : {}),
  };
}

/** Everything one pass (the full data, or one replicate) needs about one group's runs. */
interface GroupData {
  /** Row indices (into IsoflopRuns) per budget, after the duplicate stage, budgets ascending. */
  budgets: { budget: number; rows: number[] }[];
  lnN: Float64Array;
  lnD: Float64Array;
  loss: Float64Array;
  weights: Float64Array | undefined;
  /** Scratch: the fit weights of the budget being fitted (multiplicity × precision weight). */
  w: Float64Array;
}

interface BudgetPass {
  status: 'kept' | QcReason;
  detail?: string;
  used: number[];
  dropped: { row: number; reason: QcReason; detail: string }[];
  fitN?: ParabolaFit;
  fitD?: ParabolaFit;
  bracket?: Bracket;
}

const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? Number(v.toPrecision(d)).toString() : String(v));

/**
 * One budget through the QC: `counts` are the runs' multiplicities (1 on the data; the bootstrap's
 * copies in a replicate), zero-count runs are absent.
 */
function passBudget(g: GroupData, rows: readonly number[], counts: ArrayLike<number>, qc: QcOptions): BudgetPass {
  const on = (s: QcOptions['stages'][number]): boolean => qc.stages.includes(s);
  const minPoints = on('too-few') ? qc.minPoints : 3;
  const dropped: BudgetPass['dropped'] = [];
  let used = rows.filter((i) => counts[i]! > 0);
  const w = g.w;
  for (const i of rows) w[i] = counts[i]! * (g.weights !== undefined ? g.weights[i]! : 1);
  const fit = (): { n: ParabolaFit; d: ParabolaFit } => ({ n: fitParabola(g.lnN, g.loss, w, counts, used), d: fitParabola(g.lnD, g.loss, w, counts, used) });
  // Runs are counted with their bootstrap copies: a replicate of a 6-run budget has 6 runs, however
  // many of them are copies (counting distinct runs would drop small budgets from most replicates).
  const present = (): number => used.reduce((s, i) => s + (w[i]! > 0 ? counts[i]! : 0), 0);
  const n0 = present();
  if (n0 < minPoints) return { status: 'too_few_points', detail: `${n0} run${n0 === 1 ? '' : 's'} (fewest: ${minPoints})`, used, dropped };
  let f = fit();
  if (!f.n.ok || !f.d.ok) return { status: 'too_few_points', detail: 'fewer than 3 distinct N or D: no parabola', used, dropped };

  const remove = (bad: Map<number, string>, reason: QcReason): void => {
    for (const [i, detail] of bad) dropped.push({ row: i, reason, detail });
    used = used.filter((i) => !bad.has(i));
  };
  const postCheck = (): BudgetPass | undefined => {
    const n = present();
    if (n < minPoints) return { status: 'too_few_post_qc', detail: `${n} runs left (fewest: ${minPoints})`, used, dropped };
    f = fit();
    if (!f.n.ok || !f.d.ok) return { status: 'too_few_post_qc', detail: 'fewer than 3 distinct N or D left', used, dropped };
    return undefined;
  };

  if (on('outliers') && used.length >= 5) {
    // Rounding level of the losses: below it a leave-one-out error is no evidence.
    const floor = 1e-9 * Math.max(...used.map((i) => Math.abs(g.loss[i]!)));
    const zN = robustZ(Array.from(f.n.looResiduals), floor);
    const zD = robustZ(Array.from(f.d.looResiduals), floor);
    const bad = new Map<number, string>();
    used.forEach((i, k) => {
      const z = Math.max(Math.abs(zN[k]!), Math.abs(zD[k]!));
      if (z > qc.outlierZ) bad.set(i, `leave-one-out robust z ${fmt(z)} > ${qc.outlierZ}`);
    });
    if (bad.size > 0) {
      remove(bad, 'loo_outlier');
      const stop = postCheck();
      if (stop !== undefined) return stop;
    }
  }

  const curvatureCheck = (): BudgetPass | undefined => {
    for (const [axis, p] of [['ln N', f.n], ['ln D', f.d]] as const) {
      if (!(p.curvature > 0)) return { status: 'non_positive_curvature', detail: `curvature in ${axis} is ${fmt(p.curvature)} (no minimum)`, used, dropped, fitN: f.n, fitD: f.d };
    }
    if (!on('curvature')) return undefined;
    for (const [axis, p] of [['ln N', f.n], ['ln D', f.d]] as const) {
      const ci = curvatureInterval(p, qc.curvatureLevel);
      if (!(ci[0] > 0)) {
        const text = Number.isFinite(ci[0]) ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : 'undefined (no residual degrees of freedom)';
        return { status: 'weak_curvature', detail: `${fmt(100 * qc.curvatureLevel)} % interval of the curvature in ${axis} ${text} includes 0`, used, dropped, fitN: f.n, fitD: f.d };
      }
    }
    return undefined;
  };
  const weak = curvatureCheck();
  if (weak !== undefined) return weak;

  if (on('off-centre')) {
    const dist = used.map((i) => Math.abs(g.lnN[i]! - f.n.vertex));
    const med = [...dist].sort((a, b) => a - b)[Math.floor((dist.length - 1) / 2)]!;
    const bad = new Map<number, string>();
    used.forEach((i, k) => {
      if (med > 0 && dist[k]! > qc.trimWidth * med) bad.set(i, `|ln N − ln N*| = ${fmt(dist[k]!)} > ${qc.trimWidth} × ${fmt(med)} (the median)`);
    });
    if (bad.size > 0) {
      remove(bad, 'off_centre');
      const stop = postCheck() ?? curvatureCheck();
      if (stop !== undefined) return stop;
    }
  }
  const bracket = bracketOf(f.n, f.d, qc.edgeMargin);
  if (on('off-centre') && bracket !== 'bracketed') {
    const pos = `vertex at ${fmt(vertexPosition(f.n), 2)} (ln N) and ${fmt(vertexPosition(f.d), 2)} (ln D) of the sampled range`;
    return { status: bracket === 'extrapolated' ? 'vertex_extrapolated' : 'vertex_at_edge', detail: pos, used, dropped, fitN: f.n, fitD: f.d, bracket };
  }
  return { status: 'kept', used, dropped, fitN: f.n, fitD: f.d, bracket };
}

function bracketOf(n: ParabolaFit, d: ParabolaFit, margin: number): Bracket {
  const ps = [vertexPosition(n), vertexPosition(d)];
  if (ps.some((p) => !(p >= 0 && p <= 1))) return 'extrapolated';
  if (ps.some((p) => p < margin || p > 1 - margin)) return 'edge';
  return 'bracketed';
}

function vertexFit(p: ParabolaFit, level: number): VertexFit {
  return {
    coefficients: p.coefficients,
    curvature: p.curvature,
    curvatureSe: p.curvatureSe,
    curvatureInterval: curvatureInterval(p, level),
    optimum: Math.exp(p.vertex),
    logOptimumSe: p.vertexSe,
    loss: p.vertexLoss,
    lossSe: p.vertexLossSe,
    position: vertexPosition(p),
    range: [Math.exp(p.xMin), Math.exp(p.xMax)],
  };
}

/** The duplicate stage: per budget, runs with the same N (exact) or within `near` in ln N of an earlier kept run. */
function dedupe(runs: IsoflopRuns, rows: readonly number[], qc: QcOptions): { kept: number[]; dropped: { row: number; reason: QcReason; detail: string }[] } {
  if (!qc.stages.includes('duplicates')) return { kept: [...rows], dropped: [] };
  const kept: number[] = [];
  const dropped: { row: number; reason: QcReason; detail: string }[] = [];
  for (const i of rows) {
    const twin = kept.find((j) => runs.C[j] === runs.C[i] && Math.abs(Math.log(runs.N[i]!) - Math.log(runs.N[j]!)) <= qc.nearDuplicate);
    if (twin === undefined) {
      kept.push(i);
      continue;
    }
    const exact = runs.N[twin] === runs.N[i];
    dropped.push({
      row: i,
      reason: exact ? 'exact_duplicate' : 'near_duplicate',
      detail: exact ? `same N as row ${runs.rowNumbers[twin]}` : `|Δ ln N| = ${fmt(Math.abs(Math.log(runs.N[i]! / runs.N[twin]!)))} from row ${runs.rowNumbers[twin]} (at most ${qc.nearDuplicate})`,
    });
  }
  return { kept, dropped };
}

function groupBudgets(runs: IsoflopRuns, rows: readonly number[]): { budget: number; rows: number[] }[] {
  const by = new Map<number, number[]>();
  for (const i of rows) {
    const c = runs.C[i]!;
    const list = by.get(c);
    if (list === undefined) by.set(c, [i]);
    else list.push(i);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([budget, r]) => ({ budget, rows: r }));
}

interface PassResult {
  budgets: BudgetPass[];
  frontier?: FrontierFit;
}

/** Parabolas, QC and frontier for one group at the given run multiplicities and budget multiplicities. */
function passGroup(g: GroupData, counts: ArrayLike<number>, budgetCounts: ArrayLike<number> | undefined, qc: QcOptions, weights: FrontierWeights): PassResult {
  const budgets = g.budgets.map((b) => passBudget(g, b.rows, counts, qc));
  const lnC: number[] = [];
  const lnN: number[] = [];
  const lnD: number[] = [];
  const w: number[] = [];
  budgets.forEach((p, k) => {
    if (p.status !== 'kept') return;
    const m = budgetCounts === undefined ? 1 : budgetCounts[k]!;
    for (let r = 0; r < m; r++) {
      lnC.push(Math.log(g.budgets[k]!.budget));
      lnN.push(p.fitN!.vertex);
      lnD.push(p.fitD!.vertex);
      w.push(frontierWeight(weights, p.fitN!.vertexSe, p.fitD!.vertexSe));
    }
  });
  const frontier = fitFrontier(lnC, lnN, lnD, w);
  return { budgets, ...(frontier !== undefined ? { frontier } : {}) };
}

const tInterval = (est: number, se: number, dof: number, level: number): [number, number] => {
  const q = studentTQuantile(0.5 + level / 2, dof);
  return [est - q * se, est + q * se];
};

/** A bootstrap summary of one quantity: its estimate, the finite draws' sd and percentile interval (hpopt.ts uses it too). */
export function quantity(estimate: number, draws: number[], level: number): BootstrapQuantity {
  const finite = draws.filter((v) => Number.isFinite(v));
  return { estimate, sd: sd(finite), interval: finite.length >= 2 ? percentileInterval(finite, level) : [NaN, NaN] };
}

/** The IsoFLOP analysis of `runs` (see the module comment). Float64, synchronous. */
export function analyzeIsoflop(runs: IsoflopRuns, options: IsoflopOptions = {}): IsoflopResult {
  const started = performance.now();
  const qc = options.qc ?? DEFAULT_QC;
  checkQc(qc);
  const weights = options.frontierWeights ?? 'equal';
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new LawfitError('bad-option', `isoflop: the interval level must be between 0 and 1, got ${level}`);
  const distinct = new Set(runs.C);
  if (distinct.size < 2) {
    throw new LawfitError('data-value', `${runs.source}: the budget column has ${distinct.size === 1 ? `one value (${[...distinct][0]})` : 'no values'}; an IsoFLOP analysis needs runs at 2 or more compute budgets (is it the right column?)`);
  }
  const labels = runs.groups ?? Array.from({ length: runs.n }, () => '');
  const groupNames = [...new Set(labels)];
  const groups: IsoflopGroup[] = [];
  for (const [gi, name] of groupNames.entries()) {
    const rows = labels.flatMap((l, i) => (l === name ? [i] : []));
    const dd = dedupe(runs, rows, qc);
    const g: GroupData = {
      budgets: groupBudgets(runs, dd.kept),
      lnN: runs.N.map(Math.log),
      lnD: runs.D.map(Math.log),
      loss: runs.loss,
      weights: runs.weights,
      w: new Float64Array(runs.n),
    };
    const ones = new Float64Array(runs.n).fill(1);
    const pass = passGroup(g, ones, undefined, qc, weights);

    // Per-run verdicts: duplicates, run-level drops, then the budget's own status for the rest.
    const status = new Map<number, { status: IsoflopRunVerdict['status']; detail?: string }>();
    for (const d of dd.dropped) status.set(d.row, { status: d.reason, detail: d.detail });
    const budgets: IsoflopBudget[] = pass.budgets.map((p, k) => {
      const b = g.budgets[k]!;
      for (const d of p.dropped) status.set(d.row, { status: d.reason, detail: d.detail });
      for (const i of p.used) status.set(i, p.status === 'kept' ? { status: 'used' } : { status: p.status, detail: `budget ${b.budget}: ${p.detail ?? p.status}` });
      return {
        budget: b.budget,
        runs: b.rows.length,
        used: p.used.length,
        status: p.status,
        ...(p.detail !== undefined ? { detail: p.detail } : {}),
        ...(p.fitN !== undefined && p.fitN.ok ? { N: vertexFit(p.fitN, qc.curvatureLevel) } : {}),
        ...(p.fitD !== undefined && p.fitD.ok ? { D: vertexFit(p.fitD, qc.curvatureLevel) } : {}),
        // A vertex of a non-positive curvature is a maximum, not an optimum: no bracket to report.
        ...(p.fitN !== undefined && p.fitD !== undefined && p.fitN.ok && p.fitD.ok && p.fitN.curvature > 0 && p.fitD.curvature > 0 ? { bracket: p.bracket ?? bracketOf(p.fitN, p.fitD, qc.edgeMargin) } : {}),
      };
    });
    const verdicts: IsoflopRunVerdict[] = rows.map((i) => ({
      row: runs.rowNumbers[i]!,
      budget: runs.C[i]!,
      N: runs.N[i]!,
      D: runs.D[i]!,
      loss: runs.loss[i]!,
      ...(status.get(i) ?? { status: 'used' as const }),
    }));
    const stageCounts = countStages(verdicts, budgets);
    const result: IsoflopGroup = { ...(runs.groups !== undefined ? { group: name } : {}), runs: rows.length, budgets, verdicts, stageCounts, predictions: [] };
    const f = pass.frontier;
    if (f === undefined) {
      const kept = budgets.filter((b) => b.status === 'kept').length;
      result.frontierError = `${kept} budget${kept === 1 ? '' : 's'} passed quality control; the frontier needs at least 2 (see the budgets' verdicts)`;
    } else {
      const ex = (est: number, se: number): ExponentSummary => ({ estimate: est, se, interval: tInterval(est, se, f.dof, level) });
      result.frontier = { budgets: f.budgets, weights, a: ex(f.N.slope, f.N.slopeSe), b: ex(f.D.slope, f.D.slopeSe), sum: ex(f.sum, f.sumSe), kN: Math.exp(f.N.logK), kD: Math.exp(f.D.logK), fit: f };
      result.predictions = (options.at ?? []).map((C) => predictFrontier(f, C, level));
      if (options.bootstrap !== undefined) Object.assign(result, bootstrapGroup(g, pass, f, options.bootstrap, qc, weights, level, options.at ?? [], gi));
    }
    groups.push(result);
  }
  return {
    source: runs.source,
    runs: runs.n,
    ...(runs.groupColumn !== undefined ? { groupColumn: runs.groupColumn } : {}),
    qc,
    frontierWeights: weights,
    level,
    groups,
    elapsedMs: performance.now() - started,
  };
}

function countStages(verdicts: readonly IsoflopRunVerdict[], budgets: readonly IsoflopBudget[]): StageCount[] {
  const counts = new Map<QcReason, StageCount>();
  const get = (r: QcReason): StageCount => {
    let c = counts.get(r);
    if (c === undefined) counts.set(r, (c = { reason: r, runs: 0, budgets: 0 }));
    return c;
  };
  for (const v of verdicts) if (v.status !== 'used') get(v.status).runs++;
  for (const b of budgets) if (b.status !== 'kept') get(b.status).budgets++;
  return [...counts.values()];
}

/**
 * The bootstrap's replicates [from, to) of one group, unsummarised: a shard's share (the
 * `slice` option) or the whole run's. Replicate r's weights come from its own stream,
 * replicateRng(seed + group, r) (resample.ts), so a slice is the same rows of a run that drew them all.
 */
export interface IsoflopReplicateSlice {
  from: number;
  to: number;
  /** Per replicate of the slice: [a, b, ln k_N, ln k_D, budgets kept], or null when it failed. */
  draws: ([number, number, number, number, number] | null)[];
  /** The slice's failed replicates (numbers global), with their reasons. */
  failed: { replicate: number; reason: string }[];
  /** Per replicate of the slice: the indices of the budgets kept (empty when it failed). */
  keptBudgets: number[][];
  elapsedMs: number;
}

/** Refit replicates [from, to) of one group (bootstrapGroup's draws; isoflopBootstrapSummary summarises them). */
function bootstrapReplicates(g: GroupData, full: PassResult, o: IsoflopBootstrapOptions, qc: QcOptions, weights: FrontierWeights, groupIndex: number, from: number, to: number): IsoflopReplicateSlice {
  const seed = (o.seed ?? 0) + groupIndex;
  const design = o.design ?? 'runs';
  // The resampled rows: every row of the group that survived the duplicate stage, in budget order.
  const rows = g.budgets.flatMap((b) => b.rows);
  const strata = g.budgets.flatMap((b) => b.rows.map(() => String(b.budget)));
  const n = rows.length;
  if (design === 'budgets' && g.budgets.length < 2) throw new LawfitError('bad-option', 'isoflop bootstrap: resampling whole budgets needs at least 2 budgets');
  const started = performance.now();
  const out: IsoflopReplicateSlice = { from, to, draws: [], failed: [], keptBudgets: [], elapsedMs: 0 };
  if (to <= from) return out;
  const resolved = parseIsoflopDesign(design);
  if (resolved === undefined) throw new LawfitError('bad-option', `isoflop bootstrap: design '${design}' is not one of ${ISOFLOP_DESIGN_SYNTAX}`);
  if (resolved.kind === 'residuals' || resolved.kind === 'wild') return fixedDesignReplicates(g, full, resolved, seed, qc, weights, from, to);
  const W = resampleWeights(n, { replicates: to - from, first: from, seed, design: design === 'runs' ? { kind: 'strata', strata } : { kind: 'clusters', groups: strata } });
  const counts = new Float64Array(g.lnN.length);
  const firstOf = g.budgets.map((b) => rows.indexOf(b.rows[0]!));
  for (let r = from; r < to; r++) {
    const row = W.subarray((r - from) * n, (r - from) * n + n);
    let budgetCounts: number[] | undefined;
    if (design === 'runs') rows.forEach((i, k) => (counts[i] = row[k]!));
    else {
      rows.forEach((i) => (counts[i] = 1));
      budgetCounts = firstOf.map((k) => row[k]!);
    }
    recordReplicate(out, r, passGroup(g, counts, budgetCounts, qc, weights));
  }
  out.elapsedMs = performance.now() - started;
  return out;
}

/** One replicate's pass into the slice: its frontier's draw, or a failure with its reason. */
function recordReplicate(out: IsoflopReplicateSlice, r: number, pass: PassResult): void {
  const f = pass.frontier;
  if (f === undefined) {
    const left = pass.budgets.filter((b) => b.status === 'kept').length;
    out.failed.push({ replicate: r, reason: `${left} budget${left === 1 ? '' : 's'} passed quality control (the frontier needs 2 distinct)` });
    out.draws.push(null);
    out.keptBudgets.push([]);
    return;
  }
  const kept = pass.budgets.flatMap((b, k) => (b.status === 'kept' ? [k] : []));
  out.draws.push([f.N.slope, f.D.slope, f.N.logK, f.D.logK, kept.length]);
  out.keptBudgets.push(kept);
}

/**
 * Replicates [from, to) of a fixed design (module comment): budget k's runs get losses drawn around
 * its full-data ln N parabola by replicateTargets, from stream k + 1 of replicateRng(seed, r), so a
 * replicate is a function of (seed, r) alone (shards draw only theirs) and the budgets' draws are
 * independent; then parabolas, QC and frontier as for every replicate.
 */
function fixedDesignReplicates(g: GroupData, full: PassResult, design: FixedDesign, seed: number, qc: QcOptions, weights: FrontierWeights, from: number, to: number): IsoflopReplicateSlice {
  const started = performance.now();
  const out: IsoflopReplicateSlice = { from, to, draws: [], failed: [], keptBudgets: [], elapsedMs: 0 };
  const count = to - from;
  const draws = full.budgets.flatMap((p, k) => {
    const fit = p.fitN;
    if (fit === undefined || !fit.ok || p.used.length === 0) return [];
    const rows = p.used;
    const [c0, c1, c2] = fit.coefficients;
    const fitted = Float64Array.from(rows, (i) => c0 + c1 * g.lnN[i]! + c2 * g.lnN[i]! * g.lnN[i]!);
    const e = Float64Array.from(rows, (i, j) => g.loss[i]! - fitted[j]!);
    const w = Float64Array.from(rows, (i) => (g.weights !== undefined ? g.weights[i]! : 1));
    const h = design.leverage ? Float64Array.from(fit.leverage, (v) => (Number.isFinite(v) ? v : 0)) : new Float64Array(rows.length);
    const basis = basisFromResiduals(fitted, e, w, h, design);
    return [{ rows, targets: replicateTargets(basis, design, seed, from, count, k + 1) }];
  });
  const ones = new Float64Array(g.lnN.length).fill(1);
  for (let r = 0; r < count; r++) {
    const loss = Float64Array.from(g.loss);
    for (const d of draws) d.rows.forEach((i, j) => (loss[i] = d.targets[r * d.rows.length + j]!));
    recordReplicate(out, from + r, passGroup({ ...g, loss }, ones, undefined, qc, weights));
  }
  out.elapsedMs = performance.now() - started;
  return out;
}

/** What the bootstrap's summary needs of the full-data frontier (a FrontierFit, or one read back from an artifact). */
export interface FrontierPoint {
  N: { slope: number; logK: number };
  D: { slope: number; logK: number };
  sum: number;
}

/**
 * One group's bootstrap summary from all its replicates (`slices`, joined in order: one from a
 * single run, one per shard from lawfit merge), so both summarise with this one function.
 */
export function isoflopBootstrapSummary(s: {
  budgets: readonly number[];
  full: FrontierPoint;
  slices: readonly IsoflopReplicateSlice[];
  replicates: number;
  seed: number;
  design: IsoflopDesign;
  level: number;
  at: readonly number[];
  elapsedMs: number;
}): IsoflopBootstrap {
  const { full, level, at } = s;
  const draws = s.slices.flatMap((x) => x.draws);
  const kept = new Float64Array(s.budgets.length);
  for (const x of s.slices) for (const ks of x.keptBudgets) for (const k of ks) kept[k] = kept[k]! + 1;
  const ok = draws.filter((d): d is NonNullable<typeof d> => d !== null);
  const perAt = at.map((C) => {
    const x = Math.log(C);
    const N: number[] = [];
    const D: number[] = [];
    const tpp: number[] = [];
    for (const d of ok) {
      const lnN = d[2] + d[0] * x;
      const lnD = d[3] + d[1] * x;
      N.push(Math.exp(lnN));
      D.push(Math.exp(lnD));
      tpp.push(Math.exp(lnD - lnN));
    }
    return { N, D, tpp };
  });
  const succeeded = ok.length;
  return {
    replicates: s.replicates,
    succeeded,
    failed: s.slices.flatMap((x) => x.failed),
    seed: s.seed,
    design: s.design,
    level,
    a: quantity(full.N.slope, ok.map((d) => d[0]), level),
    b: quantity(full.D.slope, ok.map((d) => d[1]), level),
    sum: quantity(full.sum, ok.map((d) => d[0] + d[1]), level),
    predictions: at.map((C, j) => {
      const x = Math.log(C);
      const lnN = full.N.logK + full.N.slope * x;
      const lnD = full.D.logK + full.D.slope * x;
      return { C, N: quantity(Math.exp(lnN), perAt[j]!.N, level), D: quantity(Math.exp(lnD), perAt[j]!.D, level), tokensPerParam: quantity(Math.exp(lnD - lnN), perAt[j]!.tpp, level) };
    }),
    draws,
    budgetKeptShare: s.budgets.map((budget, k) => ({ budget, share: succeeded > 0 ? kept[k]! / succeeded : NaN })),
    elapsedMs: s.elapsedMs,
  };
}

/**
 * One group's bootstrap: the whole run's replicates summarised, or, with `o.slice` (a shard), the
 * slice's replicates alone (lawfit merge joins the slices and summarises them).
 */
function bootstrapGroup(g: GroupData, pass: PassResult, full: FrontierFit, o: IsoflopBootstrapOptions, qc: QcOptions, weights: FrontierWeights, level: number, at: readonly number[], groupIndex: number): { bootstrap: IsoflopBootstrap } | { bootstrapReplicates: IsoflopReplicateSlice } {
  const started = performance.now();
  if (o.slice !== undefined) {
    const { from, to } = o.slice;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > o.replicates) throw new LawfitError('bad-option', `isoflop bootstrap: the replicate slice ${from}..${to} is not within 0..${o.replicates}`);
    return { bootstrapReplicates: bootstrapReplicates(g, pass, o, qc, weights, groupIndex, from, to) };
  }
  const all = bootstrapReplicates(g, pass, o, qc, weights, groupIndex, 0, o.replicates);
  const budgets = g.budgets.map((b) => b.budget);
  const design = isoflopDesignName(parseIsoflopDesign(o.design ?? 'runs')!);
  return { bootstrap: isoflopBootstrapSummary({ budgets, full, slices: [all], replicates: o.replicates, seed: (o.seed ?? 0) + groupIndex, design, level, at, elapsedMs: performance.now() - started }) };
}
