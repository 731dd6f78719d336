/**
 * Kaplan et al. (2020), eq. (1.5): the joint dependence of the loss on model size and data,
 * L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D.
 */
import type { LawDeclaration } from '../law/declaration.js';
import { LOG } from './grid.js';

export const KAPLAN: LawDeclaration = {
  name: 'kaplan',
  family: 'loss',
  description: 'Kaplan et al. joint law L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (eq. 1.5).',
  citation:
    'Kaplan, J., McCandlish, S., Henighan, T., Brown, T. B., Chess, B., Child, R., Gray, S., Radford, A., Wu, J. & Amodei, D. (2020). Scaling Laws for Neural Language Models. arXiv:2001.08361.',
  display: 'L(N, D) = [(N_c / N)^(α_N / α_D) + D_c / D]^α_D',
  formula: [
    '# textbook: ((Nc/N)^(alphaN/alphaD) + Dc/D)^alphaD',
    '# = exp(alphaD * LSE((alphaN/alphaD)(log Nc - log N), log Dc - log D)): no power of a huge',
    '# ratio is ever formed; in log space the outer exp cancels.',
    'exp(alphaD*logsumexp(alphaN/alphaD*(log(Nc) - log(N)), log(Dc) - log(D)))',
  ].join('\n'),
  inputs: [
    { name: 'N', unit: 'parameters', description: 'model size (Kaplan et al. count non-embedding parameters)' },
    { name: 'D', unit: 'tokens', description: 'dataset size' },
  ],
  params: [
    { name: 'Nc', transform: LOG, description: 'model-size scale N_c', start: [8.8e11, 8.8e12, 8.8e13, 8.8e14, 8.8e15], range: [1e10, 1e17] },
    { name: 'Dc', transform: LOG, description: 'data scale D_c', start: [5.4e11, 5.4e12, 5.4e13, 5.4e14, 5.4e15], range: [1e10, 1e17] },
    {
      name: 'alphaN',
      transform: LOG,
      description: 'model-size exponent α_N (positive: α_N/α_D is a ratio)',
      start: [0.038, 0.076, 0.152, 0.304],
      range: [0.01, 1],
    },
    {
      name: 'alphaD',
      transform: LOG,
      description: 'data exponent α_D (positive: it divides α_N, and α_D → 0 is a pole)',
      start: [0.0475, 0.095, 0.19, 0.38],
      range: [0.01, 1],
    },
  ],
  space: 'log',
  startNote:
    'No published start grid. Axes centred on Kaplan et al.’s published values (N_c = 8.8e13, D_c = 5.4e13, α_N = 0.076, α_D = 0.095 from eqs. 1.1–1.2; their eq. 1.5 fit, Table 2, gives 6.4e13, 1.8e13, 0.076, 0.103, inside the grid): N_c, D_c over ±2 decades, α_N, α_D from half to four times the published value; 5 × 5 × 4 × 4 = 400 starts. The exponents are kept positive (log transform) because α_D divides α_N.',
};

/**
 * Kaplan et al. (2020), eq. (1.6) and §5.2 (eq. 5.6): the loss of a model of N non-embedding
 * parameters after S optimisation steps, trained at a batch size well above the critical one,
 *
 *   L(N, S_min) = (N_c / N)^α_N + (S_c / S_min)^α_S.
 *
 * Source read: a transcription of arXiv:2001.08361v1 (§5.1 eqs. 5.3–5.4, §5.2 eq. 5.6 and Table 3
 * "Fits to L(N, S)": α_N = 0.077, α_S = 0.76, N_c = 6.5 × 10^13, S_c = 2.1 × 10^3; B* ≈ 2 × 10^8,
 * α_B ≈ 0.21), found with the project's code search; eq. (1.6) of §1.2 quotes the same S_c and α_S.
 * The start grid below is centred on those values (checked; they had first been written from memory).
 *
 * Choice: the input is S_min itself. Runs at a batch size B not much larger than the critical
 * B_crit(L) should be converted first with Kaplan's eq. (5.4), S_min = S / (1 + B_crit(L)/B) with
 * B_crit(L) = B* / L^(1/α_B) (B* ≈ 2e8 tokens, α_B ≈ 0.21); that conversion depends on the loss itself,
 * so it is a data transform for the user to make, not part of this law.
 */
export const KAPLAN_STEPS: LawDeclaration = {
  name: 'kaplan-steps',
  family: 'loss',
  description: 'Kaplan et al. loss vs model size and optimisation steps: L(N, S) = (N_c/N)^α_N + (S_c/S)^α_S (eq. 1.6).',
  citation:
    'Kaplan, J., McCandlish, S., Henighan, T., Brown, T. B., Chess, B., Child, R., Gray, S., Radford, A., Wu, J. & Amodei, D. (2020). Scaling Laws for Neural Language Models. arXiv:2001.08361.',
  display: 'L(N, S_min) = (N_c / N)^α_N + (S_c / S_min)^α_S',
  formula: [
    '# textbook: (Nc/N)^alphaN + (Sc/S)^alphaS',
    '# = exp(LSE(alphaN (log Nc - log N), alphaS (log Sc - log S))): in log space the exp cancels.',
    'exp(logsumexp(alphaN*(log(Nc) - log(N)), alphaS*(log(Sc) - log(S))))',
  ].join('\n'),
  inputs: [
    { name: 'N', unit: 'parameters', description: 'model size (Kaplan et al. count non-embedding parameters)' },
    { name: 'S', unit: 'steps', description: 'optimisation steps S_min (at a batch size ≫ the critical one; else convert with eq. 5.4)' },
  ],
  params: [
    { name: 'Nc', transform: LOG, description: 'model-size scale N_c', start: [6.5e11, 6.5e12, 6.5e13, 6.5e14, 6.5e15], range: [1e10, 1e17] },
    { name: 'Sc', transform: LOG, description: 'step scale S_c', start: [21, 210, 2100, 21000, 210000], range: [1, 1e7] },
    { name: 'alphaN', description: 'model-size exponent α_N', start: [0.038, 0.077, 0.154, 0.308], range: [0.01, 1] },
    { name: 'alphaS', description: 'step exponent α_S', start: [0.38, 0.76, 1.52], range: [0.05, 3] },
  ],
  space: 'log',
  startNote:
    'No published start grid. Axes centred on Kaplan et al.’s fit of eq. (1.6)/(5.6) (§5.2, Table 3: α_N = 0.077, α_S = 0.76, N_c = 6.5e13, S_c = 2.1e3): N_c and S_c over ±2 decades, α_N from half to four times, α_S from half to twice the published value; 5 × 5 × 4 × 3 = 300 starts.',
};
