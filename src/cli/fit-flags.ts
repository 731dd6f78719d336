/**
 * The fitting options of `lawfit fit` (`--starts --grid --seed --loss --screen --max-iter --ftol
 * --xtol --gtol --damping --projection`) read from their flag text, and the one path from a law and a dataset to
 * the FitSummary a report and an artifact are made of (a plain fit, or the bootstrap's full fit
 * with the draws). The CLI and the browser app's worker both call these, so the same flags give
 * the same numbers in both. No Node imports: the app bundles this module.
 */
import type { Dataset } from '../data/dataset.js';
import type { RunControl } from '../fit/control.js';
import type { Engine } from '../fit/engine.js';
import { fitLaw } from '../fit/fit.js';
import type { CompiledLaw } from '../law/compile.js';
import { summarizeFit, type FitSummary } from '../report/summary.js';
import { specFromFlags } from '../run-spec/argv.js';
import { resolveFitPlan, type FitPlan } from '../run-spec/resolve.js';
import { runBootstrap, summarizeBootstrap, type ResolvedBootstrap } from './bootstrap-flags.js';

/** The flags as text, as node:util's parseArgs returns them. */
export interface FitFlags {
  seed?: string;
  starts?: string;
  grid?: readonly string[];
  loss?: string;
  screen?: string;
  'max-iter'?: string;
  ftol?: string;
  xtol?: string;
  gtol?: string;
  damping?: string;
  projection?: string;
}

export type { FitPlan };

/** The fitting flags' text through the run specification's parsers (src/run-spec). */
export function resolveFitFlags(values: FitFlags): FitPlan {
  return resolveFitPlan(specFromFlags('fit', values));
}

/**
 * Fit `law` to `dataset` as `lawfit fit` does: with `boot`, the bootstrap (its full-data fit is the
 * reported fit, its draws are kept in the summary); without, one multi-start fit (screened, and
 * audited on f32 engines when `audit` is given). `control` reports progress and cancels (control.ts).
 */
export async function fitSummary(
  law: CompiledLaw,
  dataset: Dataset,
  plan: FitPlan,
  boot: ResolvedBootstrap | undefined,
  engine: Engine,
  audit?: number,
  control?: RunControl,
): Promise<FitSummary> {
  const { seed, startSpec, lm, screen } = plan;
  const controlled = control !== undefined ? { control } : {};
  if (boot !== undefined) {
    const b = await runBootstrap(law, dataset, boot, seed, { starts: startSpec, lm, engine, ...controlled });
    const summary = summarizeFit(b.fit);
    summary.bootstrap = summarizeBootstrap(b, boot, seed);
    return summary;
  }
  return summarizeFit(await fitLaw(law, dataset, { starts: startSpec, ...(screen !== undefined ? { screen } : {}), lm, engine, ...(audit !== undefined ? { audit, auditSeed: seed } : {}), ...controlled }));
}
