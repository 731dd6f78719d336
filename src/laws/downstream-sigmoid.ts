/**
 * Bhagia et al. (2024), step 2 of their two-step task prediction: accuracy as a sigmoidal function
 * of a task loss, Acc(L) = a / (1 + e^(−k (L − L0))) + b.
 */
import type { LawDeclaration } from '../law/declaration.js';

export const DOWNSTREAM_SIGMOID: LawDeclaration = {
  name: 'downstream-sigmoid',
  description: 'Accuracy as a sigmoid of loss: Acc(L) = a / (1 + exp(−k·(L − L0))) + b.',
  citation:
    'Bhagia, A., Liu, J., Wettig, A., Heineman, D., Tafjord, O., Jha, A. H., Soldaini, L., Smith, N. A., Groeneveld, D., Koh, P. W., Dodge, J. & Hajishirzi, H. (2024). Establishing Task Scaling Laws via Compute-Efficient Model Ladders. arXiv:2412.04403.',
  display: 'Acc(L) = a / (1 + exp(−k · (L − L0))) + b',
  formula: [
    '# textbook: a / (1 + exp(-k*(L - L0))) + b',
    '# sigmoid() never overflows, whatever the sign and size of k*(L - L0).',
    'a*sigmoid(k*(L - L0)) + b',
  ].join('\n'),
  inputs: [{ name: 'L', description: 'a loss: the task loss (Bhagia et al.) or a validation loss' }],
  params: [
    { name: 'a', description: 'height of the step (accuracy gained between the plateaus)', start: [0.5, 1], range: [0.05, 1] },
    { name: 'k', description: 'steepness k; negative when accuracy falls as the loss grows (a > 0)', start: [-2, -5, -10, -20], range: [-30, -0.5] },
    { name: 'L0', description: 'loss at the midpoint of the step', start: [0.5, 1, 2, 3, 4], range: [0.1, 6] },
    { name: 'b', description: 'accuracy floor as the loss grows (e.g. chance)', start: [0, 0.25], range: [0, 0.5] },
  ],
  space: 'linear',
  startNote:
    'No published start grid: lawfit’s default (2 × 4 × 5 × 2 = 80 starts). The law has the exact symmetry (a, k, L0, b) ≡ (−a, −k, L0, b + a), so the grid covers only a > 0, k < 0 (accuracy decreasing in loss); a fit may still land on the mirror image.',
};
