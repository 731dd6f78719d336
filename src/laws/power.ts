/**
 * Single-variable power laws: with an irreducible term (Henighan et al. 2020) and without one
 * (Hestness et al. 2017).
 */
import type { LawDeclaration } from '../law/declaration.js';
import { LOG } from './grid.js';

export const POWER: LawDeclaration = {
  name: 'power',
  family: 'loss',
  description: 'Power law with an irreducible term: L = E + A·x^(−α).',
  citation:
    'Henighan, T., Kaplan, J., Katz, M., Chen, M., Hesse, C., Jackson, J., Jun, H., Brown, T. B., Dhariwal, P., Gray, S., Hallacy, C., Mann, B., Radford, A., Ramesh, A., Ryder, N., Ziegler, D. M., Schulman, J., Amodei, D. & McCandlish, S. (2020). Scaling Laws for Autoregressive Generative Modeling. arXiv:2010.14701.',
  display: 'L(x) = E + A · x^(−α)',
  formula: [
    '# textbook: E + A * x^(-alpha)',
    '# A x^(-alpha) = exp(log A - alpha log x): log(A) is the internal coordinate itself and',
    '# log(x) is computed once per row on the host in float64.',
    'E + exp(log(A) - alpha*log(x))',
  ].join('\n'),
  inputs: [{ name: 'x', description: 'the scaled quantity: parameters, data or compute (x > 0)' }],
  params: [
    { name: 'E', description: 'irreducible term L(∞), in the units of the target', start: [0, 0.5, 1, 2], range: [0, 5] },
    { name: 'A', transform: LOG, description: 'coefficient (A = x0^α in Henighan et al.’s (x0/x)^α)', start: [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6], range: [1e-2, 1e8] },
    { name: 'alpha', description: 'exponent α', start: [0.05, 0.1, 0.2, 0.4, 0.8], range: [0.01, 1.5] },
  ],
  space: 'linear',
  startNote:
    'No published start grid: lawfit’s default spans A over six decades and α over the exponents reported for language, image and video models (0.05–0.8), with E from 0 to 2 (140 starts).',
};

export const POWER_NO_OFFSET: LawDeclaration = {
  name: 'power-no-offset',
  family: 'loss',
  description: 'Pure power law L = A·x^(−α), fitted as a straight line in log–log coordinates.',
  citation:
    'Hestness, J., Narang, S., Ardalani, N., Diamos, G., Jun, H., Kianinejad, H., Patwary, M. M. A., Yang, Y. & Zhou, Y. (2017). Deep Learning Scaling is Predictable, Empirically. arXiv:1712.00409.',
  display: 'L(x) = A · x^(−α)',
  formula: [
    '# textbook: A * x^(-alpha)',
    '# In log space the model is log(A) - alpha*log(x): linear in the internal coordinates.',
    'exp(log(A) - alpha*log(x))',
  ].join('\n'),
  inputs: [{ name: 'x', description: 'the scaled quantity: training-set size, parameters or compute (x > 0)' }],
  params: [
    { name: 'A', transform: LOG, description: 'coefficient', start: [1, 1e3, 1e6], range: [1e-3, 1e9] },
    { name: 'alpha', description: 'exponent α (the negated log–log slope)', start: [0.1, 0.5], range: [0.01, 2] },
  ],
  space: 'log',
  startNote:
    'No published start grid. In log space the law is linear in (log A, α), so least squares has a single minimum and any start reaches it; the 6 starts are a check, not a search.',
};
