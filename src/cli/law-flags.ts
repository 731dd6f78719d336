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
import type { Transform } from '../law/transforms.js';
import { findLaw } from '../laws/index.js';
import { parseAssignments, parseAxis, parseNumber, parseSpace, parseTransformFlag } from './args.js';
import { nameTable } from '../util/names.js';

export interface LawFlags {
  law?: string;
  formula?: string;
  fix: string[];
  free: string[];
  transform: string[];
  positive: string[];
  range: string[];
  space?: string;
}

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

export function compileFromFlags(f: LawFlags, inputNames: readonly string[]): CompiledLaw {
  if ((f.law === undefined) === (f.formula === undefined)) {
    throw new LawfitError('bad-option', 'give exactly one of --law NAME or --formula TEXT');
  }
  const space = f.space !== undefined ? parseSpace(f.space) : undefined;
  let decl: LawDeclaration;
  if (f.formula !== undefined) {
    decl = formulaDeclaration(f.formula, inputNames, space ?? 'linear', f.positive.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''));
  } else {
    if (f.positive.length > 0) throw new LawfitError('bad-option', `--positive is for --formula laws; for a built-in law use --transform NAME=log`);
    decl = findLaw(f.law!);
  }
  const fixed = nameTable(Object.entries(parseAssignments('--fix', f.fix)).map(([k, v]) => [k, parseNumber('--fix', v)] as const));
  const transforms: Record<string, Transform> = nameTable(
    Object.entries(parseAssignments('--transform', f.transform)).map(([k, v]) => [k, parseTransformFlag(k, v)] as const),
  );
  const ranges = nameTable<readonly [number, number]>();
  for (const [k, v] of Object.entries(parseAssignments('--range', f.range.map((r) => r.replace(/,/g, ':'))))) {
    const axis = parseAxis('--range', k, v.replace(/:/g, ','));
    if (axis.length !== 2 || !(axis[0]! < axis[1]!)) throw new LawfitError('bad-option', `--range: ${k}: expected NAME=LO:HI with LO < HI, got '${v}'`);
    ranges[k] = [axis[0]!, axis[1]!];
  }
  const overrides: LawOverrides = {
    fixed,
    free: f.free.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''),
    transforms,
    ranges,
    ...(space !== undefined ? { space } : {}),
  };
  return compileLaw(decl, overrides);
}
