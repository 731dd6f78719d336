/**
 * The browser app's worker protocol: every request the page sends to the fitting worker and every
 * answer it gets back, as plain serialisable types (structured-clone safe: no classes, no
 * functions except the progress callback, which the page wraps in comlink's `proxy`).
 *
 * The page imports ONLY types from this file (`import type`), and talks to the worker through
 * comlink (`wrap<WorkerApi>(new Worker(new URL('./worker/bridge.ts', import.meta.url), { type: 'module' }))`).
 * The implementation is app/src/worker/api.ts (plain functions, tested in Node without a worker);
 * app/src/worker/bridge.ts exposes it.
 *
 * A run's options are the run specification's typed values (src/run-spec/run-options.ts), the
 * same values the CLI's flags parse to and checked by the same function (src/run-spec/resolve.ts),
 * so a run in the app is a run of `lawfit fit` / `lawfit compare` and gives the same numbers. Each
 * law's result carries that equivalent command line, printed by the same table's printers.
 *
 * Errors. Answers to `inspect` and `checkFormula` carry problems as data (a bad file or formula is
 * an expected answer, not a failure). `run` and `predict` reject: with the LawfitError of bad
 * input (code, message and location preserved across the worker boundary by the bridge: see
 * `WorkerError`), or, after `cancel()`, with code 'cancelled' (src/fit/control.ts `isCancelled`
 * recognises it on the page side too; src/errors.ts `isLawfitError` recognises any lawfit error).
 */
import type { DataLocation, LawfitErrorCode, SourcePosition } from '../../../src/errors.js';
import type { Cell, FormatChoice, TableFormat } from '../../../src/data/index.js';
import type { LawFamily, ResidualSpace } from '../../../src/law/declaration.js';
import type { IsoflopSpec, LawSpec, RunScopeSpec } from '../../../src/run-spec/run-options.js';
import type { Progress } from '../../../src/fit/control.js';
import type { FitSummary } from '../../../src/report/summary.js';
import type { Prediction } from '../../../src/stats/predict.js';
import type { Comparison } from '../../../src/stats/compare.js';
import type { IsoflopResult } from '../../../src/stats/isoflop.js';
import type { Approach3Result } from '../../../src/stats/isoflop-approach3.js';
import type { CoverageResult } from '../../../src/stats/coverage.js';
import type { PlotInputs } from '../../../src/plots/inputs.js';
import type { Spec as VegaSpec } from 'vega';

export type { Progress } from '../../../src/fit/control.js';
export type { FitSummary } from '../../../src/report/summary.js';
export type { Prediction } from '../../../src/stats/predict.js';
export type { Comparison, LawComparison } from '../../../src/stats/compare.js';
export type { PlotInputs, FittedPoint } from '../../../src/plots/inputs.js';

// ---- errors -----------------------------------------------------------------------------------

/**
 * A problem with what the user gave, as data. `message` is exactly the text the CLI prints after
 * `lawfit fit: error: ` (file, row and column, or formula position, included).
 */
export interface ProblemReport {
  code: LawfitErrorCode | 'internal';
  message: string;
  /** Data problems: the file, row (the file's own row number: header = row 1 for CSV) and column. */
  location?: DataLocation;
  /** Formula problems: 0-based offset, 1-based line and column. */
  position?: SourcePosition;
  /** Formula problems: the message without the position prefix and caret lines. */
  detail?: string;
}

/**
 * What a rejected `run`/`predict` promise holds on the page: comlink rebuilds it as an Error with
 * these extra fields copied on (the bridge serialises them), so `isLawfitError(e)` and
 * `isCancelled(e)` work unchanged.
 */
export interface WorkerError extends Error {
  name: 'LawfitError' | 'FormulaError' | 'DataError' | 'Error';
  code?: LawfitErrorCode;
  badInput?: boolean;
  location?: DataLocation;
  position?: SourcePosition;
}

// ---- (a) inspecting a dropped file ------------------------------------------------------------

export interface InspectRequest {
  /** The file name: picks the format (by extension) and names the file in messages. */
  name: string;
  /** The file's bytes (preferred: the artifact's digest is then the file's SHA-256) or its text. */
  content: Uint8Array | string;
  /** Default 'auto' (from the name, then the contents), as the CLI's --format. */
  format?: FormatChoice;
  /** Rows in the preview. Default 20. */
  previewRows?: number;
}

export interface ColumnInfo {
  name: string;
  /** Every non-empty cell parses as a number (the CLI's rules: no '1,000', no 'n/a', no 'inf'). */
  numeric: boolean;
  /** Cells that parse as numbers. */
  numericCount: number;
  /** Empty or missing cells. */
  emptyCount: number;
  /**
   * For a column that is mostly numbers: the first cell that is not, with the CLI's message
   * (`runs.csv, row 14, column 'loss': 'n/a' is not a number; correct the cell or exclude the row
   * with a where filter`). The CLI reports it when a kept row needs the cell; so does `run`.
   */
  problem?: ProblemReport;
  /** Up to 8 distinct values, for text columns (filters, group columns). */
  examples?: string[];
}

