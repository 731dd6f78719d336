/**
 * The run specification: one table whose rows are the options of a lawfit run (which law, how
 * the data map onto it, the loss, the starts, the solver, the bootstrap, the holdout, the engine,
 * the outputs). Each row holds its flag, default, help, parser, printer, app field and the
 * commands that take it (option-row.ts says what each is for). Everything else is derived:
 * - the CLI's parseArgs table and `--help` sections (argv.ts, help.ts) for fit, compare, demo, chain and isoflop;
 * - the typed spec a command or the app's worker runs (RunSpec below, checked by resolve.ts);
 * - the command line the app prints and the artifact records (argv.ts printSpec, shell-quoted by
 *   src/util/shell-quote.ts).
 * Adding an option is one row here plus the code that uses its value.
 *
 * No Node imports: the app bundles this module.
 */
import { LawfitError } from '../errors.js';
import { parseColumnMap } from '../data/spec.js';
import { TABLE_FORMATS } from '../data/table.js';
import type { FormatChoice } from '../data/read-table.js';
import { formatLoss, LOSSES, type LossSpec } from '../fit/losses.js';
import type { DampingMode, ProjectionMode } from '../fit/options.js';
import { DEFAULT_LM_OPTIONS } from '../fit/options.js';
import { RESIDUAL_SPACES, type ResidualSpace } from '../law/declaration.js';
import type { Transform } from '../law/transforms.js';
import { parsePerFlag, parsePerLawFlag, type PerGroupSpec } from '../law/groups.js';
import { checkLimit } from '../limits.js';
import { DEFAULT_BASINS } from '../stats/bootstrap.js';
import { DESIGN_SYNTAX, describeDesign, parseDesign, type ColumnDesign } from '../stats/resample.js';
import type { Holdout } from '../stats/holdout.js';
import { DEFAULT_ROLLING_CUTOFFS } from '../stats/holdout.js';
import { nameTable } from '../util/names.js';
import { DEFAULT_LADDER_SEED } from '../examples/chinchilla-ladder.js';
import { PREVIOUS_STAGE } from '../stats/chain.js';
import { parseAssignments, parseAxis, parseGrid, parseLossFlag, parseNumber, parsePositiveInt, parsePositiveNumber, parseSeed, parseSpace, parseTransformFlag, parseFormatFlag } from '../cli/args.js';
import { holdoutText, parseHoldout } from '../cli/holdout-flag.js';
import { parseQcStages, QC_STAGES, QC_THRESHOLDS, type QcStage, type QcThresholds } from '../stats/isoflop-qc.js';
import { FRONTIER_WEIGHTS, type FrontierWeights } from '../stats/isoflop-frontier.js';
import { ISOFLOP_DESIGN_SYNTAX, isoflopDesignName, parseIsoflopDesign, type IsoflopDesign } from '../stats/isoflop.js';
export { holdoutText };
import { numberText, only, row, type OptionRow } from './option-row.js';

const bad = (flag: string, detail: string): never => {
  throw new LawfitError('bad-option', `--${flag}: ${detail}`);
};

/** One of a few words (`--damping levenberg`). */
function choice<const W extends string>(flag: string, words: readonly W[]): (texts: readonly string[]) => W {
  return (texts) => {
    const t = only(texts);
    if (!(words as readonly string[]).includes(t)) bad(flag, `expected ${words.slice(0, -1).join(', ')}${words.length > 1 ? ' or ' : ''}${words.at(-1)}, got '${t}'`);
    return t as W;
  };
}

/** Comma-separated names, over every occurrence (`--positive A,B --positive C`). */
const nameList = (texts: readonly string[]): string[] => texts.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
const printList = (v: readonly string[]): string[] => (v.length > 0 ? [v.join(',')] : []);

/** How a law's fits start: its own grid (or --grid), or N Sobol / seeded random points over its ranges. */
export type StartsChoice = { kind: 'law' } | { kind: 'sobol' | 'random'; count: number };

/** `--replicate-starts`: the library's ReplicateStarts that the flag can say. */
export type ReplicateStartsChoice = { kind: 'basins'; k: number } | { kind: 'default' } | { kind: 'same' };

/** One `--range [LAW:]P=LO:HI`: a parameter's range for Sobol/random starts (compare: of one law, or of every law that has P). */
export interface RangeEntry {
  law?: string;
  name: string;
  range: readonly [number, number];
}

export function transformText(t: Transform): string {
  return t.kind === 'bounded' ? `bounded:${t.lower}:${t.upper}` : t.kind;
}

function parseRanges(texts: readonly string[]): RangeEntry[] {
  const out: RangeEntry[] = [];
  for (const t of texts) {
    const eq = t.indexOf('=');
    if (eq <= 0) bad('range', `expected [LAW:]NAME=LO:HI, got '${t}'`);
    const left = t.slice(0, eq).trim();
    const colon = left.lastIndexOf(':');
    const law = colon > 0 ? left.slice(0, colon).trim() : undefined;
    const name = left.slice(colon + 1).trim();
    const v = t.slice(eq + 1).trim();
    const axis = parseAxis('--range', name, v.replace(/:/g, ','));
    if (axis.length !== 2 || !(axis[0]! < axis[1]!)) bad('range', `${name}: expected NAME=LO:HI with LO < HI, got '${v}'`);
    if (out.some((e) => e.name === name && e.law === law)) bad('range', `'${law !== undefined ? `${law}:` : ''}${name}' is given twice`);
    out.push({ ...(law !== undefined ? { law } : {}), name, range: [axis[0]!, axis[1]!] });
  }
  return out;
}

/** One `--positive [LAW:]A,B` of compare: parameters to keep positive, of one formula or of every formula that has them. */
export interface PositiveEntry {
  law?: string;
  names: string[];
}

