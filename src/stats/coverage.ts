/**
 * A coverage check of a fit's intervals on the user's own design: simulate S datasets from the
 * fitted law at the fit's inputs and weights (the truth is the fit), with noise drawn as the
 * chosen model says, rerun the same protocol (law, loss, starts, bootstrap design and size) on
 * each, and count how often each interval held the truth:
 *
 *   coverage = (1/S) sum_s 1{truth in interval_s},  binomial standard error sqrt(c (1 - c) / S)
 *
 * per free parameter and per derived quantity (for laws with A, B, E, alpha, beta and inputs N, D:
 * N_opt and D_opt at a target compute, derived.ts; for every law: the prediction at a held-out
 * point), for percentile and (with BCa on) BCa intervals, with the median width. `sdRatio` is the
 * mean bootstrap sd over the sd of the S estimates: above 1, the bootstrap overstates the spread.
 * Several designs run side by side on the same S datasets (common random numbers), each from the
 * same full fit of a dataset.
 *
 * Noise models (in the law's residual space): `residuals` (the default) resamples the full fit's
 * centred, leverage-adjusted, weight-standardised residuals (fixed-design.ts), so it assumes
 * exchangeable errors; `wild` keeps each row's adjusted residual and flips its sign
 * (heteroscedastic); `normal` draws N(0, sigma^2 / w_i), sigma the fit's residual scale unless given.
 *
 * Reproducible: dataset s's noise comes from replicateRng(seed, s, 1), its bootstrap seed is a
 * function of (seed, s), so a range of datasets can be rerun alone.
 *
 * This is S x (replicates x starts + jackknife) fits; progress counts datasets x designs, cancel
 * stops at the next batch boundary (control.ts).
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { internalFromNatural, type CompiledLaw } from '../law/compile.js';
import type { ResidualSpace } from '../law/declaration.js';
import type { Engine } from '../fit/engine.js';
import { fitLaw, type FitResult } from '../fit/fit.js';
import type { LmOptions } from '../fit/options.js';
import type { StartSpec } from '../fit/starts.js';
import { isUsable } from '../fit/status.js';
import { throwIfCancelled, type RunControl } from '../fit/control.js';
import { nextInt, nextNormal, nextDouble, replicateRng } from '../util/rng.js';
import { bootstrapFit, type ReplicateStarts } from './bootstrap.js';
import { fixedDesignBasis } from './fixed-design.js';
import { bcaInterval, percentileInterval, quantileSorted, sd } from './intervals.js';
import { chinchillaParams, DEFAULT_FLOPS_PER_TOKEN_PER_PARAM, optimalAllocation } from './derived.js';
import { groupedName, groupLawValues, groupsRecord, indicatorValues } from '../law/groups.js';
import type { BootstrapDesign, ResampleGenerator } from './resample.js';

export type CoverageNoise = { kind: 'residuals' } | { kind: 'wild' } | { kind: 'normal'; sigma?: number };

export const NOISE_SYNTAX = 'residuals, wild, normal or normal:SIGMA';

export function parseNoise(text: string): CoverageNoise | undefined {
  if (text === 'residuals' || text === 'wild' || text === 'normal') return { kind: text };
  const m = /^normal:(.+)$/.exec(text);
  if (m !== null) {
    const sigma = Number(m[1]);
    if (Number.isFinite(sigma) && sigma > 0) return { kind: 'normal', sigma };
  }
  return undefined;
}

export function describeNoise(n: CoverageNoise): string {
  return n.kind === 'normal' && n.sigma !== undefined ? `normal:${n.sigma}` : n.kind;
}

export interface CoverageDesign {
  /** As the report names it, e.g. 'residuals' (describeDesign). */
  label: string;
  design: BootstrapDesign;
}

export interface CoverageOptions {
  sets: number;
  seed: number;
  /** Bootstrap designs to check side by side (default: rows only). */
  designs: CoverageDesign[];
  replicates: number;
  level?: number;
  /** Also BCa intervals (one jackknife refit per row per dataset). Default true. */
  bca?: boolean;
  starts?: StartSpec;
  /** Screening of the full fits (fitLaw's `screen`). Default: fitLaw's. */
  screen?: number;
  replicateStarts?: ReplicateStarts;
  generator?: ResampleGenerator;
  lm?: Partial<LmOptions>;
  noise?: CoverageNoise;
  /** The truth, natural values of the free parameters (law.free order). Default: the fit of `ds`. */
  truth?: readonly number[];
  /** Compute budget for N_opt and D_opt (N, D laws). Default: 10x the largest 6 N D of the data. */
  compute?: number;
  flopsPerTokenPerParam?: number;
  /** The held-out point for the prediction. Default: every input at 4x its largest value. */
  at?: Record<string, number>;
  engine?: Engine;
  control?: RunControl;
}