export type InspectResult =
  | {
      ok: true;
      source: string;
      format: TableFormat;
      rowCount: number;
      columns: ColumnInfo[];
      /** The first rows as read (cells as in the file: strings for CSV/TSV, JSON types for JSON). */
      preview: { rowNumbers: number[]; rows: Cell[][] };
    }
  | { ok: false; error: ProblemReport };

// ---- (b) checking a formula as the user types -------------------------------------------------

export interface CheckFormulaRequest {
  formula: string;
  /**
   * The law input names the user has mapped (the names on the left of `--x`). Names in the
   * formula that are among them are inputs; every other name (not a function, not a definition
   * in the formula) is a parameter.
   */
  inputs: string[];
  /** Parameters fitted as log (kept positive), as the CLI's --positive. */
  positive?: string[];
  /** Residual space. Default 'linear', as the CLI's --space for formulas. */
  space?: ResidualSpace;
  /**
   * The largest |target| over the rows to fit (from `preflight`): when given, start ranges follow
   * the data's scale (worker/start-ranges.ts) instead of the fallback −1…1.
   */
  targetScale?: number;
}

// ---- (b2) what a run would fit, before it runs ------------------------------------------------

export interface PreflightRequest {
  file: { name: string; content: Uint8Array | string; format?: FormatChoice };
  /** --x as the page would send it (only the inputs mapped so far). */
  x: string;
  y: string;
  where?: string;
}

export type PreflightResult =
  | {
      ok: true;
      /** Rows in the file. */
      rows: number;
      /** Rows the run would fit: kept by --where, with a finite target and inputs. */
      fitted: number;
      /** The largest |target| over those rows (the scale of start ranges for formulas). */
      targetScale: number;
    }
  | { ok: false; rows: number; error: ProblemReport };

export interface ParameterInfo {
  name: string;
  /** 'none', 'log (positive)', 'bounded (lo, hi)': as the report prints it. */
  transform: string;
  /** Natural value when held fixed. */
  fixed?: number;
  /** Range used for Sobol/random starts (natural units), editable in the page; absent when fixed. */
  range?: [number, number];
  /** The default start axis (natural units); empty when the law declares none. */
  start: number[];
  description?: string;
}

export type CheckFormulaResult =
  | {
      ok: true;
      /** Inputs the formula uses, in the order of `inputs`. */
      inputs: string[];
      /** Mapped inputs the formula does not use (a run leaves them out of this law's --x). */
      unusedInputs: string[];
      parameters: ParameterInfo[];
      /** How the starts are chosen by default, e.g. "Sobol (256 points over default ranges; ...)". */
      starts: string;
    }
  | { ok: false; error: ProblemReport };

// ---- (c) the built-in laws --------------------------------------------------------------------

export interface LawInfo {
  name: string;
  /** The catalogue group (src/law/declaration.ts LAW_FAMILIES): the picker lists laws under it. */
  family?: LawFamily;
  description?: string;
  citation?: string;
  /** The familiar mathematical form, for display. */
  display?: string;
  /** The formula in the law language (what is evaluated). */
  formula: string;
  inputs: Array<{ name: string; description?: string; unit?: string }>;
  space: ResidualSpace;
  /** The loss the law's source used (e.g. 'huber:1e-3'); else least squares. */
  defaultLoss?: string;
  parameters: ParameterInfo[];
  /** Points in the law's own start grid. */
  gridSize: number;
  /** The grid's provenance. */
  startNote?: string;
}

// ---- (d) a run --------------------------------------------------------------------------------

/**
 * One law to fit: exactly one of `law` (a built-in name) or `formula`, and the law's own options,
 * typed, as the run specification's per-law rows define them (src/run-spec/run-options.ts: --fix,
 * --free, --transform, --positive, --space, --range, --loss, --starts, --grid, --screen).
 */
export interface LawChoice {
  /** Shown in the ranking and used as the law's name in reports; default the law's name, or formula-1, formula-2, ... */
  label?: string;
  law?: string;
  formula?: string;
  /** The law's options. With `range` and no `starts` or `grid`, a law starts from Sobol points over its ranges (sobol:256). */
  spec?: LawSpec;
}

export type EnginePreference = 'auto' | 'webgpu' | 'cpu';