function parsePositives(texts: readonly string[]): PositiveEntry[] {
  return texts.map((t) => {
    // Law names have no ':' (util/names.ts), so the first one ends the law's name.
    const colon = t.indexOf(':');
    const law = colon > 0 ? t.slice(0, colon).trim() : undefined;
    const names = nameList([colon > 0 ? t.slice(colon + 1) : t]);
    if (names.length === 0) bad('positive', `expected [LAW:]A,B (parameter names), got '${t}'`);
    return { ...(law !== undefined ? { law } : {}), names };
  });
}

function parseStartsChoice(texts: readonly string[]): StartsChoice {
  const t = only(texts).trim();
  if (t === 'law' || t === 'default') return { kind: 'law' };
  const m = /^(sobol|random):(\d+)$/.exec(t);
  if (m === null) return bad('starts', `expected 'law', 'sobol:N' or 'random:N', got '${t}'`);
  const count = parsePositiveInt('--starts', m[2]!);
  checkLimit('starts', count, t);
  return { kind: m[1] as 'sobol' | 'random', count };
}

function parseReplicateStarts(texts: readonly string[]): ReplicateStartsChoice {
  const rs = only(texts);
  const m = /^basins:(\d+)$/.exec(rs);
  if (m !== null) {
    const k = parsePositiveInt('--replicate-starts', m[1]!);
    checkLimit('starts', k, rs, '--replicate-starts');
    return { kind: 'basins', k };
  }
  if (rs === 'law') return { kind: 'default' };
  if (rs === 'same') return { kind: 'same' };
  return bad('replicate-starts', `expected basins:K, law or same, got '${rs}'`);
}

const text = (texts: readonly string[]): string => only(texts);
const one = (v: string): string[] => [v];

/** `P=VALUE` assignments over every occurrence (--fix, --then-fix). */
const fixParser = (flag: string) => (texts: readonly string[]): Record<string, number> =>
  nameTable(Object.entries(parseAssignments(flag, texts)).map(([k, v]) => [k, parseNumber(flag, v)] as const));
const printFix = (v: Record<string, number>): string[] => Object.entries(v).map(([k, x]) => `${k}=${numberText(x)}`);
/** `IN=COL,...` (--x, --then-x). */
const columnMapParser = (flag: string) => (texts: readonly string[]): Record<string, string> => parseColumnMap(only(texts), flag);
const printColumnMap = (v: Record<string, string>): string[] => [Object.entries(v).map(([k, c]) => `${k}=${c}`).join(',')];
/** The app fits single laws; a two-stage chain is a CLI analysis. */
const CHAIN_ONLY = { scope: 'cli', why: 'the app fits and compares single laws; a two-stage chain is a CLI analysis' } as const;

/** The app's IsoFLOP form (IsoflopRequest.spec). */
const ISOFLOP_FORM = (label: string, input: 'number' | 'text' | 'choice' | 'list', choices?: readonly string[]) =>
  ({ scope: 'isoflop', label, input, ...(choices !== undefined ? { choices } : {}) }) as const;

/**
 * isoflop's QC thresholds, one row each, generated from stats/isoflop-qc.ts QC_THRESHOLDS (the one
 * description of them). The value is the flag's number (`--curvature-ci 95`: percent); the
 * analysis's own units (t.fromFlag) are the resolver's (cli/isoflop-flags.ts), so printing a value
 * and parsing it back is exact.
 */
function qcThresholdRows(): Record<keyof QcThresholds, OptionRow<number>> {
  return Object.fromEntries(QC_THRESHOLDS.map((t) => [t.key, row<number>({
    flag: t.flag, arg: 'X', kind: 'value', section: 'quality control', commands: ['isoflop'], default: t.toFlag(t.default),
    doc: t.help,
    parse: (texts) => {
      const v = parseNumber(`--${t.flag}`, only(texts));
      if (!t.valid(t.fromFlag(v))) bad(t.flag, `'${only(texts)}' is out of range (${t.help})`);
      return v;
    },
    print: (v) => [numberText(v)],
    app: ISOFLOP_FORM(t.help, 'number'),
  })])) as Record<keyof QcThresholds, OptionRow<number>>;
}

/** `--qc`: `all` (every stage, in their order) and `none` print as such, any other list by name. */
function printQc(v: readonly QcStage[]): string[] {
  if (v.length === QC_STAGES.length && v.every((s, i) => s === QC_STAGES[i])) return ['all'];
  return [v.length === 0 ? 'none' : v.join(',')];
}

/** isoflop's `--at C[,C...]`: compute budgets, over every occurrence. */
function parseBudgets(texts: readonly string[]): number[] {
  return texts.flatMap((t) => t.split(',')).filter((s) => s.trim() !== '').map((s) => {
    const v = parseNumber('--at', s);
    if (!(v > 0)) bad('at', `a compute budget must be positive, got '${s}'`);
    return v;
  });
}

