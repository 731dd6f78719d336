/**
 * The unbiased pass@k estimator (Chen et al. 2021, "Evaluating Large Language Models Trained on
 * Code", arXiv:2107.03374, §2.1 and its numerically stable numpy form): for a problem with n
 * samples of which c are correct,
 *
 *   pass@k = 1 − C(n − c, k) / C(n, k) = 1 − Π_{i = n−c+1..n} (1 − k/i),
 *
 * and 1 when n − c < k (every k-subset holds a correct sample). The product never forms a
 * binomial coefficient, so it is exact in float64 for any n. Coverage at k (Brown et al. 2024) is
 * the mean of pass@k over the problems: the target of the `coverage` law.
 */
import { LawfitError } from '../errors.js';

export interface ProblemCounts {
  /** Samples drawn for the problem. */
  n: number;
  /** Correct samples among them. */
  c: number;
  /** Where the counts came from, for messages (e.g. "row 7"). */
  where?: string;
}

function checkCounts(p: ProblemCounts): void {
  const at = p.where !== undefined ? ` (${p.where})` : '';
  if (!Number.isInteger(p.n) || p.n < 1) throw new LawfitError('data-value', `pass@k: n must be a whole number >= 1, got ${p.n}${at}`);
  if (!Number.isInteger(p.c) || p.c < 0 || p.c > p.n) throw new LawfitError('data-value', `pass@k: c must be a whole number in [0, n = ${p.n}], got ${p.c}${at}`);
}

/** Unbiased pass@k for one problem with n samples, c correct (1 ≤ k ≤ n). */
export function passAtK(n: number, c: number, k: number, where?: string): number {
  checkCounts(where !== undefined ? { n, c, where } : { n, c });
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new LawfitError('data-value', `pass@k: k must be a whole number in [1, n = ${n}], got ${k}${where !== undefined ? ` (${where})` : ''}; an unbiased estimate needs at least k samples`);
  }
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

export interface CoveragePoint {
  k: number;
  /** Mean pass@k over the problems. */
  coverage: number;
  problems: number;
}

/** Coverage at each k: the mean unbiased pass@k over the problems. */
export function coverageCurve(problems: readonly ProblemCounts[], ks: readonly number[]): CoveragePoint[] {
  if (problems.length === 0) throw new LawfitError('data-too-few', 'pass@k: no problems to average over');
  for (const p of problems) checkCounts(p);
  return ks.map((k) => {
    let sum = 0;
    for (const p of problems) sum += passAtK(p.n, p.c, k, p.where);
    return { k, coverage: sum / problems.length, problems: problems.length };
  });
}

/** k = 1, 2, 4, ... up to the smallest n (and that n itself): the default grid of k. */
export function powersOfTwoUpTo(nMin: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k <= nMin; k *= 2) ks.push(k);
  if (ks[ks.length - 1] !== nMin) ks.push(nMin);
  return ks;
}
