/**
 * A law declaration: the one source of truth for a law. The formula text, its inputs and
 * parameters (with transforms, fixed values and default starts), the residual space, and where it
 * comes from. Built-in laws and users' laws are the same kind of object; everything else (the f64
 * evaluator, the WGSL function, the start grid, the report) is derived from it.
 */
import type { Transform } from './transforms.js';

/**
 * The space residuals are measured in: `linear` r = y - f, `log` r = log y - log f,
 * `log1p` r = log(1 + y) - log(1 + f). The target transform is applied to y once on the host in
 * float64; the model side is simplified symbolically (so `log(exp(u))` costs nothing).
 */
export type ResidualSpace = 'linear' | 'log' | 'log1p';

export const RESIDUAL_SPACES: readonly ResidualSpace[] = ['linear', 'log', 'log1p'];

/**
 * What a built-in law relates, for grouping the catalogue (`lawfit laws`, the app's law picker).
 * The order here is the order the groups are listed in; the labels are what both print.
 */
export const LAW_FAMILIES = [
  { id: 'loss', label: 'loss vs model size, data and compute' },
  { id: 'downstream', label: 'downstream accuracy and error' },
  { id: 'data', label: 'data: repetition and constraints' },
  { id: 'hyperparameters', label: 'hyperparameters and training dynamics' },
  { id: 'sampling', label: 'sampling: repeated attempts at inference' },
  { id: 'precision', label: 'precision and quantisation' },
  { id: 'architecture', label: 'architecture: parallel streams, experts' },
] as const;

export type LawFamily = (typeof LAW_FAMILIES)[number]['id'];

export interface FamilyGroup<T> {
  family: LawFamily;
  label: string;
  items: T[];
}

/**
 * Items (declarations, or the app's copies of them) grouped by family in LAW_FAMILIES order, each
 * group in the given order; families with no item are left out, and so are items with no family.
 */
export function groupByFamily<T extends { family?: LawFamily | undefined }>(items: readonly T[]): FamilyGroup<T>[] {
  return LAW_FAMILIES.map((f) => ({ family: f.id, label: f.label, items: items.filter((x) => x.family === f.id) })).filter((g) => g.items.length > 0);
}

export interface InputDecl {
  name: string;
  description?: string;
  unit?: string;
}

export interface ParamDecl {
  name: string;
  /** Default: none (any real value). */
  transform?: Transform;
  /** Hold the parameter at this natural value; it is not fitted. */
  fixed?: number;
  /** One axis of the default start grid, in natural units. The grid is the product over parameters. */
  start?: readonly number[];
  /** Range (natural units) for random/Sobol starts; defaults are derived from `start`. */
  range?: readonly [number, number];
  description?: string;
}

export interface LawDeclaration {
  /** Identifier used on the command line, e.g. `chinchilla`. */
  name: string;
  /** Formula text in the law language; may define intermediate names, one per line or `;`. */
  formula: string;
  /** The familiar mathematical form, for display only (the formula is what is evaluated). */
  display?: string;
  inputs: readonly InputDecl[];
  params: readonly ParamDecl[];
  space: ResidualSpace;
  /** One line. */
  description?: string;
  citation?: string;
  /** Which group of the catalogue the law belongs to (every built-in law has one; users' laws need none). */
  family?: LawFamily;
  /** The loss the law's source fitted with, e.g. `huber:1e-3`; used when the caller does not choose one. */
  defaultLoss?: string;
  /**
   * Global strategy for the default grid: evaluate the objective at every grid point and run LM
   * from the best `screen` of them (as brute-force-then-polish protocols such as BNSL's do).
   */
  screen?: number;
  /** Notes on the start grid's provenance. */
  startNote?: string;
}

/** Changes applied on top of a declaration by a caller (CLI flags, API options). */
export interface LawOverrides {
  fixed?: Readonly<Record<string, number>>;
  free?: readonly string[];
  transforms?: Readonly<Record<string, Transform>>;
  starts?: Readonly<Record<string, readonly number[]>>;
  ranges?: Readonly<Record<string, readonly [number, number]>>;
  space?: ResidualSpace;
}
