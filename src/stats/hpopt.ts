/**
 * Hyperparameter-optimum laws: runs over a grid of learning rates (and batch sizes) at each
 * (N, D) cell, each cell reduced to its optimum (hpopt-optimum.ts: the best run, a parabola in
 * ln lr through the best runs, or Step Law's near-optimal set), then η* = c·Π x^e and
 * B* = c·Π x^e by least squares in log space (hpopt-law.ts), x being N and D, N alone, or the
 * compute C, as the caller names them.
 *
 * A cell is one distinct tuple of the law's inputs (N, D or C values as given). The bootstrap
 * resamples the runs within each cell (each cell keeps its run count; resample.ts's `strata`
 * design, replicate r drawn from replicateRng(seed, r) as every lawfit bootstrap is), re-derives
 * every cell's optimum from the drawn runs and refits the laws, so the percentile intervals carry
 * both the loss noise and the optimum choice's own variability (which runs are near the best, on
 * which side of the minimum the grid's neighbours fall). A replicate whose law cannot be fitted
 * (a singular design) is counted as failed with its reason; the intervals are over the others.
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import { quantity, type BootstrapQuantity } from './isoflop.js';
import { cellOptimum, describeOptimum, WARNING_FLAGS, type CellData, type CellOptimum, type OptimumChoice, type OptimumFlag } from './hpopt-optimum.js';
import { fitLogLinear, predictLogLinear, tInterval, type LogLinearFit } from './hpopt-law.js';
import { resampleWeights } from './resample.js';

/** The law's possible inputs: model size, training tokens, compute. */
export const HPOPT_INPUTS = ['N', 'D', 'C'] as const;
export type HpoptInput = (typeof HPOPT_INPUTS)[number];
export type Hyperparameter = 'lr' | 'bs';

/** The runs of a sweep, numeric and validated (hpoptRunsFromDataset or makeHpoptRuns). */
export interface HpoptRuns {
  source: string;
  n: number;
  /** The law's inputs, in order, and their values per run. */
  inputs: HpoptInput[];
  x: Float64Array[];
  lr: Float64Array;
  bs?: Float64Array;
  loss: Float64Array;
  /** Each run's row number in the source. */
  rowNumbers: Int32Array;
  digest?: string;
}

export interface HpoptBootstrapOptions {
  replicates: number;
  seed?: number;
}

export interface HpoptOptions {
  optimum: OptimumChoice;
  /** Interval level (t intervals and bootstrap percentiles; default 0.95). */
  level?: number;
  /** Targets at which to predict η* (and B*): one value per input. */
  at?: readonly Readonly<Record<string, number>>[];
  bootstrap?: HpoptBootstrapOptions;
  /**
   * The inputs of the batch-size law, a subset of the runs' (default: all of them). Step Law's
   * published B* depends on D alone (its fit_tool.py fits ln bs on ln D in parameter version 1004).
   */
  bsInputs?: readonly HpoptInput[];
}

export interface Estimate {
  estimate: number;
  se: number;
  interval: [number, number];
}

export interface HpoptCell {
  /** The cell's input values (N, D, C as given). */
  at: Record<string, number>;
  runs: number;
  /** Row number of the best run and its loss. */
  bestRow: number;
  bestLoss: number;
  lr: number;
  lrFlag: OptimumFlag;
  bs?: number;
  bsFlag?: OptimumFlag;
  /** steplaw: distinct runs in the near-optimal set. */
  nearOptimal?: number;
  /** Regression points the cell gave (1, or the near-optimal set's size). */
  points: number;
}

export interface HpoptLawPrediction {
  at: Record<string, number>;
  estimate: number;
  /** t interval from the fit's covariance, on the log scale and exponentiated. */
  interval: [number, number];
  bootstrap?: BootstrapQuantity;
}

export interface HpoptLaw {
  hyperparameter: Hyperparameter;
  /** The law's inputs (all of the runs' for lr; bsInputs for bs). */
  inputs: HpoptInput[];
  /** h* = c · Π x^e: c with its t interval (exp of ln c's), the exponents with theirs. */
  c: { estimate: number; logSe: number; interval: [number, number] };
  exponents: ({ input: HpoptInput } & Estimate)[];
  points: number;
  dof: number;
  /** RMS residual of ln h* (the spread of the cells' optima around the law). */
  rmsLog: number;
  predictions: HpoptLawPrediction[];
  bootstrap?: { c: BootstrapQuantity; exponents: ({ input: HpoptInput } & BootstrapQuantity)[] };
  fit: LogLinearFit;
}

