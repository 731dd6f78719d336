/**
 * The protocol of a coverage check (stats/coverage.ts) from a fit's artifact and the coverage
 * flags as text (`--sets`, `--designs`, `--replicates`, `--noise`, `--compute`, `--at`, `--no-bca`,
 * `--seed`): the law with its overrides, loss and solver options, start set and screening, the
 * bootstrap's size, level, design, replicate starts and generator. Shared by `lawfit coverage` and
 * the app's "check these intervals" button (app/src/worker/coverage.ts), so both rerun the same
 * protocol; no Node imports (the app's worker bundles it).
 */
import { recordedOption } from '../report/recorded-command.js';
import { RUN_OPTIONS } from '../run-spec/run-options.js';
import { LawfitError } from '../errors.js';
import type { CompiledLaw } from '../law/compile.js';
import { lawFromDeclaration, mappedInputs } from '../law/groups.js';
import { parseLoss } from '../fit/losses.js';
import type { LmOptions } from '../fit/options.js';
import type { FitArtifact } from '../report/artifact.js';
import { NOISE_SYNTAX, parseNoise, type CoverageOptions } from '../stats/coverage.js';
import { DESIGN_SYNTAX, describeDesign, parseDesign, resolveDesign } from '../stats/resample.js';
import type { ReplicateStarts } from '../stats/bootstrap.js';
import { parseNumber, parsePositiveInt, parseSeed } from './args.js';
import { checkLimit } from '../limits.js';

export interface CoverageFlagValues {
  sets?: string | undefined;
  designs?: string | undefined;
  replicates?: string | undefined;
  noise?: string | undefined;
  compute?: string | undefined;
  at?: string | undefined;
  'no-bca'?: boolean | undefined;
  seed?: string | undefined;
}


/** `path` names the artifact in error messages. */
export function coverageProtocol(art: FitArtifact, values: CoverageFlagValues, path: string): { law: CompiledLaw; options: Omit<CoverageOptions, 'engine' | 'control'>; seed: number } {
  if (values.sets === undefined) throw new LawfitError('bad-option', '--sets S is required: how many datasets to simulate');
  const sets = parsePositiveInt('--sets', values.sets);
  if (sets < 2) throw new LawfitError('bad-option', `--sets: need at least 2 datasets, got ${sets}`);
  const s = art.summary;
  const boot = s.bootstrap;
  if (boot === undefined && (values.designs === undefined || values.replicates === undefined)) {
    throw new LawfitError('artifact', `${path}: the fit has no bootstrap; rerun it with --bootstrap N, or give --designs and --replicates`);
  }
  const designTexts = (values.designs ?? boot!.design).split(',').map((t) => t.trim());
  const designs = designTexts.map((text) => {
    const d = parseDesign(text);
    if (d === undefined) throw new LawfitError('bad-option', `--designs: '${text}' is not a design; expected ${DESIGN_SYNTAX}`);
    if (d.kind === 'clusters') throw new LawfitError('bad-option', `--designs: ${text}: the simulated datasets carry no clusters; check rows, bayes, residuals or wild`);
    return { label: describeDesign(d), design: resolveDesign(d, undefined) };
  });
  const replicates = values.replicates !== undefined ? parsePositiveInt('--replicates', values.replicates) : boot!.replicates;
  if (values.replicates !== undefined) checkLimit('replicates', replicates, values.replicates.trim(), '--replicates');
  const noise = values.noise !== undefined ? parseNoise(values.noise) : { kind: 'residuals' as const };
  if (noise === undefined) throw new LawfitError('bad-option', `--noise: expected ${NOISE_SYNTAX}, got '${values.noise}'`);
  const compute = values.compute !== undefined ? parseNumber('--compute', values.compute) : undefined;
  if (compute !== undefined && !(compute > 0)) throw new LawfitError('bad-option', `--compute: expected a positive number of FLOPs, got '${values.compute}'`);
  // A grouped fit's law with its grouping (display names, the shared law's starts), as it was fitted.
  const law = lawFromDeclaration(s.law.declaration, s.law.groups);
  let at: Record<string, number> | undefined;
  if (values.at !== undefined) {
    at = {};
    for (const part of values.at.split(',')) {
      const m = /^([^=]+)=(.+)$/.exec(part.trim());
      if (m === null || !mappedInputs(law).includes(m[1]!)) throw new LawfitError('bad-option', `--at: expected IN=VALUE for the law's inputs (${mappedInputs(law).join(', ')}), got '${part}'`);
      at[m[1]!] = parseNumber('--at', m[2]!);
    }
  }
  const loss = parseLoss(s.loss);
  const lm: Partial<LmOptions> = { ...s.options, ...(loss !== undefined ? { loss } : {}) };
  // As the fit ran its replicates (the recorded --replicate-starts and --generator, else their defaults).
  const replicateStarts: ReplicateStarts = recordedOption(art, 'replicateStarts') ?? RUN_OPTIONS.replicateStarts.default!;
  const generator = recordedOption(art, 'generator') === 'numpy-legacy' ? 'numpy-legacy' : 'xoroshiro';
  if (generator === 'numpy-legacy' && designs.some((d) => d.design.kind !== 'rows')) throw new LawfitError('bad-option', '--designs: the artifact used --generator numpy-legacy, which draws rows only');
  const seed = values.seed !== undefined ? parseSeed(values.seed) : 0;
  const level = boot?.level ?? 0.95;
  return {
    law,
    seed,
    options: {
      sets,
      seed,
      designs,
      replicates,
      level,
      bca: values['no-bca'] !== true,
      starts: art.startSpec,
      ...(art.screen !== undefined ? { screen: art.screen } : {}),
      replicateStarts,
      generator,
      lm,
      noise,
      ...(compute !== undefined ? { compute } : {}),
      ...(at !== undefined ? { at } : {}),
    },
  };
}
