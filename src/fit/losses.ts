/**
 * Robust losses, as a table. Each loss is a function rho of z = (r / delta)^2 with the convention of
 * scipy.optimize.least_squares: the cost of one point is  w * 0.5 * delta^2 * rho(z), so the
 * objective of a fit is
 *
 *   cost = 0.5 * sum_i w_i * delta^2 * rho(r_i^2 / delta^2)
 *
 * For `linear` this is half the (weighted) residual sum of squares; for `huber` it is exactly
 * sum_i w_i * huber_delta(r_i) with huber_delta(r) = r^2/2 for |r| <= delta, delta (|r| - delta/2)
 * beyond: the objective Hoffmann et al. and Besiroglu et al. minimise, summed, as defined.
 *
 * Levenberg–Marquardt handles a robust loss through the residual/Jacobian correction of Triggs et
 * al., "Bundle Adjustment — A Modern Synthesis" (2000), sec. 6.3, as in Ceres Solver's Corrector:
 * with rho' = d rho/dz > 0 and, for every loss here, rho'' <= 0, the corrected residual and Jacobian
 * row are sqrt(rho') r and sqrt(rho') J (the curvature term is dropped when rho'' <= 0, which keeps
 * J~'J~ positive semi-definite), so that J~'r~ is the exact gradient of the robust cost and LM
 * stays LM. Loss codes are shared with the WGSL kernels.
 */

export type LossKind = 'linear' | 'huber' | 'soft_l1' | 'cauchy' | 'arctan';

export interface LossSpec {
  kind: LossKind;
  /** Scale delta (scipy's f_scale): residuals beyond about delta are down-weighted. 1 for linear. */
  delta: number;
}

export interface LossInfo {
  kind: LossKind;
  /** Stable numeric code (shared with the GPU kernels). */
  code: number;
  summary: string;
  /** rho(z). */
  rho(z: number): number;
  /** rho'(z). */
  rho1(z: number): number;
  /** rho''(z) (used only by the covariance: psi'(r) = rho'(z) + 2 z rho''(z)). */
  rho2(z: number): number;
}

export const LOSSES: readonly LossInfo[] = [
  { kind: 'linear', code: 0, summary: 'least squares: rho(z) = z', rho: (z) => z, rho1: () => 1, rho2: () => 0 },
  {
    kind: 'huber',
    code: 1,
    summary: 'Huber: rho(z) = z for z <= 1, 2 sqrt(z) - 1 beyond',
    rho: (z) => (z <= 1 ? z : 2 * Math.sqrt(z) - 1),
    rho1: (z) => (z <= 1 ? 1 : 1 / Math.sqrt(z)),
    rho2: (z) => (z <= 1 ? 0 : -0.5 * Math.pow(z, -1.5)),
  },
  {
    kind: 'soft_l1',
    code: 2,
    summary: 'smooth L1: rho(z) = 2 (sqrt(1 + z) - 1)',
    rho: (z) => 2 * (Math.sqrt(1 + z) - 1),
    rho1: (z) => 1 / Math.sqrt(1 + z),
    rho2: (z) => -0.5 * Math.pow(1 + z, -1.5),
  },
  { kind: 'cauchy', code: 3, summary: 'Cauchy: rho(z) = log(1 + z)', rho: (z) => Math.log1p(z), rho1: (z) => 1 / (1 + z), rho2: (z) => -1 / ((1 + z) * (1 + z)) },
  { kind: 'arctan', code: 4, summary: 'arctan: rho(z) = arctan(z)', rho: (z) => Math.atan(z), rho1: (z) => 1 / (1 + z * z), rho2: (z) => (-2 * z) / ((1 + z * z) * (1 + z * z)) },
];

export const LEAST_SQUARES: LossSpec = { kind: 'linear', delta: 1 };

export function lossInfo(kind: LossKind): LossInfo {
  const l = LOSSES.find((x) => x.kind === kind);
  if (l === undefined) throw new Error(`internal: unknown loss ${kind}`);
  return l;
}

/** Parse `linear`, `huber:1e-3`, `soft_l1:0.1`, ... Returns undefined when malformed. */
export function parseLoss(text: string): LossSpec | undefined {
  const [kindText, deltaText, ...rest] = text.trim().split(':');
  if (rest.length > 0) return undefined;
  const kind = (kindText === 'ls' || kindText === 'least-squares' ? 'linear' : kindText) as LossKind;
  if (!LOSSES.some((l) => l.kind === kind)) return undefined;
  if (kind === 'linear') return deltaText === undefined ? LEAST_SQUARES : undefined;
  const delta = deltaText === undefined ? 1 : Number(deltaText);
  if (!(delta > 0) || !Number.isFinite(delta)) return undefined;
  return { kind, delta };
}

export function formatLoss(l: LossSpec): string {
  return l.kind === 'linear' ? 'linear' : `${l.kind}:${l.delta}`;
}
