/**
 * Kumar et al. (2024), "Scaling Laws for Precision" (arXiv:2411.04330, ICLR 2025; §4, the
 * quantised-training law): training in low precision shrinks the effective parameter count,
 *
 *   L(N, D, P_w, P_a, P_kv) = A·N_eff^(−α) + B·D^(−β) + E,
 *   N_eff = N·(1 − e^(−P_w/γ_w))·(1 − e^(−P_a/γ_a))·(1 − e^(−P_kv/γ_kv)),
 *
 * with P_w, P_a, P_kv the bits of the weights, activations and KV cache during training. Each
 * factor saturates at 1 in high precision (recovering Chinchilla) and vanishes as the bits go to 0.
 * Source read: a transcription of the paper (§4.2 eq. 4 and "Finding 2", the form above, with the
 * independent, multiplicative factors; §4.1 eq. 3 for weights alone), found with the project's code
 * search. Left out on purpose: the post-train-quantisation term δ_PTQ of the unified law (§5 eqs.
 * 8–9 and "Finding 4", eq. 11: C_T·e^(−P_post/γ_post)·(D^γ_D / N_eff^γ_N)·Π_x[1 − e^(−C_x(P_x − P_post))],
 * zero when training and inference precision are equal); it needs the inference precision P_post
 * as a sixth input and five more constants, and is a law of its own for runs that were quantised
 * after training.
 */
import type { LawDeclaration } from '../law/declaration.js';
import { expOf, LOG } from './grid.js';

const SATURATION_AXIS = [1, 2.5];

export const PRECISION: LawDeclaration = {
  name: 'precision',
  family: 'precision',
  description: 'Precision-aware Chinchilla law: N_eff = N·Π(1 − e^(−P/γ)) over weight, activation and KV-cache bits.',
  citation:
    'Kumar, T., Ankner, Z., Spector, B. F., Bordelon, B., Muennighoff, N., Paul, M., Pehlevan, C., Ré, C. & Raghunathan, A. (2024). Scaling Laws for Precision. ICLR 2025. arXiv:2411.04330.',
  display: 'L = A · N_eff^(−α) + B · D^(−β) + E,  N_eff = N · (1 − e^(−P_w/γ_w)) · (1 − e^(−P_a/γ_a)) · (1 − e^(−P_kv/γ_kv))',
  formula: [
    '# log N_eff: log(1 - exp(-x)) = log1p(-exp(-x)), accurate when the factor is close to 1 (many bits)',
    'logNeff = log(N) + log1p(-exp(-Pw/gw)) + log1p(-exp(-Pa/ga)) + log1p(-exp(-Pkv/gkv))',
    '# textbook: A*N_eff^(-alpha) + B*D^(-beta) + E',
    'exp(logsumexp(log(A) - alpha*logNeff, log(B) - beta*log(D), log(E)))',
  ].join('\n'),
  inputs: [
    { name: 'N', unit: 'parameters', description: 'model size' },
    { name: 'D', unit: 'tokens', description: 'training tokens' },
    { name: 'Pw', unit: 'bits', description: 'precision of the weights during training' },
    { name: 'Pa', unit: 'bits', description: 'precision of the activations during training' },
    { name: 'Pkv', unit: 'bits', description: 'precision of the attention KV cache during training' },
  ],
  params: [
    { name: 'A', transform: LOG, description: 'model-size coefficient', start: expOf([0, 7.5, 15]), range: [1, Math.exp(20)] },
    { name: 'B', transform: LOG, description: 'data coefficient', start: expOf([0, 7.5, 15]), range: [1, Math.exp(20)] },
    { name: 'E', transform: LOG, description: 'irreducible loss (nats/token)', start: expOf([-1, 0, 1]), range: [Math.exp(-1), Math.exp(1)] },
    { name: 'alpha', description: 'model-size exponent α', start: [0.25, 0.5], range: [0.05, 1] },
    { name: 'beta', description: 'data exponent β', start: [0.25, 0.5], range: [0.05, 1] },
    { name: 'gw', transform: LOG, description: 'γ_w: bits at which weight precision keeps 1 − 1/e of the parameters’ value', start: SATURATION_AXIS, range: [0.3, 10] },
    { name: 'ga', transform: LOG, description: 'γ_a: the same for activations', start: SATURATION_AXIS, range: [0.3, 10] },
    { name: 'gkv', transform: LOG, description: 'γ_kv: the same for the KV cache', start: SATURATION_AXIS, range: [0.3, 10] },
  ],
  space: 'log',
  defaultLoss: 'huber:1e-3',
  startNote:
    'No published start grid. lawfit’s default: log A, log B ∈ {0, 7.5, 15}, log E ∈ {−1, 0, 1}, α, β ∈ {0.25, 0.5}, γ_w, γ_a, γ_kv ∈ {1, 2.5} bits: 3 × 3 × 3 × 2 × 2 × 2 × 2 × 2 = 864 starts; Huber (δ = 1e−3) on log L as for Chinchilla’s Approach 3, which the law extends. Each γ is identified only if its precision varies across the runs; fix the others (--fix) when it does not.',
};
