/**
 * THE status table. Every fit lawfit reports, from either engine, carries one of these codes; the
 * CPU engine, the GPU kernels (whose WGSL constants are generated from this table), the reports
 * and the artifacts all read it from here. Codes are stable: they are stored in artifacts.
 *
 * `usable`: the parameters are a genuine stationary point of the objective (to the tolerance that
 * stopped the solver) and may be reported. A fit that is not usable keeps its last parameters and
 * cost for diagnosis but is never chosen as a best fit over a usable one.
 */

export interface StatusInfo {
  readonly code: number;
  readonly name: string;
  readonly message: string;
  readonly usable: boolean;
}

export const STATUS = {
  /** Still iterating (only ever seen inside an engine). */
  RUNNING: 0,
  /** Relative reduction of the cost, actual and predicted, below ftol. */
  CONVERGED_FTOL: 1,
  /** Relative step size below xtol. */
  CONVERGED_XTOL: 2,
  /** Cosine between the residual vector and every Jacobian column below gtol. */
  CONVERGED_GTOL: 3,
  /** The damping grew past its ceiling without finding a step that lowers the cost: a minimum to machine precision. */
  STALLED: 4,
  /** The iteration limit was reached before any convergence test passed. */
  MAX_ITERATIONS: 5,
  /** The law or its gradient is not finite at the starting point (or the start is outside a transform's domain). */
  NONFINITE_START: 6,
  /** The cost or gradient became non-finite and no finite step could be found. */
  NONFINITE: 7,
  /** Screened out by a global strategy before LM ran (its start cost was not among the best). */
  SCREENED_OUT: 8,
  /** The engine was asked for a loss it does not implement (a code missing from the loss table): nothing was fitted. */
  UNKNOWN_LOSS: 9,
} as const;

export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

export const STATUS_TABLE: readonly StatusInfo[] = [
  { code: STATUS.RUNNING, name: 'running', message: 'still iterating', usable: false },
  { code: STATUS.CONVERGED_FTOL, name: 'converged-ftol', message: 'relative reduction of the cost below ftol', usable: true },
  { code: STATUS.CONVERGED_XTOL, name: 'converged-xtol', message: 'relative step size below xtol', usable: true },
  { code: STATUS.CONVERGED_GTOL, name: 'converged-gtol', message: 'gradient orthogonal to the residuals within gtol', usable: true },
  { code: STATUS.STALLED, name: 'stalled', message: 'no step lowers the cost further (minimum to machine precision)', usable: true },
  { code: STATUS.MAX_ITERATIONS, name: 'max-iterations', message: 'iteration limit reached before convergence', usable: false },
  { code: STATUS.NONFINITE_START, name: 'nonfinite-start', message: 'law not finite at the starting point', usable: false },
  { code: STATUS.NONFINITE, name: 'nonfinite', message: 'law became non-finite and no finite step was found', usable: false },
  { code: STATUS.SCREENED_OUT, name: 'screened-out', message: 'start not among the best of the screening pass; not fitted', usable: false },
  { code: STATUS.UNKNOWN_LOSS, name: 'unknown-loss', message: 'the engine does not implement the requested loss; not fitted', usable: false },
];

export function statusInfo(code: number): StatusInfo {
  const s = STATUS_TABLE[code];
  if (s === undefined || s.code !== code) throw new Error(`internal: unknown status code ${code}`);
  return s;
}

export function isUsable(code: number): boolean {
  return STATUS_TABLE[code]?.usable ?? false;
}
