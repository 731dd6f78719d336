/**
 * The CLI's bootstrap options (`--bootstrap N --design rows|clusters:COL|bayes|residuals|wild --ci 95
 * --replicate-starts basins:K|law`), shared by `fit` and `demo`, and the summary they add to a
 * fit's report and artifact.
 */
import type { Dataset } from '../data/dataset.js';
import type { RunControl } from '../fit/control.js';
import type { Engine } from '../fit/engine.js';
import type { LmOptions } from '../fit/options.js';
import type { StartSpec } from '../fit/starts.js';
import type { CompiledLaw } from '../law/compile.js';
import type { FitSummary } from '../report/summary.js';
import { bootstrapSummary } from '../report/bootstrap-summary.js';
import { bootstrapFit, type BootstrapResult } from '../stats/bootstrap.js';
import { resolveDesign } from '../stats/resample.js';
import { specFromFlags } from '../run-spec/argv.js';
import { sectionHelp } from '../run-spec/help.js';
import { resolveBootstrap, type ResolvedBootstrap } from '../run-spec/resolve.js';

/** The bootstrap's --help section, from the run specification's rows (src/run-spec). */
export const BOOTSTRAP_USAGE = `bootstrap\n${sectionHelp('fit', 'bootstrap')}`;

export interface BootstrapFlags {
  bootstrap?: string;
  design?: string;
  ci?: string;
  'replicate-starts'?: string;
  generator?: string;
}

export type { ResolvedBootstrap };

/** The bootstrap flags' text through the run specification's parsers and its one check (run-spec/resolve.ts). */
export function resolveBootstrapFlags(f: BootstrapFlags): ResolvedBootstrap | undefined {
  return resolveBootstrap(specFromFlags('fit', f));
}

export async function runBootstrap(
  law: CompiledLaw,
  ds: Dataset,
  r: ResolvedBootstrap,
  seed: number,
  common: { starts: StartSpec; lm: Partial<LmOptions>; engine: Engine; control?: RunControl; slice?: { from: number; to: number }; jackknife?: boolean },
): Promise<BootstrapResult> {
  return bootstrapFit(law, ds, {
    replicates: r.replicates,
    seed,
    design: resolveDesign(r.design, ds.groups),
    generator: r.generator,
    level: r.level,
    starts: common.starts,
    replicateStarts: r.replicateStarts,
    lm: common.lm,
    engine: common.engine,
    ...(common.control !== undefined ? { control: common.control } : {}),
    ...(common.slice !== undefined ? { slice: common.slice } : {}),
    ...(common.jackknife !== undefined ? { jackknife: common.jackknife } : {}),
  });
}

export function summarizeBootstrap(b: Omit<BootstrapResult, 'fit'>, r: Pick<ResolvedBootstrap, 'design'>, seed: number): NonNullable<FitSummary['bootstrap']> {
  return bootstrapSummary(b, { seed, design: r.design });
}