export interface HpoptBootstrap {
  replicates: number;
  succeeded: number;
  failed: { replicate: number; reason: string }[];
  seed: number;
  level: number;
  /** Per replicate: per law, [ln c, e_1, …] (null when it failed). */
  draws: (number[][] | null)[];
  /** Per cell: share of the successful replicates in which its lr or bs optimum carried a warning flag (WARNING_FLAGS). */
  flaggedShare: number[];
  elapsedMs: number;
}

export interface HpoptResult {
  source: string;
  runs: number;
  inputs: HpoptInput[];
  hyperparameters: Hyperparameter[];
  optimum: OptimumChoice;
  /** describeOptimum(optimum): the --optimum text. */
  optimumText: string;
  level: number;
  cells: HpoptCell[];
  laws: HpoptLaw[];
  bootstrap?: HpoptBootstrap;
  elapsedMs: number;
}

/** Four significant digits; powers of ten as 5e+9, the way sweeps are written (1e8, 2e9). */
const fmt = (v: number): string => {
  const r = Number(v.toPrecision(4));
  return r !== 0 && (Math.abs(r) >= 1e5 || Math.abs(r) < 1e-3) ? r.toExponential() : r.toString();
};

/** Runs from plain arrays (the synthetic sweeps and the library), checked as the CLI's are. */
export function makeHpoptRuns(r: {
  source: string;
  inputs: Partial<Record<HpoptInput, ArrayLike<number>>>;
  lr: ArrayLike<number>;
  bs?: ArrayLike<number>;
  loss: ArrayLike<number>;
  rowNumbers?: ArrayLike<number>;
  /** Names of the columns or expressions, for messages (default: the input names). */
  expressions?: Partial<Record<string, string>>;
}): HpoptRuns {
  const inputs = HPOPT_INPUTS.filter((k) => r.inputs[k] !== undefined);
  if (inputs.length === 0) throw new LawfitError('bad-option', `hpopt: the law needs at least one input among ${HPOPT_INPUTS.join(', ')}`);
  const n = r.loss.length;
  const rowNumbers = r.rowNumbers !== undefined ? Int32Array.from(r.rowNumbers) : Int32Array.from({ length: n }, (_, i) => i + 1);
  const columns: [string, ArrayLike<number>][] = [...inputs.map((k) => [k, r.inputs[k]!] as [string, ArrayLike<number>]), ['lr', r.lr], ...(r.bs !== undefined ? [['bs', r.bs] as [string, ArrayLike<number>]] : [])];
  for (const [name, col] of columns) {
    if (col.length !== n) throw new LawfitError('bad-option', `hpopt: ${name} has ${col.length} values for ${n} losses`);
    const expr = r.expressions?.[name] ?? name;
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (!(v > 0) || !Number.isFinite(v)) throw new LawfitError('data-value', `${r.source}, row ${rowNumbers[i]}: ${name} = ${v} ('${expr}') must be positive (the law is fitted to its logarithm); exclude the row with --where`);
    }
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(r.loss[i]!)) throw new LawfitError('data-value', `${r.source}, row ${rowNumbers[i]}: the loss ('${r.expressions?.['loss'] ?? 'loss'}') is ${r.loss[i]}, not a finite number`);
  }
  return {
    source: r.source,
    n,
    inputs,
    x: inputs.map((k) => Float64Array.from(r.inputs[k]!)),
    lr: Float64Array.from(r.lr),
    ...(r.bs !== undefined ? { bs: Float64Array.from(r.bs) } : {}),
    loss: Float64Array.from(r.loss),
    rowNumbers,
  };
}

/**
 * The runs of a Dataset whose inputs are the law's (a subset of N, D, C, in that order), then
 * `lr` and, optionally, `bs`, as the CLI maps them (hpopt command).
 */
