/**
 * SYNTHETIC hyperparameter sweeps with a known truth, for testing the optimum laws (hpopt.ts):
 * at every (N, D) cell, runs on a fixed grid of learning rates (and batch sizes), with
 *
 *   L = E + A / N^α + B / D^β + κ_lr (ln lr − ln η*)² + κ_bs (ln bs − ln B*)² + σ ε,   ε ~ N(0, 1),
 *
 * a loss bowl in log lr and log bs around the true optimum (the paper's Fig. 2 shows such a convex
 * basin), the Chinchilla terms only shifting each cell's level. The truth defaults to Step Law's
 * published fit (Li et al. 2025, arXiv:2503.04715): η* = 1.79·N^-0.713·D^0.307, B* = 0.58·D^0.571
 * (B in tokens), as a reproduction of its Fig. 2 quotes it (see hpopt-optimum.ts); only its role as
 * a realistic truth matters here. The grids are fixed across cells, as in real sweeps, so the optimum falls at a
 * different place between grid values in each cell. Labelled synthetic wherever it is used.
 */
import { createRng, nextNormal } from '../util/rng.js';
import { makeHpoptRuns, type HpoptRuns } from '../stats/hpopt.js';

export interface PowerTruth {
  c: number;
  N: number;
  D: number;
}

/** Step Law's published optimum laws (the synthetic default truth). */
export const STEP_LAW_TRUTH: Readonly<{ lr: PowerTruth; bs: PowerTruth }> = Object.freeze({
  lr: Object.freeze({ c: 1.79, N: -0.713, D: 0.307 }),
  bs: Object.freeze({ c: 0.58, N: 0, D: 0.571 }),
});

export interface HpSweepOptions {
  seed?: number;
  /** Standard deviation of the additive loss noise (default 0.002). */
  noise?: number;
  sizes?: readonly number[];
  tokens?: readonly number[];
  /** Learning-rate grid (default 2^-13 … 2^-6 in steps of √2). */
  lrGrid?: readonly number[];
  /** Batch-size grid in tokens; omit (or []) for a learning-rate-only sweep. Default 2^15 … 2^21 in steps of √2. */
  bsGrid?: readonly number[] | null;
  /** Curvatures of the bowl per (ln lr)² and (ln bs)² (defaults 0.03, 0.02). */
  kappaLr?: number;
  kappaBs?: number;
  truth?: { lr: PowerTruth; bs: PowerTruth };
}

const geometric = (lo: number, hi: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = lo; v <= hi * (1 + 1e-9); v *= step) out.push(v);
  return out;
};

export const HP_SWEEP_SIZES = [1e8, 3e8, 1e9] as const;
export const HP_SWEEP_TOKENS = [2e9, 8e9, 3.2e10] as const;
export const HP_SWEEP_LR_GRID: readonly number[] = geometric(2 ** -13, 2 ** -6, Math.SQRT2);
// Wide enough that Step Law's near-optimal band (TOL 0.0025) lies inside the grid in every cell:
// a band cut off by the grid's end biases the set (bench/hpopt.ts shows it with a narrower grid).
export const HP_SWEEP_BS_GRID: readonly number[] = geometric(2 ** 15, 2 ** 21, Math.SQRT2);
/** A narrower batch-size grid, 2^16 … 2^20, which cuts off the near-optimal band in most cells. */
export const HP_SWEEP_NARROW_BS_GRID: readonly number[] = geometric(2 ** 16, 2 ** 20, Math.SQRT2);

export interface HpSweep {
  /** One record per run: N, D, lr, (bs), loss. */
  records: Record<string, number>[];
  runs: HpoptRuns;
  truth: { lr: PowerTruth; bs: PowerTruth };
}

export const powerAt = (t: PowerTruth, N: number, D: number): number => t.c * N ** t.N * D ** t.D;

export function hpSweep(o: HpSweepOptions = {}): HpSweep {
  const rng = createRng(o.seed ?? 0);
  const noise = o.noise ?? 0.002;
  const truth = o.truth ?? STEP_LAW_TRUTH;
  const lrGrid = o.lrGrid ?? HP_SWEEP_LR_GRID;
  const bsGrid = o.bsGrid === null ? [] : (o.bsGrid ?? HP_SWEEP_BS_GRID);
  const kLr = o.kappaLr ?? 0.03;
  const kBs = o.kappaBs ?? 0.02;
  const records: Record<string, number>[] = [];
  for (const N of o.sizes ?? HP_SWEEP_SIZES) {
    for (const D of o.tokens ?? HP_SWEEP_TOKENS) {
      const base = 1.69 + 406.4 / N ** 0.34 + 410.7 / D ** 0.28;
      const lnEta = Math.log(powerAt(truth.lr, N, D));
      const lnB = Math.log(powerAt(truth.bs, N, D));
      for (const lr of lrGrid) {
        for (const bs of bsGrid.length > 0 ? bsGrid : [undefined]) {
          const bowl = kLr * (Math.log(lr) - lnEta) ** 2 + (bs !== undefined ? kBs * (Math.log(bs) - lnB) ** 2 : 0);
          const loss = base + bowl + noise * nextNormal(rng);
          records.push({ N, D, lr, ...(bs !== undefined ? { bs } : {}), loss });
        }
      }
    }
  }
  const col = (k: string): number[] => records.map((r) => r[k]!);
  const runs = makeHpoptRuns({ source: 'synthetic hp sweep', inputs: { N: col('N'), D: col('D') }, lr: col('lr'), ...(bsGrid.length > 0 ? { bs: col('bs') } : {}), loss: col('loss') });
  return { records, runs, truth };
}
