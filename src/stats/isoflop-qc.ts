/**
 * The quality control of an IsoFLOP analysis, as named stages with documented thresholds: the one
 * description the library, the CLI's flags and help, and the report all read.
 *
 * Stages, in the order they run (after Open-Athena, "Problems with Chinchilla Approach 2",
 * arXiv:2603.22339, whose authors flag their released runs in the same order):
 *
 * - `duplicates` (data): runs of one budget with the same N (`exact_duplicate`) or with
 *   |Δ ln N| ≤ near-duplicate (`near_duplicate`, default 0.01: 1 % in N). The first in file order
 *   is kept: a neutral rule (keeping the lowest loss would bias the vertex's loss down).
 * - `too-few` (budget): fewer than min-points runs (default 6, the authors' choice) before
 *   (`too_few_points`) or after (`too_few_post_qc`) the run-level stages. With the stage off a
 *   budget still needs 3 runs: a parabola has 3 coefficients.
 * - `outliers` (run): leave-one-out — a run whose prediction error from the parabola fitted without
 *   it (exact, via the hat matrix: parabola.ts) has a robust z (median, 1.4826 × MAD over the
 *   budget's runs) above outlier-z (default 6) in ln N or in ln D (`loo_outlier`). Needs 5 runs.
 * - `curvature` (budget): a non-positive quadratic coefficient has no minimum
 *   (`non_positive_curvature`, applied even with QC off: there is no vertex to take); with the
 *   stage on, a curvature-ci interval (default 95 %, Student t with n − 3 dof) that includes 0 is
 *   `weak_curvature`: the vertex is not determined by the data.
 * - `off-centre` (run, then budget): runs farther from the vertex (in ln N) than trim-width
 *   (default 3, the closest of 2.5, 3 and 4 to the authors' flags on isoflops.csv) × the budget's
 *   median distance to it are trimmed (`off_centre`), and the parabola
 *   refitted; then a budget whose vertex (in ln N or ln D) lies outside its sampled range
 *   (`vertex_extrapolated`) or within edge-margin (default 0.05) of the range's width of an end
 *   (`vertex_at_edge`) is dropped: its optimum is extrapolated, not bracketed, and the fitted vertex
 *   is biased toward the sampled side (the bias the Open-Athena paper quantifies). Every budget's
 *   result says whether its vertex is bracketed, at the edge or extrapolated, even with QC off.
 */
import { LawfitError } from '../errors.js';

export const QC_STAGES = ['duplicates', 'too-few', 'outliers', 'curvature', 'off-centre'] as const;
export type QcStage = (typeof QC_STAGES)[number];

/** Why a run or a budget was left out; each reason belongs to one stage. */
export const QC_REASONS = {
  exact_duplicate: 'duplicates',
  near_duplicate: 'duplicates',
  too_few_points: 'too-few',
  loo_outlier: 'outliers',
  non_positive_curvature: 'curvature',
  weak_curvature: 'curvature',
  off_centre: 'off-centre',
  vertex_extrapolated: 'off-centre',
  vertex_at_edge: 'off-centre',
  too_few_post_qc: 'too-few',
} as const satisfies Record<string, QcStage>;
export type QcReason = keyof typeof QC_REASONS;

export interface QcThresholds {
  nearDuplicate: number;
  minPoints: number;
  outlierZ: number;
  curvatureLevel: number;
  trimWidth: number;
  edgeMargin: number;
}

export interface QcOptions extends QcThresholds {
  stages: readonly QcStage[];
}

/** Each threshold: its flag, default, help and check (the CLI derives its flags and help from this). */
export const QC_THRESHOLDS: readonly {
  key: keyof QcThresholds;
  flag: string;
  stage: QcStage;
  default: number;
  /** Flag text to value (e.g. percent to a fraction). */
  fromFlag: (v: number) => number;
  toFlag: (v: number) => number;
  valid: (v: number) => boolean;
  help: string;
}[] = [
  { key: 'nearDuplicate', flag: 'near-duplicate', stage: 'duplicates', default: 0.01, fromFlag: (v) => v, toFlag: (v) => v, valid: (v) => v >= 0, help: 'runs of a budget with |Δ ln N| at most this are near duplicates' },
  { key: 'minPoints', flag: 'min-points', stage: 'too-few', default: 6, fromFlag: (v) => v, toFlag: (v) => v, valid: (v) => Number.isInteger(v) && v >= 3, help: 'fewest runs a budget needs (whole number >= 3)' },
  { key: 'outlierZ', flag: 'outlier-z', stage: 'outliers', default: 6, fromFlag: (v) => v, toFlag: (v) => v, valid: (v) => v > 0, help: 'robust z of a leave-one-out error above which a run is an outlier' },
  { key: 'curvatureLevel', flag: 'curvature-ci', stage: 'curvature', default: 0.95, fromFlag: (v) => v / 100, toFlag: (v) => 100 * v, valid: (v) => v > 0 && v < 1, help: 'level (percent) of the curvature interval that must exclude 0' },
  { key: 'trimWidth', flag: 'trim-width', stage: 'off-centre', default: 3, fromFlag: (v) => v, toFlag: (v) => v, valid: (v) => v > 0, help: 'trim runs farther from the vertex than this x the median distance' },
  { key: 'edgeMargin', flag: 'edge-margin', stage: 'off-centre', default: 0.05, fromFlag: (v) => v, toFlag: (v) => v, valid: (v) => v >= 0 && v < 0.5, help: 'vertex within this fraction of the sampled range of an end: at the edge' },
];

export const DEFAULT_QC: QcOptions = {
  stages: QC_STAGES,
  ...(Object.fromEntries(QC_THRESHOLDS.map((t) => [t.key, t.default])) as unknown as QcThresholds),
};

/** No stage on: the plain protocol (3 runs and a positive curvature per budget, nothing else). */
export const NO_QC: QcOptions = { ...DEFAULT_QC, stages: [] };

/** `all`, `none`, or a comma-separated list of stages. */
export function parseQcStages(text: string): QcStage[] {
  const t = text.trim();
  if (t === 'all') return [...QC_STAGES];
  if (t === 'none') return [];
  const out: QcStage[] = [];
  for (const part of t.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const s = QC_STAGES.find((k) => k === part);
    if (s === undefined) throw new LawfitError('bad-option', `--qc: unknown stage '${part}'; expected all, none or a list of ${QC_STAGES.join(', ')}`);
    if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw new LawfitError('bad-option', `--qc: no stage given; expected all, none or a list of ${QC_STAGES.join(', ')}`);
  return out;
}

export function checkQc(qc: QcOptions): void {
  for (const t of QC_THRESHOLDS) {
    if (!t.valid(qc[t.key])) throw new LawfitError('bad-option', `--${t.flag}: ${t.toFlag(qc[t.key])} is out of range (${t.help})`);
  }
}

/**
 * The robust z of each value: (v − median) / (1.4826 · MAD); all NaN with fewer than 3 values or
 * when the MAD is at most `floor` (residuals at rounding level, e.g. of exact synthetic data, are
 * no evidence of an outlier).
 */
export function robustZ(values: readonly number[], floor = 0): number[] {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length < 3) return values.map(() => NaN);
  const med = medianSorted(finite);
  const mad = medianSorted(finite.map((v) => Math.abs(v - med)).sort((a, b) => a - b));
  if (!(mad > floor)) return values.map(() => NaN);
  return values.map((v) => (v - med) / (1.4826 * mad));
}

export function medianSorted(s: readonly number[]): number {
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}
