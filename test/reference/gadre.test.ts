/**
 * Gadre et al. 2024 (RedPajama, C4 validation loss): the over-training law fitted by least squares
 * on 5 small runs from its 128-point grid, the downstream law on 6 runs from scipy's default
 * p0 = (1, 1, 1), then the published relative errors of four predictions:
 * 1.4B at M = 640 loss 0.7103 %, 6.9B at M = 20 loss 0.7320 %, 17-task top-1 error 3.6365 % (1.4B)
 * and 0.0464 % (6.9B), the error predicted from the predicted loss.
 */
import { describe, expect, test } from 'vitest';
import { readTableFile, datasetFromTable } from '../../src/data/index.js';
import type { Table } from '../../src/data/index.js';
import { compileLaw, internalFromNatural } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { sharedFile } from '../support/shared-data.js';

function rowsWhere(t: Table, keep: (row: Record<string, unknown>) => boolean): Table {
  const idx = t.rows.map((_, i) => i).filter((i) => keep(Object.fromEntries(t.columns.map((c, k) => [c, t.rows[i]![k]]))));
  return { ...t, rows: idx.map((i) => t.rows[i]!), rowNumbers: idx.map((i) => t.rowNumbers[i]!) };
}

describe('Gadre et al. 2024, RedPajama', () => {
  test('the four published relative errors, within 0.01 percentage points', async () => {
    const table = await readTableFile(sharedFile('gadre-overtraining/gadre_104_models.csv'));
    const rpj = rowsWhere(table, (r) => r.train_dataset === 'rpj');
    const small = ['d=96_l=8_h=4', 'd=512_l=8_h=4', 'd=576_l=24_h=8', 'd=1024_l=24_h=8'];
    const M = (r: Record<string, unknown>) => Number(r.token_multiplier_M);
    const lossFit = rowsWhere(rpj, (r) => (small.includes(String(r.model_config)) && M(r) === 20) || (r.model_config === 'd=96_l=8_h=4' && M(r) === 320));
    const downFit = rowsWhere(rpj, (r) => (small.includes(String(r.model_config)) && M(r) === 20) || (r.model_config === 'd=96_l=8_h=4' && M(r) === 320) || (r.model_config === 'open_lm_1b' && M(r) === 20));
    expect(lossFit.rows.length).toBe(5);
    expect(downFit.rows.length).toBe(6);

    const over = compileLaw(findLaw('overtrain'));
    const lossData = await datasetFromTable(lossFit, { inputs: { N: 'N_params', M: 'D_tokens / N_params' }, target: 'loss_c4_val' }, over.inputNames);
    const lossFitResult = await fitLaw(over, lossData);
    expect(lossFitResult.starts.count).toBe(128);

    const down = compileLaw(findLaw('downstream-exp'));
    const downData = await datasetFromTable(downFit, { inputs: { L: 'loss_c4_val' }, target: 'err_avg_17' }, down.inputNames);
    const downResult = await fitLaw(down, downData);

    const predictLoss = (N: number, m: number) => over.js.prediction(lossFitResult.bestInternal, over.js.features(Float64Array.from([N, m]), 2, 1), 0);
    const predictErr = (L: number) => down.js.prediction(downResult.bestInternal, down.js.features(Float64Array.from([L]), 1, 1), 0);
    const actual = (cfg: string, m: number) => rowsWhere(rpj, (r) => r.model_config === cfg && M(r) === m).rows[0]!;
    const col = (name: string) => table.columns.indexOf(name);
    const relErr = (pred: number, act: number) => (100 * Math.abs(pred - act)) / act;

    const b1 = actual('open_lm_1b', 640);
    const b7 = actual('open_lm_7b', 20);
    const L1 = predictLoss(Number(b1[col('N_params')]), 640);
    const L7 = predictLoss(Number(b7[col('N_params')]), 20);
    const got = {
      loss1b: relErr(L1, Number(b1[col('loss_c4_val')])),
      loss7b: relErr(L7, Number(b7[col('loss_c4_val')])),
      err1b: relErr(predictErr(L1), Number(b1[col('err_avg_17')])),
      err7b: relErr(predictErr(L7), Number(b7[col('err_avg_17')])),
    };
    const p = Object.fromEntries(lossFitResult.params.map((q) => [q.name, q.value]));
    console.log('gadre/rpj fit', p, Object.fromEntries(downResult.params.map((q) => [q.name, q.value])), 'relative errors %', got);
    expect(Math.abs(got.loss1b - 0.7103)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(got.loss7b - 0.732)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(got.err1b - 3.6365)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(got.err7b - 0.0464)).toBeLessThanOrEqual(0.01);
    // The internal coordinates of the published fit give the same predictions (a check on the test itself).
    const published = internalFromNatural(over, [166.21097448, -0.27285069846, 366.68714689, 1.83664834513]);
    expect(over.js.prediction(published, over.js.features(Float64Array.from([1439795200, 640]), 2, 1), 0)).toBeCloseTo(2.5198, 4);
  });
});
