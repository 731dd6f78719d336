/**
 * A SYNTHETIC grouped ladder for per-group laws (law/groups.ts): G groups of runs (training sets,
 * say) drawn from the Chinchilla law with E and A per group and alpha, B, beta shared, with seeded
 * multiplicative noise. The truth is known, so a grouped fit can be checked against it; used by
 * the GPU parity test and bench/grouped.ts. Labelled synthetic wherever it appears.
 */
import type { Dataset } from '../data/dataset.js';
import { createRng, nextNormal } from '../util/rng.js';

export interface GroupedLadderOptions {
  groups?: number;
  seed?: number;
  /** Log-space noise sd. Default 0.005. */
  noise?: number;
  sizes?: readonly number[];
  tokensPerParam?: readonly number[];
}

export interface GroupedLadder {
  dataset: Dataset;
  /** Natural values by parameter display name: E[g0], A[g0], ..., alpha, B, beta. */
  truth: Record<string, number>;
  levels: string[];
}

export function groupedLadder(opts: GroupedLadderOptions = {}): GroupedLadder {
  const G = opts.groups ?? 20;
  const seed = opts.seed ?? 11;
  const noise = opts.noise ?? 0.005;
  const sizes = opts.sizes ?? [50e6, 200e6, 800e6, 3.2e9];
  const ratios = opts.tokensPerParam ?? [5, 20, 80];
  const rng = createRng(seed);
  const shared = { alpha: 0.34, B: 410.7, beta: 0.28 };
  const levels = Array.from({ length: G }, (_, g) => `g${g}`);
  const truth: Record<string, number> = {};
  const n = G * sizes.length * ratios.length;
  const inputs = new Float64Array(n * 2);
  const y = new Float64Array(n);
  const groups: string[] = [];
  let i = 0;
  levels.forEach((lv, g) => {
    const E = 1.5 + (0.4 * g) / Math.max(1, G - 1);
    const A = 406.4 * (0.7 + 0.15 * (g % 5));
    truth[`E[${lv}]`] = E;
    truth[`A[${lv}]`] = A;
    for (const N of sizes) {
      for (const r of ratios) {
        const D = r * N;
        inputs[2 * i] = N;
        inputs[2 * i + 1] = D;
        y[i] = (E + A / N ** shared.alpha + shared.B / D ** shared.beta) * Math.exp(noise * nextNormal(rng));
        groups.push(lv);
        i++;
      }
    }
  });
  Object.assign(truth, shared);
  return {
    dataset: {
      source: `synthetic:grouped-ladder (${G} groups, seed ${seed}, ${100 * noise} % noise)`,
      inputNames: ['N', 'D'],
      inputExpressions: ['N', 'D'],
      targetExpression: 'loss',
      n,
      inputs,
      y,
      rowNumbers: Int32Array.from({ length: n }, (_, k) => k + 2),
      groups,
      groupColumn: 'group',
    },
    truth,
    levels,
  };
}