export interface IntervalCoverage {
  /** Datasets whose interval held the truth. */
  covered: number;
  /** Datasets with an interval (the others' fits failed). */
  sets: number;
  share: number;
  /** Binomial standard error of the share. */
  se: number;
  medianWidth: number;
}

export interface QuantityCoverage {
  name: string;
  kind: 'parameter' | 'derived';
  truth: number;
  /** Mean bootstrap sd over the sd of the datasets' estimates. */
  sdRatio: number;
  percentile: IntervalCoverage;
  bca?: IntervalCoverage;
}

export interface DesignCoverage {
  design: string;
  quantities: QuantityCoverage[];
  /** Datasets whose full fit or bootstrap gave no usable intervals. */
  failedSets: number;
  /** Mean share of replicates that failed. */
  failedReplicateShare: number;
  elapsedMs: number;
}

export interface CoverageResult {
  sets: number;
  seed: number;
  replicates: number;
  level: number;
  noise: string;
  truth: Record<string, number>;
  derived: { compute?: number; at: Record<string, number> };
  designs: DesignCoverage[];
  elapsedMs: number;
}

interface Quantity {
  name: string;
  kind: 'parameter' | 'derived';
  /** From the natural free parameters. */
  f: (natural: ArrayLike<number>) => number;
}

function fromSpace(space: ResidualSpace, t: number): number {
  return space === 'log' ? Math.exp(t) : space === 'log1p' ? Math.expm1(t) : t;
}

/** The quantities checked: every free parameter, N_opt/D_opt where the law has them, a held-out prediction. */
function quantities(law: CompiledLaw, ds: Dataset, fixed: Record<string, number>, o: CoverageOptions): { list: Quantity[]; compute?: number; at: Record<string, number> } {
  const list: Quantity[] = law.free.map((fp, j) => ({ name: fp.name, kind: 'parameter', f: (v) => v[j]! }));
  const named = (v: ArrayLike<number>): Record<string, number> => ({ ...fixed, ...Object.fromEntries(law.free.map((fp, j) => [fp.name, v[j]!])) });
  const nIn = law.inputNames.length;
  const iN = law.inputNames.indexOf('N');
  const iD = law.inputNames.indexOf('D');
  // A grouped law (law/groups.ts): the derived quantities are each group's, of its own law.
  const groups = groupsRecord(law);
  const perGroup: Array<string | undefined> = groups?.levels.slice() ?? [undefined];
  const own = (v: ArrayLike<number>, g: string | undefined): Record<string, number> => groupLawValues(named(v), groups, g, 'coverage');
  const label = (name: string, g: string | undefined): string => (g === undefined ? name : groupedName(name, g));
  const names = new Set(Object.keys(own(new Float64Array(law.free.length), perGroup[0])));
  let compute: number | undefined;
  if (iN >= 0 && iD >= 0 && ['A', 'B', 'E', 'alpha'].every((k) => names.has(k))) {
    const k = o.flopsPerTokenPerParam ?? DEFAULT_FLOPS_PER_TOKEN_PER_PARAM;
    let maxC = 0;
    for (let i = 0; i < ds.n; i++) maxC = Math.max(maxC, k * ds.inputs[i * nIn + iN]! * ds.inputs[i * nIn + iD]!);
    const C = o.compute ?? 10 * maxC;
    compute = C;
    for (const g of perGroup) {
      list.push({ name: `${label('N_opt', g)}(C=${C.toExponential(2)})`, kind: 'derived', f: (v) => optimalAllocation(chinchillaParams(own(v, g)), C, k).N });
      list.push({ name: `${label('D_opt', g)}(C=${C.toExponential(2)})`, kind: 'derived', f: (v) => optimalAllocation(chinchillaParams(own(v, g)), C, k).D });
    }
  }
  const at: Record<string, number> = {};
  law.inputNames.forEach((name, c) => {
    if (groups?.indicatorInputs.includes(name) === true) return;
    let max = -Infinity;
    for (let i = 0; i < ds.n; i++) max = Math.max(max, ds.inputs[i * nIn + c]!);
    at[name] = o.at?.[name] ?? 4 * max;
  });
  const text = Object.entries(at).map(([name, v]) => `${name}=${v.toPrecision(3)}`).join(', ');
  for (const g of perGroup) {
    const indicators = groups === undefined ? {} : indicatorValues(groups, g, 'coverage');
    const point = law.js.features(Float64Array.from(law.inputNames, (name) => at[name] ?? indicators[name]!), nIn, 1);
    list.push({ name: `${label('prediction', g)}(${text})`, kind: 'derived', f: (v) => law.js.prediction(internalFromNatural(law, v), point, 0) });
  }
  return { list, ...(compute !== undefined ? { compute } : {}), at };
}

