/**
 * The options of an IsoFLOP analysis from the run specification (src/run-spec: `--qc`, the QC
 * thresholds, `--frontier-weights`, `--at`, `--ci`, `--seed`, `--bootstrap`, `--design`), resolved
 * once for `lawfit isoflop` and for the app's IsoFLOP mode (app/src/worker/isoflop.ts, which gets
 * the same typed values from its form), so the same spec means the same analysis in both. The
 * rules between options live here (a threshold of a stage --qc turned off, --design without
 * --bootstrap). No Node imports: the app's worker bundles this file.
 */
import { LawfitError } from '../errors.js';
import type { IsoflopOptions } from '../stats/isoflop.js';
import { DEFAULT_QC, QC_STAGES, QC_THRESHOLDS, type QcOptions } from '../stats/isoflop-qc.js';
import { RUN_OPTIONS, type IsoflopSpec, type RunSpec } from '../run-spec/run-options.js';
import type { DataSpec } from '../data/spec.js';
import type { IsoflopArtifact } from '../report/isoflop-artifact.js';

// The artifact's format lives in report/ with its reader; re-exported for the app's worker.
export { ISOFLOP_FORMAT, ISOFLOP_FORMAT_VERSION, type IsoflopArtifact } from '../report/isoflop-artifact.js';

type Defaulted = 'seed' | 'ci' | 'frontierWeights' | 'isoflopDesign';
/** The value of `key`, or its row's default (the one place it is written). */
function orDefault<K extends Defaulted>(spec: RunSpec, key: K): NonNullable<RunSpec[K]> {
  return (spec[key] ?? RUN_OPTIONS[key].default) as NonNullable<RunSpec[K]>;
}

export function resolveQc(spec: IsoflopSpec): QcOptions {
  const qc: QcOptions = { ...DEFAULT_QC, stages: spec.qc ?? DEFAULT_QC.stages };
  for (const t of QC_THRESHOLDS) {
    const v = spec[t.key];
    if (v === undefined) continue;
    if (!qc.stages.includes(t.stage)) throw new LawfitError('bad-option', `--${t.flag} sets a threshold of the '${t.stage}' stage, which --qc turned off`);
    qc[t.key] = t.fromFlag(v);
  }
  return qc;
}

/** The analysis options (analyzeIsoflop's) from a spec whose values its rows' parsers gave (or checked: checkSpec). */
export function resolveIsoflop(spec: IsoflopSpec): IsoflopOptions & { qc: QcOptions; level: number; at: number[] } {
  const qc = resolveQc(spec);
  if (spec.isoflopDesign !== undefined && spec.bootstrap === undefined) throw new LawfitError('bad-option', '--design needs --bootstrap N');
  return {
    qc,
    frontierWeights: orDefault(spec, 'frontierWeights'),
    level: orDefault(spec, 'ci') / 100,
    at: spec.budgets ?? [],
    ...(spec.bootstrap !== undefined ? { bootstrap: { replicates: spec.bootstrap, seed: orDefault(spec, 'seed'), design: orDefault(spec, 'isoflopDesign') } } : {}),
  };
}

/**
 * The spec with every default that the analysis used written out (the app's "same analysis on the
 * command line" is complete): --qc, the thresholds of the stages it runs, --frontier-weights,
 * --ci, --seed, --design with --bootstrap, and --engine cpu with --also (the app's float64 engine).
 */
export function completeIsoflopSpec<S extends RunSpec>(spec: S): S {
  const stages = spec.qc ?? [...QC_STAGES];
  const thresholds = Object.fromEntries(QC_THRESHOLDS.filter((t) => stages.includes(t.stage)).map((t) => [t.key, spec[t.key] ?? RUN_OPTIONS[t.key].default]));
  return {
    ...spec,
    qc: stages,
    ...thresholds,
    frontierWeights: orDefault(spec, 'frontierWeights'),
    ci: orDefault(spec, 'ci'),
    seed: orDefault(spec, 'seed'),
    ...(spec.bootstrap !== undefined ? { isoflopDesign: orDefault(spec, 'isoflopDesign') } : {}),
    ...((spec.also ?? []).length > 0 ? { engine: spec.engine ?? 'cpu' } : {}),
  };
}

/** `--x N=COL,D=COL`: exactly the two inputs an IsoFLOP sweep has. */
export function isoflopInputs(x: Record<string, string>): { N: string; D: string } {
  for (const k of Object.keys(x)) if (k !== 'N' && k !== 'D') throw new LawfitError('bad-option', `--x: an IsoFLOP analysis takes N (model size) and D (tokens), not '${k}'`);
  if (x['N'] === undefined || x['D'] === undefined) throw new LawfitError('bad-option', `--x: give both N and D, e.g. --x N=params,D=tokens (missing ${x['N'] === undefined ? 'N' : 'D'})`);
  return { N: x['N'], D: x['D'] };
}

/**
 * What an IsoFLOP run reads from its file, from the spec (budget, target and --x checked by the
 * caller): the mapping for datasetFromTable, and the artifact's record of it (CLI and app alike).
 */
export function isoflopData(spec: RunSpec, budget: string, target: string, x: { N: string; D: string }): { dataSpec: DataSpec; record: (source: string, digest: string) => IsoflopArtifact['data'] } {
  const optional = {
    ...(spec.weights !== undefined ? { weights: spec.weights } : {}),
    ...(spec.where !== undefined ? { where: spec.where } : {}),
    ...(spec.group !== undefined ? { group: spec.group } : {}),
  };
  return {
    dataSpec: { inputs: { N: x.N, D: x.D, budget }, target, ...optional },
    record: (source, digest) => ({ source, digest, budget, inputs: { N: x.N, D: x.D }, target, ...optional }),
  };
}
