/**
 * A run specification checked once and turned into what the library runs: the start set, the
 * solver options, the bootstrap. The rules between options live here (a bootstrap option without
 * --bootstrap, --starts with --grid, numpy's generator with a design it does not have...), so the
 * CLI's commands and the app's worker refuse the same runs with the same one-line messages.
 */
import { LawfitError } from '../errors.js';
import type { LmOptions } from '../fit/options.js';
import type { StartSpec } from '../fit/starts.js';
import type { ReplicateStarts } from '../stats/bootstrap.js';
import type { ColumnDesign, ResampleGenerator } from '../stats/resample.js';
import { RUN_OPTION_ROWS, RUN_OPTIONS, type RunSpec } from './run-options.js';

export interface FitPlan {
  seed: number;
  startSpec: StartSpec;
  lm: Partial<LmOptions>;
  screen?: number;
}

export interface ResolvedBootstrap {
  replicates: number;
  level: number;
  /** --design, parsed: every command resolves it to its own rows (resample.ts resolveDesign). */
  design: ColumnDesign;
  replicateStarts: ReplicateStarts;
  generator: ResampleGenerator;
}

const need = (flag: string, why: string): never => {
  throw new LawfitError('bad-option', `--${flag} ${why}`);
};

/** The value of `key`, or its row's default. */
function orDefault<K extends 'seed' | 'ci' | 'design' | 'replicateStarts' | 'generator' | 'starts'>(spec: RunSpec, key: K): NonNullable<RunSpec[K]> {
  return (spec[key] ?? RUN_OPTIONS[key].default) as NonNullable<RunSpec[K]>;
}

/** The start set: --grid (a start set of its own), else --starts (random ones seeded by --seed). */
export function resolveStarts(spec: Pick<RunSpec, 'starts' | 'grid' | 'seed'>): StartSpec {
  const grid = spec.grid ?? {};
  const starts = orDefault(spec, 'starts');
  if (Object.keys(grid).length > 0) {
    if (starts.kind !== 'law') need('starts', `'${RUN_OPTIONS.starts.print(starts)[0]}' cannot be combined with --grid (a grid is its own start set)`);
    return { kind: 'grid', axes: grid };
  }
  if (starts.kind === 'law') return { kind: 'default' };
  return starts.kind === 'sobol' ? { kind: 'sobol', count: starts.count } : { kind: 'random', count: starts.count, seed: orDefault(spec, 'seed') };
}

/** The solver options the spec sets: each row with a `solver` key passes its value on (the rest are the library's defaults, src/fit/options.ts). */
export function resolveLm(spec: RunSpec): Partial<LmOptions> {
  const lm: Record<string, unknown> = {};
  for (const [key, r] of RUN_OPTION_ROWS) if (r.solver !== undefined && spec[key] !== undefined) lm[r.solver] = spec[key];
  return lm as Partial<LmOptions>;
}

export function resolveFitPlan(spec: RunSpec): FitPlan {
  const seed = orDefault(spec, 'seed');
  return { seed, startSpec: resolveStarts(spec), lm: resolveLm(spec), ...(spec.screen !== undefined ? { screen: spec.screen } : {}) };
}

export function resolveBootstrap(spec: RunSpec): ResolvedBootstrap | undefined {
  if (spec.bootstrap === undefined) {
    for (const k of ['design', 'ci', 'replicateStarts', 'generator'] as const) {
      if (spec[k] !== undefined) need(RUN_OPTIONS[k].flag, 'needs --bootstrap N');
    }
    return undefined;
  }
  const design = orDefault(spec, 'design');
  const name = orDefault(spec, 'generator');
  if (name === 'numpy-legacy' && design.kind !== 'rows') {
    need('generator', `numpy-legacy reproduces numpy's row resampling only; it does not apply to --design ${RUN_OPTIONS.design.print(design)[0]}`);
  }
  // 'lawfit' is the library's default generator (seeded xoroshiro128+, resample.ts).
  return { replicates: spec.bootstrap, level: orDefault(spec, 'ci') / 100, design, replicateStarts: orDefault(spec, 'replicateStarts'), generator: name === 'lawfit' ? 'xoroshiro' : name };
}

/** Everything a fit runs from, checked once. */
export interface ResolvedRun {
  seed: number;
  plan: FitPlan;
  boot: ResolvedBootstrap | undefined;
  /** The bootstrap's group column, when the design resamples clusters of one. */
  groupColumn: string | undefined;
}

export function resolveRunSpec(spec: RunSpec): ResolvedRun {
  const boot = resolveBootstrap(spec);
  if (spec.audit !== undefined && boot !== undefined) {
    throw new LawfitError('bad-option', '--audit checks a single fit against float64; with --bootstrap every replicate is already finished in float64 (drop one of the two)');
  }
  const plan = resolveFitPlan(spec);
  return { seed: plan.seed, plan, boot, groupColumn: boot?.design.kind === 'clusters' ? boot.design.column : spec.design?.kind === 'clusters' ? spec.design.column : undefined };
}

/**
 * Typed values that did not come through a parser (the app's requests, a library caller's spec)
 * are checked by the same parsers: a value is valid when its printed text reads back, so a bad
 * value gets the flag's own one-line message (`--ci: expected a level between 0 and 100 ...`).
 */
export function checkSpecValues(spec: RunSpec): void {
  for (const [key, r] of RUN_OPTION_ROWS) {
    const v = spec[key];
    if (v === undefined || r.kind === 'switch') continue;
    const texts = r.print(v);
    if (texts.length > 0) r.parse(texts);
  }
}
