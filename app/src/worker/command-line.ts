/**
 * The `lawfit` command line equivalent to a run in the app: recorded in each law's artifact (as
 * the CLI records its own argv) and shown on the page, so a result from the browser can be
 * reproduced, digit for digit, from a terminal. Every option the run used appears (the seed and the
 * interval level too, though they may be the defaults), so the line does not depend on defaults;
 * the page shows it as shell text (src/util/shell-quote.ts) that pastes into a terminal as is.
 */
import type { LawChoice, RunRequest } from './protocol.js';

/** `--x` text for the given law inputs, from the run's parsed mapping. */
export function columnMapText(mapping: Readonly<Record<string, string>>, inputs: readonly string[]): string {
  return inputs.map((n) => `${n}=${mapping[n] ?? ''}`).join(',');
}

function dataFlags(req: RunRequest, x: string): string[] {
  const a = ['--x', x, '--y', req.y];
  if (req.where !== undefined) a.push('--where', req.where);
  if (req.weights !== undefined) a.push('--weights', req.weights);
  if (req.file.format !== undefined && req.file.format !== 'auto') a.push('--format', req.file.format);
  return a;
}

const repeated = (flag: string, values: readonly string[] | undefined): string[] => (values ?? []).flatMap((v) => [flag, v]);

/** `lawfit fit FILE ...` for one law of the run (`choice` as it ran: see laws.ts effectiveChoice). */
export function fitCommandLine(req: RunRequest, choice: LawChoice, mapping: Readonly<Record<string, string>>, inputs: readonly string[], engine: 'webgpu' | 'cpu'): string[] {
  const a = ['lawfit', 'fit', req.file.name];
  if (choice.formula !== undefined) a.push('--formula', choice.formula);
  else a.push('--law', choice.law ?? '');
  if ((choice.positive ?? []).length > 0) a.push('--positive', choice.positive!.join(','));
  a.push(...repeated('--transform', choice.transform), ...repeated('--fix', choice.fix), ...repeated('--free', choice.free));
  if (choice.space !== undefined) a.push('--space', choice.space);
  a.push(...dataFlags(req, columnMapText(mapping, inputs)));
  if (choice.loss !== undefined) a.push('--loss', choice.loss);
  if (choice.starts !== undefined) a.push('--starts', choice.starts);
  a.push(...repeated('--grid', choice.grid), ...repeated('--range', choice.range));
  if (choice.screen !== undefined) a.push('--screen', String(choice.screen));
  a.push(...runFlags(req, engine));
  return a;
}

/** The seed, the bootstrap and the engine, as fit and compare both take them. */
function runFlags(req: RunRequest, engine: 'webgpu' | 'cpu'): string[] {
  const a = ['--seed', String(req.seed ?? 0)];
  const b = req.bootstrap;
  if (b !== undefined) {
    a.push('--bootstrap', String(b.replicates));
    if (b.design !== undefined) a.push('--design', b.design);
    a.push('--ci', String(b.ci ?? 95));
    if (b.replicateStarts !== undefined) a.push('--replicate-starts', b.replicateStarts);
  }
  if (engine === 'webgpu') a.push('--engine', 'webgpu');
  return a;
}

/**
 * `lawfit compare FILE ...` for the run's ranking, when the CLI can express it: compare takes
 * built-in laws by name and formulas over every mapped input, each with its defaults, so a law
 * with its own options (fixed parameters, transforms, a label...) or weighted runs have no
 * equivalent there.
 */
export function compareCommandLine(
  req: RunRequest,
  choices: readonly LawChoice[],
  labels: readonly string[],
  mapped: readonly string[],
  formulaInputs: readonly (readonly string[])[],
  engine: 'webgpu' | 'cpu',
): string[] | undefined {
  if (req.holdout === undefined || req.weights !== undefined) return undefined;
  const tuned = (c: LawChoice): boolean =>
    [c.positive, c.transform, c.fix, c.free, c.range, c.grid].some((v) => (v ?? []).length > 0) || c.space !== undefined || c.loss !== undefined || c.starts !== undefined || c.screen !== undefined;
  let formulas = 0;
  for (const [i, c] of choices.entries()) {
    if (tuned(c)) return undefined;
    if (c.formula !== undefined) {
      // compare names its formulas formula-1, formula-2, ... and gives each every mapped input.
      if (labels[i] !== `formula-${++formulas}` || formulaInputs[i]!.length !== mapped.length) return undefined;
    } else if (labels[i] !== c.law) return undefined;
  }
  const laws = choices.flatMap((c) => (c.formula === undefined && c.law !== undefined ? [c.law] : []));
  const a = ['lawfit', 'compare', req.file.name];
  if (laws.length > 0) a.push('--laws', laws.join(','));
  for (const c of choices) if (c.formula !== undefined) a.push('--formula', c.formula);
  return [...a, ...dataFlags(req, req.x), '--holdout', req.holdout, ...runFlags(req, engine)];
}
