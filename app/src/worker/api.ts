/**
 * The fitting worker's functions (protocol.ts documents every request and result): plain async
 * functions with no `self`, no `postMessage` and no comlink, so tests call them directly in Node
 * and bridge.ts exposes them to the page unchanged.
 *
 * One run at a time: `run` owns an AbortController until it settles, and `cancel()` aborts it.
 * The engines check the signal between chunks of work and the single-thread CPU engine yields to
 * the worker's event loop every few tens of milliseconds while it solves, so the page's cancel
 * message is received mid-run (src/fit/control.ts).
 */
import { cancelledError } from '../../../src/fit/control.js';
import { LawfitError } from '../../../src/errors.js';
import { checkPoint, parseAtFlag } from '../../../src/cli/at-flag.js';
import { predictAt, type Prediction } from '../../../src/stats/predict.js';
import { inspectFile } from './inspect.js';
import { preflightRun } from './preflight.js';
import { checkFormula as checkFormulaText, listLaws as builtInLaws } from './laws.js';
import { runIsoflop } from './isoflop.js';
import { runCoverage } from './coverage.js';
import { runLaws, type RunEnvironment } from './run.js';
import type {
  CheckFormulaRequest,
  CheckFormulaResult,
  InspectRequest,
  CoverageRequest,
  CoverageRunResult,
  IsoflopRequest,
  IsoflopRunResult,
  InspectResult,
  LawInfo,
  PlotRequest,
  PreflightRequest,
  PreflightResult,
  PredictRequest,
  PreparedPlot,
  RunProgress,
  RunRequest,
  RunResult,
  WorkerApi,
} from './protocol.js';

export async function inspect(request: InspectRequest): Promise<InspectResult> {
  return Promise.resolve(inspectFile(request));
}

export async function checkFormula(request: CheckFormulaRequest): Promise<CheckFormulaResult> {
  return Promise.resolve(checkFormulaText(request));
}

export async function preflight(request: PreflightRequest): Promise<PreflightResult> {
  return Promise.resolve(preflightRun(request));
}

export async function listLaws(): Promise<LawInfo[]> {
  return Promise.resolve(builtInLaws());
}

let running: AbortController | undefined;

/**
 * Fit the chosen laws (see run.ts). Rejects with code 'bad-option' if a run is already going (the
 * page cancels it first), with code 'cancelled' after cancel(), and with the CLI's error for bad
 * input. `env` is for tests (a GPU that is not there); the page passes only the first two.
 */
export async function run(request: RunRequest, onProgress?: (p: RunProgress) => void, env: Omit<RunEnvironment, 'signal' | 'onProgress'> = {}): Promise<RunResult> {
  if (running !== undefined) throw new LawfitError('bad-option', 'a run is already in progress; cancel it or wait for it to finish');
  const controller = new AbortController();
  running = controller;
  try {
    const result = await runLaws(request, { ...env, signal: controller.signal, ...(onProgress !== undefined ? { onProgress } : {}) });
    // A cancel that arrives after the last chunk still means the user did not want this result.
    if (controller.signal.aborted) throw cancelledError();
    return result;
  } finally {
    running = undefined;
  }
}

export async function cancel(): Promise<void> {
  running?.abort();
  return Promise.resolve();
}

export async function predict(request: PredictRequest): Promise<Prediction[]> {
  const s = request.summary;
  const inputs = Object.keys(s.data.inputs);
  return Promise.resolve(
    request.at.map((point) => {
      const at = typeof point === 'string' ? parseAtFlag(point, inputs, s.law.name) : point;
      if (typeof point !== 'string') checkPoint(at, inputs, s.law.name);
      return predictAt(s, at, request.seed ?? 0);
    }),
  );
}

/**
 * Prepare plots (worker/plots.ts). The plotting code (Vega-Lite's compiler and Vega, over 1 MB) is
 * loaded on the first request, so the worker starts without it.
 */
export async function plots(request: PlotRequest): Promise<PreparedPlot[]> {
  const { preparePlots } = await import('./plots.js');
  return preparePlots(request);
}

/**
 * An IsoFLOP analysis (worker/isoflop.ts): `lawfit isoflop` with the same options, on the worker
 * (a bootstrap of thousands of replicates takes seconds; the page stays free meanwhile).
 */
export async function isoflop(request: IsoflopRequest): Promise<IsoflopRunResult> {
  if (running !== undefined) throw new LawfitError('bad-option', 'a run is already in progress; cancel it or wait for it to finish');
  return runIsoflop(request);
}

/**
 * A coverage check of one law's intervals (worker/coverage.ts): S simulated datasets, each refitted
 * with its bootstrap; one run at a time with `run`, and cancel() stops it.
 */
export async function coverage(request: CoverageRequest, onProgress?: (p: RunProgress) => void, env: Omit<RunEnvironment, 'signal' | 'onProgress'> = {}): Promise<CoverageRunResult> {
  if (running !== undefined) throw new LawfitError('bad-option', 'a run is already in progress; cancel it or wait for it to finish');
  const controller = new AbortController();
  running = controller;
  try {
    const result = await runCoverage(request, { ...env, signal: controller.signal, ...(onProgress !== undefined ? { onProgress } : {}) });
    if (controller.signal.aborted) throw cancelledError();
    return result;
  } finally {
    running = undefined;
  }
}

/** The whole surface, for bridge.ts (and a compile-time check that it matches the protocol). */
export const workerApi: WorkerApi = { inspect, checkFormula, preflight, listLaws, run: (r, p) => run(r, p), cancel, predict, plots, isoflop, coverage: (r, p) => coverage(r, p) };
