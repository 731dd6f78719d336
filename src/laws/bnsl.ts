/**
 * Broken neural scaling laws (Caballero et al. 2023) with one and two breaks:
 *
 *   y = a + b · x^(−c0) · Π_i (1 + (x / d_i)^(1/f_i))^(−c_i · f_i)
 *
 * fitted as the authors' scripts do (ethancaballero/broken_neural_scaling_laws): least squares of
 * log(ŷ + 1) against log(y + 1), from the best point of a brute-force grid. Here the grid is screened
 * (objective at every point) and Levenberg–Marquardt runs from the best 64.
 */
import type { LawDeclaration, ParamDecl } from '../law/declaration.js';
import { arange, LOG } from './grid.js';

const CITATION =
  'Caballero, E., Gupta, K., Rish, I. & Krueger, D. (2023). Broken Neural Scaling Laws. ICLR 2023. arXiv:2210.14891.';

/** The paper's reparametrisation of b and d_i on its brute grid: 1.25^v − 1 + 1e−8. */
function fromGridCoord(values: readonly number[]): number[] {
  return values.map((v) => Math.pow(1.25, v) - 1 + 1e-8);
}

/** Largest b, d on the paper's grid: 1.25^37.5 − 1 + 1e−8 ≈ 4,309. */
const GRID_TOP = Math.pow(1.25, 37.5) - 1 + 1e-8;

// The paper's brute grid (fit_bnsl_and_extrapolate__4_digit_addition__dataset_size_x-axis.py):
// a ∈ [0, 1) step 0.1; b', d1' ∈ [0, 40) step 2.5; c0, c1, f1 ∈ [0, 1) step 0.25.
const A_AXIS = arange(0, 10, 1).map((i) => i / 10);
const B_AXIS = fromGridCoord(arange(0, 40, 2.5));
const C_AXIS = arange(0, 1, 0.25);
const D_AXIS = fromGridCoord(arange(0, 40, 2.5));
/** f1 = 0 is outside the log transform; it is replaced by 0.05 (see startNote). */
const F_AXIS = [0.05, 0.25, 0.5, 0.75];

const INPUT = [{ name: 'x', description: 'the scaled quantity: training-set size, parameters, compute or steps (x > 0)' }] as const;

const A: ParamDecl = { name: 'a', description: 'limit of y as x → ∞', start: A_AXIS, range: [0, 1] };
const B: ParamDecl = { name: 'b', transform: LOG, description: 'offset of the first power-law segment', start: B_AXIS, range: [1e-2, GRID_TOP] };
const C0: ParamDecl = { name: 'c0', description: 'slope of the first segment on a log–log plot', start: C_AXIS, range: [0, 1] };

export const BNSL_1: LawDeclaration = {
  name: 'bnsl-1',
  family: 'loss',
  description: 'Broken neural scaling law with one break: y = a + b·x^(−c0)·(1 + (x/d1)^(1/f1))^(−c1·f1).',
  citation: CITATION,
  display: 'y = a + b · x^(−c0) · (1 + (x / d1)^(1/f1))^(−c1 · f1)',
  formula: [
    '# textbook: a + b * x^(-c0) * (1 + (x/d1)^(1/f1))^(-c1*f1)',
    '# (1 + (x/d)^(1/f))^(-c f) = exp(-c f softplus((log x - log d)/f)): no power overflows however',
    '# sharp the break (f -> 0) or far x is from d; log x is computed on the host.',
    'a + exp(log(b) - c0*log(x) - c1*f1*softplus((log(x) - log(d1))/f1))',
  ].join('\n'),
  inputs: INPUT,
  params: [
    A,
    B,
    C0,
    { name: 'c1', description: 'change of slope at the break', start: C_AXIS, range: [0, 1] },
    { name: 'd1', transform: LOG, description: 'where the break happens (units of x)', start: D_AXIS, range: [1, GRID_TOP] },
    { name: 'f1', transform: LOG, description: 'sharpness of the break (smaller is sharper)', start: F_AXIS, range: [0.05, 1] },
  ],
  space: 'log1p',
  screen: 64,
  startNote:
    'Caballero et al.’s brute-force grid mapped to natural units: a ∈ {0, 0.1, …, 0.9}; b = 1.25^b′ − 1 + 1e−8 and d1 = 1.25^d′ − 1 + 1e−8 for b′, d′ ∈ {0, 2.5, …, 37.5}; c0, c1 ∈ {0, 0.25, 0.5, 0.75}; f1 ∈ {0.05, 0.25, 0.5, 0.75}: 10 × 16 × 4 × 4 × 16 × 4 = 163,840 points, screened, then LM from the best 64 (brute force, then polish, as the paper). The paper’s f1 = 0 lies outside the log transform (f1 > 0); in its numpy evaluation it gave x^(1/0) = inf and inf^0 = 1, i.e. no break (the same curve as c1 = 0), so it is replaced by f1 = 0.05, a sharp break.',
};