export const RUN_OPTIONS = {
  // ---- law ------------------------------------------------------------------------------------
  law: row<string>({
    flag: 'law', arg: 'NAME', kind: 'value', section: 'law', commands: ['fit', 'chain'],
    doc: "a built-in law (see 'lawfit laws')", docFor: { chain: "stage 1's law, a built-in (see 'lawfit laws')" },
    parse: text, print: one,
    app: { scope: 'selection', label: 'built-in law', input: 'choice' },
  }),
  laws: row<string[]>({
    flag: 'laws', arg: 'A,B,...', kind: 'value', section: 'law', commands: ['compare'],
    doc: 'built-in laws to compare; --formula TEXT (repeatable) adds your own (inputs from --x)',
    parse: nameList, print: printList,
    app: { scope: 'selection', label: 'built-in laws', input: 'list' },
  }),
  formula: row<string>({
    flag: 'formula', arg: 'TEXT', kind: 'value', section: 'law', commands: ['fit', 'chain'],
    doc: "your own law, e.g. 'E + A/N^alpha + B/D^beta'; its inputs are the names mapped by --x, every other name is a parameter",
    docFor: { chain: "stage 1's law as your own formula over the --x names" },
    parse: text, print: one,
    app: { scope: 'selection', label: 'your formula', input: 'text' },
  }),
  formulas: row<string[]>({
    flag: 'formula', arg: 'TEXT', kind: 'repeat', section: 'law', commands: ['compare'],
    doc: 'a law of your own (repeatable), named formula-1, formula-2, ... in the ranking; it reads the --x inputs it names',
    parse: (t) => [...t], print: (v) => [...v],
    app: { scope: 'selection', label: 'your formulas', input: 'text' },
  }),
  positive: row<string[]>({
    flag: 'positive', arg: 'A,B', kind: 'repeat', section: 'law', commands: ['fit', 'chain'],
    doc: '(--formula) keep these parameters positive (fitted as log)',
    parse: nameList, print: printList,
    app: { scope: 'law', label: 'positive', input: 'list' },
  }),
  positives: row<PositiveEntry[]>({
    flag: 'positive', arg: '[LAW:]A,B', kind: 'repeat', section: 'law', commands: ['compare'],
    doc: "keep these parameters of a formula positive (fitted as log): of formula LAW (formula-1, ...), or else of every formula with such a parameter (repeatable)",
    parse: parsePositives, print: (v) => v.map((e) => `${e.law !== undefined ? `${e.law}:` : ''}${e.names.join(',')}`),
    app: { scope: 'cli', why: "the app ticks positive parameters per formula (a law's `positive`); its ranking command prints them so" },
  }),
  transform: row<Record<string, Transform>>({
    flag: 'transform', arg: 'P=T', kind: 'repeat', section: 'law', commands: ['fit'],
    doc: "P's transform: none, log, or bounded:LO:HI (repeatable)",
    parse: (t) => nameTable(Object.entries(parseAssignments('--transform', t)).map(([k, v]) => [k, parseTransformFlag(k, v)] as const)),
    print: (v) => Object.entries(v).map(([k, t]) => `${k}=${transformText(t)}`),
    app: { scope: 'law', label: 'transforms', input: 'list' },
  }),
  fix: row<Record<string, number>>({
    flag: 'fix', arg: 'P=VALUE', kind: 'repeat', section: 'law', commands: ['fit', 'chain'],
    doc: 'hold P at VALUE (repeatable)',
    parse: fixParser('--fix'), print: printFix,
    app: { scope: 'law', label: 'fixed parameters', input: 'list' },
  }),
  free: row<string[]>({
    flag: 'free', arg: 'P', kind: 'repeat', section: 'law', commands: ['fit'],
    doc: 'free a parameter the law fixes by default (repeatable)',
    parse: nameList, print: printList,
    app: { scope: 'law', label: 'freed parameters', input: 'list' },
  }),
  space: row<ResidualSpace>({
    flag: 'space', arg: 'S', kind: 'value', section: 'law', commands: ['fit', 'chain'],
    doc: `residuals in ${RESIDUAL_SPACES.join(', ')} space`, defaultText: "the law's",
    parse: (t) => parseSpace(only(t)), print: one,
    app: { scope: 'law', label: 'residual space', input: 'choice', choices: RESIDUAL_SPACES },
  }),
  per: row<PerGroupSpec>({
    flag: 'per', arg: 'COL:P1,P2', kind: 'value', section: 'law', commands: ['fit', 'compare', 'chain'],
    doc: "per-group parameters: P1, P2 take one value per value of column COL (shown as P1[value]); every other parameter is shared. Starts: the shared law's, copied to each group. In a --formula, E[COL] says the same",
    parse: (t) => parsePerFlag(only(t)), print: (v) => [`${v.column}:${v.params.join(',')}`],
    app: { scope: 'cli', why: 'the app writes per-group parameters in the formula (E[COL])' },
  }),
  perLaw: row<Array<{ law: string; per: PerGroupSpec; name?: string }>>({
    flag: 'per-law', arg: '[NAME=]L:COL:P1,P2', kind: 'repeat', section: 'law', commands: ['compare'],
    doc: 'add law L (a --laws name or formula-K) with P1, P2 per group of column COL, named NAME (default L.per-COL; repeatable). Every nested pair of the same law (shared vs per-group, or fewer vs more per-group parameters on the same column) is tested: likelihood ratio (chi2 with dP degrees of freedom, Gaussian residuals in the law\'s space) and dAIC, dBIC',
    parse: (t) => t.map(parsePerLawFlag), print: (v) => v.map((e) => `${e.name !== undefined ? `${e.name}=` : ''}${e.law}:${e.per.column}:${e.per.params.join(',')}`),
    app: { scope: 'cli', why: 'the app compares the laws it is given; nested per-group variants are a CLI analysis' },
  }),
  // ---- data -----------------------------------------------------------------------------------
  budget: row<string>({
    flag: 'budget', arg: 'COL', kind: 'value', section: 'data', commands: ['isoflop'],
    doc: "the compute budget of each run's IsoFLOP curve (C; a column or expression)",
    parse: text, print: one,
    app: ISOFLOP_FORM('compute budget', 'text'),
  }),
  x: row<Record<string, string>>({
    flag: 'x', arg: 'IN=COL,...', argFor: { isoflop: 'N=COL,D=COL' }, kind: 'value', section: 'data', commands: ['fit', 'compare', 'chain', 'isoflop'],
    doc: 'law inputs from columns or expressions (M=D_tokens/N_params)',
    docFor: { compare: 'every input any of the laws takes, from columns or expressions', chain: "stage 1's inputs, from columns or expressions", isoflop: 'model size and training tokens (columns or expressions)' },
    parse: columnMapParser('--x'), print: printColumnMap,
    app: { scope: 'run', label: 'law inputs', input: 'text' },
  }),
  y: row<string>({
    flag: 'y', arg: 'COL', kind: 'value', section: 'data', commands: ['fit', 'compare', 'chain', 'isoflop'],
    doc: 'the target column (or expression)', docFor: { chain: "stage 1's target", isoflop: 'the loss' },
    parse: text, print: one,
    app: { scope: 'run', label: 'target', input: 'text' },
  }),
  weights: row<string>({
    flag: 'weights', arg: 'COL', kind: 'value', section: 'data', commands: ['fit', 'isoflop'],
    doc: 'observation weights (>= 0)', docFor: { isoflop: 'precision weights of the runs in the parabolas (>= 0)' },
    parse: text, print: one,
    app: { scope: 'run', label: 'weights', input: 'text' },
  }),
  where: row<string>({
    flag: 'where', arg: 'EXPR', kind: 'value', section: 'data', commands: ['fit', 'compare', 'chain', 'isoflop'],
    doc: "keep rows where EXPR holds, e.g. 'excluded_outlier == 0'",
    docFor: { compare: 'runs to consider at all (every fold splits these)', chain: 'the runs stage 1 is fitted on', isoflop: "keep rows where EXPR holds, e.g. \"experiment == 'llama_3__raw_loss'\"" },
    parse: text, print: one,
    app: { scope: 'run', label: 'rows to use', input: 'text' },
  }),
  group: row<string>({
    flag: 'group', arg: 'COL', kind: 'value', section: 'data', commands: ['isoflop'],
    doc: 'analyse each value of COL as its own study (its own frontier)',
    parse: text, print: one,
    app: ISOFLOP_FORM('studies (group column)', 'text'),
  }),
  format: row<FormatChoice>({
    flag: 'format', arg: 'F', kind: 'value', section: 'data', commands: ['fit', 'compare', 'chain', 'isoflop'],
    doc: `${TABLE_FORMATS.join(', ')}`, defaultText: 'from the file name, then the contents', default: 'auto',
    parse: (t) => parseFormatFlag(only(t)), print: (v) => (v === 'auto' ? [] : [v]),
    app: { scope: 'cli', why: "the app reads it with the dropped file (the request's file.format)" },
  }),
  noise: row<number>({
    flag: 'noise', arg: 'SIGMA', kind: 'value', section: 'data', commands: ['demo'], default: 0.01,
    doc: 'log-space noise standard deviation of the synthetic ladder',
    parse: (t) => parseNumber('--noise', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'cli', why: "the app's built-in example is one fixed synthetic ladder" },
  }),
  // ---- quality control, frontier (isoflop) ----------------------------------------------------
  qc: row<QcStage[]>({
    flag: 'qc', arg: 'S', kind: 'value', section: 'quality control', commands: ['isoflop'], default: [...QC_STAGES],
    doc: `stages run in this order; each drop is listed with its reason: all, none (the plain protocol: 3 runs and a positive curvature per budget), or a list of: ${QC_STAGES.join(', ')}`,
    parse: (t) => parseQcStages(only(t)), print: printQc,
    app: ISOFLOP_FORM('quality control', 'list', QC_STAGES),
  }),
  ...qcThresholdRows(),
  frontierWeights: row<FrontierWeights>({
    flag: 'frontier-weights', arg: 'W', kind: 'value', section: 'frontier', commands: ['isoflop'], default: 'equal',
    doc: 'equal (least squares) or inverse-variance (1 / se² of the vertex)',
    parse: choice('frontier-weights', FRONTIER_WEIGHTS), print: one,
    app: ISOFLOP_FORM('frontier weights', 'choice', FRONTIER_WEIGHTS),
  }),
  budgets: row<number[]>({
    flag: 'at', arg: 'C[,C...]', kind: 'repeat', section: 'frontier', commands: ['isoflop'],
    doc: 'predict N*, D* and tokens per parameter at these budgets, with intervals',
    // Budgets print as they are typed, 1e24 (not 1e+24): the same number, read back exactly.
    parse: parseBudgets, print: (v) => (v.length > 0 ? [v.map((c) => numberText(c).replace('e+', 'e')).join(',')] : []),
    app: ISOFLOP_FORM('predict at budgets', 'list'),
  }),
  // ---- fitting --------------------------------------------------------------------------------
  loss: row<LossSpec>({
    flag: 'loss', solver: 'loss', arg: 'L', kind: 'value', section: 'fitting', commands: ['fit', 'chain'],
    doc: LOSSES.map((l) => (l.kind === 'linear' ? 'linear' : `${l.kind}:DELTA`)).join(', '), defaultText: "the law's, e.g. huber:1e-3 for chinchilla; else linear",
    parse: (t) => parseLossFlag(only(t)), print: (v) => [formatLoss(v)],
    app: { scope: 'law', label: 'loss', input: 'text' },
  }),
  starts: row<StartsChoice>({
    flag: 'starts', arg: 'S', kind: 'value', section: 'fitting', commands: ['fit'],
    doc: "law (the law's own grid), sobol:N or random:N (seeded by --seed)", default: { kind: 'law' },
    parse: parseStartsChoice, print: (v) => [v.kind === 'law' ? 'law' : `${v.kind}:${v.count}`],
    app: { scope: 'law', label: 'starts', input: 'text' },
  }),
  grid: row<Record<string, number[]>>({
    flag: 'grid', arg: 'P=VALUES', kind: 'repeat', section: 'fitting', commands: ['fit'],
    doc: "replace P's start axis: 0,0.5,1 or lin:LO:HI:N or log:LO:HI:N (repeatable)",
    parse: (t) => parseGrid(t), print: (v) => Object.entries(v).map(([k, a]) => `${k}=${a.map(numberText).join(',')}`),
    app: { scope: 'law', label: 'start grid', input: 'list' },
  }),
  range: row<RangeEntry[]>({
    flag: 'range', arg: 'P=LO:HI', argFor: { compare: '[LAW:]P=LO:HI' }, kind: 'repeat', section: 'fitting', commands: ['fit', 'compare'],
    doc: "P's range for sobol/random starts (repeatable)",
    docFor: { compare: "P's start range, for law LAW or else every law with a parameter P (repeatable); a law given ranges starts from Sobol points over them (sobol:256), as the app runs it" },
    parse: parseRanges, print: (v) => v.map((e) => `${e.law !== undefined ? `${e.law}:` : ''}${e.name}=${numberText(e.range[0])}:${numberText(e.range[1])}`),
    app: { scope: 'law', label: 'start ranges', input: 'list' },
  }),
  screen: row<number>({
    flag: 'screen', arg: 'K', kind: 'value', section: 'fitting', commands: ['fit'],
    doc: 'run LM only from the K starts with the lowest starting objective',
    parse: (t) => parsePositiveInt('--screen', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'law', label: 'screen to K starts', input: 'number' },
  }),
  seed: row<number>({
    flag: 'seed', arg: 'S', kind: 'value', section: 'fitting', commands: ['fit', 'compare', 'demo', 'chain', 'isoflop'], default: 0,
    doc: 'seed of random starts and of the bootstrap',
    docFor: { compare: "seed of the bootstrap's resamples (fold f uses S + f)", demo: 'noise seed of the synthetic ladder, and of the bootstrap', chain: "the joint bootstrap's resampling seed", isoflop: 'seed of the resamples (group g uses S + g)' },
    defaultTextFor: { demo: String(DEFAULT_LADDER_SEED) },
    parse: (t) => parseSeed(only(t)), print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'seed', input: 'number' },
  }),
  maxIter: row<number>({
    flag: 'max-iter', solver: 'maxIterations', arg: 'N', kind: 'value', section: 'fitting', commands: ['fit'], default: DEFAULT_LM_OPTIONS.maxIterations,
    doc: 'LM trial steps before giving up (status max-iterations)',
    parse: (t) => parsePositiveInt('--max-iter', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'max. iterations', input: 'number' },
  }),
  ftol: row<number>({
    flag: 'ftol', solver: 'ftol', arg: 'X', kind: 'value', section: 'fitting', commands: ['fit'], default: DEFAULT_LM_OPTIONS.ftol,
    doc: 'stop when the relative cost reduction (actual and predicted) is below X',
    parse: (t) => parsePositiveNumber('--ftol', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'ftol', input: 'number' },
  }),
  xtol: row<number>({
    flag: 'xtol', solver: 'xtol', arg: 'X', kind: 'value', section: 'fitting', commands: ['fit'], default: DEFAULT_LM_OPTIONS.xtol,
    doc: 'stop when the trust radius is below X times the scaled parameter norm',
    parse: (t) => parsePositiveNumber('--xtol', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'xtol', input: 'number' },
  }),
  gtol: row<number>({
    flag: 'gtol', solver: 'gtol', arg: 'X', kind: 'value', section: 'fitting', commands: ['fit'], default: DEFAULT_LM_OPTIONS.gtol,
    doc: 'stop when the largest cosine between the residuals and a Jacobian column is below X',
    parse: (t) => parsePositiveNumber('--gtol', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'gtol', input: 'number' },
  }),
  maxRadius: row<number>({
    flag: 'max-radius', solver: 'maxRadius', arg: 'R', kind: 'value', section: 'fitting', commands: ['fit'], defaultText: 'none, as MINPACK',
    doc: 'cap the LM trust radius at R in the internal (transformed) coordinates, so no step (at most 1.1 R long) leaps out of its basin (Ceres max_trust_region_radius; float64 engines)',
    parse: (t) => parsePositiveNumber('--max-radius', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'max. trust radius', input: 'number' },
  }),
  damping: row<DampingMode>({
    flag: 'damping', solver: 'damping', arg: 'D', kind: 'value', section: 'fitting', commands: ['fit'], default: DEFAULT_LM_OPTIONS.damping,
    doc: "levenberg (mu I) or marquardt (mu diag(J'J), MINPACK's scaling)",
    parse: choice('damping', ['levenberg', 'marquardt']), print: one,
    app: { scope: 'run', label: 'damping', input: 'choice', choices: ['levenberg', 'marquardt'] },
  }),
  projection: row<ProjectionMode>({
    flag: 'projection', solver: 'projection', arg: 'P', kind: 'value', section: 'fitting', commands: ['fit'], default: DEFAULT_LM_OPTIONS.projection,
    doc: 'variable projection (linear residuals, every engine), auto, on or off: solve the coefficients that enter the law linearly by (non-negative, robust) least squares and search the rest; auto: on for least squares and for start grids that repeat the nonlinear coordinates (>= 32 times)',
    parse: choice('projection', ['auto', 'on', 'off']), print: one,
    app: { scope: 'run', label: 'variable projection', input: 'choice', choices: ['auto', 'on', 'off'] },
  }),
  // ---- stage 2 (chain) ------------------------------------------------------------------------
  // The chain's second law, with the stage-1 rows' parsers under its own flags (named in messages).
  thenLaw: row<string>({
    flag: 'then', arg: 'NAME', kind: 'value', section: 'stage 2', commands: ['chain'],
    doc: "stage 2's law, a built-in (see 'lawfit laws')",
    parse: text, print: one,
    app: CHAIN_ONLY,
  }),
  thenFormula: row<string>({
    flag: 'then-formula', arg: 'TEXT', kind: 'value', section: 'stage 2', commands: ['chain'],
    doc: "stage 2's law as your own formula over the --then-x names",
    parse: text, print: one,
    app: CHAIN_ONLY,
  }),
  thenPositive: row<string[]>({
    flag: 'then-positive', arg: 'A,B', kind: 'repeat', section: 'stage 2', commands: ['chain'],
    doc: '(--then-formula) keep these parameters positive (fitted as log)',
    parse: nameList, print: printList,
    app: CHAIN_ONLY,
  }),
  thenFix: row<Record<string, number>>({
    flag: 'then-fix', arg: 'P=VALUE', kind: 'repeat', section: 'stage 2', commands: ['chain'],
    doc: "hold stage 2's P at VALUE (repeatable)",
    parse: fixParser('--then-fix'), print: printFix,
    app: CHAIN_ONLY,
  }),
  thenSpace: row<ResidualSpace>({
    flag: 'then-space', arg: 'S', kind: 'value', section: 'stage 2', commands: ['chain'],
    doc: `stage 2's residuals in ${RESIDUAL_SPACES.join(', ')} space`, defaultText: "the law's",
    parse: (t) => parseSpace(only(t), '--then-space'), print: one,
    app: CHAIN_ONLY,
  }),
  thenX: row<Record<string, string>>({
    flag: 'then-x', arg: `IN=${PREVIOUS_STAGE},...`, kind: 'value', section: 'stage 2', commands: ['chain'],
    doc: `stage 2's inputs, from columns or expressions; exactly one is '${PREVIOUS_STAGE}', stage 1's quantity`,
    parse: columnMapParser('--then-x'), print: printColumnMap,
    app: CHAIN_ONLY,
  }),
  thenY: row<string>({
    flag: 'then-y', arg: 'COL', kind: 'value', section: 'stage 2', commands: ['chain'],
    doc: "stage 2's target",
    parse: text, print: one,
    app: CHAIN_ONLY,
  }),
  thenWhere: row<string>({
    flag: 'then-where', arg: 'EXPR', kind: 'value', section: 'stage 2', commands: ['chain'],
    doc: 'the runs stage 2 is fitted on',
    parse: text, print: one,
    app: CHAIN_ONLY,
  }),
  thenLoss: row<LossSpec>({
    flag: 'then-loss', arg: 'L', kind: 'value', section: 'stage 2', commands: ['chain'],
    doc: "stage 2's loss, as --loss", defaultText: "the law's",
    parse: (t) => parseLossFlag(only(t), '--then-loss'), print: (v) => [formatLoss(v)],
    app: CHAIN_ONLY,
  }),
  // ---- prediction (chain) ---------------------------------------------------------------------
  at: row<Array<Record<string, number>>>({
    flag: 'at', arg: 'IN=VALUE,...', kind: 'repeat', section: 'prediction', commands: ['chain'],
    doc: `a point to predict (repeatable): every input of either stage except '${PREVIOUS_STAGE}'`,
    // The point's inputs are checked against the laws by the command (at-flag.ts checkPoint).
    parse: (t) => t.map((p) => nameTable(Object.entries(parseAssignments('--at', [p])).map(([k, v]) => [k, parseNumber('--at', v)] as const))),
    print: (v) => v.map((p) => Object.entries(p).map(([k, x]) => `${k}=${numberText(x)}`).join(',')),
    app: CHAIN_ONLY,
  }),
  // chain's --group names a fitted group (a value); isoflop's --group above names a column. Two
  // rows share the flag because each command reads only its own rows (argv.ts commandRows).
  chainGroup: row<string>({
    flag: 'group', arg: 'VALUE', kind: 'value', section: 'prediction', commands: ['chain'],
    doc: 'with --per on stage 1: the group whose parameters every --at point uses (one of the fitted groups; required then)',
    parse: text, print: one,
    app: CHAIN_ONLY,
  }),
  // ---- engine ---------------------------------------------------------------------------------
  engine: row<'cpu' | 'webgpu'>({
    flag: 'engine', arg: 'E', kind: 'value', section: 'engine', commands: ['fit', 'compare', 'demo', 'chain', 'isoflop'], default: 'cpu',
    doc: 'cpu (float64) or webgpu (f32 on the GPU, every reported fit finished in float64; falls back to the CPU, saying so, without an adapter)',
    parse: choice('engine', ['cpu', 'webgpu']), print: one,
    app: { scope: 'cli', why: 'the app chooses its engine itself (the request\'s engine: auto, webgpu or cpu) and prints the one it used' },
  }),
  threads: row<number>({
    flag: 'threads', arg: 'N', kind: 'value', section: 'engine', commands: ['fit', 'compare', 'demo', 'chain', 'isoflop'], defaultText: 'all cores',
    doc: 'CPU threads',
    parse: (t) => parsePositiveInt('--threads', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'cli', why: "the browser's float64 engine runs in the app's one worker" },
  }),
  audit: row<number>({
    flag: 'audit', arg: 'K', kind: 'value', section: 'engine', commands: ['fit'],
    doc: '(webgpu) re-run K random fits entirely in float64 and report the agreement (a single fit: not with --bootstrap, whose replicates the polish finishes)',
    parse: (t) => parsePositiveInt('--audit', only(t)), print: (v) => [numberText(v)],
    app: { scope: 'cli', why: 'the app reports the engine it used; the float64 audit is a CLI check' },
  }),
  // ---- bootstrap ------------------------------------------------------------------------------
  bootstrap: row<number>({
    flag: 'bootstrap', arg: 'N', kind: 'value', section: 'bootstrap', commands: ['fit', 'compare', 'demo', 'chain', 'isoflop'],
    doc: 'refit N resampled replicates; report sd, percentile and BCa intervals',
    docFor: { demo: 'refit N resampled replicates; report sd, percentile and BCa intervals, and which true values they cover', compare: "refit every law on N resamples of each fold's fitting runs; the interval is the percentile interval of the error (the held-out runs stay fixed); failed replicates are counted per law",
      isoflop: 'N replicates, each refitting the parabolas, the QC and the frontier',
      chain: "the chain's joint bootstrap: N replicates; each draws one weight per run of the table (the runs either stage uses) and refits BOTH stages under those weights, so a run feeding both moves both fits; the prediction goes through each replicate's stage 1 into its stage 2" },
    parse: (t) => {
      const n = parsePositiveInt('--bootstrap', only(t));
      checkLimit('replicates', n, only(t).trim());
      return n;
    },
    print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'bootstrap replicates', input: 'number' },
  }),
  design: row<ColumnDesign>({
    flag: 'design', arg: 'D', kind: 'value', section: 'bootstrap', commands: ['fit', 'compare', 'demo', 'chain'], default: { kind: 'rows' },
    docFor: {
      chain: "rows, clusters:COL or bayes. Replicates whose runs leave a stage's parameters undetermined (e.g. a 4-parameter law on 5 runs, 2 of them not drawn), or whose fit fails, are counted and reported and left out of the bands. On tiny ladders use bayes: the Bayesian bootstrap (Rubin 1981) gives every run a positive Dirichlet weight, so every replicate keeps every run and none fails for want of data (rows resampling loses 65 % of the replicates on Gadre et al.'s 6 runs, and the survivors are a biased sample)",
    },
    doc: "rows, clusters:COL (resample whole groups of COL), bayes, residuals (keep every row, refit to fit + resampled residuals in the law's residual space, centred; :raw uncentred, :leverage divided by sqrt(1 - h)) or wild (fit + residual x random sign; :mammen for Mammen's weights, :leverage as above)",
    parse: (t) => parseDesign(only(t)) ?? bad('design', `expected ${DESIGN_SYNTAX}, got '${only(t)}'`),
    print: (v) => [describeDesign(v)],
    app: { scope: 'run', label: 'resampling design', input: 'text' },
  }),
  ci: row<number>({
    flag: 'ci', arg: 'P', kind: 'value', section: 'bootstrap', commands: ['fit', 'compare', 'demo', 'chain', 'isoflop'], default: 95,
    doc: 'interval level in percent', docFor: { chain: 'band level in percent' },
    parse: (t) => {
      const ci = parseNumber('--ci', only(t));
      if (!(ci > 0 && ci < 100)) bad('ci', `expected a level between 0 and 100 (percent), got '${only(t)}'`);
      return ci;
    },
    print: (v) => [numberText(v)],
    app: { scope: 'run', label: 'interval level (%)', input: 'number' },
  }),
  isoflopDesign: row<IsoflopDesign>({
    flag: 'design', arg: 'D', kind: 'value', section: 'bootstrap', commands: ['isoflop'], default: 'runs',
    doc: "runs (resample the runs within each budget), budgets (resample whole budgets), residuals (keep every run; its loss is its budget's parabola plus a residual of that parabola resampled within the budget; :raw uncentred, :leverage divided by sqrt(1 - h)) or wild (the run's own residual times a random sign; :mammen for Mammen's weights, :leverage as above)",
    // The value is the design's canonical name (wild:rademacher is wild), as the artifact records it.
    parse: (t) => {
      const d = parseIsoflopDesign(only(t));
      return d !== undefined ? isoflopDesignName(d) : bad('design', `expected ${ISOFLOP_DESIGN_SYNTAX}, got '${only(t)}'`);
    },
    print: one,
    app: ISOFLOP_FORM('resampling design', 'text'),
  }),
  replicateStarts: row<ReplicateStartsChoice>({
    flag: 'replicate-starts', arg: 'S', kind: 'value', section: 'bootstrap', commands: ['fit', 'compare', 'demo', 'chain'], default: { kind: 'basins', k: DEFAULT_BASINS },
    doc: "basins:K (the K best distinct end points of the full fit), law (the law's full grid for every replicate) or same (the full fit's own starts, e.g. one point given with lawfit fit's --grid)",
    docFor: { chain: "basins:K (the K best distinct end points of each stage's full fit), law (each law's full grid) or same (each stage's own full-fit starts)" },
    parse: parseReplicateStarts, print: (v) => [v.kind === 'basins' ? `basins:${v.k}` : v.kind === 'default' ? 'law' : 'same'],
    app: { scope: 'run', label: 'replicate starts', input: 'text' },
  }),
  generator: row<'lawfit' | 'numpy-legacy'>({
    flag: 'generator', arg: 'G', kind: 'value', section: 'bootstrap', commands: ['fit', 'compare', 'demo', 'chain'], default: 'lawfit',
    doc: 'resampling generator: lawfit or numpy-legacy (np.random.seed + np.random.choice draw for draw, to reproduce a numpy bootstrap; rows)',
    docFor: { chain: "lawfit or numpy-legacy (np.random.seed + np.random.choice draw for draw; rows only), as for 'fit --bootstrap'" },
    parse: choice('generator', ['lawfit', 'numpy-legacy']), print: one,
    app: { scope: 'run', label: 'resampling generator', input: 'choice', choices: ['lawfit', 'numpy-legacy'] },
  }),
  // ---- holdout --------------------------------------------------------------------------------
  holdout: row<Holdout>({
    flag: 'holdout', arg: 'H', kind: 'value', section: 'holdout', commands: ['compare'],
    doc: `how runs are held out:
EXPR: one fold, the runs where EXPR holds
top:K:EXPR: one fold, the K runs with the largest EXPR, e.g. top:2:N_params*D_tokens
rolling:EXPR[:K]: rolling cut-offs: runs ordered by EXPR (equal values are one step); for each of the last K steps (default ${DEFAULT_ROLLING_CUTOFFS}) fit on the runs below it and predict every run at and beyond it, e.g. rolling:N_params*D_tokens:4
group:COL: leave one group out: one fold per value of COL, fitted on the other groups (a law is skipped, with a note, on folds that leave it fewer runs than parameters)`,
    parse: (t) => parseHoldout(only(t)), print: (v) => [holdoutText(v)],
    app: { scope: 'run', label: 'held-out runs', input: 'text' },
  }),
  // ---- Approach 3 beside it (isoflop) ---------------------------------------------------------
  also: row<string[]>({
    flag: 'also', arg: 'LAW', kind: 'repeat', section: 'Approach 3 beside it', commands: ['isoflop'],
    doc: 'also fit a built-in law (e.g. chinchilla) to the same runs (repeatable)',
    // The names are checked against the laws by stats/isoflop-approach3.ts approach3Laws.
    parse: (t) => [...t], print: (v) => [...v],
    app: ISOFLOP_FORM('Approach 3 laws', 'list'),
  }),
  // ---- output ---------------------------------------------------------------------------------
  out: row<string>({
    flag: 'out', arg: 'FILE', kind: 'value', section: 'output', commands: ['fit', 'compare', 'demo', 'chain', 'isoflop'],
    doc: "write the JSON artifact (reprint it with 'lawfit report FILE')",
    docFor: { isoflop: "write the analysis as JSON (reprint it with 'lawfit report FILE')", compare: 'write the comparison as JSON (laws, folds, per-run errors, intervals, bootstrap draws, options, seed, data digest, lawfit version)', chain: "write the chain's JSON artifact (both fits, every draw, seed, options, data digest)" },
    parse: text, print: one,
    app: { scope: 'cli', why: 'the app offers each artifact as a download' },
  }),
  plots: row<string>({
    flag: 'plots', arg: 'DIR', kind: 'value', section: 'output', commands: ['fit', 'compare', 'demo', 'isoflop'],
    doc: 'write the plots as SVG files into DIR (created if needed): fit.svg, residuals.svg, and with --bootstrap bootstrap-histograms.svg and bootstrap-pairs.svg; frontier.svg for Chinchilla-type laws', docFor: { compare: 'draw the comparison as a chart, DIR/comparison.svg', isoflop: 'isoflop-curves.svg (parabolas, vertices, dropped runs) and isoflop-frontier.svg (N*, D* on C with the band), one pair per group' },
    parse: text, print: one,
    app: { scope: 'cli', why: 'the app draws the plots on the page' },
  }),
  writeData: row<string>({
    flag: 'write-data', arg: 'FILE', kind: 'value', section: 'output', commands: ['demo'],
    doc: "also write the ladder as CSV (N,D,loss) for 'lawfit fit'",
    parse: text, print: one,
    app: { scope: 'cli', why: 'the app offers the example as a download' },
  }),
  quiet: row<boolean>({
    flag: 'quiet', short: 'q', kind: 'switch', section: 'output', commands: ['fit', 'chain', 'isoflop'],
    doc: 'do not print the report (nor the progress bar)', docFor: { chain: 'do not print the fits and tables (nor the progress bar)', isoflop: 'do not print the report' },
    parse: () => true, print: (v) => (v ? [''] : []),
    app: { scope: 'cli', why: 'the page always shows the report' },
  }),
} as const;

