/**
 * End to end from file contents (or files on disk) to a Dataset: mapping, derived columns, filters,
 * weights, groups, digests, no mutation of inputs, and every bad-input path with its exact message.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { datasetFromTable, datasetFromText, loadDataset, readTable, sha256Hex, tableFromRecords, type DataSpec } from '../../src/data/index.js';
import { asDataError, rejected, tempDir, thrown } from './helpers.js';

const sha256 = (content: string | Uint8Array): string => createHash('sha256').update(content).digest('hex');

// Line 1 is the header, so the data rows are rows 2..6.
const RUNS = [
  'idx,N_params,D_tokens,loss,excluded_outlier,w,family',
  '0,1e9,2e10,2.5,0,1,a', // row 2
  '1,2e9,4e10,2.4,0,2,a', // row 3
  '2,4e9,8e10,2.3,1,0,b', // row 4
  '3,8e9,1.6e11,2.2,0,1,b', // row 5
  '4,1.6e10,3.2e11,2.1,0,0.5,c', // row 6
].join('\n');
const ND = ['N', 'D'] as const;
const spec = (extra: Partial<DataSpec> = {}): DataSpec => ({ inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', ...extra });
/** RUNS with one cell replaced: data row `dataRow` (1-based, so it is on line dataRow + 1), column index `col`. */
function withCell(dataRow: number, col: number, text: string): string {
  const lines = RUNS.split('\n');
  const cells = lines[dataRow]!.split(',');
  cells[col] = text;
  lines[dataRow] = cells.join(',');
  return lines.join('\n');
}