// A coarser grid for two breaks: 9 parameters, so the product must stay small. The first break is
// searched in the lower half of the paper's d range and the second in the upper half, so no curve
// appears twice with its two breaks swapped; a break with c_i = 0 is a duplicate of every other
// (d_i, f_i), so c_i starts from 0.25.
const A2_AXIS = [0, 0.25, 0.5, 0.75];
const B2_AXIS = fromGridCoord([0, 7.5, 15, 22.5, 30]);
const C0_2_AXIS = [0, 0.25, 0.5, 0.75];
const CI_2_AXIS = [0.25, 0.5, 1];
const D1_2_AXIS = fromGridCoord([2.5, 10, 17.5]);
const D2_2_AXIS = fromGridCoord([22.5, 30, 37.5]);
const F_2_AXIS = [0.05, 0.25, 0.75];

export const BNSL_2: LawDeclaration = {
  name: 'bnsl-2',
  family: 'loss',
  description: 'Broken neural scaling law with two breaks.',
  citation: CITATION,
  display: 'y = a + b · x^(−c0) · Π_{i=1,2} (1 + (x / d_i)^(1/f_i))^(−c_i · f_i)',
  formula: [
    '# textbook: a + b * x^(-c0) * (1 + (x/d1)^(1/f1))^(-c1*f1) * (1 + (x/d2)^(1/f2))^(-c2*f2)',
    '# each break factor as exp(-c f softplus((log x - log d)/f)), as for bnsl-1',
    'a + exp(log(b) - c0*log(x) - c1*f1*softplus((log(x) - log(d1))/f1) - c2*f2*softplus((log(x) - log(d2))/f2))',
  ].join('\n'),
  inputs: INPUT,
  params: [
    { ...A, start: A2_AXIS },
    { ...B, start: B2_AXIS },
    { ...C0, start: C0_2_AXIS },
    { name: 'c1', description: 'change of slope at the first break', start: CI_2_AXIS, range: [0, 1] },
    { name: 'd1', transform: LOG, description: 'where the first break happens (units of x)', start: D1_2_AXIS, range: [1, GRID_TOP] },
    { name: 'f1', transform: LOG, description: 'sharpness of the first break', start: F_2_AXIS, range: [0.05, 1] },
    { name: 'c2', description: 'change of slope at the second break', start: CI_2_AXIS, range: [0, 1] },
    { name: 'd2', transform: LOG, description: 'where the second break happens (units of x)', start: D2_2_AXIS, range: [1, GRID_TOP] },
    { name: 'f2', transform: LOG, description: 'sharpness of the second break', start: F_2_AXIS, range: [0.05, 1] },
  ],
  space: 'log1p',
  screen: 64,
  startNote:
    'A coarsening of Caballero et al.’s one-break grid (they publish none for two breaks): a ∈ {0, 0.25, 0.5, 0.75}; b = 1.25^b′ − 1 + 1e−8 for b′ ∈ {0, 7.5, 15, 22.5, 30}; c0 ∈ {0, 0.25, 0.5, 0.75}; c1, c2 ∈ {0.25, 0.5, 1}; d_i = 1.25^d′ − 1 + 1e−8 with d′ ∈ {2.5, 10, 17.5} for the first break and {22.5, 30, 37.5} for the second (so the two breaks are never swapped copies); f1, f2 ∈ {0.05, 0.25, 0.75} (f = 0 is outside the log transform): 4 × 5 × 4 × (3 × 3 × 3)² = 58,320 points, screened, then LM from the best 64. The d axes assume x spans roughly 1 to 10⁴ as in the paper’s examples; for other scales give d1, d2 axes of your own.',
};
