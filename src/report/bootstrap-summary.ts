/**
 * A bootstrap's record in a fit summary (the report's and the artifact's `bootstrap` section),
 * built in one place for the CLI's `fit` and `demo` and for library callers: every draw is kept
 * (null for a failed replicate) so that intervals, predictions and compute-optimal quantities
 * can be recomputed from the summary alone.
 */
import { statusInfo } from '../fit/status.js';
import type { BootstrapResult } from '../stats/bootstrap.js';
import { describeDesign, type ColumnDesign } from '../stats/resample.js';
import { summarizeFit, type FitSummary } from './summary.js';

/** What the summary records about how the replicates were drawn (BootstrapResult does not carry it). */
export interface BootstrapRun {
  seed: number;
  /** The design as given (or its description, e.g. 'clusters:run_id'). Default rows. */
  design?: ColumnDesign | string;
}

export function bootstrapSummary(b: Omit<BootstrapResult, 'fit'>, run: BootstrapRun): NonNullable<FitSummary['bootstrap']> {
  const p = b.parameters.length;
  const failed = new Set(b.failed);
  const design = run.design ?? { kind: 'rows' };
  return {
    replicates: b.replicates,
    succeeded: b.succeeded,
    failed: b.failed,
    seed: run.seed,
    design: typeof design === 'string' ? design : describeDesign(design),
    level: b.level,
    startsPerReplicate: b.startsPerReplicate,
    ...(b.rescued.length > 0 ? { rescued: b.rescued } : {}),
    ...(b.rescueStarts !== undefined ? { rescueStarts: b.rescueStarts } : {}),
    ...(b.failures.length > 0 ? { failures: b.failures.map((f) => ({ ...f })) } : {}),
    ...(b.fewRows.replicates.length > 0 ? { fewRows: { ...b.fewRows, replicates: [...b.fewRows.replicates] } } : {}),
    replicateStatus: Array.from(b.status, (code) => statusInfo(code).name),
    replicateShareReachedBest: Array.from(b.shareReachedBest),
    parameters: b.parameters.map((q) => ({ ...q })),
    draws: Array.from({ length: b.replicates }, (_, k) => (failed.has(k) ? null : Array.from(b.draws.subarray(k * p, k * p + p)))),
  };
}

/** The summary of a bootstrapped fit: summarizeFit of the full-data fit plus its bootstrap section. */
export function summarizeBootstrapFit(b: BootstrapResult, run: BootstrapRun, truth?: Record<string, number>): FitSummary {
  return { ...summarizeFit(b.fit, truth), bootstrap: bootstrapSummary(b, run) };
}
