/**
 * The built-in example: a SYNTHETIC Chinchilla ladder. Losses are drawn from Hoffmann et al.'s
 * published Approach-3 law (E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28, unrounded as
 * Besiroglu et al. quote them) with seeded multiplicative noise, over a ladder shaped like the runs
 * people train to plan a big one: eight model sizes from 25M to 3.2B parameters, each at seven
 * token-per-parameter ratios from 2.5 to 160. It is labelled synthetic wherever it appears, and
 * since the truth is known, a fit can be checked against it.
 */
import type { Dataset } from '../data/dataset.js';
import { createRng, nextNormal } from '../util/rng.js';

/** Hoffmann et al. (2022), Approach 3, as published (unrounded values via Besiroglu et al. 2024). */
export const HOFFMANN_TRUTH = Object.freeze({
  A: Math.exp(6.0073404),
  B: Math.exp(6.0179186),
  E: Math.exp(0.5267228),
  alpha: 0.33917084,
  beta: 0.2849083,
});

export interface LadderOptions {
  seed?: number;
  /** Standard deviation of the multiplicative (log-space) noise. Default 0.01 (1 %). */
  noise?: number;
  sizes?: readonly number[];
  tokensPerParam?: readonly number[];
}

export const DEFAULT_LADDER_SEED = 20221129;
export const LADDER_SIZES = [25e6, 50e6, 100e6, 200e6, 400e6, 800e6, 1.6e9, 3.2e9] as const;
export const LADDER_TOKENS_PER_PARAM = [2.5, 5, 10, 20, 40, 80, 160] as const;

export function chinchillaLadder(opts: LadderOptions = {}): Dataset {
  const seed = opts.seed ?? DEFAULT_LADDER_SEED;
  const noise = opts.noise ?? 0.01;
  const sizes = opts.sizes ?? LADDER_SIZES;
  const ratios = opts.tokensPerParam ?? LADDER_TOKENS_PER_PARAM;
  const rng = createRng(seed);
  const t = HOFFMANN_TRUTH;
  const n = sizes.length * ratios.length;
  const inputs = new Float64Array(n * 2);
  const y = new Float64Array(n);
  let i = 0;
  for (const N of sizes) {
    for (const r of ratios) {
      const D = r * N;
      const L = t.E + t.A / N ** t.alpha + t.B / D ** t.beta;
      inputs[2 * i] = N;
      inputs[2 * i + 1] = D;
      y[i] = L * Math.exp(noise * nextNormal(rng));
      i++;
    }
  }
  return {
    source: `synthetic:chinchilla-ladder (seed ${seed}, ${100 * noise} % noise, drawn from Hoffmann et al. 2022)`,
    inputNames: ['N', 'D'],
    inputExpressions: ['N', 'D'],
    targetExpression: 'loss',
    n,
    inputs,
    y,
    rowNumbers: Int32Array.from({ length: n }, (_, k) => k + 2),
  };
}

/** The ladder as CSV text (header N,D,loss), for users who want to run `lawfit fit` on it. */
export function ladderCsv(ds: Dataset): string {
  const rows = ['N,D,loss'];
  for (let i = 0; i < ds.n; i++) rows.push(`${ds.inputs[2 * i]},${ds.inputs[2 * i + 1]},${ds.y[i]}`);
  return rows.join('\n') + '\n';
}