export function hpoptRunsFromDataset(ds: Dataset): HpoptRuns {
  const k = ds.inputNames.length;
  const col = (name: string): Float64Array | undefined => {
    const j = ds.inputNames.indexOf(name);
    if (j < 0) return undefined;
    return Float64Array.from({ length: ds.n }, (_, i) => ds.inputs[i * k + j]!);
  };
  const expressions: Record<string, string> = Object.fromEntries(ds.inputNames.map((name, j) => [name, ds.inputExpressions[j]!]));
  const lr = col('lr');
  if (lr === undefined) throw new LawfitError('bad-option', "hpopt: the dataset has no input 'lr'");
  const bs = col('bs');
  const inputs: Partial<Record<HpoptInput, Float64Array>> = {};
  for (const name of HPOPT_INPUTS) {
    const c = col(name);
    if (c !== undefined) inputs[name] = c;
  }
  const runs = makeHpoptRuns({ source: ds.source, inputs, lr, ...(bs !== undefined ? { bs } : {}), loss: ds.y, rowNumbers: ds.rowNumbers, expressions });
  return ds.digest !== undefined ? { ...runs, digest: ds.digest } : runs;
}

interface Cells {
  /** Per cell: its input values and run indices (file order). */
  list: { at: Record<string, number>; lnX: number[]; rows: number[] }[];
  /** Per run: its cell's index, as text (the bootstrap's strata). */
  strata: string[];
}

function groupCells(runs: HpoptRuns): Cells {
  const by = new Map<string, number>();
  const list: Cells['list'] = [];
  const strata: string[] = [];
  for (let i = 0; i < runs.n; i++) {
    const key = runs.x.map((c) => c[i]!).join('\u0000');
    let c = by.get(key);
    if (c === undefined) {
      c = list.length;
      by.set(key, c);
      list.push({ at: Object.fromEntries(runs.inputs.map((name, j) => [name, runs.x[j]![i]!])), lnX: runs.x.map((col) => Math.log(col[i]!)), rows: [] });
    }
    list[c]!.rows.push(i);
    strata.push(String(c));
  }
  return { list, strata };
}

const cellName = (at: Record<string, number>): string => Object.entries(at).map(([k, v]) => `${k} = ${fmt(v)}`).join(', ');

/** The input checks an analysis needs (one-line errors naming the cell and its rows). */
function checkCells(runs: HpoptRuns, cells: Cells, o: HpoptOptions): void {
  for (const c of cells.list) {
    if (c.rows.length < 2) throw new LawfitError('data-value', `${runs.source}: the cell ${cellName(c.at)} has one run (row ${runs.rowNumbers[c.rows[0]!]}); an optimum needs a sweep of at least 2 runs per cell (exclude it with --where)`);
    const settings = new Set(c.rows.map((i) => `${runs.lr[i]}|${runs.bs?.[i] ?? ''}`));
    if (settings.size < 2) throw new LawfitError('data-value', `${runs.source}: the cell ${cellName(c.at)} (rows ${c.rows.map((i) => runs.rowNumbers[i]).join(', ')}) has ${c.rows.length} runs at one setting (lr = ${fmt(runs.lr[c.rows[0]!]!)}${runs.bs !== undefined ? `, bs = ${fmt(runs.bs[c.rows[0]!]!)}` : ''}): nothing was swept`);
    if (o.optimum.kind === 'steplaw') {
      for (const i of c.rows) if (!(runs.loss[i]! > 0)) throw new LawfitError('data-value', `${runs.source}, row ${runs.rowNumbers[i]}: loss ${runs.loss[i]} is not positive; steplaw's tolerance is relative to the cell's best loss (use --optimum best or parabola)`);
    }
  }
  const p = runs.inputs.length + 1;
  if (cells.list.length < p) throw new LawfitError('data-too-few', `${runs.source}: ${cells.list.length} cell${cells.list.length === 1 ? '' : 's'} of (${runs.inputs.join(', ')}); a law in ${runs.inputs.join(', ')} has ${p} coefficients and needs at least ${p} cells (${p + 1} for standard errors)`);
  runs.inputs.forEach((name, j) => {
    if (new Set(cells.list.map((c) => c.lnX[j])).size < 2) throw new LawfitError('data-value', `${runs.source}: ${name} has one value (${fmt(Math.exp(cells.list[0]!.lnX[j]!))}) across all cells, so its exponent cannot be fitted: leave it out of --x`);
  });
}

interface Pass {
  optima: CellOptimum[];
  fits: (LogLinearFit | undefined)[];
}

