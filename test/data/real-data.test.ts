/**
 * The loaders on the project's reference data (read from ../shared/data, never copied). Expected
 * values are computed here independently of the loaders, from a plain line split of the files
 * (they contain no quoted fields), so the test would catch a misread row, column or filter.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import { asDataError, rejected } from './helpers.js';

const SHARED = resolve(import.meta.dirname, '../../../shared/data');
const CHINCHILLA = resolve(SHARED, 'chinchilla-epoch/chinchilla_epoch_245.csv');
const GADRE = resolve(SHARED, 'gadre-overtraining/gadre_104_models.csv');

/** header + rows split on ',' with their line numbers (header = line 1). */
function plainCsv(path: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = lines[0]!.trim().split(',');
  const rows = lines
    .slice(1)
    .map((l, i) => ({ line: i + 2, cells: l.trim().split(',') }))
    .filter((r) => r.cells.length > 1);
  return { header, rows };
}

describe('reference data', () => {
  test('the shared data folder is where the tests expect it', () => {
    expect(existsSync(CHINCHILLA)).toBe(true);
    expect(existsSync(GADRE)).toBe(true);
  });

  test("Chinchilla (Epoch): N, D, loss with where 'excluded_outlier == 0' keeps 240 of 245 rows", async () => {
    const ds = await loadDataset(CHINCHILLA, { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' }, ['N', 'D']);
    expect(ds.n).toBe(240);

    const { header, rows } = plainCsv(CHINCHILLA);
    expect(rows).toHaveLength(245);
    const col = (name: string) => header.indexOf(name);
    const kept = rows.filter((r) => r.cells[col('excluded_outlier')] === '0');
    expect(Array.from(ds.rowNumbers)).toEqual(kept.map((r) => r.line));
    expect(Array.from(ds.y)).toEqual(kept.map((r) => Number(r.cells[col('loss')])));
    expect(Array.from(ds.inputs)).toEqual(kept.flatMap((r) => [Number(r.cells[col('N_params')]), Number(r.cells[col('D_tokens')])]));
    expect(ds.digest).toBe(createHash('sha256').update(readFileSync(CHINCHILLA)).digest('hex'));
    // The five flagged outliers are gone.
    const dropped = rows.filter((r) => r.cells[col('excluded_outlier')] === '1').map((r) => r.line);
    expect(dropped).toHaveLength(5);
    for (const line of dropped) expect(Array.from(ds.rowNumbers)).not.toContain(line);
  });

  test('Gadre et al.: derived M = D_tokens / N_params matches the published M_actual column', async () => {
    const ds = await loadDataset(
      GADRE,
      { inputs: { N: 'N_params', M: 'D_tokens / N_params' }, target: 'loss_c4_val', group: 'train_dataset' },
      ['N', 'M'],
    );
    expect(ds.n).toBe(104);
    const { header, rows } = plainCsv(GADRE);
    const m = rows.map((r) => Number(r.cells[header.indexOf('M_actual')]));
    const derived = Array.from(ds.inputs).filter((_, i) => i % 2 === 1);
    expect(derived).toHaveLength(104);
    derived.forEach((v, i) => expect(v).toBeCloseTo(m[i]!, 12));
    expect(Array.from(ds.y)).toEqual(rows.map((r) => Number(r.cells[header.indexOf('loss_c4_val')])));
    const counts: Record<string, number> = {};
    for (const g of ds.groups ?? []) counts[g] = (counts[g] ?? 0) + 1;
    expect(counts).toEqual({ c4_original: 34, rpj: 35, rw_original: 35 });
  });

  test('Gadre et al.: a filter on M, and a column whose name has a hyphen', async () => {
    const ds = await loadDataset(
      GADRE,
      { inputs: { N: 'N_params' }, target: 'loss_paloma_falcon-refinedweb', where: 'D_tokens / N_params == 20' },
      ['N'],
    );
    const { header, rows } = plainCsv(GADRE);
    const at20 = rows.filter((r) => Number(r.cells[header.indexOf('token_multiplier_M')]) === 20);
    expect(ds.n).toBe(at20.length);
    expect(Array.from(ds.y)).toEqual(at20.map((r) => Number(r.cells[header.indexOf('loss_paloma_falcon-refinedweb')])));
  });

  test('Gadre et al.: the empty seed cells are an error only when the seed is used', async () => {
    const e = asDataError(await rejected(loadDataset(GADRE, { inputs: { N: 'N_params' }, target: 'loss_c4_val', weights: 'seed' }, ['N'])), 'data-value');
    expect(e.location).toEqual({ file: GADRE, row: 2, column: 'seed' });
    expect(e.message).toBe(`${GADRE}, row 2, column 'seed': the cell is empty (needed by weights 'seed'); fill it in or exclude the row with a where filter`);
  });
});
