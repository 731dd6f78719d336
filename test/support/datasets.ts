/** Datasets the tests share: an inline one-input table, and the Epoch Chinchilla runs. */
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/index.js';
import type { CompiledLaw } from '../../src/law/compile.js';
import { sharedFile } from './shared-data.js';

/** One input `x`, target `y`, optional weights; row numbers as a CSV with a header would have them. */
export function inlineDataset(x: readonly number[], y: readonly number[], weights?: readonly number[]): Dataset {
  return {
    source: 'inline',
    inputNames: ['x'],
    inputExpressions: ['x'],
    targetExpression: 'y',
    n: x.length,
    inputs: Float64Array.from(x),
    y: Float64Array.from(y),
    ...(weights !== undefined ? { weights: Float64Array.from(weights) } : {}),
    rowNumbers: Int32Array.from(x.map((_, i) => i + 2)),
  };
}

/** The 240 Epoch runs (outliers excluded) mapped onto a law with inputs N and D. */
export function loadEpochChinchilla(law: CompiledLaw): Promise<Dataset> {
  return loadDataset(
    sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv'),
    { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' },
    law.inputNames,
  );
}