export interface RunRequest {
  file: { name: string; content: Uint8Array | string; format?: FormatChoice };
  /**
   * The run's options, typed, as the run specification's per-run rows define them (the same
   * values `lawfit fit` / `lawfit compare` read from their flags): the mapping (x: law input →
   * column or expression, y, where, weights), the seed, the solver options, the bootstrap
   * (bootstrap = replicates, ci in percent, design, replicateStarts, generator) and the holdout.
   * With a holdout the ranking is by mean absolute relative error on the held-out runs (lawfit
   * compare); without one, by each full fit's AIC. With a bootstrap and a holdout, the
   * comparison's interval on each law's held-out error too (the run's most expensive part).
   */
  spec: RunScopeSpec & { x: Record<string, string>; y: string };
  laws: LawChoice[];
  /** Default 'auto': WebGPU when an adapter is found, else the float64 CPU engine. */
  engine?: EnginePreference;
}

// ---- (e) progress -----------------------------------------------------------------------------

/**
 * Progress of a run: the current step's `Progress` (fits done out of that step's total) and
 * where the step is in the run (steps are: per law, the held-out fit when there is a holdout,
 * then the full fit with its bootstrap).
 */
export interface RunProgress extends Progress {
  /** The law the step is about (its label). */
  law: string;
  /** 1-based index of the current step. */
  step: number;
  steps: number;
}

// ---- (f) the result ---------------------------------------------------------------------------

export interface EngineReport {
  requested: EnginePreference;
  /** The engine that ran: 'webgpu' (f32 on the GPU, reported fits finished in float64) or 'cpu' (float64). */
  used: 'webgpu' | 'cpu';
  /** One line: device or threads. */
  description: string;
  /** True when WebGPU was wanted ('auto' or 'webgpu') but the CPU ran. */
  fellBack: boolean;
  /** Why it fell back (no navigator.gpu, no adapter, device lost...). */
  reason?: string;
  /** Warnings the engine raised during the run (device loss, ...). */
  warnings: string[];
}

export interface RankingEntry {
  /** 1-based; laws that could not be scored or fitted come last. */
  rank: number;
  label: string;
  /**
   * What the order is by: with a holdout, the held-out error (lawfit compare's ranking; AIC and
   * BIC are then from a fit on all runs with residuals in the target's units, comparable across
   * laws); without one, each full fit's AIC, which is in the law's own residual space and loss, so
   * it compares only laws that share them.
   */
  basis: 'held-out error' | 'aic';
  /** Mean over folds of the mean |prediction - actual| / |actual| on each fold's held-out runs. */
  meanAbsRelError?: number;
  /** Bootstrap percentile interval of meanAbsRelError (with a holdout and a bootstrap). */
  interval?: [number, number];
  /** Folds the law was scored on. */
  scoredFolds?: number;
  aic?: number;
  bic?: number;
  /** The best fit's status name ('converged-ftol', ...) and whether its parameters are usable. */
  status?: string;
  usable?: boolean;
  /** Why this law has no numbers. */
  error?: string;
}

export type LawResult =
  | {
      ok: true;
      label: string;
      choice: LawChoice;
      /** The fit on all rows kept by --where (with the bootstrap, when asked for). */
      summary: FitSummary;
      /** The CLI's text report of it (`renderTextReport`). */
      report: string;
      /** The JSON artifact text (`lawfit report FILE`, `lawfit predict FILE` read it). */
      artifact: string;
      /** The equivalent CLI command (also recorded in the artifact). */
      command: string[];
      /**
       * What the plots are drawn from (src/plots/inputs.ts: the summary and the fitted rows), built
       * as `lawfit fit --plots` builds it; the page sends it back in a `plots` request when the
       * law's plots come into view.
       */
      plots: PlotInputs;
      /**
       * AIC and BIC from the residuals in the target's own units (src/stats/compare.ts
       * `targetInformationCriteria`), comparable across laws whatever their residual space and
       * loss; the summary's own AIC/BIC are in the law's residual space.
       */
      criteria: { aic: number; bic: number };
    }
  | { ok: false; label: string; choice: LawChoice; error: ProblemReport };

export interface RunResult {
  engine: EngineReport;
  /**
   * The data as read: file name, rows in the file, rows fitted (kept by --where and complete for
   * the laws that fitted: the largest count over them), SHA-256 of the content as given.
   */
  data: { source: string; rows: number; fitted: number; digest: string };
  ranking: RankingEntry[];
  /**
   * With a holdout: the whole comparison as `lawfit compare --out` writes it (folds, per-run
   * errors, intervals, bootstrap draws); the comparison chart of src/plots reads it.
   */
  comparison?: Comparison;
  /** The equivalent `lawfit compare` command, when the CLI can express the run's ranking. */
  rankingCommand?: string[];
  /** One per chosen law, in the order of the request. One law failing never fails the run. */
  laws: LawResult[];
  elapsedMs: number;
}

// ---- (g) predict ------------------------------------------------------------------------------