/** Dataset s: the truth's values at the user's inputs, plus noise drawn in residual space. */
function simulate(law: CompiledLaw, ds: Dataset, truth: readonly number[], noise: CoverageNoise, sigma: number, seed: number, s: number): Dataset {
  const basis = fixedDesignBasis(law, ds, truth, { kind: 'residuals', centre: true, leverage: true });
  const rng = replicateRng(seed, s, 1);
  const y = new Float64Array(ds.n);
  for (let i = 0; i < ds.n; i++) {
    let e = 0;
    if (basis.scale[i]! > 0) {
      if (noise.kind === 'residuals') e = basis.scale[i]! * basis.pool[nextInt(rng, 0, basis.pool.length - 1)]!;
      else if (noise.kind === 'wild') e = (basis.residuals[i]! - meanOf(basis.residuals)) * (nextDouble(rng) < 0.5 ? -1 : 1);
      else e = basis.scale[i]! * (noise.sigma ?? sigma) * nextNormal(rng);
    }
    y[i] = fromSpace(law.space, basis.fitted[i]! + e);
  }
  return { ...ds, source: `${ds.source} (coverage dataset ${s + 1})`, y };
}

function meanOf(v: Float64Array): number {
  return v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
}

function summarizeIntervals(truth: number, intervals: ([number, number] | undefined)[]): IntervalCoverage {
  const ok = intervals.filter((iv): iv is [number, number] => iv !== undefined && Number.isFinite(iv[0]) && Number.isFinite(iv[1]));
  const covered = ok.filter(([lo, hi]) => lo <= truth && truth <= hi).length;
  const share = ok.length > 0 ? covered / ok.length : NaN;
  const widths = Float64Array.from(ok, ([lo, hi]) => hi - lo).sort();
  return { covered, sets: ok.length, share, se: ok.length > 0 ? Math.sqrt((share * (1 - share)) / ok.length) : NaN, medianWidth: widths.length > 0 ? quantileSorted(widths, 0.5) : NaN };
}

/** The bootstrap seed of dataset s (distinct per dataset, a function of (seed, s) only). */
export function coverageBootstrapSeed(seed: number, s: number): number {
  return (seed ^ Math.imul(s + 1, 0x9e3779b1)) | 0;
}