/** Every cell's optimum at multiplicities `counts`, and the law of each hyperparameter (`columns[h]`: its inputs' indices). */
function pass(cells: Cells, data: CellData, counts: ArrayLike<number>, o: HpoptOptions, hps: readonly Hyperparameter[], columns: readonly (readonly number[])[]): Pass {
  const optima = cells.list.map((c) => cellOptimum({ ...data, rows: c.rows }, counts, o.optimum)!);
  const fits = hps.map((hp, h) => {
    const cols = columns[h]!;
    const X: number[][] = cols.map(() => []);
    const y: number[] = [];
    const w: number[] = [];
    optima.forEach((opt, ci) => {
      for (const pt of opt.points) {
        cols.forEach((c, j) => X[j]!.push(cells.list[ci]!.lnX[c]!));
        y.push(hp === 'lr' ? pt.lnLr : pt.lnBs!);
        w.push(pt.weight);
      }
    });
    return fitLogLinear(X, y, w);
  });
  return { optima, fits };
}

/** The hyperparameter-optimum analysis of `runs` (see the module comment). Float64, synchronous. */
export function analyzeHyperparameterOptimum(runs: HpoptRuns, o: HpoptOptions): HpoptResult {
  const started = performance.now();
  const level = o.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new LawfitError('bad-option', `hpopt: the interval level must be between 0 and 1, got ${level}`);
  const ch = o.optimum;
  if (ch.kind === 'steplaw' && !(ch.tolerance > 0 && ch.tolerance < 1)) throw new LawfitError('bad-option', `hpopt: the steplaw tolerance is relative (e.g. 0.0025 for 0.25 %), between 0 and 1; got ${ch.tolerance}`);
  if (ch.kind === 'parabola' && !(Number.isInteger(ch.window) && ch.window >= 1)) throw new LawfitError('bad-option', `hpopt: the parabola's window is a whole number of neighbours on each side (>= 1), got ${ch.window}`);
  const at = o.at ?? [];
  for (const point of at) {
    for (const name of runs.inputs) if (!(point[name]! > 0)) throw new LawfitError('bad-option', `--at: give a positive ${name} (the law's inputs: ${runs.inputs.join(', ')})`);
    for (const name of Object.keys(point)) if (!(runs.inputs as string[]).includes(name)) throw new LawfitError('bad-option', `--at: the law has no input '${name}' (its inputs: ${runs.inputs.join(', ')})`);
  }
  const cells = groupCells(runs);
  checkCells(runs, cells, o);
  const hps: Hyperparameter[] = runs.bs !== undefined ? ['lr', 'bs'] : ['lr'];
  if (o.bsInputs !== undefined) {
    if (runs.bs === undefined) throw new LawfitError('bad-option', '--bs-x: the runs have no batch size (give --hp lr=COL,bs=COL)');
    if (o.bsInputs.length === 0) throw new LawfitError('bad-option', '--bs-x: give at least one of the law\'s inputs');
    for (const name of o.bsInputs) if (!runs.inputs.includes(name)) throw new LawfitError('bad-option', `--bs-x: '${name}' is not one of the law's inputs (${runs.inputs.join(', ')})`);
  }
  const lawInputs: HpoptInput[][] = hps.map((hp) => (hp === 'bs' && o.bsInputs !== undefined ? runs.inputs.filter((name) => o.bsInputs!.includes(name)) : [...runs.inputs]));
  const columns = lawInputs.map((names) => names.map((name) => runs.inputs.indexOf(name)));
  const data: CellData = { rows: [], lnLr: runs.lr.map(Math.log), lnBs: runs.bs?.map(Math.log), loss: runs.loss };
  const ones = new Float64Array(runs.n).fill(1);
  const full = pass(cells, data, ones, o, hps, columns);

  const cellRows: HpoptCell[] = cells.list.map((c, ci) => {
    const opt = full.optima[ci]!;
    return {
      at: c.at,
      runs: c.rows.length,
      bestRow: runs.rowNumbers[opt.bestRow]!,
      bestLoss: opt.bestLoss,
      lr: Math.exp(opt.lnLr),
      lrFlag: opt.lrFlag,
      ...(opt.lnBs !== undefined ? { bs: Math.exp(opt.lnBs), bsFlag: opt.bsFlag! } : {}),
      ...(opt.nearOptimal !== undefined ? { nearOptimal: opt.nearOptimal } : {}),
      points: opt.points.length,
    };
  });
  const laws: HpoptLaw[] = hps.map((hp, h) => {
    const f = full.fits[h];
    // checkCells makes the design non-singular: every input varies across cells, one point each at least.
    if (f === undefined) throw new LawfitError('data-value', `${runs.source}: the ${hp} law's design is singular (the inputs are collinear across the cells)`);
    const ci = tInterval(f.logC, f.logCSe, f.dof, level);
    const names = lawInputs[h]!;
    return {
      hyperparameter: hp,
      inputs: names,
      c: { estimate: Math.exp(f.logC), logSe: f.logCSe, interval: [Math.exp(ci[0]), Math.exp(ci[1])] },
      exponents: names.map((input, j) => ({ input, estimate: f.exponents[j]!, se: f.exponentSe[j]!, interval: tInterval(f.exponents[j]!, f.exponentSe[j]!, f.dof, level) })),
      points: f.points,
      dof: f.dof,
      rmsLog: Math.sqrt(f.residuals.reduce((s, r) => s + r * r, 0) / f.residuals.length),
      predictions: at.map((point) => {
        const p = predictLogLinear(f, names.map((name) => Math.log(point[name]!)));
        const iv = tInterval(p.log, p.se, f.dof, level);
        return { at: { ...point }, estimate: Math.exp(p.log), interval: [Math.exp(iv[0]), Math.exp(iv[1])] as [number, number] };
      }),
      fit: f,
    };
  });
  const result: HpoptResult = { source: runs.source, runs: runs.n, inputs: [...runs.inputs], hyperparameters: hps, optimum: ch, optimumText: describeOptimum(ch), level, cells: cellRows, laws, elapsedMs: 0 };
  if (o.bootstrap !== undefined) result.bootstrap = bootstrap(runs, cells, data, o, hps, columns, laws, at, level);
  result.elapsedMs = performance.now() - started;
  return result;
}