export interface PredictRequest {
  /** A law's `summary` from a RunResult (or from a parsed artifact). */
  summary: FitSummary;
  /**
   * Points: 'N=7e10,D=1.4e12' (the CLI's --at syntax) or an object of input values. Every law
   * input needs a value.
   */
  at: Array<string | Record<string, number>>;
  /** Seed of the prediction band's noise. Default 0, as `lawfit predict`. */
  seed?: number;
}

// ---- (h) plots --------------------------------------------------------------------------------

/**
 * The plots to prepare: one law's plot set (`lawfit fit --plots`: data with the law and bands,
 * residuals, bootstrap histograms and pairs when there are draws, the compute-optimal frontier for
 * Chinchilla-type laws), or the run's comparison chart (`lawfit compare --plots`).
 */
export type PlotRequest =
  | { kind: 'fit'; inputs: PlotInputs }
  | {
      kind: 'comparison';
      comparison: Comparison;
      /** The --holdout text as the user typed it, for the chart's subtitle. */
      holdout?: string;
    }
  /** The IsoFLOP curves and the frontier of each group (src/plots/isoflop-plots.ts, as `lawfit isoflop --plots`). */
  | { kind: 'isoflop'; result: IsoflopResult };

export interface PreparedPlot {
  /** The CLI's file name without '.svg': 'fit', 'residuals', 'bootstrap-histograms', 'bootstrap-pairs', 'frontier', 'comparison'. */
  name: string;
  /** What it shows, in a few words. */
  caption: string;
  /**
   * How the page draws it (worker/plots.ts says why): 'vega', a plot with tooltips compiled to a
   * Vega spec, for vega-embed (mode 'vega'); 'svg', a plot with nothing to hover, rendered to the
   * SVG `--plots DIR` writes.
   */
  drawing: { kind: 'vega'; spec: VegaSpec } | { kind: 'svg'; svg: string };
}

// ---- the worker's surface -----------------------------------------------------------------------

/**
 * The app's IsoFLOP mode: `lawfit isoflop` with the same options, typed by the run specification
 * (src/run-spec: the rows isoflop takes that the app has a field for, ISOFLOP_SCOPE_KEYS); the
 * worker checks each value with its row's parser and resolves them as the CLI does.
 */
export interface IsoflopRequest {
  file: { name: string; content: Uint8Array | string; format?: FormatChoice };
  spec: IsoflopSpec;
}

export interface IsoflopRunResult {
  result: IsoflopResult;
  /** Approach 3 beside it, one per law (--also) and group, as in the artifact. */
  approach3: Approach3Result[];
  /** The CLI's text report. */
  report: string;
  /** The artifact as `lawfit isoflop --out` writes it. */
  artifact: string;
  /** The equivalent command line (argv). */
  command: string[];
  /** Rows in the file (before the filter). */
  rows: number;
}

/**
 * "Check these intervals": `lawfit coverage` on one law's fit (worker/coverage.ts). The artifact is
 * the law's (LawResult's), the file the one it was fitted on.
 */
export interface CoverageRequest {
  law: string;
  artifact: string;
  file: { name: string; content: Uint8Array | string; format?: FormatChoice };
  /** --sets: datasets to simulate (>= 2). */
  sets: number;
  seed?: number;
  /** BCa intervals too (one jackknife per dataset); default true. */
  bca?: boolean;
  engine?: EnginePreference;
}

export interface CoverageRunResult {
  result: CoverageResult;
  engine: EngineReport;
  /** The same check on the command line (the artifact saved under the name given). */
  command: string[];
}

/** What `wrap<WorkerApi>(worker)` gives the page (every call is async across the boundary). */
export interface WorkerApi {
  inspect(request: InspectRequest): Promise<InspectResult>;
  checkFormula(request: CheckFormulaRequest): Promise<CheckFormulaResult>;
  /** How many rows a run with this mapping would fit, and their scale. */
  preflight(request: PreflightRequest): Promise<PreflightResult>;
  listLaws(): Promise<LawInfo[]>;
  /** Rejects with code 'cancelled' after cancel(); with the LawfitError of bad input otherwise. */
  run(request: RunRequest, onProgress?: (p: RunProgress) => void): Promise<RunResult>;
  /** Stops the current run at its next chunk boundary (no-op when none is running). */
  cancel(): Promise<void>;
  predict(request: PredictRequest): Promise<Prediction[]>;
  /** The plots of a law's fit or of the run's comparison, ready to draw, in the CLI's order. */
  plots(request: PlotRequest): Promise<PreparedPlot[]>;
  /** An IsoFLOP analysis (Approach 2), as `lawfit isoflop` with the same options; rejects with the CLI's error for bad input. */
  isoflop(request: IsoflopRequest): Promise<IsoflopRunResult>;
  /** A coverage check of one law's intervals; rejects with code 'cancelled' after cancel(). */
  coverage(request: CoverageRequest, onProgress?: (p: RunProgress) => void): Promise<CoverageRunResult>;
}
