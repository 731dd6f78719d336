/**
 * The options of an IsoFLOP analysis as flag text (`--qc`, the QC thresholds, `--frontier-weights`,
 * `--at`, `--ci`, `--seed`, `--bootstrap`, `--design`), parsed once for `lawfit isoflop` and for the
 * app's IsoFLOP mode (app/src/worker/isoflop.ts builds the same flag text from its form), so the
 * same text means the same analysis in both. No Node imports: the app's worker bundles this file.
 */
import { LawfitError } from '../errors.js';
import { parseColumnMap } from '../data/index.js';
import { ISOFLOP_DESIGN_SYNTAX, isoflopDesignName, parseIsoflopDesign, type IsoflopOptions } from '../stats/isoflop.js';
import { FRONTIER_WEIGHTS, type FrontierWeights } from '../stats/isoflop-frontier.js';
import { DEFAULT_QC, parseQcStages, QC_THRESHOLDS, type QcOptions } from '../stats/isoflop-qc.js';
import { parseNumber, parsePositiveInt, parseSeed } from './args.js';

// The artifact's format lives in report/ with its reader; re-exported for the app's worker.
export { ISOFLOP_FORMAT, ISOFLOP_FORMAT_VERSION, type IsoflopArtifact } from '../report/isoflop-artifact.js';

/** Flag values by flag name without the dashes, as parseArgs gives them. */
export type IsoflopFlagValues = Record<string, string | boolean | string[] | undefined>;

export function parseQcFlags(values: IsoflopFlagValues): QcOptions {
  const qc: QcOptions = { ...DEFAULT_QC, stages: typeof values['qc'] === 'string' ? parseQcStages(values['qc']) : DEFAULT_QC.stages };
  for (const t of QC_THRESHOLDS) {
    const text = values[t.flag];
    if (typeof text !== 'string') continue;
    const v = t.fromFlag(parseNumber(`--${t.flag}`, text));
    if (!t.valid(v)) throw new LawfitError('bad-option', `--${t.flag}: '${text}' is out of range (${t.help})`);
    if (!qc.stages.includes(t.stage)) throw new LawfitError('bad-option', `--${t.flag} sets a threshold of the '${t.stage}' stage, which --qc turned off`);
    qc[t.key] = v;
  }
  return qc;
}

/** The analysis options (analyzeIsoflop's) from the flag text; bad text gets the CLI's one-line error. */
export function resolveIsoflopFlags(values: IsoflopFlagValues): IsoflopOptions & { qc: QcOptions; level: number; at: number[] } {
  const qc = parseQcFlags(values);
  const fw = (values['frontier-weights'] as string | undefined) ?? 'equal';
  if (!(FRONTIER_WEIGHTS as readonly string[]).includes(fw)) throw new LawfitError('bad-option', `--frontier-weights: expected ${FRONTIER_WEIGHTS.join(' or ')}, got '${fw}'`);
  const atValues = (values['at'] as string[] | undefined) ?? [];
  const at = atValues.flatMap((t) => t.split(',')).filter((s) => s.trim() !== '').map((s) => {
    const v = parseNumber('--at', s);
    if (!(v > 0)) throw new LawfitError('bad-option', `--at: a compute budget must be positive, got '${s}'`);
    return v;
  });
  const ciText = values['ci'] as string | undefined;
  const ci = ciText !== undefined ? parseNumber('--ci', ciText) : 95;
  if (!(ci > 0 && ci < 100)) throw new LawfitError('bad-option', `--ci: expected a level between 0 and 100 (percent), got '${ciText}'`);
  const seedText = values['seed'] as string | undefined;
  const seed = seedText !== undefined ? parseSeed(seedText) : 0;
  const designText = values['design'] as string | undefined;
  const bootText = values['bootstrap'] as string | undefined;
  if (designText !== undefined && bootText === undefined) throw new LawfitError('bad-option', '--design needs --bootstrap N');
  const resolved = parseIsoflopDesign(designText ?? 'runs');
  if (resolved === undefined) throw new LawfitError('bad-option', `--design: expected ${ISOFLOP_DESIGN_SYNTAX}, got '${designText}'`);
  const design = isoflopDesignName(resolved);
  const replicates = bootText !== undefined ? parsePositiveInt('--bootstrap', bootText) : undefined;
  return {
    qc,
    frontierWeights: fw as FrontierWeights,
    level: ci / 100,
    at,
    ...(replicates !== undefined ? { bootstrap: { replicates, seed, design } } : {}),
  };
}

/** `--x N=COL,D=COL`: exactly the two inputs an IsoFLOP sweep has. */
export function parseIsoflopInputs(text: string): { N: string; D: string } {
  const x = parseColumnMap(text, '--x');
  for (const k of Object.keys(x)) if (k !== 'N' && k !== 'D') throw new LawfitError('bad-option', `--x: an IsoFLOP analysis takes N (model size) and D (tokens), not '${k}'`);
  if (x['N'] === undefined || x['D'] === undefined) throw new LawfitError('bad-option', `--x: give both N and D, e.g. --x N=params,D=tokens (missing ${x['N'] === undefined ? 'N' : 'D'})`);
  return { N: x['N'], D: x['D'] };
}