describe('datasetFromText: mapping a CSV onto a law', () => {
  test('inputs (row-major, in the law order), target, row numbers, expressions and digest', async () => {
    const ds = await datasetFromText(RUNS, 'runs.csv', 'auto', { inputs: { D: 'D_tokens', N: 'N_params' }, target: 'loss' }, ND);
    expect(ds.source).toBe('runs.csv');
    expect(ds.n).toBe(5);
    expect(ds.inputNames).toEqual(['N', 'D']);
    expect(ds.inputExpressions).toEqual(['N_params', 'D_tokens']);
    expect(ds.targetExpression).toBe('loss');
    expect(Array.from(ds.inputs)).toEqual([1e9, 2e10, 2e9, 4e10, 4e9, 8e10, 8e9, 1.6e11, 1.6e10, 3.2e11]);
    expect(Array.from(ds.y)).toEqual([2.5, 2.4, 2.3, 2.2, 2.1]);
    expect(Array.from(ds.rowNumbers)).toEqual([2, 3, 4, 5, 6]);
    expect(ds.rowNumbers).toBeInstanceOf(Int32Array);
    expect(ds.digest).toBe(sha256(RUNS));
    expect(ds).not.toHaveProperty('weights');
    expect(ds).not.toHaveProperty('where');
    expect(ds).not.toHaveProperty('groups');
  });

  test('derived columns', async () => {
    const ds = await datasetFromText(RUNS, 'runs.csv', 'csv', { inputs: { N: 'N_params', M: 'D_tokens / N_params' }, target: 'log(loss)' }, ['N', 'M']);
    expect(ds.inputExpressions).toEqual(['N_params', 'D_tokens / N_params']);
    expect(Array.from(ds.inputs).filter((_, i) => i % 2 === 1)).toEqual([20, 20, 20, 20, 20]);
    expect(ds.y[0]).toBe(Math.log(2.5));
  });

  test("where 'excluded_outlier == 0' keeps the other rows and their source row numbers", async () => {
    const ds = await datasetFromText(RUNS, 'runs.csv', 'auto', spec({ where: 'excluded_outlier == 0' }), ND);
    expect(ds.n).toBe(4);
    expect(Array.from(ds.rowNumbers)).toEqual([2, 3, 5, 6]);
    expect(Array.from(ds.y)).toEqual([2.5, 2.4, 2.2, 2.1]);
    expect(ds.where).toBe('excluded_outlier == 0');
  });

  test('where with logic and arithmetic', async () => {
    const ds = await datasetFromText(RUNS, 'runs.csv', 'auto', spec({ where: 'excluded_outlier == 0 && D_tokens / N_params >= 20 && N_params < 1e10' }), ND);
    expect(Array.from(ds.rowNumbers)).toEqual([2, 3, 5]);
  });

  test('a bad cell in a filtered-out row, or in a column nobody uses, is no error', async () => {
    const text = withCell(3, 3, 'oops').replace('0,1e9,2e10,2.5,0,1,a', '0,1e9,2e10,2.5,0,not-a-weight,a');
    const ds = await datasetFromText(text, 'runs.csv', 'auto', spec({ where: 'excluded_outlier == 0' }), ND);
    expect(Array.from(ds.rowNumbers)).toEqual([2, 3, 5, 6]);
  });

  test('weights and groups', async () => {
    const ds = await datasetFromText(RUNS, 'runs.csv', 'auto', spec({ weights: 'w', group: 'family' }), ND);
    expect(Array.from(ds.weights ?? [])).toEqual([1, 2, 0, 1, 0.5]);
    expect(ds.weightExpression).toBe('w');
    expect(ds.groups).toEqual(['a', 'a', 'b', 'b', 'c']);
    expect(ds.groupColumn).toBe('family');
  });

  test('numeric group labels become strings; weights may be expressions', async () => {
    const ds = await datasetFromText(RUNS, 'runs.csv', 'auto', spec({ weights: 'w * 2', group: 'excluded_outlier' }), ND);
    expect(ds.groups).toEqual(['0', '0', '1', '0', '0']);
    expect(Array.from(ds.weights ?? [])).toEqual([2, 4, 0, 2, 1]);
  });

  test('bytes: BOM and CRLF; the digest is of the bytes as given', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(RUNS.replace(/\n/g, '\r\n') + '\r\n\r\n')]);
    const ds = await datasetFromText(bytes, 'runs.csv', 'auto', spec(), ND);
    expect(ds.n).toBe(5);
    expect(Array.from(ds.rowNumbers)).toEqual([2, 3, 4, 5, 6]);
    expect(ds.digest).toBe(sha256(bytes));
    expect(await sha256Hex(bytes)).toBe(sha256(bytes));
  });

  test('TSV, JSON and JSONL give the same numbers; JSON rows are record indices, JSONL rows are lines', async () => {
    const tsv = RUNS.replace(/,/g, '\t');
    const records = RUNS.split('\n')
      .slice(1)
      .map((l) => {
        const c = l.split(',');
        return { N_params: Number(c[1]), D_tokens: Number(c[2]), loss: Number(c[3]), excluded_outlier: c[4] === '1' };
      });
    const json = JSON.stringify(records);
    const columns = JSON.stringify({
      N_params: records.map((r) => r.N_params),
      D_tokens: records.map((r) => r.D_tokens),
      loss: records.map((r) => r.loss),
      excluded_outlier: records.map((r) => r.excluded_outlier),
    });
    const jsonl = records.map((r) => JSON.stringify(r)).join('\n\n');
    const where = spec({ where: 'excluded_outlier == 0' });
    const fromTsv = await datasetFromText(tsv, 'runs.tsv', 'auto', where, ND);
    const fromJson = await datasetFromText(json, 'runs.json', 'auto', where, ND);
    const fromColumns = await datasetFromText(columns, 'runs.json', 'auto', where, ND);
    const fromJsonl = await datasetFromText(jsonl, 'runs.jsonl', 'auto', where, ND);
    for (const ds of [fromTsv, fromJson, fromColumns, fromJsonl]) {
      expect(Array.from(ds.y)).toEqual([2.5, 2.4, 2.2, 2.1]);
      expect(Array.from(ds.inputs.slice(0, 2))).toEqual([1e9, 2e10]);
    }
    expect(Array.from(fromTsv.rowNumbers)).toEqual([2, 3, 5, 6]);
    expect(Array.from(fromJson.rowNumbers)).toEqual([1, 2, 4, 5]);
    expect(Array.from(fromColumns.rowNumbers)).toEqual([1, 2, 4, 5]);
    expect(Array.from(fromJsonl.rowNumbers)).toEqual([1, 3, 7, 9]);
  });

  test('in-memory records (no digest)', () => {
    const table = tableFromRecords(
      [
        { x: 1, y: 2 },
        { x: 2, y: 4 },
      ],
      'synthetic:line',
    );
    const ds = datasetFromTable(table, { inputs: { x: 'x' }, target: 'y' }, ['x']);
    expect(Array.from(ds.y)).toEqual([2, 4]);
    expect(ds).not.toHaveProperty('digest');
  });

  test('loading never mutates its inputs', async () => {
    const frozenSpec = Object.freeze({
      inputs: Object.freeze({ N: 'N_params', M: 'D_tokens / N_params' }),
      target: 'loss',
      where: 'excluded_outlier == 0',
      weights: 'w',
      group: 'family',
    });
    const names = Object.freeze(['N', 'M']);
    const table = readTable(RUNS, 'runs.csv');
    const before = JSON.stringify(table);
    const ds = datasetFromTable(table, frozenSpec, names);
    expect(JSON.stringify(table)).toBe(before);
    expect(ds.inputNames).not.toBe(names);
    const ds2 = await datasetFromText(RUNS, 'runs.csv', 'auto', frozenSpec, names);
    expect(ds2.n).toBe(ds.n);
  });
});

