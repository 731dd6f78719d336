/**
 * From CLI flags to a compiled law: a built-in (`--law NAME`) or a formula typed on the command
 * line (`--formula TEXT`), plus overrides (`--fix`, `--free`, `--transform`, `--positive`,
 * `--space`, `--range`). A typed formula's inputs are the names mapped by `--x`; every other name
 * it uses (other than its own definitions and function names) is a parameter.
 */
import { LawfitError } from '../errors.js';
import { compileLaw, type CompiledLaw } from '../law/compile.js';
import type { LawDeclaration, LawOverrides, ResidualSpace } from '../law/declaration.js';
import { lookupFunction } from '../law/functions.js';
import { freeNames, parseProgram } from '../law/syntax.js';
import { findLaw } from '../laws/index.js';
import type { LawSpec } from '../run-spec/run-options.js';
import { nameTable } from '../util/names.js';

/** The declaration of a formula typed on the command line. */
export function formulaDeclaration(formula: string, inputNames: readonly string[], space: ResidualSpace, positive: readonly string[]): LawDeclaration {
  const program = parseProgram(formula);
  const defined = new Set(program.bindings.map((b) => b.name));
  const names = new Map<string, number>();
  for (const b of program.bindings) freeNames(b.expr, names);
  freeNames(program.result, names);
  const params = [...names.entries()]
    .filter(([n]) => !inputNames.includes(n) && !defined.has(n) && lookupFunction(n) === undefined)
    .sort((a, b) => a[1] - b[1])
    .map(([n]) => n);
  for (const p of positive) {
    if (!params.includes(p)) throw new LawfitError('unknown-parameter', `--positive: the formula has no parameter '${p}' (parameters: ${params.join(', ') || 'none'})`);
  }
  return {
    name: 'formula',
    formula,
    inputs: inputNames.map((name) => ({ name })),
    params: params.map((name) => (positive.includes(name) ? { name, transform: { kind: 'log' } as const } : { name })),
    space,
    description: 'formula given on the command line',
  };
}

/**
 * The --x names a formula actually uses, in --x order: in `compare`, where --x maps every input
 * any law takes, a formula takes part as a built-in does, reading only its own inputs.
 */
export function formulaInputsUsed(formula: string, inputNames: readonly string[]): string[] {
  const program = parseProgram(formula);
  const names = new Map<string, number>();
  for (const b of program.bindings) freeNames(b.expr, names);
  freeNames(program.result, names);
  const defined = new Set(program.bindings.map((b) => b.name));
  return inputNames.filter((n) => names.has(n) && !defined.has(n));
}

/**
 * A compiled law from the typed run specification: a built-in (`law`) or a typed formula, with
 * the spec's overrides (--fix, --free, --transform, --positive, --space, --range). A --range entry
 * that names a law (`LAW:P=LO:HI`, compare's form) must name this one.
 */
export function compileLawSpec(sel: { law?: string; formula?: string }, o: LawSpec, inputNames: readonly string[]): CompiledLaw {
  if ((sel.law === undefined) === (sel.formula === undefined)) {
    throw new LawfitError('bad-option', 'give exactly one of --law NAME or --formula TEXT');
  }
  const positive = o.positive ?? [];
  let decl: LawDeclaration;
  if (sel.formula !== undefined) {
    decl = formulaDeclaration(sel.formula, inputNames, o.space ?? 'linear', positive);
  } else {
    if (positive.length > 0) throw new LawfitError('bad-option', `--positive is for --formula laws; for a built-in law use --transform NAME=log`);
    decl = findLaw(sel.law!);
  }
  const ranges = nameTable<readonly [number, number]>();
  for (const e of o.range ?? []) {
    // A range for another law is a mistake here (one law is fitted), not something to skip.
    if (e.law !== undefined && e.law !== decl.name) throw new LawfitError('bad-option', `--range ${e.law}:${e.name}: this run fits law '${decl.name}', not '${e.law}' (write ${e.name}=LO:HI)`);
    ranges[e.name] = e.range;
  }
  const overrides: LawOverrides = {
    fixed: nameTable(Object.entries(o.fix ?? {})),
    free: [...(o.free ?? [])],
    transforms: nameTable(Object.entries(o.transform ?? {})),
    ranges,
    ...(o.space !== undefined ? { space: o.space } : {}),
  };
  return compileLaw(decl, overrides);
}
