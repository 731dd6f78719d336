/**
 * Kaplan et al. (2020), eq. (1.5): the joint dependence of the loss on model size and data,
 * L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D.
 */
import type { LawDeclaration } from '../law/declaration.js';
import { LOG } from './grid.js';

export const KAPLAN: LawDeclaration = {
  name: 'kaplan',
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
