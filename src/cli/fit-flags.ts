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
import type { LmOptions } from '../fit/options.js';
import type { StartSpec } from '../fit/starts.js';
import type { CompiledLaw } from '../law/compile.js';
import { summarizeFit, type FitSummary } from '../report/summary.js';
import { parseGrid, parseLossFlag, parsePositiveInt, parsePositiveNumber, parseSeed, parseStarts } from './args.js';
import { LawfitError } from '../errors.js';
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

export interface FitPlan {
  seed: number;
  startSpec: StartSpec;
  lm: Partial<LmOptions>;
  screen?: number;
}

export function resolveFitFlags(values: FitFlags): FitPlan {
  const seed = values.seed !== undefined ? parseSeed(values.seed) : 0;
  const startSpec = parseStarts(values.starts, parseGrid(values.grid ?? []), seed);
  const lm: Partial<LmOptions> = {};
  if (values.loss !== undefined) lm.loss = parseLossFlag(values.loss);
  if (values['max-iter'] !== undefined) lm.maxIterations = parsePositiveInt('--max-iter', values['max-iter']);
  if (values.ftol !== undefined) lm.ftol = parsePositiveNumber('--ftol', values.ftol);
  if (values.xtol !== undefined) lm.xtol = parsePositiveNumber('--xtol', values.xtol);
  if (values.gtol !== undefined) lm.gtol = parsePositiveNumber('--gtol', values.gtol);
  if (values.damping !== undefined) {
    if (values.damping !== 'levenberg' && values.damping !== 'marquardt') throw new LawfitError('bad-option', `--damping: expected levenberg or marquardt, got '${values.damping}'`);
    lm.damping = values.damping;
  }
  if (values.projection !== undefined) {
    if (values.projection !== 'auto' && values.projection !== 'on' && values.projection !== 'off') throw new LawfitError('bad-option', `--projection: expected auto, on or off, got '${values.projection}'`);
    lm.projection = values.projection;
  }
  const screen = values.screen !== undefined ? parsePositiveInt('--screen', values.screen) : undefined;
  return { seed, startSpec, lm, ...(screen !== undefined ? { screen } : {}) };
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
