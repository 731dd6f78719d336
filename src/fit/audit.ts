/**
 * The audit of an f32 engine: a seeded random sample of the batch's problems re-run entirely in
 * float64 from the same starts, and the agreement reported: how many end within 1e-4 of the f32
 * engine's cost (the precision f32 costs carry) and the largest relative difference. It checks
 * the device, the driver and the kernels on the user's own problem, not only in our tests.
 */
import { createRng, nextInt } from '../util/rng.js';
import type { Engine } from './engine.js';
import { recipeFrom, targetRow, type BatchProblem, type BatchResult } from './problem.js';
import { STATUS } from './status.js';

export interface AuditReport {
  sampled: number;
  /** Sampled problems whose f32 and float64 costs agree within `tolerance` relative. */
  agreeing: number;
  tolerance: number;
  maxRelativeDifference: number;
  seed: number;
}

export const AUDIT_TOLERANCE = 1e-4;

export async function auditBatch(problem: BatchProblem, f32: BatchResult, sample: number, seed: number, reference: Engine): Promise<AuditReport> {
  const total = problem.nStarts * problem.nWeightSets;
  const candidates: number[] = [];
  for (let k = 0; k < total; k++) {
    const st = f32.status[k]!;
    if (st !== STATUS.SCREENED_OUT && st !== STATUS.NONFINITE_START && Number.isFinite(f32.cost[k]!)) candidates.push(k);
  }
  // Seeded partial Fisher–Yates: the same seed audits the same problems.
  const rng = createRng(seed);
  const m = Math.min(sample, candidates.length);
  for (let i = 0; i < m; i++) {
    const j = nextInt(rng, i, candidates.length - 1);
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const picked = candidates.slice(0, m);
  const p = problem.law.free.length;
  const n = problem.data.n;
  let agreeing = 0;
  let worst = 0;
  for (const k of picked) {
    const s = k % problem.nStarts;
    const w = Math.floor(k / problem.nStarts);
    const r = await reference.solve({
      ...problem,
      starts: problem.starts.subarray(s * p, s * p + p),
      nStarts: 1,
      weights: problem.weights.subarray(w * n, (w + 1) * n),
      nWeightSets: 1,
      ...(problem.targets !== undefined ? { targets: targetRow(problem, w) } : {}),
      ...recipeFrom(problem, w),
    });
    const c = r.cost[0]!;
    const rel = Math.abs(f32.cost[k]! - c) / Math.max(Math.abs(c), 1e-300);
    if (rel <= AUDIT_TOLERANCE) agreeing++;
    if (rel > worst || !Number.isFinite(rel)) worst = Number.isFinite(rel) ? rel : Infinity;
  }
  return { sampled: m, agreeing, tolerance: AUDIT_TOLERANCE, maxRelativeDifference: worst, seed };
}
