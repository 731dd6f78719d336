/**
 * The `lawfit` command line equivalent to a run in the app: recorded in each law's artifact (as
 * the CLI records its own argv) and shown on the page, so a result from the browser can be
 * reproduced, digit for digit, from a terminal. The line is the run's typed specification printed
 * by the table's own printers (src/run-spec/argv.ts printSpec), so every option the run used
 * appears; the seed and, with a bootstrap, the interval level are written even at their defaults,
 * so the line does not depend on them. The page shows it as shell text (src/util/shell-quote.ts).
 */
import { printSpec } from '../../../src/run-spec/argv.js';
import { RUN_OPTION_ROWS, RUN_OPTIONS, type PositiveEntry, type RangeEntry, type RunOptionKey, type RunSpec } from '../../../src/run-spec/run-options.js';
import type { LawChoice, RunRequest } from './protocol.js';

/** The run-wide part of a printed spec: the request's options, the file's format, the seed, the engine used. */
function runPart(req: RunRequest, engine: 'webgpu' | 'cpu'): RunSpec {
  const s: RunSpec = { ...req.spec, seed: req.spec.seed ?? RUN_OPTIONS.seed.default! };
  if (s.bootstrap !== undefined) s.ci = s.ci ?? RUN_OPTIONS.ci.default!;
  if (req.file.format !== undefined && req.file.format !== 'auto') s.format = req.file.format;
  if (engine === 'webgpu') s.engine = 'webgpu';
  return s;
}

/**
 * The `lawfit fit` spec of one law of the run (`choice` as it ran: see laws.ts effectiveChoice):
 * printed as its command line, and recorded as the artifact's typed `run` (run-spec/record.ts).
 */
export function fitRunSpec(req: RunRequest, choice: LawChoice, mapping: Readonly<Record<string, string>>, inputs: readonly string[], engine: 'webgpu' | 'cpu'): RunSpec {
  return {
    ...runPart(req, engine),
    ...(choice.spec ?? {}),
    ...(choice.formula !== undefined ? { formula: choice.formula } : { law: choice.law ?? '' }),
    // The law's own inputs only: a formula reads the mapped names it uses.
    x: Object.fromEntries(inputs.map((n) => [n, mapping[n] ?? ''])),
  };
}

/** `lawfit fit FILE ...` for one law of the run. */
export function fitCommandLine(req: RunRequest, choice: LawChoice, mapping: Readonly<Record<string, string>>, inputs: readonly string[], engine: 'webgpu' | 'cpu'): string[] {
  return ['lawfit', 'fit', req.file.name, ...printSpec('fit', fitRunSpec(req, choice, mapping, inputs, engine))];
}

/**
 * `lawfit compare FILE ...` for the run's ranking, when the CLI can express it: compare takes
 * built-in laws by name and formulas (named formula-1, formula-2, ...), each with its own start
 * grid and default loss, or with start ranges (`--range LAW:P=LO:HI`, then Sobol starts, as the
 * app runs a law with ranges), a formula with positive parameters too (`--positive LAW:A,B`). A run option or a law option compare does not take (its row's
 * commands say which: weights, a loss, fixed parameters, a label of one's own...) has no
 * equivalent there: undefined.
 */
export function compareCommandLine(req: RunRequest, choices: readonly LawChoice[], labels: readonly string[], engine: 'webgpu' | 'cpu'): string[] | undefined {
  if (req.spec.holdout === undefined) return undefined;
  const run = runPart(req, engine);
  // Given: its row prints it (an empty list is as good as none); compare must take every given option.
  const given = (spec: RunSpec): RunOptionKey[] => RUN_OPTION_ROWS.flatMap(([k, r]) => (spec[k] !== undefined && r.print(spec[k]).length > 0 ? [k] : []));
  if (given(run).some((k) => !RUN_OPTIONS[k].commands.includes('compare'))) return undefined;
  const laws: string[] = [];
  const formulas: string[] = [];
  const range: RangeEntry[] = [];
  const positives: PositiveEntry[] = [];
  for (const [i, c] of choices.entries()) {
    const own = c.spec ?? {};
    // Per law, compare takes start ranges, and positive parameters of a formula.
    if (given(own).some((k) => k !== 'range' && !(k === 'positive' && c.formula !== undefined))) return undefined;
    if (c.formula !== undefined && (own.positive ?? []).length > 0) positives.push({ law: labels[i]!, names: [...own.positive!] });
    if (c.formula !== undefined) {
      formulas.push(c.formula);
      if (labels[i] !== `formula-${formulas.length}`) return undefined;
    } else {
      if (c.law === undefined || labels[i] !== c.law) return undefined;
      laws.push(c.law);
    }
    for (const e of own.range ?? []) range.push({ law: labels[i]!, name: e.name, range: e.range });
  }
  const spec: RunSpec = { ...run, ...(laws.length > 0 ? { laws } : {}), ...(formulas.length > 0 ? { formulas } : {}), ...(positives.length > 0 ? { positives } : {}), ...(range.length > 0 ? { range } : {}) };
  return ['lawfit', 'compare', req.file.name, ...printSpec('compare', spec)];
}