describe('datasetFromText: every bad input is a one-line error naming file, row and column', () => {
  const fail = async (text: string, s: DataSpec, code: string, names: readonly string[] = ND) =>
    asDataError(await rejected(datasetFromText(text, 'runs.csv', 'auto', s, names)), code);

  test('a non-numeric cell on the 3rd data row is row 4', async () => {
    const e = await fail(withCell(3, 3, 'abc'), spec(), 'data-value');
    expect(e.location).toEqual({ file: 'runs.csv', row: 4, column: 'loss' });
    expect(e.message).toBe("runs.csv, row 4, column 'loss': 'abc' is not a number (needed by target 'loss'); correct the cell or exclude the row with a where filter");
  });

  test('empty cell', async () => {
    const e = await fail(withCell(2, 1, ''), spec(), 'data-value');
    expect(e.message).toBe(
      "runs.csv, row 3, column 'N_params': the cell is empty (needed by input N = 'N_params'); fill it in or exclude the row with a where filter",
    );
  });

  test('NaN, inf, Infinity and 1,000 are refused', async () => {
    for (const bad of ['NaN', 'inf', 'Infinity', '"1,000"']) {
      const e = await fail(withCell(5, 2, bad), spec(), 'data-value');
      expect(e.location).toEqual({ file: 'runs.csv', row: 6, column: 'D_tokens' });
      expect(e.message).toContain(`'${bad.replace(/"/g, '')}' is`);
    }
  });

  test('a bad cell read by a derived column names the column and the expression', async () => {
    const e = await fail(withCell(1, 2, 'x'), { inputs: { N: 'N_params', M: 'D_tokens / N_params' }, target: 'loss' }, 'data-value', ['N', 'M']);
    expect(e.message).toBe(
      "runs.csv, row 2, column 'D_tokens': 'x' is not a number (needed by input M = 'D_tokens / N_params'); correct the cell or exclude the row with a where filter",
    );
  });

  test('a bad cell read by the filter is an error (the filter needs it)', async () => {
    const e = await fail(withCell(2, 4, '?'), spec({ where: 'excluded_outlier == 0' }), 'data-value');
    expect(e.location).toEqual({ file: 'runs.csv', row: 3, column: 'excluded_outlier' });
    expect(e.message).toContain("(needed by where 'excluded_outlier == 0')");
  });

  test('a non-finite derived value names the row, the expression and the operation', async () => {
    const e = await fail(withCell(4, 1, '0'), { inputs: { N: 'N_params', M: 'D_tokens / N_params' }, target: 'loss' }, 'data-value', ['N', 'M']);
    expect(e.location).toEqual({ file: 'runs.csv', row: 5 });
    expect(e.message).toBe(
      "runs.csv, row 5: input M = 'D_tokens / N_params', col 10: division by zero in D_tokens/N_params (160000000000 / 0); correct the data or exclude the row with a where filter",
    );
  });

  test('a non-finite value in the filter suggests guarding it', async () => {
    const e = await fail(withCell(1, 4, '-1'), spec({ where: 'log(excluded_outlier + 1) < 1' }), 'data-value');
    expect(e.message).toBe(
      "runs.csv, row 2: where 'log(excluded_outlier + 1) < 1', col 1: log of zero in log(excluded_outlier + 1) (log(0)); make the filter defined on every row (&& and || skip their right side when the left decides)",
    );
  });

  test('missing column: names it, suggests, lists the columns', async () => {
    const e = await fail(RUNS, spec({ target: 'los' }), 'data-column');
    expect(e.location).toEqual({ file: 'runs.csv', column: 'los' });
    expect(e.message).toBe(
      "runs.csv, column 'los': no such column (target 'los'); did you mean 'loss'? columns: 'idx', 'N_params', 'D_tokens', 'loss', 'excluded_outlier', 'w', 'family'",
    );
  });

  test('unknown column inside an expression gives its position', async () => {
    const e = await fail(RUNS, { inputs: { N: 'N_params', M: 'D_token / N_params' }, target: 'loss' }, 'data-column', ['N', 'M']);
    expect(e.message).toMatch(/^runs\.csv, column 'D_token': no such column \(input M = 'D_token \/ N_params', col 1\); did you mean 'D_tokens'\? columns: /);
  });

  test('the filter removed everything', async () => {
    const e = await fail(RUNS, spec({ where: 'loss > 100' }), 'data-too-few');
    expect(e.message).toBe("runs.csv: where 'loss > 100' removed all 5 rows; nothing is left to fit (check the filter's condition)");
  });

  test('weights: negative, non-finite, all zero', async () => {
    const neg = await fail(withCell(2, 5, '-1'), spec({ weights: 'w' }), 'data-value');
    expect(neg.message).toBe("runs.csv, row 3, column 'w': weight -1 is negative (weights 'w'); weights must be >= 0 (0 leaves the row out of the fit)");
    const nan = await fail(withCell(2, 5, 'nan'), spec({ weights: 'w' }), 'data-value');
    expect(nan.location).toEqual({ file: 'runs.csv', row: 3, column: 'w' });
    const zero = await fail(RUNS, spec({ weights: 'w * 0' }), 'data-value');
    expect(zero.message).toBe("runs.csv: every kept row has weight 0 (weights 'w * 0'); at least one weight must be positive");
    const negExpr = await fail(RUNS, spec({ weights: 'w - 1' }), 'data-value');
    expect(negExpr.location).toEqual({ file: 'runs.csv', row: 4 });
  });

  test('group: empty label, expression instead of a column', async () => {
    const e = await fail(withCell(3, 6, ''), spec({ group: 'family' }), 'data-value');
    expect(e.message).toBe("runs.csv, row 4, column 'family': the group label is empty (group 'family'); fill it in or exclude the row with a where filter");
    const e2 = await fail(RUNS, spec({ group: 'idx + 1' }), 'data-column');
    expect(e2.message).toBe("runs.csv: group 'idx + 1' must be a single column name, not an expression");
  });

  test('unmapped and unknown law inputs are reported before the data is read', async () => {
    const e = await fail('not even, a, valid\n"csv', { inputs: { N: 'N_params' }, target: 'loss' }, 'data-column');
    expect(e.message).toBe("runs.csv: law input 'D' is not mapped; use --x D=COLUMN");
    const e2 = await fail(RUNS, { inputs: { N: 'N_params', D: 'D_tokens', E: 'loss' }, target: 'loss' }, 'data-column');
    expect(e2.message).toBe("runs.csv: 'E' is mapped (--x E=...) but is not an input of the law; the law's inputs are: N, D");
  });

  test('file structure errors come through', async () => {
    const e = await fail(RUNS + '\n5,1,2\n', spec(), 'data-parse');
    expect(e.location).toEqual({ file: 'runs.csv', row: 7 });
  });

  test('JSON cells: null and missing keys', async () => {
    const nul = asDataError(
      await rejected(datasetFromText('[{"N": 1, "y": 2}, {"N": null, "y": 3}]', 'r.json', 'auto', { inputs: { N: 'N' }, target: 'y' }, ['N'])),
      'data-value',
    );
    expect(nul.message).toBe("r.json, row 2, column 'N': the value is null (needed by input N = 'N'); fill it in or exclude the row with a where filter");
    const missing = asDataError(
      await rejected(datasetFromText('{"N": 1, "y": 2}\n{"y": 3}\n', 'r.jsonl', 'auto', { inputs: { N: 'N' }, target: 'y' }, ['N'])),
      'data-value',
    );
    expect(missing.location).toEqual({ file: 'r.jsonl', row: 2, column: 'N' });
  });

  test('errors are thrown before anything is returned (synchronous table mapping too)', () => {
    const table = readTable(withCell(5, 3, 'bad'), 'runs.csv');
    const e = asDataError(thrown(() => datasetFromTable(table, spec(), ND)), 'data-value');
    expect(e.location.row).toBe(6);
  });
});

