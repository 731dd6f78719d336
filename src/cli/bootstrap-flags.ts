/**
 * The CLI's bootstrap options (`--bootstrap N --design rows|clusters:COL|bayes|residuals|wild --ci 95
 * --replicate-starts basins:K|law`), shared by `fit` and `demo`, and the summary they add to a
 * fit's report and artifact.
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import type { RunControl } from '../fit/control.js';
import type { Engine } from '../fit/engine.js';
import type { LmOptions } from '../fit/options.js';
import type { StartSpec } from '../fit/starts.js';
import type { CompiledLaw } from '../law/compile.js';
import type { FitSummary } from '../report/summary.js';
import { bootstrapSummary } from '../report/bootstrap-summary.js';
import { bootstrapFit, DEFAULT_BASINS, type BootstrapResult, type ReplicateStarts } from '../stats/bootstrap.js';
import { DESIGN_SYNTAX, parseDesign, resolveDesign, type ColumnDesign, type ResampleGenerator } from '../stats/resample.js';
import { parseNumber, parsePositiveInt } from './args.js';
import { checkLimit } from '../limits.js';

export const BOOTSTRAP_USAGE = `bootstrap
  --bootstrap N           refit N resampled replicates; report sd, percentile and BCa intervals
  --design D              rows (default), clusters:COL (resample whole groups of COL), bayes,
                          residuals (keep every row, refit to fit + resampled residuals in the
                          law's residual space, centred; :raw uncentred, :leverage divided by
                          sqrt(1 - h)) or wild (fit + residual x random sign; :mammen for
                          Mammen's weights, :leverage as above)
  --ci P                  interval level in percent (default 95)
  --replicate-starts S    basins:K (the K best distinct end points of the full fit, default
                          basins:${DEFAULT_BASINS}), law (the law's full grid for every replicate) or
                          same (the full fit's own starts, e.g. one point given with --grid)
  --generator G           resampling generator: lawfit (default) or numpy-legacy (np.random.seed
                          + np.random.choice draw for draw, to reproduce a numpy bootstrap; rows)
`;

export interface BootstrapFlags {
  bootstrap?: string;
  design?: string;
  ci?: string;
  'replicate-starts'?: string;
  generator?: string;
}

export const BOOTSTRAP_PARSE_OPTIONS = {
  bootstrap: { type: 'string' },
  design: { type: 'string' },
  ci: { type: 'string' },
  'replicate-starts': { type: 'string' },
  generator: { type: 'string' },
} as const;

const CLUSTERS = /^clusters:(.+)$/s;

/** The design's group column, if it needs one (clusters:COL). */
export function designGroupColumn(f: BootstrapFlags): string | undefined {
  return CLUSTERS.exec(f.design ?? '')?.[1];
}

export interface ResolvedBootstrap {
  replicates: number;
  level: number;
  /** --design, parsed: every command resolves it to its own rows (resample.ts resolveDesign). */
  design: ColumnDesign;
  replicateStarts: ReplicateStarts;
  generator: ResampleGenerator;
}

export function resolveBootstrapFlags(f: BootstrapFlags): ResolvedBootstrap | undefined {
  if (f.bootstrap === undefined) {
    for (const k of ['design', 'ci', 'replicate-starts', 'generator'] as const) {
      if (f[k] !== undefined) throw new LawfitError('bad-option', `--${k} needs --bootstrap N`);
    }
    return undefined;
  }
  const replicates = parsePositiveInt('--bootstrap', f.bootstrap);
  checkLimit('replicates', replicates, f.bootstrap.trim());
  const ci = f.ci !== undefined ? parseNumber('--ci', f.ci) : 95;
  if (!(ci > 0 && ci < 100)) throw new LawfitError('bad-option', `--ci: expected a level between 0 and 100 (percent), got '${f.ci}'`);
  const designText = f.design ?? 'rows';
  const design: ColumnDesign | undefined = parseDesign(designText);
  if (design === undefined) throw new LawfitError('bad-option', `--design: expected ${DESIGN_SYNTAX}, got '${designText}'`);
  let replicateStarts: ReplicateStarts = { kind: 'basins', k: DEFAULT_BASINS };
  const rs = f['replicate-starts'];
  if (rs !== undefined) {
    const m = /^basins:(\d+)$/.exec(rs);
    if (m !== null) {
      const k = parsePositiveInt('--replicate-starts', m[1]!);
      checkLimit('starts', k, rs, '--replicate-starts');
      replicateStarts = { kind: 'basins', k };
    }
    else if (rs === 'law') replicateStarts = { kind: 'default' };
    else if (rs === 'same') replicateStarts = { kind: 'same' };
    else throw new LawfitError('bad-option', `--replicate-starts: expected basins:K, law or same, got '${rs}'`);
  }
  const name = f.generator ?? 'lawfit';
  if (name !== 'lawfit' && name !== 'numpy-legacy') throw new LawfitError('bad-option', `--generator: expected lawfit or numpy-legacy, got '${name}'`);
  // 'lawfit' is the library's default generator (seeded xoroshiro128+, resample.ts).
  const generator: ResampleGenerator = name === 'lawfit' ? 'xoroshiro' : name;
  if (name === 'numpy-legacy' && designText !== 'rows') throw new LawfitError('bad-option', `--generator numpy-legacy reproduces numpy's row resampling only; it does not apply to --design ${designText}`);
  return { replicates, level: ci / 100, design, replicateStarts, generator };
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
