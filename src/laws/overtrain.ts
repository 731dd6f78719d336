/**
 * Gadre et al. (2024): the over-training law for the loss and the exponential law that maps loss to
 * average downstream top-1 error, with the fitting protocol of their repository
 * (mlfoundations/scaling: `scaling/laws.py`, `scaling/shared.py`), i.e. scipy `curve_fit`
 * (Levenberg–Marquardt, least squares on the raw values).
 */
import type { LawDeclaration } from '../law/declaration.js';

const GADRE_CITATION =
  'Gadre, S. Y., Smyrnis, G., Shankar, V., Gururangan, S., Wortsman, M., Shao, R., Mercat, J., Fang, A., Li, J., Keh, S., Xin, R., Nezhurina, M., Vasiljevic, I., Jitsev, J., Soldaini, L., Dimakis, A. G., Ilharco, G., Koh, P. W., Song, S., Kollar, T., Carmon, Y., Dave, A., Heckel, R., Muennighoff, N. & Schmidt, L. (2024). Language models scale reliably with over-training and on downstream tasks. arXiv:2403.08540.';

export const OVERTRAIN: LawDeclaration = {
  name: 'overtrain',
  family: 'loss',
  description: 'Over-training law L(N, M) = E + a·N^b + c·6^(b/2)·(M·N)^b, M = D/N tokens per parameter (Chinchilla with tied exponents).',
  citation: GADRE_CITATION,
  display: 'L(N, M) = E + a · N^b + c · 6^(b/2) · (M · N)^b,  M = D / N',
  formula: [
    '# textbook: E + a*N^b + c*6^(b/2)*(M*N)^b          (b < 0)',
    '# Powers written as exp(b * log(...)); log N and log(M N) + log(6)/2 are computed once per row',
    '# on the host in float64. In the paper’s notation: L = E + (a M^eta + c M^-eta) C^-eta with',
    '# C = 6 N D = 6 M N^2 and eta = -b/2.',
    'E + a*exp(b*log(N)) + c*exp(b*(log(M*N) + 0.5*log(6)))',
  ].join('\n'),
  inputs: [
    { name: 'N', unit: 'parameters', description: 'model size (Gadre et al. count embeddings)' },
    { name: 'M', unit: 'tokens per parameter', description: 'token multiplier M = D/N (20 is Chinchilla-optimal)' },
  ],
  params: [
    { name: 'a', description: 'model-size coefficient (α in the repository’s powlaw_ours)', start: [1e2, 3e2, 1e3, 3e3], range: [10, 1e4] },
    { name: 'b', description: 'shared exponent b = −2η (negative)', start: [-0.1, -0.3], range: [-0.5, -0.02] },
    { name: 'c', description: 'data coefficient (β in the repository’s powlaw_ours)', start: [1e2, 3e2, 1e3, 3e3], range: [10, 1e4] },
    { name: 'E', description: 'irreducible loss (nats/token)', start: [0, 1, 2, 10], range: [0, 10] },
  ],
  space: 'linear',
  startNote:
    'Gadre et al.’s grid (scaling/laws.py): a, c ∈ {1e2, 3e2, 1e3, 3e3}, b ∈ {−0.1, −0.3}, E ∈ {0, 1, 2, 10}: 128 starts; least squares on the loss. The paper keeps the start with the smallest sqrt(SSR/(n − 2)), which picks the same winner as the smallest SSR.',
};

export const DOWNSTREAM_EXP: LawDeclaration = {
  name: 'downstream-exp',
  family: 'downstream',
  description: 'Average top-1 error as a function of loss: Err(L) = ε − k·exp(−γ·L).',
  citation: GADRE_CITATION,
  display: 'Err(L) = ε − k · exp(−γ · L)',
  formula: ['# textbook: epsilon - k*exp(-gamma*L)', 'epsilon - k*exp(-gamma*L)'].join('\n'),
  inputs: [{ name: 'L', unit: 'nats/token', description: 'validation loss (Gadre et al. use C4 validation loss)' }],
  params: [
    { name: 'epsilon', description: 'error as the loss grows without bound (ε)', start: [0.5, 0.75, 1], range: [0, 1] },
    { name: 'k', description: 'scale k', start: [0.5, 1, 2, 4], range: [0.1, 10] },
    { name: 'gamma', description: 'rate γ', start: [0.25, 0.5, 1, 2], range: [0.05, 4] },
  ],
  space: 'linear',
  startNote:
    'Gadre et al. call scipy curve_fit with its default p0 = (1, 1, 1) (ε = k = γ = 1), which is in this grid; the other 47 points are lawfit’s additions around it (3 × 4 × 4 = 48 starts).',
};
