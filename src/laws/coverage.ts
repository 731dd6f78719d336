/**
 * Brown et al. (2024), "Large Language Monkeys: Scaling Inference Compute with Repeated Sampling"
 * (arXiv:2407.21787, abstract and §3): coverage, the fraction of problems solved by at least one
 * of k samples, is often log-linear in k and "can be modelled with an exponentiated power law",
 *
 *   log C(k) ≈ a·k^b,   i.e.   C(k) = exp(a·k^b),   a < 0, b < 0.
 *
 * Coverage at each k is estimated from per-problem (n, c) counts with the unbiased pass@k
 * estimator of Chen et al. (2021): `passAtK` (src/data/pass-at-k.ts) or `lawfit pass-at-k`.
 */
import type { LawDeclaration } from '../law/declaration.js';

export const COVERAGE: LawDeclaration = {
  name: 'coverage',
  family: 'sampling',
  description: 'Coverage (pass@k) vs samples k as an exponentiated power law: C(k) = exp(a·k^b) (lawfit pass-at-k).',
  citation:
    'Brown, B., Juravsky, J., Ehrlich, R., Clark, R., Le, Q. V., Ré, C. & Mirhoseini, A. (2024). Large Language Monkeys: Scaling Inference Compute with Repeated Sampling. arXiv:2407.21787.',
  display: 'C(k) = exp(a · k^b)',
  formula: [
    '# textbook: exp(a * k^b)          (log C = a k^b: a < 0 is log pass@1, b < 0 the decay)',
    '# k^b = exp(b log k); log k is computed on the host. In log space the outer exp cancels.',
    'exp(a*exp(b*log(k)))',
  ].join('\n'),
  inputs: [{ name: 'k', unit: 'samples', description: 'number of samples per problem (k ≥ 1)' }],
  params: [
    { name: 'a', description: 'log coverage at k = 1 (log pass@1, negative)', start: [-0.1, -0.5, -1, -2, -4], range: [-10, -0.001] },
    { name: 'b', description: 'exponent b (negative: −log coverage falls as a power of k)', start: [-0.1, -0.3, -0.6, -1], range: [-2, -0.001] },
  ],
  space: 'log',
  startNote:
    'No published start grid: lawfit’s default (5 × 4 = 20 starts), a from pass@1 ≈ 90 % (−0.1) to ≈ 2 % (−4). The residuals are in log space because the paper models log C; least squares there.',
};