function bootstrap(runs: HpoptRuns, cells: Cells, data: CellData, o: HpoptOptions, hps: readonly Hyperparameter[], columns: readonly (readonly number[])[], laws: HpoptLaw[], at: readonly Readonly<Record<string, number>>[], level: number): HpoptBootstrap {
  const started = performance.now();
  const b = o.bootstrap!;
  const seed = b.seed ?? 0;
  const R = b.replicates;
  const W = resampleWeights(runs.n, { replicates: R, seed, design: { kind: 'strata', strata: cells.strata } });
  const draws: (number[][] | null)[] = [];
  const failed: HpoptBootstrap['failed'] = [];
  const flagged = new Float64Array(cells.list.length);
  for (let r = 0; r < R; r++) {
    const counts = W.subarray(r * runs.n, (r + 1) * runs.n);
    const p = pass(cells, data, counts, o, hps, columns);
    const bad = p.fits.findIndex((f) => f === undefined || !Number.isFinite(f.logC) || f.exponents.some((e) => !Number.isFinite(e)));
    if (bad >= 0) {
      failed.push({ replicate: r, reason: `the ${hps[bad]} law could not be fitted (singular design)` });
      draws.push(null);
      continue;
    }
    draws.push(p.fits.map((f) => [f!.logC, ...f!.exponents]));
    p.optima.forEach((opt, ci) => {
      if (WARNING_FLAGS.includes(opt.lrFlag) || (opt.bsFlag !== undefined && WARNING_FLAGS.includes(opt.bsFlag))) flagged[ci] = flagged[ci]! + 1;
    });
  }
  const ok = draws.filter((d): d is number[][] => d !== null);
  laws.forEach((law, h) => {
    const f = law.fit;
    law.bootstrap = {
      c: quantity(law.c.estimate, ok.map((d) => Math.exp(d[h]![0]!)), level),
      exponents: law.exponents.map((e, j) => ({ input: e.input, ...quantity(e.estimate, ok.map((d) => d[h]![j + 1]!), level) })),
    };
    at.forEach((point, k) => {
      const lnX = law.inputs.map((name) => Math.log(point[name]!));
      const values = ok.map((d) => Math.exp(d[h]![0]! + lnX.reduce((s, v, j) => s + d[h]![j + 1]! * v, 0)));
      law.predictions[k]!.bootstrap = quantity(Math.exp(predictLogLinear(f, lnX).log), values, level);
    });
  });
  return {
    replicates: R,
    succeeded: ok.length,
    failed,
    seed,
    level,
    draws,
    flaggedShare: Array.from(flagged, (v) => (ok.length > 0 ? v / ok.length : NaN)),
    elapsedMs: performance.now() - started,
  };
}
