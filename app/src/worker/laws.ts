/**
 * Laws in the worker: the built-in catalogue as plain data for the page, the as-you-type check of
 * a formula, and the compilation of a LawChoice exactly as `lawfit fit` compiles its flags
 * (src/cli/law-flags.ts), so a law means the same thing in the app and on the command line.
 */
import { compileLaw, type CompiledLaw } from '../../../src/law/compile.js';
import type { LawDeclaration } from '../../../src/law/declaration.js';
import { describeTransform, NO_TRANSFORM } from '../../../src/law/transforms.js';
import { BUILTIN_LAWS, defaultGridSize } from '../../../src/laws/index.js';
import { DEFAULT_SOBOL_STARTS, makeStarts, rangeOf } from '../../../src/fit/starts.js';
import { compileLawSpec, formulaDeclaration } from '../../../src/cli/law-flags.js';
import { problemReport } from './problems.js';
import { exponentNames, scaledRange } from './start-ranges.js';
import type { CheckFormulaRequest, CheckFormulaResult, LawChoice, LawInfo, ParameterInfo } from './protocol.js';

/** Every declared parameter of a compiled law: transform, fixed value, start range and axis. */
export function parameterInfo(law: CompiledLaw): ParameterInfo[] {
  return law.declaration.params.map((d, k) => {
    const fp = law.free.find((f) => f.declIndex === k);
    const info: ParameterInfo = {
      name: d.name,
      transform: describeTransform(fp?.transform ?? d.transform ?? NO_TRANSFORM),
      start: [...(d.start ?? [])],
    };
    if (fp !== undefined) {
      const [lo, hi] = rangeOf(law, fp);
      info.range = [lo, hi];
    }
    const fixed = law.fixed.get(d.name);
    if (fixed !== undefined) info.fixed = fixed;
    if (d.description !== undefined) info.description = d.description;
    return info;
  });
}

function lawInfo(d: LawDeclaration): LawInfo {
  const law = compileLaw(d);
  return {
    name: d.name,
    ...(d.family !== undefined ? { family: d.family } : {}),
    ...(d.description !== undefined ? { description: d.description } : {}),
    ...(d.citation !== undefined ? { citation: d.citation } : {}),
    ...(d.display !== undefined ? { display: d.display } : {}),
    formula: d.formula,
    inputs: d.inputs.map((i) => ({ ...i })),
    space: d.space,
    ...(d.defaultLoss !== undefined ? { defaultLoss: d.defaultLoss } : {}),
    parameters: parameterInfo(law),
    gridSize: defaultGridSize(d),
    ...(d.startNote !== undefined ? { startNote: d.startNote } : {}),
  };
}

let catalogue: LawInfo[] | undefined;

/** The built-in laws, in catalogue order (compiled once per worker). */
export function listLaws(): LawInfo[] {
  catalogue ??= BUILTIN_LAWS.map(lawInfo);
  return catalogue;
}

/**
 * Which of the mapped input names a formula uses, in the mapping's order. Every free name of the
 * formula is read as a parameter first (no inputs), so the formula's own syntax errors surface
 * here with their positions.
 */
export function formulaInputs(formula: string, mapped: readonly string[]): { used: string[]; unused: string[] } {
  const names = new Set(formulaDeclaration(formula, [], 'linear', []).params.map((p) => p.name));
  return { used: mapped.filter((n) => names.has(n)), unused: mapped.filter((n) => !names.has(n)) };
}

export function checkFormula(req: CheckFormulaRequest): CheckFormulaResult {
  try {
    const { used, unused } = formulaInputs(req.formula, req.inputs);
    const positive = req.positive ?? [];
    const law = compileLaw(formulaDeclaration(req.formula, used, req.space ?? 'linear', positive));
    let parameters = parameterInfo(law);
    const scale = req.targetScale;
    if (scale !== undefined && Number.isFinite(scale) && scale > 0) {
      // Ranges from the data's scale (start-ranges.ts) replace the engine's fallback −1…1.
      const exponents = exponentNames(req.formula);
      parameters = parameters.map((p) => (p.range !== undefined ? { ...p, range: scaledRange(p.name, exponents, positive.includes(p.name), scale) } : p));
    }
    return { ok: true, inputs: used, unusedInputs: unused, parameters, starts: makeStarts(law, { kind: 'default' }).description };
  } catch (e) {
    return { ok: false, error: problemReport(e) };
  }
}

/**
 * The choice as the fit will run it: with edited start ranges and no start set of its own, a law
 * starts from Sobol points over those ranges (`--range ... --starts sobol:256`), because ranges
 * only shape Sobol and random starts.
 */
export function effectiveChoice(choice: LawChoice): LawChoice {
  const o = choice.spec ?? {};
  if ((o.range ?? []).length > 0 && o.starts === undefined && Object.keys(o.grid ?? {}).length === 0) {
    return { ...choice, spec: { ...o, starts: { kind: 'sobol', count: DEFAULT_SOBOL_STARTS } } };
  }
  return choice;
}

export interface CompiledChoice {
  label: string;
  law: CompiledLaw;
  /** The law's inputs: a built-in's own, or the mapped names a formula uses. */
  inputs: string[];
}

/**
 * Compile a choice as `lawfit fit --law/--formula ... --fix ... --range ...` compiles its typed spec, named `label`
 * (the ranking and reports show it). `mapped` is the list of names `--x` maps.
 */
export function compileChoice(choice: LawChoice, label: string, mapped: readonly string[]): CompiledChoice {
  const inputs = choice.formula !== undefined ? formulaInputs(choice.formula, mapped).used : [];
  const law = compileLawSpec({ ...(choice.law !== undefined ? { law: choice.law } : {}), ...(choice.formula !== undefined ? { formula: choice.formula } : {}) }, choice.spec ?? {}, inputs);
  const named = law.name === label ? law : compileLaw({ ...law.declaration, name: label });
  return { label, law: named, inputs: [...named.inputNames] };
}

/**
 * A user's label as a law name (letters, digits, '-', '_', '.', starting with a letter: the rule
 * compileLaw enforces, because names end up in file names and reports): 'my law 2' -> 'my-law-2'.
 */
export function labelAsName(label: string): string {
  const name = label.trim().replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z]+/, '').replace(/-+$/, '');
  return name === '' ? 'law' : name;
}

/** Labels for the chosen laws: the user's (as a valid law name), else the built-in's name or formula-1, formula-2, ...; made unique. */
export function choiceLabels(choices: readonly LawChoice[]): string[] {
  let formulas = 0;
  const seen = new Map<string, number>();
  return choices.map((c) => {
    if (c.formula !== undefined) formulas++;
    const own = c.label !== undefined && c.label.trim() !== '' ? labelAsName(c.label) : undefined;
    const base = own ?? (c.formula !== undefined ? `formula-${formulas}` : (c.law ?? 'law'));
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base}-${k}`;
  });
}