export async function coverageCheck(law: CompiledLaw, ds: Dataset, o: CoverageOptions): Promise<CoverageResult> {
  const t0 = performance.now();
  if (!Number.isInteger(o.sets) || o.sets < 2) throw new LawfitError('bad-option', `coverage: --sets must be a whole number >= 2, got ${o.sets}`);
  if (o.designs.length === 0) throw new LawfitError('bad-option', 'coverage: no bootstrap design to check');
  for (const d of o.designs) if (d.design.kind === 'clusters') throw new LawfitError('bad-option', `coverage: design ${d.label}: the simulated datasets have no clusters to resample; check rows, bayes, residuals or wild`);
  const level = o.level ?? 0.95;
  const bca = o.bca !== false;
  const common = { ...(o.starts !== undefined ? { starts: o.starts } : {}), ...(o.lm !== undefined ? { lm: o.lm } : {}), ...(o.engine !== undefined ? { engine: o.engine } : {}) };
  let truth = o.truth;
  let sigma = NaN;
  const fitOpts = { ...common, ...(o.screen !== undefined ? { screen: o.screen } : {}) };
  const original = await fitLaw(law, ds, fitOpts);
  if (truth === undefined) {
    if (!isUsable(original.status.code)) throw new LawfitError('bad-option', `coverage: the fit of ${ds.source} is not usable (${original.status.name}); nothing to simulate from`);
    truth = original.params.filter((q) => !q.fixed).map((q) => q.value);
  }
  sigma = original.statistics.dof > 0 ? Math.sqrt(original.statistics.ssr / original.statistics.dof) : NaN;
  const noise = o.noise ?? { kind: 'residuals' };
  if (noise.kind === 'normal' && noise.sigma === undefined && !(sigma > 0)) throw new LawfitError('bad-option', 'coverage: --noise normal needs a residual scale, and the fit has no degrees of freedom; give normal:SIGMA');
  const fixed = Object.fromEntries(original.params.filter((q) => q.fixed).map((q) => [q.name, q.value]));
  const { list, compute, at } = quantities(law, ds, fixed, o);
  const truthValues = list.map((q) => q.f(truth!));

  const S = o.sets;
  const D = o.designs.length;
  const Q = list.length;
  // estimates[d][q][s], sds, intervals.
  const est = o.designs.map(() => list.map(() => new Float64Array(S).fill(NaN)));
  const sds = o.designs.map(() => list.map(() => new Float64Array(S).fill(NaN)));
  const pct = o.designs.map(() => list.map(() => new Array<[number, number] | undefined>(S).fill(undefined)));
  const bcas = o.designs.map(() => list.map(() => new Array<[number, number] | undefined>(S).fill(undefined)));
  const failedSets = new Array<number>(D).fill(0);
  const failedShare = new Array<number>(D).fill(0);
  const elapsed = new Array<number>(D).fill(0);
  const UNIT = 1000;
  let lastDone = 0;
  const report = (phase: string, done: number): void => {
    lastDone = Math.max(lastDone, Math.min(S * D * UNIT, Math.round(done)));
    o.control?.onProgress?.({ phase, done: lastDone, total: S * D * UNIT });
  };
  const p = law.free.length;
  for (let s = 0; s < S; s++) {
    throwIfCancelled(o.control);
    const sim = simulate(law, ds, truth, noise, sigma, o.seed, s);
    let full: FitResult | undefined;
    const tf = performance.now();
    try {
      full = await fitLaw(law, sim, { ...fitOpts, keepStarts: true, ...(o.control?.signal !== undefined ? { control: { signal: o.control.signal } } : {}) });
    } catch (e) {
      if (!(e instanceof LawfitError) || o.control?.signal?.aborted === true) throw e;
    }
    const fullMs = performance.now() - tf;
    for (let d = 0; d < D; d++) {
      const label = `dataset ${s + 1}/${S}, design ${o.designs[d]!.label}`;
      const base = (s * D + d) * UNIT;
      const td = performance.now();
      if (full === undefined || !isUsable(full.status.code)) {
        failedSets[d]!++;
        report(label, base + UNIT);
        continue;
      }
      const b = await bootstrapFit(law, sim, {
        ...common,
        fit: full,
        replicates: o.replicates,
        seed: coverageBootstrapSeed(o.seed, s),
        design: o.designs[d]!.design,
        level,
        bca,
        ...(o.replicateStarts !== undefined ? { replicateStarts: o.replicateStarts } : {}),
        ...(o.generator !== undefined ? { generator: o.generator } : {}),
        ...(o.control !== undefined
          ? {
              control: {
                ...(o.control.signal !== undefined ? { signal: o.control.signal } : {}),
                onProgress: (q) => report(`${label}: ${q.phase}`, base + (UNIT * q.done) / Math.max(1, q.total)),
              },
            }
          : {}),
      });
      elapsed[d]! += performance.now() - td + fullMs / D;
      failedShare[d]! += b.failed.length / o.replicates / S;
      if (b.succeeded < 2) {
        failedSets[d]!++;
        report(label, base + UNIT);
        continue;
      }
      const fail = new Set(b.failed);
      const estimate = Float64Array.from(full.params.filter((q) => !q.fixed).map((q) => q.value));
      for (let k = 0; k < Q; k++) {
        const f = list[k]!.f;
        const vals: number[] = [];
        for (let r = 0; r < o.replicates; r++) if (!fail.has(r)) vals.push(f(b.draws.subarray(r * p, r * p + p)));
        const finite = vals.filter((v) => Number.isFinite(v));
        const e = f(estimate);
        est[d]![k]![s] = e;
        sds[d]![k]![s] = sd(finite);
        pct[d]![k]![s] = percentileInterval(finite, level);
        if (b.jackknife !== undefined) {
          const jack = Float64Array.from({ length: sim.n }, (_, i) => f(b.jackknife!.subarray(i * p, i * p + p)));
          if (jack.every((v) => Number.isFinite(v))) bcas[d]![k]![s] = bcaInterval(finite, e, jack, level);
        }
      }
      report(label, base + UNIT);
    }
  }
  const designs: DesignCoverage[] = o.designs.map((cd, d) => ({
    design: cd.label,
    quantities: list.map((q, k) => {
      const e = Array.from(est[d]![k]!).filter((v) => Number.isFinite(v));
      const meanSd = Array.from(sds[d]![k]!).filter((v) => Number.isFinite(v));
      const spread = sd(Float64Array.from(e));
      const out: QuantityCoverage = {
        name: q.name,
        kind: q.kind,
        truth: truthValues[k]!,
        sdRatio: meanSd.reduce((a, b) => a + b, 0) / Math.max(1, meanSd.length) / spread,
        percentile: summarizeIntervals(truthValues[k]!, pct[d]![k]!),
      };
      if (bca) out.bca = summarizeIntervals(truthValues[k]!, bcas[d]![k]!);
      return out;
    }),
    failedSets: failedSets[d]!,
    failedReplicateShare: failedShare[d]!,
    elapsedMs: elapsed[d]!,
  }));
  return {
    sets: S,
    seed: o.seed,
    replicates: o.replicates,
    level,
    noise: describeNoise(noise),
    truth: Object.fromEntries(law.free.map((fp, j) => [fp.name, truth![j]!])),
    derived: { ...(compute !== undefined ? { compute } : {}), at },
    designs,
    elapsedMs: performance.now() - t0,
  };
}
