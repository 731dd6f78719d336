/**
 * The float64 finish of f32 results. An f32 engine stops where its own rounding hides further
 * progress (in Chinchilla's flat valley, about 1e-3 relative in the coefficients); every fit
 * lawfit reports from such an engine is finished here by float64 Levenberg–Marquardt from the
 * f32 end point, and the report says how far that moved it (and how many iterations it took).
 *
 * Because f32 costs carry about 1e-6 relative noise, the lowest f32 cost may not be the best
 * basin: the `candidates` lowest end points are polished and the best float64 cost wins. Two, by
 * measurement: on 1,000 bootstrap replicates x 16 starts (test/gpu/bootstrap.test.ts) polishing 1
 * or 2 ends every replicate within 1e-12 of the float64 engine, while polishing 8 searched further
 * and ended 96 replicates in other, slightly lower minima of the near-L1 Huber objective: a search
 * the float64 engine does not make, so the two engines no longer gave the same answer.
 */
import type { CompiledLaw } from '../law/compile.js';
import { naturalFromInternal } from '../law/compile.js';
import { levenbergMarquardt, LmWorkspace } from './cpu/lm.js';
import { projectedSolve } from './cpu/projected.js';
import type { LmOptions } from './options.js';
import type { BatchResult, PreparedData } from './problem.js';
import { isUsable, STATUS } from './status.js';

export interface PolishReport {
  /** Problem index whose end point, polished, became the best fit. */
  problem: number;
  /** f32 cost the engine reported for it, and the float64 cost after the polish. */
  costBefore: number;
  costAfter: number;
  /** Largest relative change of a natural parameter made by the polish. */
  maxRelativeChange: number;
  /** Name of that parameter. */
  parameter: string;
  iterations: number;
  status: number;
  /** How many end points were polished. */
  candidates: number;
}

/**
 * The polish runs to convergence with the caller's full iteration budget: usually a few dozen
 * iterations, but where f32 could not get near the optimum (NIST MGH10 from its far start, whose
 * exp(b2 / (x + b3)) with b2 ~ 6e3 is beyond f32's reach) the float64 engine does the whole job,
 * and the report shows it.
 */
export const DEFAULT_POLISH = { candidates: 2 } as const;

/**
 * Polish the best `candidates` end points among problems [from, to) of `batch` (in place: their
 * u, cost, status and iterations become the float64 ones) and return the report of the winner,
 * or undefined when no end point is finite.
 */
export function polishBest(
  law: CompiledLaw,
  data: PreparedData,
  weights: Float64Array,
  wOffset: number,
  batch: BatchResult,
  from: number,
  to: number,
  options: LmOptions,
  candidates: number = DEFAULT_POLISH.candidates,
  /** The target vector these problems fit (a fixed-design replicate's own). Default: the data's. */
  yt: Float64Array = data.yt,
  /**
   * The engine ran variable projection (the WebGPU projected kernel): each candidate is first
   * re-solved by the float64 projected solver from its nonlinear coordinates, then the full LM
   * finishes, exactly the float64 engine's path (cpu/batch.ts). The reduced problem is far better
   * conditioned than the full one (Chinchilla's: 11 against 3.5e11, vpnls), so the two engines'
   * end points meet to the reduced solver's tolerance; the full LM alone from the f32 point stops
   * up to 4e-6 away on the flat Huber valley, where the objective changes by 1e-12. The plain
   * full LM from the f32 point runs too, and wins only when lower beyond 1e-10 relative.
   */
  projected = false,
): PolishReport | undefined {
  const p = law.free.length;
  const order: number[] = [];
  for (let k = from; k < to; k++) {
    const st = batch.status[k]!;
    if (Number.isFinite(batch.cost[k]!) && st !== STATUS.NONFINITE_START && st !== STATUS.SCREENED_OUT) order.push(k);
  }
  order.sort((a, b) => (isUsable(batch.status[b]!) ? 1 : 0) - (isUsable(batch.status[a]!) ? 1 : 0) || batch.cost[a]! - batch.cost[b]!);
  const picked = order.slice(0, candidates);
  if (picked.length === 0) return undefined;
  const ws = new LmWorkspace(p);
  const opt = options;
  let best: PolishReport | undefined;
  for (const k of picked) {
    const u = batch.u.slice(k * p, k * p + p);
    const before = naturalFromInternal(law, u);
    const costBefore = batch.cost[k]!;
    const lmData = { n: data.n, X: data.X, yt, w: weights, wOffset };
    const plain = projected ? u.slice() : u;
    let r = levenbergMarquardt(law, lmData, plain, opt, ws);
    if (projected) {
      // Both finishes; the projected one unless the plain full LM is lower beyond rounding (NIST
      // MGH10 from its far start: the f32 end point is where only the full LM gets out).
      const pr = projectedSolve(law, lmData, u, opt);
      if (pr !== undefined) u.set(pr.u);
      const rp = levenbergMarquardt(law, lmData, u, opt, ws);
      const its = r.iterations + rp.iterations + (pr?.iterations ?? 0);
      if (Number.isFinite(rp.cost) && !(r.cost < rp.cost * (1 - 1e-10))) r = { ...rp, iterations: its };
      else {
        u.set(plain);
        r = { ...r, iterations: its };
      }
    }
    if (!Number.isFinite(r.cost)) continue;
    const after = naturalFromInternal(law, u);
    let maxRel = 0;
    let which = 0;
    after.forEach((v, j) => {
      const rel = Math.abs(v - before[j]!) / Math.max(Math.abs(v), 1e-300);
      if (rel > maxRel) {
        maxRel = rel;
        which = j;
      }
    });
    batch.u.set(u, k * p);
    batch.cost[k] = r.cost;
    batch.status[k] = r.status;
    batch.iterations[k] = batch.iterations[k]! + r.iterations;
    const report: PolishReport = {
      problem: k,
      costBefore,
      costAfter: r.cost,
      maxRelativeChange: maxRel,
      parameter: law.free[which]!.name,
      iterations: r.iterations,
      status: r.status,
      candidates: picked.length,
    };
    const better = best === undefined || (isUsable(r.status) && !isUsable(best.status)) || (isUsable(r.status) === isUsable(best.status) && r.cost < best.costAfter);
    if (better) best = report;
  }
  return best;
}
