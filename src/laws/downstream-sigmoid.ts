/**
 * Bhagia et al. (2024), step 2 of their two-step task prediction: accuracy as a sigmoidal function
 * of a task loss, Acc(L) = a / (1 + e^(−k (L − L0))) + b.
 */
import type { LawDeclaration } from '../law/declaration.js';
import { LOG } from './grid.js';

export const DOWNSTREAM_SIGMOID: LawDeclaration = {
  name: 'downstream-sigmoid',
  family: 'downstream',
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

/**
 * The one-step downstream law: accuracy as a sigmoid of log compute, Acc(C) = b + a·σ(k·(ln C − ln C0)).
 * Owen (2024, arXiv:2401.04757, Epoch AI "How predictable is language model benchmark
 * performance?") fits benchmark accuracy as an S-curve in log (scaled) compute; the Llama 3 report
 * (Dubey et al. 2024, arXiv:2407.21783, §3.2.1) does the same in two steps, FLOPs → task NLL → a
 * sigmoid of the NLL, which is `lawfit chain` with `power` then `downstream-sigmoid` above.
 */
export const DOWNSTREAM_SIGMOID_COMPUTE: LawDeclaration = {
  name: 'downstream-sigmoid-compute',
  family: 'downstream',
  description: 'Accuracy as a sigmoid of log compute: Acc(C) = b + a / (1 + (C0/C)^k) (one step; the two-step form is a chain).',
  citation:
    'Owen, D. (2024). How predictable is language model benchmark performance? Epoch AI. arXiv:2401.04757.',
  display: 'Acc(C) = b + a / (1 + exp(−k · (ln C − ln C0)))',
  formula: [
    '# textbook: b + a/(1 + exp(-k*(log(C) - log(C0))))  =  b + a/(1 + (C0/C)^k)',
    '# log(C0) is the internal coordinate of C0 itself; log C is computed on the host.',
    'b + a*sigmoid(k*(log(C) - log(C0)))',
  ].join('\n'),
  inputs: [{ name: 'C', unit: 'FLOP', description: 'training compute (e.g. 6·N·D)' }],
  params: [
    { name: 'a', description: 'height of the step (accuracy gained from floor to ceiling)', start: [0.5, 1], range: [0.05, 1] },
    { name: 'k', transform: LOG, description: 'steepness per e-fold of compute (positive: accuracy rises with compute)', start: [0.25, 0.5, 1, 2], range: [0.05, 5] },
    { name: 'C0', transform: LOG, description: 'compute at the midpoint of the step', start: [1e18, 1e20, 1e22, 1e24], range: [1e15, 1e27] },
    { name: 'b', description: 'accuracy floor at small compute (e.g. chance)', start: [0, 0.25], range: [0, 0.5] },
  ],
  space: 'linear',
  startNote:
    'No published start grid: lawfit’s default (2 × 4 × 4 × 2 = 64 starts), with C0 over the FLOP range of today’s ladders (1e18 to 1e24). k > 0 (log transform) removes the mirror symmetry (a, k) ≡ (−a, −k) that downstream-sigmoid has.',
};
