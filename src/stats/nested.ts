/**
 * Do the groups differ? The nested-model test of per-group parameters (law/groups.ts): the shared
 * law (every parameter shared) is the grouped law with each group's copies constrained equal, so
 * the two fits on the same runs are nested, with dP = P_grouped - P_shared extra parameters.
 *
 * Likelihood ratio on the Gaussian log-likelihood of the residuals (in the law's own residual
 * space, weighted SSR, variance profiled out): ln L = -n/2 (ln(2 pi SSR/n) + 1), so
 * LR = 2 (ln L_grouped - ln L_shared) = n ln(SSR_shared / SSR_grouped), referred to chi2(dP)
 * (Wilks). With a robust loss (Huber, ...) the fits minimise another objective than the SSR; the
 * test is then approximate, and says so (`note`). AIC/BIC differences on the same footing:
 * dAIC = AIC_grouped - AIC_shared = -LR + 2 dP, dBIC = -LR + dP ln n (negative favours groups).
 */
import { chiSquareSurvival } from './chi-square.js';

export interface NestedTest {
  shared: string;
  grouped: string;
  n: number;
  dof: number;
  ssrShared: number;
  ssrGrouped: number;
  /** 2 (ln L_grouped - ln L_shared). */
  lr: number;
  /** P(chi2(dof) > lr). */
  pValue: number;
  deltaAic: number;
  deltaBic: number;
  note?: string;
}

export function nestedTest(shared: { name: string; nFree: number; ssr: number }, grouped: { name: string; nFree: number; ssr: number }, n: number, loss: string): NestedTest {
  const dof = grouped.nFree - shared.nFree;
  const lr = n * Math.log(shared.ssr / grouped.ssr);
  const out: NestedTest = {
    shared: shared.name,
    grouped: grouped.name,
    n,
    dof,
    ssrShared: shared.ssr,
    ssrGrouped: grouped.ssr,
    lr,
    pValue: chiSquareSurvival(lr, dof),
    deltaAic: -lr + 2 * dof,
    deltaBic: -lr + dof * Math.log(n),
  };
  if (loss !== 'linear') out.note = `fitted with ${loss}, not least squares: the Gaussian likelihood ratio is approximate`;
  return out;
}
