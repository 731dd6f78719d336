/**
 * Tissue et al. (2024), "Scaling Law with Learning Rate Annealing" (arXiv:2408.11029, abstract and
 * §3): the loss at step s of one training run, under any learning-rate schedule,
 *
 *   L(s) = L0 + A·S1^(−α) − C·S2,
 *
 * S1 = Σ_{i≤s} η_i the forward area (the area under the learning-rate curve) and
 * S2 = Σ_{i≤s} m_i the annealing area, m_i = λ·m_{i−1} + (η_{i−1} − η_i) a momentum of the decreases
 * of the learning rate (λ ≈ 0.999). S1 and S2 are columns computed from the schedule by
 * `scheduleAreas` (src/data/lr-schedule.ts) or `lawfit lr-areas`; the law sees them as inputs.
 * The fit follows the public reproduction (github.com/zkshan2002/ScalingLaw, main.py): Huber
 * (δ = 1e−3) on log L, from its 108-point grid.
 */
import type { LawDeclaration } from '../law/declaration.js';
import { LOG } from './grid.js';

export const LR_ANNEALING: LawDeclaration = {
  name: 'lr-annealing',
  family: 'hyperparameters',
  description: 'Loss curve under any LR schedule: L(s) = L0 + A·S1^(−α) − C·S2 (S1 forward area, S2 annealing area; lawfit lr-areas).',
  citation:
    'Tissue, H., Wang, V. & Wang, L. (2024). Scaling Law with Learning Rate Annealing. arXiv:2408.11029.',
  display: 'L(s) = L0 + A · S1^(−α) − C · S2',
  formula: [
    '# textbook: L0 + A*S1^(-alpha) - C*S2',
    '# A S1^(-alpha) = exp(log A - alpha log S1); log S1 is computed on the host.',
    'L0 + exp(log(A) - alpha*log(S1)) - C*S2',
  ].join('\n'),
  inputs: [
    { name: 'S1', description: 'forward area Σ η_i up to the step (lawfit lr-areas)' },
    { name: 'S2', description: 'annealing area Σ m_i up to the step, m_i = λ m_(i−1) + (η_(i−1) − η_i) (lawfit lr-areas)' },
  ],
  params: [
    { name: 'L0', description: 'loss as S1 → ∞ without annealing', start: [1, 2, 4], range: [0, 10] },
    { name: 'A', transform: LOG, description: 'forward-area coefficient', start: [1, 2, 4], range: [1e-3, 20] },
    { name: 'alpha', description: 'forward-area exponent α', start: [0.2, 0.4, 0.6, 0.8, 1, 1.2], range: [0.01, 3] },
    { name: 'C', description: 'loss drop per unit of annealing area', start: [0.5, 1], range: [0, 20] },
  ],
  space: 'log',
  defaultLoss: 'huber:1e-3',
  startNote:
    'The grid of the public reproduction (zkshan2002/ScalingLaw, main.py): L0, A ∈ {1, 2, 4}, α ∈ {0.2, 0.4, …, 1.2}, C ∈ {0.5, 1}: 3 × 3 × 6 × 2 = 108 starts, Huber (δ = 1e−3) on log L. The areas are in the units of the learning rate × steps, so the scale of A and C follows the schedule’s peak learning rate.',
};
