/**
 * Muennighoff et al. (2023), the data-constrained scaling law (their eq. 5 and the code of the
 * "Parametric Fit" section of huggingface/datablations):
 *
 *   L(N, D, U) = E + A / N'^α + B / D'^β
 *   D' = U + U R*_D (1 − e^(−R_D / R*_D)),        R_D = max(D/U − 1, 0)
 *   N' = U_N + U_N R*_N (1 − e^(−R_N / R*_N)),    R_N = max(N/U_N − 1, 0)
 *   U_N = min(N, N_opt(C(U))) = min(N, G (G U)^(β/α)),  G = (α A / (β B))^(1/(α+β))
 *
 * U_N is the compute-optimal model size for U tokens under the single-epoch Chinchilla law
 * (the repository's `D_to_N`); R_D counts repeated epochs and R_N excess parameters, both decaying
 * in value with the fitted constants R*_D and R*_N.
 *
 * The published protocol fixes the single-epoch coefficients at the fit to Chinchilla's C4 data
 * (a, b, e, α = β) = (6.255414, 7.3049974, 0.6254804, 0.3526596), A = e^a etc., and fits R*_D and
 * R*_N alone on the 182 runs, with a Huber loss (δ = 1e−3) summed on log L.
 */
import type { LawDeclaration } from '../law/declaration.js';
import { expOf, linspace, LOG } from './grid.js';

/** The published single-epoch C4 coefficients (datablations `parametric_fit.ipynb`, cell 7). */
export const DATABLATIONS_BASE = Object.freeze({ a: 6.255414, b: 7.3049974, e: 0.6254804, alpha: 0.3526596 });

/** The published decay constants (cell 29). */
export const DATABLATIONS_DECAY = Object.freeze({ RDstar: 15.387756, RNstar: 5.309743 });

// The paper's axis linspace(0, 20, 4) = {0, 6.67, 13.3, 20} (0, outside the log transform,
// replaced by 1), extended over the valley where the better minima lie (see startNote).
const RD_AXIS = [1, 3, ...linspace(0, 20, 4).slice(1, 3), 20, 50, 100, 200];
const RN_AXIS = [0.5, 1, 2, 3, 5, ...linspace(0, 20, 4).slice(1)];

export const DATA_CONSTRAINED: LawDeclaration = {
  name: 'data-constrained',
  family: 'data',
  description: 'Data-constrained law: Chinchilla with repeated data (D′) and excess parameters (N′) decaying in value; fits R*_D, R*_N.',
  citation:
    'Muennighoff, N., Rush, A. M., Barak, B., Le Scao, T., Piktus, A., Tazi, N., Pyysalo, S., Wolf, T. & Raffel, C. (2023). Scaling Data-Constrained Language Models. NeurIPS 2023. arXiv:2305.16264.',
  display:
    'L(N, D, U) = E + A / N′^α + B / D′^β,  D′ = U + U·R*_D·(1 − e^(−R_D/R*_D)),  N′ = U_N + U_N·R*_N·(1 − e^(−R_N/R*_N))',
  formula: [
    'beta = alpha                               # alpha = beta, tied as in the published fit',
    'G = (alpha*A/(beta*B))^(1/(alpha + beta))',
    'R_D = max(D/U - 1, 0)                      # repeated epochs of the unique data',
    'U_N = min(N, G*(G*U)^(beta/alpha))         # N_opt(C(U)): the compute-optimal N for U tokens',
    'R_N = max(N/U_N - 1, 0)                    # excess parameters, in units of U_N',
    "# D' = U + U*RDstar*(1 - exp(-R_D/RDstar)) = U*(1 + RDstar*(1 - exp(-R_D/RDstar))), kept as a log:",
    'log_D_prime = log(U) + log1p(RDstar*(1 - exp(-R_D/RDstar)))',
    "# N' = U_N + U_N*RNstar*(1 - exp(-R_N/RNstar))",
    'log_N_prime = log(U_N) + log1p(RNstar*(1 - exp(-R_N/RNstar)))',
    "# textbook: E + A/N'^alpha + B/D'^beta",
    'exp(logsumexp(log(A) - alpha*log_N_prime, log(B) - beta*log_D_prime, log(E)))',
  ].join('\n'),
  inputs: [
    { name: 'N', unit: 'parameters', description: 'model size' },
    { name: 'D', unit: 'tokens', description: 'total training tokens, repeats included' },
    { name: 'U', unit: 'tokens', description: 'unique training tokens (U ≤ D)' },
  ],
  params: [
    {
      name: 'A',
      transform: LOG,
      fixed: Math.exp(DATABLATIONS_BASE.a),
      description: 'model-size coefficient (fixed at the published C4 fit, e^6.255414)',
      start: expOf(linspace(0, 25, 5)),
      range: [1, Math.exp(25)],
    },
    {
      name: 'B',
      transform: LOG,
      fixed: Math.exp(DATABLATIONS_BASE.b),
      description: 'data coefficient (fixed at the published C4 fit, e^7.3049974)',
      start: expOf(linspace(0, 25, 5)),
      range: [1, Math.exp(25)],
    },
    {
      name: 'E',
      transform: LOG,
      fixed: Math.exp(DATABLATIONS_BASE.e),
      description: 'irreducible loss (fixed at the published C4 fit, e^0.6254804)',
      start: expOf(linspace(-1, 1, 4)),
      range: [Math.exp(-1), Math.exp(1)],
    },
    {
      name: 'alpha',
      fixed: DATABLATIONS_BASE.alpha,
      description: 'exponent α = β (fixed at the published C4 fit)',
      // linspace(0, 2, 4) with 0 replaced: G has 1/(α + β), so α = 0 is not a usable start.
      start: [0.1, ...linspace(0, 2, 4).slice(1)],
      range: [0.05, 2],
    },
    { name: 'RDstar', transform: LOG, description: 'R*_D: repetitions after which repeated data has lost 1 − 1/e of its value', start: RD_AXIS, range: [0.5, 1000] },
    { name: 'RNstar', transform: LOG, description: 'R*_N: the same for excess parameters', start: RN_AXIS, range: [0.1, 100] },
  ],
  space: 'log',
  defaultLoss: 'huber:1e-3',
  startNote:
    'A superset of Muennighoff et al.’s grid R*_D, R*_N ∈ linspace(0, 20, 4) (0 is outside the log transform and becomes 1): R*_D ∈ {1, 3, 6.67, 13.3, 20, 50, 100, 200} × R*_N ∈ {0.5, 1, 2, 3, 5, 6.67, 13.3, 20}, 64 starts. The objective is rugged (min and max in the law make it piecewise): along one curved valley it has at least five local minima, and the paper’s 16 starts end in the published one (0.0158259 at R*_D 15.37, R*_N 5.32) or in others depending on the step control; these 64 reach the lowest found by 512 Sobol starts (0.0158047 at R*_D 95.4, R*_N 1.71). A, B, E, α are fixed at the published C4 values; freed, they start from the paper’s base-fit grid (a, b ∈ linspace(0, 25, 5), e ∈ linspace(−1, 1, 4), α ∈ linspace(0, 2, 4) with α = 0 replaced by 0.1).',
};
