/**
 * Solver options: one table, each field with its default and the reason for it. Both engines (the
 * float64 CPU engine and the f32 WebGPU engine) read their defaults from here, and `validateOptions`
 * is the one place that checks a caller's values.
 */
import { LawfitError } from '../errors.js';
import { LEAST_SQUARES, type LossSpec } from './losses.js';

/**
 * The scaling D of the trust region |D h| <= Delta (and of the damping par D^2):
 * - `levenberg`: D = I. Chosen as the default by measurement: on the Chinchilla law from Hoffmann's
 *   4,500-point grid, Jacobian-column scaling strands most starts at degenerate single-term fits (a
 *   softmax weight underflows, its column vanishes, the scaled region along it grows without bound,
 *   and a log-coefficient runs off to -1e4): 38 % of the starts reach the optimum, against 100 %
 *   with D = I, which also solves all 54 NIST StRD runs to >= 6 digits.
 * - `marquardt`: D = the largest column norms of J seen so far (MINPACK's `mode = 1`, scipy's
 *   `x_scale='jac'`): invariant to rescaling the parameters.
 */
export type DampingMode = 'levenberg' | 'marquardt';

export interface LmOptions {
  /** Trial steps before giving up with MAX_ITERATIONS. Each costs one residual + Jacobian pass. */
  maxIterations: number;
  /** Stop when the actual and predicted relative cost reductions are both below ftol (MINPACK ftol). */
  ftol: number;
  /** Stop when the trust radius is below xtol * |D u| (MINPACK xtol). */
  xtol: number;
  /** Stop when max_j |cos(angle between r and column j of J)| <= gtol (MINPACK gtol). */
  gtol: number;
  damping: DampingMode;
  /**
   * Initial trust radius relative to |D u0| (MINPACK's `factor`). 0.3 by measurement: all 54
   * NIST runs at >= 6 digits and 100 % of Hoffmann's Chinchilla starts (1: 99.71 %).
   */
  stepBound: number;
  /**
   * Largest trust radius |D h| (in the internal, transformed coordinates), or none (the default,
   * as MINPACK): Ceres Solver's max_trust_region_radius. A cap keeps every step short where a
   * doubling radius would carry a start out of its basin in one step. The float64 LM honours it
   * (src/fit/cpu/lm.ts: the fits of the CPU engines and the float64 polish of the WebGPU engine's).
   */
  maxRadius?: number;
  /** Robust loss applied to the residuals (see losses.ts). */
  loss: LossSpec;
  /**
   * Variable projection (src/fit/cpu/projected.ts): 'on' eliminates the coefficients the
   * compiler found linear (law.linear) when residuals are in linear space, searching over the
   * other parameters only, then polishes with the full LM; 'off' always runs the full LM; 'auto'
   * (the default) projects where it measured faster or more reliable (projectionDecision): least
   * squares, or a start design that repeats its nonlinear coordinates (a grid over every
   * parameter). Every engine honours it: the WebGPU engine with its f32 projected kernel
   * (src/gpu/projected-gpu.ts), or the full LM where f32 cannot, with the reason in the report.
   */
  projection: ProjectionMode;
}

export type ProjectionMode = 'auto' | 'on' | 'off';

export interface OptionDoc {
  key: keyof LmOptions;
  summary: string;
}

export const DEFAULT_LM_OPTIONS: Readonly<LmOptions> = Object.freeze({
  maxIterations: 1000,
  ftol: 1e-12,
  xtol: 1e-12,
  gtol: 1e-12,
  damping: 'levenberg',
  stepBound: 0.3,
  loss: LEAST_SQUARES,
  projection: 'auto',
});

export const LM_OPTION_DOCS: readonly OptionDoc[] = [
  { key: 'maxIterations', summary: 'trial steps before giving up (status max-iterations)' },
  { key: 'ftol', summary: 'relative cost reduction (actual and predicted) at which to stop' },
  { key: 'xtol', summary: 'relative step size at which to stop' },
  { key: 'gtol', summary: 'gradient orthogonality (max cosine) at which to stop' },
  { key: 'damping', summary: "'levenberg' (mu I, the default) or 'marquardt' (mu diag(J'J), MINPACK's scaling)" },
  { key: 'stepBound', summary: 'initial trust radius relative to |D u0| (MINPACK factor)' },
  { key: 'maxRadius', summary: 'largest trust radius |D h| (none by default; Ceres max_trust_region_radius)' },
  { key: 'projection', summary: "variable projection: 'on' (solve linear coefficients by (non-negative, robust) least squares, LM over the rest, then the full LM), 'off', or 'auto' (on for least squares and for start grids that repeat the nonlinear coordinates)" },
  { key: 'loss', summary: "robust loss: 'linear', 'huber:DELTA', 'soft_l1:DELTA', 'cauchy:DELTA', 'arctan:DELTA'" },
];

export function resolveLmOptions(partial: Partial<LmOptions> | undefined): LmOptions {
  const o: LmOptions = { ...DEFAULT_LM_OPTIONS, ...stripUndefined(partial ?? {}) };
  validateOptions(o);
  return o;
}

export function validateOptions(o: LmOptions): void {
  const bad = (key: string, why: string): never => {
    throw new LawfitError('bad-option', `option ${key}: ${why}`);
  };
  if (!Number.isInteger(o.maxIterations) || o.maxIterations < 1) bad('maxIterations', `must be a positive integer, got ${o.maxIterations}`);
  for (const k of ['ftol', 'xtol', 'gtol'] as const) {
    if (!(o[k] >= 0) || !Number.isFinite(o[k])) bad(k, `must be a finite number >= 0, got ${o[k]}`);
  }
  if (o.damping !== 'levenberg' && o.damping !== 'marquardt') bad('damping', `must be 'levenberg' or 'marquardt', got '${String(o.damping)}'`);
  if (!(o.stepBound > 0) || !Number.isFinite(o.stepBound)) bad('stepBound', `must be a finite number > 0, got ${o.stepBound}`);
  if (o.maxRadius !== undefined && !(o.maxRadius > 0 && Number.isFinite(o.maxRadius))) bad('maxRadius', `must be a finite number > 0, got ${o.maxRadius}`);
  if (o.projection !== 'auto' && o.projection !== 'on' && o.projection !== 'off') bad('projection', `must be 'auto', 'on' or 'off', got '${String(o.projection)}'`);
  if (!(o.loss.delta > 0) || !Number.isFinite(o.loss.delta)) bad('loss', `scale must be > 0, got ${o.loss.delta}`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
