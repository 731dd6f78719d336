/**
 * The parallel scaling law (ParScale; Chen et al. 2025, "Parallel Scaling Law for Language Models",
 * arXiv:2505.10475, §3 and the authors' fitting script `parametric_fit.py` in
 * github.com/QwenLM/ParScale, as transcribed in ../shared/data/parscale/SOURCE.md):
 *
 *   L(N, P) = E + (A·10⁹ / (N·(k·ln P + 1)))^α
 *
 * P parallel streams act like multiplying the parameters by (k ln P + 1), i.e. O(log P). The
 * authors fit each corpus on log L with a Huber loss (δ = 1e−3, summed) from a 300-point grid.
 */
import type { LawDeclaration } from '../law/declaration.js';
import { expOf, linspace, LOG } from './grid.js';

export const PARSCALE: LawDeclaration = {
  name: 'parscale',
  family: 'architecture',
  description: 'Parallel scaling law L(N, P) = E + (A·1e9 / (N·(k·ln P + 1)))^α: P streams act as O(log P) more parameters.',
  citation:
    'Chen, M., Hui, B., Cui, Z., Yang, J., Liu, D., Sun, J., Lin, J. & Liu, Z. (2025). Parallel Scaling Law for Language Models. arXiv:2505.10475.',
  display: 'L(N, P) = E + (A · 10⁹ / (N · (k · ln P + 1)))^α',
  formula: [
    '# textbook: E + (A*1e9/(N*(k*log(P) + 1)))^alpha',
    '# = exp(LSE(log E, alpha*(log A + log 1e9 - log N - log1p(k log P)))): the power of a ratio is',
    '# formed in logs; log N and log P are computed on the host, and log1p is exact at P = 1.',
    'exp(logsumexp(log(E), alpha*(log(A) + log(1e9) - log(N) - log1p(k*log(P)))))',
  ].join('\n'),
  inputs: [
    { name: 'N', unit: 'parameters', description: 'model size (ParScale counts the P-stream extras)' },
    { name: 'P', unit: 'streams', description: 'number of parallel streams (P ≥ 1; P = 1 is the plain model)' },
  ],
  params: [
    { name: 'E', transform: LOG, description: 'irreducible loss (nats/token)', start: expOf([-1, -0.5, 0]), range: [Math.exp(-1), Math.exp(1)] },
    { name: 'A', transform: LOG, description: 'model-size scale, in units of 1e9 parameters', start: expOf(linspace(-4, 4, 5)), range: [Math.exp(-6), Math.exp(6)] },
    { name: 'alpha', description: 'exponent α', start: linspace(0, 2, 5), range: [0, 2] },
    { name: 'k', transform: LOG, description: 'stream efficiency k: P streams ≈ (k ln P + 1) times the parameters', start: [0.2, 0.4, 0.6, 0.8], range: [0.05, 2] },
  ],
  space: 'log',
  defaultLoss: 'huber:1e-3',
  startNote:
    'The authors’ grid (parametric_fit.py): E ∈ {e^−1, e^−0.5, e^0}, A ∈ {e^−4, e^−2, …, e^4}, α ∈ {0, 0.5, …, 2}, k ∈ {0.2, 0.4, 0.6, 0.8}: 3 × 5 × 5 × 4 = 300 starts. Objective: Huber (δ = 1e−3) summed over points on log L, as theirs (they minimise with L-BFGS-B; lawfit with LM).',
};
