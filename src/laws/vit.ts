/**
 * Zhai et al. (2022): a saturating power law in compute with an offset, E = a (C + d)^(−b) + c,
 * written here as L = E + A·(C + C0)^(−α).
 */
import type { LawDeclaration } from '../law/declaration.js';
import { LOG } from './grid.js';

export const VIT: LawDeclaration = {
  name: 'vit',
  family: 'loss',
  description: 'Saturating power law in compute with an offset: L = E + A·(C + C0)^(−α).',
  citation:
    'Zhai, X., Kolesnikov, A., Houlsby, N. & Beyer, L. (2022). Scaling Vision Transformers. CVPR 2022. arXiv:2106.04560.',
  display: 'L(C) = E + A · (C + C0)^(−α)',
  formula: [
    '# textbook: E + A*(C + C0)^(-alpha)',
    '# log(C + C0) = log C + log(1 + C0/C) = log C + softplus(log C0 - log C): exact at any ratio',
    '# of C0 to C, and log C is computed on the host in float64.',
    'E + exp(log(A) - alpha*(log(C) + softplus(log(C0) - log(C))))',
  ].join('\n'),
  inputs: [{ name: 'C', description: 'compute (any unit, e.g. FLOP or TPU core-days; C0 is in the same unit)' }],
  params: [
    { name: 'E', description: 'asymptotic error or loss as C → ∞ (c in Zhai et al.)', start: [0, 0.1, 1], range: [0, 2] },
    { name: 'A', transform: LOG, description: 'coefficient (a in Zhai et al.)', start: [0.1, 1, 10, 100, 1000], range: [1e-3, 1e5] },
    { name: 'C0', transform: LOG, description: 'compute offset (d in Zhai et al.): where the power law bends at small C', start: [1e-3, 1e-1, 1e1, 1e3], range: [1e-4, 1e4] },
    { name: 'alpha', description: 'exponent (b in Zhai et al.)', start: [0.1, 0.3, 0.6, 1], range: [0.01, 2] },
  ],
  space: 'linear',
  startNote:
    'No published start grid: lawfit’s default (3 × 5 × 4 × 4 = 240 starts). C0 is in the units of the C column, so its axis (1e−3 to 1e3) suits compute measured in core-days or similar; for compute in FLOP, replace the C0 axis with values near the smallest runs’ compute.',
};
