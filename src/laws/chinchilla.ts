/**
 * Hoffmann et al. (2022), Approach 3: L(N, D) = E + A/N^α + B/D^β, fitted as Hoffmann et al. and
 * Besiroglu et al. (2024) did: in log space, as log L̂ = LSE(a − α log N, b − β log D, e) with
 * a = log A, b = log B, e = log E, under a Huber loss (δ = 1e−3) summed over the points, from
 * Hoffmann's 4,500-point grid.
 */
import type { LawDeclaration, ParamDecl } from '../law/declaration.js';
import { arange, expOf, linspace, LOG } from './grid.js';

const CITATION =
  'Hoffmann, J., Borgeaud, S., Mensch, A., Buchatskaya, E., Cai, T., Rutherford, E., de Las Casas, D., Hendricks, L. A., Welbl, J., Clark, A., Hennigan, T., Noland, E., Millican, K., van den Driessche, G., Damoc, B., Guy, A., Osindero, S., Simonyan, K., Elsen, E., Rae, J. W., Vinyals, O. & Sifre, L. (2022). Training Compute-Optimal Large Language Models. arXiv:2203.15556.';

/** a, b ∈ {0, 5, …, 25} (log A, log B). */
const LOG_COEFF_AXIS = expOf(arange(0, 30, 5));
/** e ∈ {−1, −0.5, …, 1} (log E). */
const LOG_E_AXIS = expOf(linspace(-1, 1, 5));
/** α, β ∈ {0, 0.5, …, 2}. */
const EXPONENT_AXIS = linspace(0, 2, 5);

const INPUTS = [
  { name: 'N', unit: 'parameters', description: 'model size (Hoffmann et al. count all parameters, embeddings included)' },
  { name: 'D', unit: 'tokens', description: 'training tokens' },
] as const;

const GRID_NOTE =
  'Hoffmann et al.’s grid (as re-run by Besiroglu et al. 2024): log A, log B ∈ {0, 5, …, 25}, log E ∈ {−1, −0.5, …, 1}, α, β ∈ {0, 0.5, …, 2}';

/** A, B, E: log-positive, on Hoffmann's axes; shared by both Chinchilla laws. */
const COEFFICIENTS: readonly ParamDecl[] = [
  { name: 'A', transform: LOG, description: 'model-size coefficient', start: LOG_COEFF_AXIS, range: [1, Math.exp(25)] },
  { name: 'B', transform: LOG, description: 'data coefficient', start: LOG_COEFF_AXIS, range: [1, Math.exp(25)] },
  { name: 'E', transform: LOG, description: 'irreducible loss (nats/token)', start: LOG_E_AXIS, range: [Math.exp(-1), Math.exp(1)] },
];

export const CHINCHILLA: LawDeclaration = {
  name: 'chinchilla',
  family: 'loss',
  description: 'Chinchilla parametric loss L(N, D) = E + A/N^α + B/D^β (Approach 3), fitted in log space with a Huber loss.',
  citation: CITATION,
  display: 'L(N, D) = E + A / N^α + B / D^β',
  formula: [
    '# textbook: E + A/N^alpha + B/D^beta',
    '# = exp(LSE(log A - alpha log N, log B - beta log D, log E)); in log space the exp and log',
    '# cancel, log(A) etc. are the internal coordinates, and log N, log D are computed on the host.',
    'exp(logsumexp(log(A) - alpha*log(N), log(B) - beta*log(D), log(E)))',
  ].join('\n'),
  inputs: INPUTS,
  params: [
    ...COEFFICIENTS,
    { name: 'alpha', description: 'model-size exponent α', start: EXPONENT_AXIS, range: [0, 2] },
    { name: 'beta', description: 'data exponent β', start: EXPONENT_AXIS, range: [0, 2] },
  ],
  space: 'log',
  defaultLoss: 'huber:1e-3',
  startNote: `${GRID_NOTE}: 6 × 6 × 5 × 5 × 5 = 4,500 starts. Objective: Huber (δ = 1e−3) summed over points on log L, the sum as in Besiroglu et al. (Hoffmann et al. averaged it).`,
};

export const CHINCHILLA_TIED: LawDeclaration = {
  name: 'chinchilla-tied',
  family: 'loss',
  description: 'Chinchilla loss with one exponent for both terms (α = β): L(N, D) = E + A/N^α + B/D^α.',
  citation: CITATION,
  display: 'L(N, D) = E + A / N^α + B / D^α',
  formula: [
    '# textbook: E + A/N^alpha + B/D^alpha  (Chinchilla with alpha = beta)',
    'exp(logsumexp(log(A) - alpha*log(N), log(B) - alpha*log(D), log(E)))',
  ].join('\n'),
  inputs: INPUTS,
  params: [...COEFFICIENTS, { name: 'alpha', description: 'shared exponent α = β', start: EXPONENT_AXIS, range: [0, 2] }],
  space: 'log',
  defaultLoss: 'huber:1e-3',
  startNote: `${GRID_NOTE}, with the β axis dropped (α = β): 6 × 6 × 5 × 5 = 900 starts.`,
};
