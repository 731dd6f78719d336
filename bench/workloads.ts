/**
 * The benchmark workloads, shared by the matrix (bench/matrix.ts) and the device benchmark
 * (bench/device/bench.ts), so a figure measured here and one measured on a GPU machine are the same
 * problem:
 *
 * - the synthetic Chinchilla ladder (src/examples/chinchilla-ladder.ts) at nSizes x nRatios rows
 *   (16 x 16 = 256 rows is the standard least-squares workload), seed 7;
 * - the Epoch AI digitisation of Hoffmann et al.'s Figure 4 (Besiroglu et al. 2024), 240 rows after
 *   the outliers they exclude, fitted with their Huber loss (delta = 1e-3).
 */
import { resolve } from 'node:path';
import type { Dataset } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/index.js';
import { chinchillaLadder } from '../src/examples/chinchilla-ladder.js';
import type { LossSpec } from '../src/fit/losses.js';
import type { CompiledLaw } from '../src/law/compile.js';

export function ladder(nSizes: number, nRatios: number): Dataset {
  const sizes = Array.from({ length: nSizes }, (_, k) => 2e7 * Math.pow(200, k / Math.max(1, nSizes - 1)));
  const ratios = Array.from({ length: nRatios }, (_, k) => 2 * Math.pow(100, k / Math.max(1, nRatios - 1)));
  return chinchillaLadder({ sizes, tokensPerParam: ratios, seed: 7 });
}

/** The Epoch CSV in the shared data folder beside the repository (read in place, never copied into it). */
export const EPOCH_CSV_IN_SHARED = resolve(import.meta.dirname, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv');

export const EPOCH_HUBER: LossSpec = { kind: 'huber', delta: 1e-3 };

export function loadEpoch(law: CompiledLaw, path: string = EPOCH_CSV_IN_SHARED): Promise<Dataset> {
  return loadDataset(path, { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' }, law.inputNames);
}
