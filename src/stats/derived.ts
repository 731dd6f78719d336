/**
 * Quantities derived from a Chinchilla-type law L(N, D) = E + A/N^alpha + B/D^beta, for planning
 * a training run under a compute budget C = k N D (k = 6 FLOPs per token per parameter unless
 * given). Minimising L on the curve N D = C/k (Hoffmann et al. 2022, eq. 4; Appendix D.2):
 *
 *   a = beta / (alpha + beta),   b = alpha / (alpha + beta),   G = (alpha A / (beta B))^(1/(alpha+beta))
 *   N_opt(C) = G (C/k)^a,        D_opt(C) = G^-1 (C/k)^b,      D_opt / N_opt = G^-2 (C/k)^(b - a)
 *   L_opt(C) = E + A / N_opt^alpha + B / D_opt^beta
 *
 * and the budget that reaches a target loss is the C solving L_opt(C) = target (L_opt decreases
 * in C towards E, so bisection on log C). Every quantity is a function of one parameter vector,
 * so a bootstrap interval is the interval of the quantity over the draws.
 */
import { LawfitError } from '../errors.js';
import { groupLawValues } from '../law/groups.js';
import type { FittedLaw } from './fitted-law.js';
import { percentileInterval, sd } from './intervals.js';

export interface ChinchillaParams {
  A: number;
  B: number;
  E: number;
  alpha: number;
  beta: number;
}

/** Read A, B, E, alpha, beta (alpha = beta for a tied law) from named values. */
export function chinchillaParams(values: Readonly<Record<string, number>>): ChinchillaParams {
  const { A, B, E, alpha } = values;
  const beta = values.beta ?? alpha;
  if (A === undefined || B === undefined || E === undefined || alpha === undefined || beta === undefined) {
    throw new LawfitError('bad-option', `compute-optimal quantities need a Chinchilla-type law with parameters A, B, E, alpha (and beta); got ${Object.keys(values).join(', ')}`);
  }
  return { A, B, E, alpha, beta };
}

export const DEFAULT_FLOPS_PER_TOKEN_PER_PARAM = 6;

export function optimalExponents(p: ChinchillaParams): { a: number; b: number } {
  return { a: p.beta / (p.alpha + p.beta), b: p.alpha / (p.alpha + p.beta) };
}

export function gFactor(p: ChinchillaParams): number {
  return Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / (p.alpha + p.beta));
}

export interface Allocation {
  N: number;
  D: number;
  tokensPerParam: number;
  loss: number;
}

export function optimalAllocation(p: ChinchillaParams, C: number, k = DEFAULT_FLOPS_PER_TOKEN_PER_PARAM): Allocation {
  const { a, b } = optimalExponents(p);
  const G = gFactor(p);
  const N = G * Math.pow(C / k, a);
  const D = Math.pow(C / k, b) / G;
  return { N, D, tokensPerParam: D / N, loss: p.E + p.A / Math.pow(N, p.alpha) + p.B / Math.pow(D, p.beta) };
}

/** The compute C with L_opt(C) = target; NaN when the target is at or below E (unreachable). */
export function budgetForLoss(p: ChinchillaParams, target: number, k = DEFAULT_FLOPS_PER_TOKEN_PER_PARAM): number {
  if (!(target > p.E)) return NaN;
  let lo = 0; // log10 C
  let hi = 60;
  if (optimalAllocation(p, 10 ** hi, k).loss > target) return Infinity;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (optimalAllocation(p, 10 ** mid, k).loss > target) lo = mid;
    else hi = mid;
  }
  return 10 ** ((lo + hi) / 2);
}

export interface QuantityInterval {
  estimate: number;
  sd: number;
  interval: [number, number];
  level: number;
}

/** A quantity's estimate at the fit and its spread over bootstrap draws (rows of named values). */
export function overDraws(estimate: number, perDraw: readonly number[], level = 0.95): QuantityInterval {
  const finite = perDraw.filter((v) => Number.isFinite(v));
  return { estimate, sd: sd(finite), interval: percentileInterval(finite, level), level };
}

/**
 * A saved fit's best parameters and each successful bootstrap draw as Chinchilla parameters (fixed
 * ones filled in): what `lawfit optimal` and the frontier plot compute their quantities over. For
 * a fit with per-group parameters, `group` picks the group whose own law (shared parameters and
 * that group's copies, law/groups.ts groupLawValues) they are computed for, draw by draw.
 */
export function chinchillaDraws(summary: FittedLaw, group?: string): { best: ChinchillaParams; draws: ChinchillaParams[] } {
  const own = (values: Record<string, number>): ChinchillaParams => chinchillaParams(groupLawValues(values, summary.law.groups, group, 'compute-optimal quantities'));
  const best = own(Object.fromEntries(summary.params.map((q) => [q.name, q.value ?? NaN])));
  const fixed = Object.fromEntries(summary.params.filter((q) => q.fixed).map((q) => [q.name, q.value ?? NaN]));
  const draws = (summary.bootstrap?.draws ?? [])
    .filter((d): d is number[] => d !== null)
    .map((d) => own({ ...fixed, ...Object.fromEntries(summary.law.freeNames.map((n, j) => [n, d[j]!])) }));
  return { best, draws };
}
