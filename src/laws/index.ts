/**
 * The built-in law catalogue. Each law is one `LawDeclaration` (see ../law/declaration.ts): the
 * formula in the law language with its citation, inputs, parameters (transforms, the paper's start
 * grid in natural units, ranges for random starts), residual space and default loss. Nothing here
 * is special-cased elsewhere: a user's law file has exactly the same shape.
 */
import { LawfitError, didYouMean } from '../errors.js';
import { groupByFamily, type FamilyGroup, type LawDeclaration } from '../law/declaration.js';
import { BNSL_1, BNSL_2 } from './bnsl.js';
import { CHINCHILLA, CHINCHILLA_TIED } from './chinchilla.js';
import { DATA_CONSTRAINED } from './data-constrained.js';
import { DOWNSTREAM_SIGMOID, DOWNSTREAM_SIGMOID_COMPUTE } from './downstream-sigmoid.js';
import { COVERAGE } from './coverage.js';
import { LR_ANNEALING } from './lr-annealing.js';
import { MOE } from './moe.js';
import { PARSCALE } from './parscale.js';
import { PRECISION } from './precision.js';
import { deepFreeze } from './grid.js';
import { KAPLAN, KAPLAN_STEPS } from './kaplan.js';
import { DOWNSTREAM_EXP, OVERTRAIN } from './overtrain.js';
import { POWER, POWER_NO_OFFSET } from './power.js';
import { VIT } from './vit.js';

export { defaultGridSize } from './grid.js';
export { DATABLATIONS_BASE, DATABLATIONS_DECAY } from './data-constrained.js';

export const BUILTIN_LAWS: readonly LawDeclaration[] = deepFreeze([
  POWER,
  POWER_NO_OFFSET,
  CHINCHILLA,
  CHINCHILLA_TIED,
  KAPLAN,
  KAPLAN_STEPS,
  OVERTRAIN,
  DOWNSTREAM_EXP,
  DOWNSTREAM_SIGMOID,
  DOWNSTREAM_SIGMOID_COMPUTE,
  BNSL_1,
  BNSL_2,
  DATA_CONSTRAINED,
  VIT,
  LR_ANNEALING,
  COVERAGE,
  PRECISION,
  PARSCALE,
  MOE,
]);

/** The catalogue grouped by family, in LAW_FAMILIES order (laws in catalogue order within each). */
export function lawsByFamily(): FamilyGroup<LawDeclaration>[] {
  return groupByFamily(BUILTIN_LAWS);
}

/** Names of the built-in laws, in catalogue order. */
export function lawNames(): string[] {
  return BUILTIN_LAWS.map((l) => l.name);
}

/** The built-in law called `name`; throws LawfitError('unknown-law') with a suggestion otherwise. */
export function findLaw(name: string): LawDeclaration {
  const law = BUILTIN_LAWS.find((l) => l.name === name);
  if (law !== undefined) return law;
  const names = lawNames();
  throw new LawfitError('unknown-law', `unknown law '${name}'${didYouMean(name, names)} (built-in laws: ${names.join(', ')})`);
}
