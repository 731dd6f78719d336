/**
 * Clark et al. (2022), "Unified Scaling Laws for Routed Language Models" (arXiv:2202.01169, ICML
 * 2022, eq. (1) and Fig. 1a): the loss of a routed (mixture-of-experts) model with a dense
 * base of N parameters and E experts is bilinear in log N and log E,
 *
 *   log L(N, E) = a·log N + b·log E + c·log N·log E + d.
 *
 * The paper writes base-10 logarithms; with natural logs, a and b are unchanged and c, d are
 * rescaled (c_e = c₁₀ / ln 10, d_e = d₁₀ · ln 10). The saturating transform of E of their §4
 * (Ê for very large expert counts) is not included.
 *
 * Source read: the paper itself could not be found with the project's search; the bilinear form
 * was checked against two secondary write-ups that quote it as Clark et al.'s law (a paper-notes
 * page and a survey of scaling laws, both "log L = a log N + b log E + c log N log E + d", N the
 * dense base size, E the experts, at convergence). Not confirmed from the paper: the base of the
 * logarithm (hence the c, d rescaling above) and the exact form of Ê.
 */
import type { LawDeclaration } from '../law/declaration.js';

export const MOE: LawDeclaration = {
  name: 'moe',
  family: 'architecture',
  description: 'Routed (mixture-of-experts) law: log L = a·log N + b·log E + c·log N·log E + d (Clark et al. eq. 1).',
  citation:
    'Clark, A., de las Casas, D., Guy, A., Mensch, A., Paganini, M., Hoffmann, J., Damoc, B., Hechtman, B., Cai, T., Borgeaud, S., van den Driessche, G., Rutherford, E., Hennigan, T., Johnson, M., Millican, K., Cassirer, A., Jones, C., Buchatskaya, E., Budden, D., Sifre, L., Osindero, S., Vinyals, O., Rae, J., Elsen, E., Kavukcuoglu, K. & Simonyan, K. (2022). Unified Scaling Laws for Routed Language Models. ICML 2022. arXiv:2202.01169.',
  display: 'log L(N, E) = a · log N + b · log E + c · log N · log E + d',
  formula: [
    '# textbook: exp(a*log(N) + b*log(E) + c*log(N)*log(E) + d)',
    '# In log space the model is linear in (a, b, c, d): one minimum, any start reaches it.',
    'exp(a*log(N) + b*log(E) + c*log(N)*log(E) + d)',
  ].join('\n'),
  inputs: [
    { name: 'N', unit: 'parameters', description: 'parameters of the dense base model (per-token compute)' },
    { name: 'E', unit: 'experts', description: 'number of experts (E = 1 is the dense model)' },
  ],
  params: [
    { name: 'a', description: 'log–log slope in N at E = 1 (negative)', start: [-0.1, -0.05], range: [-0.3, 0] },
    { name: 'b', description: 'log–log slope in E at N = 1', start: [-0.1, 0], range: [-0.5, 0.5] },
    { name: 'c', description: 'interaction: how the benefit of experts changes with N', start: [0, 0.005], range: [-0.05, 0.05] },
    { name: 'd', description: 'log L at N = E = 1', start: [1, 2, 3], range: [-2, 6] },
  ],
  space: 'log',
  startNote:
    'No published start grid. In log space the law is linear in (a, b, c, d), so least squares has one minimum; the 24 starts are a check, not a search.',
};