describe('loadDataset: files on disk', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  test('CSV, TSV, JSON and JSONL files; the digest is of the file bytes', async () => {
    const files = {
      'runs.csv': RUNS,
      'runs.tsv': RUNS.replace(/,/g, '\t'),
      'runs.json': JSON.stringify([{ N_params: 1e9, D_tokens: 2e10, loss: 2.5 }]),
      'runs.jsonl': '{"N_params": 1e9, "D_tokens": 2e10, "loss": 2.5}\n',
    };
    for (const [name, content] of Object.entries(files)) {
      const path = tmp.write(name, content);
      const ds = await loadDataset(path, spec(), ND);
      expect(ds.source).toBe(path);
      expect(ds.y[0]).toBe(2.5);
      expect(Array.from(ds.inputs.slice(0, 2))).toEqual([1e9, 2e10]);
      expect(ds.digest).toBe(sha256(content));
    }
  });

  test('an explicit format overrides the extension', async () => {
    const path = tmp.write('runs.dat', '{"N_params": 1, "D_tokens": 2, "loss": 3}\n');
    const ds = await loadDataset(path, spec(), ND, 'jsonl');
    expect(ds.n).toBe(1);
  });

  test('a bad cell in a file names the path', async () => {
    const path = tmp.write('bad.csv', withCell(3, 3, 'abc'));
    const e = asDataError(await rejected(loadDataset(path, spec(), ND)), 'data-value');
    expect(e.message).toBe(`${path}, row 4, column 'loss': 'abc' is not a number (needed by target 'loss'); correct the cell or exclude the row with a where filter`);
  });

  test('unreadable paths', async () => {
    const missing = `${tmp.dir}/no-such-file.csv`;
    const e = asDataError(await rejected(loadDataset(missing, spec(), ND)), 'data-file');
    expect(e.message).toBe(`${missing}: no such file; check the path (relative paths are resolved from the current directory)`);
    const dir = asDataError(await rejected(loadDataset(tmp.dir, spec(), ND)), 'data-file');
    expect(dir.message).toBe(`${tmp.dir}: this is a directory, not a data file`);
  });

  test('an empty file', async () => {
    const path = tmp.write('empty.csv', '');
    const e = asDataError(await rejected(loadDataset(path, spec(), ND)), 'data-file');
    expect(e.message).toBe(`${path}: the file is empty; expected a header line and data rows`);
  });

  test('spec mistakes are reported without touching the file', async () => {
    const e = asDataError(await rejected(loadDataset(`${tmp.dir}/no-such-file.csv`, { inputs: {}, target: 'loss' }, ND)), 'data-column');
    expect(e.message).toMatch(/law input 'N' is not mapped; use --x N=COLUMN$/);
  });
});
