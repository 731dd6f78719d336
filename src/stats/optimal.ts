/**
 * Compute-optimal planning from a saved fit, as one function: the exponents a and b, and at each
 * budget C the optimal model size, tokens, tokens per parameter and loss, and (optionally) the
 * budget that reaches a target loss, each with its spread over the fit's bootstrap draws. The
 * formulas are derived.ts's (Hoffmann et al. 2022, eq. 4); `lawfit optimal` prints this plan and
 * the library returns it. For a fit with per-group parameters (law/groups.ts) the plan is one
 * group's: its own law (shared parameters plus its copies), over the same bootstrap draws, so each
 * group's intervals carry the joint fit's uncertainty in the shared exponents.
 */
import type { FittedLaw } from './fitted-law.js';
import { budgetForLoss, chinchillaDraws, DEFAULT_FLOPS_PER_TOKEN_PER_PARAM, optimalAllocation, optimalExponents, overDraws, type ChinchillaParams } from './derived.js';

export interface OptimalOptions {
  /** Compute budgets C in FLOPs. */
  compute?: readonly number[];
  /** A loss to reach: the plan adds the budget C with L_opt(C) = targetLoss. */
  targetLoss?: number;
  /** FLOPs per token per parameter, k in C = k N D. Default 6. */
  flopsPerToken?: number;
  /** For a fit with per-group parameters: the group (a value of its group column) to plan for. */
  group?: string;
}

/** A quantity at the best fit and, when the fit has at least two bootstrap draws, over them. */
export interface PlannedQuantity {
  estimate: number;
  /** Standard deviation and percentile interval over the draws (absent without draws). */
  sd?: number;
  interval?: [number, number];
}

export interface OptimalBudget {
  compute: number;
  N: PlannedQuantity;
  D: PlannedQuantity;
  tokensPerParam: PlannedQuantity;
  loss: PlannedQuantity;
}

export interface OptimalPlan {
  law: string;
  /** The group planned for, when the fit has per-group parameters. */
  group?: { column: string; value: string };
  flopsPerToken: number;
  /** Bootstrap draws the intervals come from (0: estimates only). */
  draws: number;
  /** Interval level (the bootstrap's). */
  level: number;
  a: PlannedQuantity;
  b: PlannedQuantity;
  budgets: OptimalBudget[];
  target?: { loss: number; compute: PlannedQuantity };
}

/** The plan for a fitted Chinchilla-type law (parameters A, B, E, alpha and beta, or alpha alone when tied). */
export function computeOptimal(summary: FittedLaw, o: OptimalOptions = {}): OptimalPlan {
  const k = o.flopsPerToken ?? DEFAULT_FLOPS_PER_TOKEN_PER_PARAM;
  const { best, draws } = chinchillaDraws(summary, o.group);
  const level = summary.bootstrap?.level ?? 0.95;
  const q = (f: (p: ChinchillaParams) => number): PlannedQuantity => {
    const estimate = f(best);
    if (draws.length < 2) return { estimate };
    const over = overDraws(estimate, draws.map(f), level);
    return { estimate, sd: over.sd, interval: over.interval };
  };
  const plan: OptimalPlan = {
    law: summary.law.name,
    ...(summary.law.groups !== undefined && o.group !== undefined ? { group: { column: summary.law.groups.column, value: o.group } } : {}),
    flopsPerToken: k,
    draws: draws.length < 2 ? 0 : draws.length,
    level,
    a: q((p) => optimalExponents(p).a),
    b: q((p) => optimalExponents(p).b),
    budgets: (o.compute ?? []).map((C) => ({
      compute: C,
      N: q((p) => optimalAllocation(p, C, k).N),
      D: q((p) => optimalAllocation(p, C, k).D),
      tokensPerParam: q((p) => optimalAllocation(p, C, k).tokensPerParam),
      loss: q((p) => optimalAllocation(p, C, k).loss),
    })),
  };
  if (o.targetLoss !== undefined) {
    const L = o.targetLoss;
    plan.target = { loss: L, compute: q((p) => budgetForLoss(p, L, k)) };
  }
  return plan;
}

/** One plan per group of a fit with per-group parameters (in the fit's group order); for any other fit, its one plan. */
export function computeOptimalByGroup(summary: FittedLaw, o: Omit<OptimalOptions, 'group'> = {}): OptimalPlan[] {
  const levels = summary.law.groups?.levels;
  return levels === undefined ? [computeOptimal(summary, o)] : levels.map((group) => computeOptimal(summary, { ...o, group }));
}
