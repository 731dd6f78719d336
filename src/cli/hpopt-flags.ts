/**
 * The options of a hyperparameter-optimum analysis as flag text (`--x`, `--hp`, `--optimum`,
 * `--at`, `--ci`, `--bootstrap`, `--seed`), parsed once for `lawfit hpopt`; and the artifact it
 * writes (`lawfit report` reprints it). No Node imports, so a browser front end can share it.
 */
import { LawfitError } from '../errors.js';
import { parseColumnMap } from '../data/index.js';
import { HPOPT_INPUTS, type HpoptInput, type HpoptOptions, type HpoptResult } from '../stats/hpopt.js';
import { OPTIMUM_KINDS, PARABOLA_DEFAULT_WINDOW, STEPLAW_DEFAULT_TOLERANCE, type OptimumChoice } from '../stats/hpopt-optimum.js';
import { parseAssignments, parseNumber, parsePositiveInt, parseSeed } from './args.js';
import type { ArtifactHeader } from '../report/artifact.js';

export const HPOPT_FORMAT = 'lawfit-hpopt';
export const HPOPT_FORMAT_VERSION = 1;

/** What `lawfit hpopt --out` writes. */
export interface HpoptArtifact extends ArtifactHeader<typeof HPOPT_FORMAT> {
  command?: string[];
  data: { source: string; digest: string; inputs: Record<string, string>; hyperparameters: Record<string, string>; target: string; where?: string };
  result: HpoptResult;
}

export type HpoptFlagValues = Record<string, string | boolean | string[] | undefined>;

/** The default choice: Step Law's published protocol (its authors' tolerance). */
export const DEFAULT_OPTIMUM: OptimumChoice = { kind: 'steplaw', tolerance: STEPLAW_DEFAULT_TOLERANCE };

/** The --optimum grammar, for the help text and messages (one source with parseOptimum). */
export const OPTIMUM_SYNTAX = 'best, parabola[:W] or steplaw[:TOL]';

/** `--optimum best | parabola[:W] | steplaw[:TOL]`. */
export function parseOptimum(text: string): OptimumChoice {
  const [kind, arg, ...rest] = text.trim().split(':');
  const bad = (why: string): never => {
    throw new LawfitError('bad-option', `--optimum: ${why}; expected ${OPTIMUM_SYNTAX}, got '${text}'`);
  };
  if (!(OPTIMUM_KINDS as readonly string[]).includes(kind ?? '') || rest.length > 0) bad(`'${kind}' is not a choice`);
  if (kind === 'best') {
    if (arg !== undefined) bad("'best' takes no argument");
    return { kind: 'best' };
  }
  if (kind === 'parabola') {
    if (arg === undefined) return { kind: 'parabola', window: PARABOLA_DEFAULT_WINDOW };
    const w = Number(arg);
    if (arg.trim() === '' || !Number.isInteger(w) || w < 1) bad(`the parabola's window W is the number of neighbours on each side of the best value, a whole number >= 1, not '${arg}'`);
    return { kind: 'parabola', window: w };
  }
  if (arg === undefined) return { kind: 'steplaw', tolerance: STEPLAW_DEFAULT_TOLERANCE };
  const tol = Number(arg);
  if (arg.trim() === '' || !(tol > 0 && tol < 1)) bad(`the steplaw tolerance TOL is relative to the cell's best loss, a number between 0 and 1 (e.g. 0.0025 for 0.25 %), not '${arg}'`);
  return { kind: 'steplaw', tolerance: tol };
}

/** `--x N=COL,D=COL` (or N alone, or C): the law's inputs, in N, D, C order. */
export function parseHpoptInputs(text: string): Partial<Record<HpoptInput, string>> {
  const x = parseColumnMap(text, '--x');
  for (const k of Object.keys(x)) if (!(HPOPT_INPUTS as readonly string[]).includes(k)) throw new LawfitError('bad-option', `--x: the law's inputs are ${HPOPT_INPUTS.join(', ')} (model size, tokens, compute), not '${k}'`);
  return Object.fromEntries(HPOPT_INPUTS.filter((k) => x[k] !== undefined).map((k) => [k, x[k]!]));
}