export type RunOptionKey = keyof typeof RUN_OPTIONS;
type ValueOf<R> = R extends OptionRow<infer T> ? T : never;

/** A run, typed: every option that was given (absent ones take the row's default, resolve.ts). */
export type RunSpec = { -readonly [K in RunOptionKey]?: ValueOf<(typeof RUN_OPTIONS)[K]> };

/** The rows as a list, in table order (help and printed command lines follow it). */
export const RUN_OPTION_ROWS: ReadonlyArray<readonly [RunOptionKey, OptionRow<unknown>]> = Object.entries(RUN_OPTIONS) as unknown as ReadonlyArray<readonly [RunOptionKey, OptionRow<unknown>]>;

/**
 * The options a law carries on its own in the app (LawChoice.spec): the rows whose app field is
 * per law (a test checks this list against the rows' `app.scope`).
 */
export const LAW_OPTION_KEYS = ['positive', 'transform', 'fix', 'free', 'space', 'loss', 'starts', 'grid', 'range', 'screen'] as const satisfies readonly RunOptionKey[];
export type LawSpec = Pick<RunSpec, (typeof LAW_OPTION_KEYS)[number]>;

/** The options the app sends once for the whole run (RunRequest.spec): the rows whose app field is per run (tested likewise). */
export const RUN_SCOPE_KEYS = ['x', 'y', 'weights', 'where', 'seed', 'maxIter', 'ftol', 'xtol', 'gtol', 'maxRadius', 'damping', 'projection', 'bootstrap', 'design', 'ci', 'replicateStarts', 'generator', 'holdout'] as const satisfies readonly RunOptionKey[];
export type RunScopeSpec = Pick<RunSpec, (typeof RUN_SCOPE_KEYS)[number]>;

/**
 * The options of the app's IsoFLOP form (IsoflopRequest.spec): isoflop's rows that the app has a
 * field for (its own `isoflop` rows and the `run` rows isoflop takes; tested against the rows).
 */
export const ISOFLOP_SCOPE_KEYS = ['budget', 'x', 'y', 'weights', 'where', 'group', 'qc', ...QC_THRESHOLDS.map((t) => t.key), 'frontierWeights', 'budgets', 'seed', 'bootstrap', 'ci', 'isoflopDesign', 'also'] as const satisfies readonly RunOptionKey[];
export type IsoflopSpec = Pick<RunSpec, 'budget' | 'x' | 'y' | 'weights' | 'where' | 'group' | 'qc' | keyof QcThresholds | 'frontierWeights' | 'budgets' | 'seed' | 'bootstrap' | 'ci' | 'isoflopDesign' | 'also'>;