/** `--hp lr=COL[,bs=COL]`. */
export function parseHyperparameters(text: string): { lr: string; bs?: string } {
  const h = parseColumnMap(text, '--hp');
  for (const k of Object.keys(h)) if (k !== 'lr' && k !== 'bs') throw new LawfitError('bad-option', `--hp: the hyperparameters are lr (learning rate) and bs (batch size), not '${k}'`);
  if (h['lr'] === undefined) throw new LawfitError('bad-option', '--hp: give the learning rate column, e.g. --hp lr=lr or --hp lr=lr,bs=batch_tokens');
  return { lr: h['lr'], ...(h['bs'] !== undefined ? { bs: h['bs'] } : {}) };
}

/** `--at N=…,D=…` (repeatable): targets with a value for each of the law's inputs. */
export function parseHpoptTargets(values: readonly string[], inputs: readonly string[]): Record<string, number>[] {
  return values.map((text) => {
    const given = parseAssignments('--at', [text]);
    const point: Record<string, number> = {};
    for (const [k, v] of Object.entries(given)) {
      if (!inputs.includes(k)) throw new LawfitError('bad-option', `--at '${text}': the law has no input '${k}' (its inputs: ${inputs.join(', ')})`);
      const n = parseNumber('--at', v);
      if (!(n > 0)) throw new LawfitError('bad-option', `--at '${text}': ${k} must be positive, got '${v}'`);
      point[k] = n;
    }
    for (const k of inputs) if (point[k] === undefined) throw new LawfitError('bad-option', `--at '${text}': give a value for ${k} (the law's inputs: ${inputs.join(', ')})`);
    return point;
  });
}

/** The analysis options from the flag text; `inputs` are the law's (from --x). */
export function resolveHpoptFlags(values: HpoptFlagValues, inputs: readonly string[]): HpoptOptions & { level: number; at: Record<string, number>[] } {
  const optimum = typeof values['optimum'] === 'string' ? parseOptimum(values['optimum']) : DEFAULT_OPTIMUM;
  const ciText = values['ci'] as string | undefined;
  const ci = ciText !== undefined ? parseNumber('--ci', ciText) : 95;
  if (!(ci > 0 && ci < 100)) throw new LawfitError('bad-option', `--ci: expected a level between 0 and 100 (percent), got '${ciText}'`);
  const seedText = values['seed'] as string | undefined;
  const seed = seedText !== undefined ? parseSeed(seedText) : 0;
  const bootText = values['bootstrap'] as string | undefined;
  const replicates = bootText !== undefined ? parsePositiveInt('--bootstrap', bootText) : undefined;
  const at = parseHpoptTargets((values['at'] as string[] | undefined) ?? [], inputs);
  const bsText = values['bs-x'] as string | undefined;
  const bsInputs = bsText !== undefined ? parseBsInputs(bsText, inputs) : undefined;
  return { optimum, level: ci / 100, at, ...(replicates !== undefined ? { bootstrap: { replicates, seed } } : {}), ...(bsInputs !== undefined ? { bsInputs } : {}) };
}

/** `--bs-x D` (or `N,D`): the batch-size law's inputs, a subset of --x's. */
export function parseBsInputs(text: string, inputs: readonly string[]): HpoptInput[] {
  const names = text.split(',').map((t) => t.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (!inputs.includes(name)) throw new LawfitError('bad-option', `--bs-x: '${name}' is not one of the law's inputs given by --x (${inputs.join(', ')})`);
    if (seen.has(name)) throw new LawfitError('bad-option', `--bs-x: '${name}' is given twice`);
    seen.add(name);
  }
  return HPOPT_INPUTS.filter((k) => seen.has(k));
}
