/**
 * Resolving spec entries against columns: direct column names, backtick quoting, and every mistake
 * caught before rows are read (unknown column/function, arity, syntax) with position and suggestion.
 */
import { describe, expect, test } from 'vitest';
import { compileDataExpression, evaluateDataExpression, listColumns, NonFiniteValue } from '../../src/data/index.js';
import { asDataError, thrown } from './helpers.js';

const COLUMNS = ['N_params', 'D_tokens', 'loss', 'excluded_outlier', 'loss_paloma_falcon-refinedweb', 'log'];
const compile = (text: string, label = `input M = '${text}'`) => compileDataExpression(text, label, COLUMNS, 'runs.csv');
const rowValues = [1e9, 2e10, 2.5, 0, 3.25, 7];
const evalRow = (text: string, values: readonly number[] = rowValues) =>
  evaluateDataExpression(compile(text), (c) => {
    const v = values[c];
    if (v === undefined) throw new Error(`test: no column ${c}`);
    return v;
  });

describe('resolving spec entries against columns', () => {
  test('a column name is that column, even when it is not an identifier', () => {
    expect(compile(' loss ')).toMatchObject({ text: 'loss', column: 2, columns: [2] });
    expect(compile('loss_paloma_falcon-refinedweb')).toMatchObject({ column: 4 });
    expect(evalRow('loss_paloma_falcon-refinedweb')).toBe(3.25);
  });

  test('an expression records the columns it reads, in order of first use', () => {
    const de = compile('D_tokens / N_params + D_tokens');
    expect(de.column).toBeUndefined();
    expect(de.columns).toEqual([1, 0]);
    expect(evalRow('D_tokens / N_params')).toBe(20);
  });

  test('backticks quote column names that are not identifiers; messages show the backticks', () => {
    expect(evalRow('`loss_paloma_falcon-refinedweb` * 2 + `loss`')).toBe(9);
    try {
      evalRow('`loss_paloma_falcon-refinedweb` / excluded_outlier');
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(NonFiniteValue);
      const de = compile('`loss_paloma_falcon-refinedweb` / excluded_outlier');
      expect(de.restore((e as NonFiniteValue).detail)).toBe('division by zero in `loss_paloma_falcon-refinedweb`/excluded_outlier (3.25 / 0)');
    }
  });

  test('a column named like a function is still a column; the function is still callable', () => {
    expect(evalRow('log + log(1)')).toBe(7);
  });
});

describe('mistakes are reported before any row is read, with position and suggestion', () => {
  test('unknown column in an expression: col, did-you-mean and the column list', () => {
    const e = asDataError(thrown(() => compile('D_tokens / N_param')), 'data-column');
    expect(e.location).toEqual({ file: 'runs.csv', column: 'N_param' });
    expect(e.message).toBe(
      "runs.csv, column 'N_param': no such column (input M = 'D_tokens / N_param', col 12); did you mean 'N_params'? columns: 'N_params', 'D_tokens', 'loss', 'excluded_outlier', 'loss_paloma_falcon-refinedweb', 'log'",
    );
  });

  test('unknown plain column, no close match', () => {
    const e = asDataError(thrown(() => compile('perplexity', "target 'perplexity'")), 'data-column');
    expect(e.message).toBe(
      "runs.csv, column 'perplexity': no such column (target 'perplexity'); columns: 'N_params', 'D_tokens', 'loss', 'excluded_outlier', 'loss_paloma_falcon-refinedweb', 'log'",
    );
  });

  test('the first problem in the text is the one reported', () => {
    expect(asDataError(thrown(() => compile('foo + bar')), 'data-column').location.column).toBe('foo');
    expect(asDataError(thrown(() => compile('lg(foo)')), 'formula-unknown-name').message).toContain('col 1');
  });

  test('a column with a hyphen used without backticks', () => {
    const e = asDataError(thrown(() => compile('loss_paloma_falcon-refinedweb * 2')), 'data-column');
    expect(e.message).toContain(
      "no such column (input M = 'loss_paloma_falcon-refinedweb * 2', col 1); to use column 'loss_paloma_falcon-refinedweb' in an expression, quote it in backticks: `loss_paloma_falcon-refinedweb`",
    );
  });

  test('an unknown backticked column', () => {
    const e = asDataError(thrown(() => compile('`losss` + 1')), 'data-column');
    expect(e.location.column).toBe('losss');
    expect(e.message).toContain("(input M = '`losss` + 1', col 1); did you mean 'loss'?");
  });

  test('a function name used as a value', () => {
    const cols = ['N', 'D'];
    const e = asDataError(thrown(() => compileDataExpression('exp * N', "target 'exp * N'", cols, 'a.csv')), 'data-column');
    expect(e.message).toBe("a.csv, column 'exp': no such column (target 'exp * N', col 1); 'exp' is a function, call it as exp(...); columns: 'N', 'D'");
  });

  test('unknown function, and a column called like a function', () => {
    const e = asDataError(thrown(() => compile('2 * lg(D_tokens)')), 'formula-unknown-name');
    expect(e.message).toBe(
      "runs.csv: input M = '2 * lg(D_tokens)', col 5: unknown function 'lg'; did you mean 'log'? functions: exp, log, log1p, sqrt, abs, sin, cos, atan, softplus, sigmoid, pow, min, max, logsumexp",
    );
    const e2 = asDataError(thrown(() => compile('loss(2)')), 'formula-unknown-name');
    expect(e2.message).toContain("unknown function 'loss'; 'loss' is a column, not a function (write '*' to multiply); functions:");
  });

  test('wrong number of arguments', () => {
    expect(asDataError(thrown(() => compile('pow(N_params)')), 'formula-arity').message).toBe(
      "runs.csv: input M = 'pow(N_params)', col 1: pow() takes 2 arguments but is given 1",
    );
    expect(asDataError(thrown(() => compile('log(1, 2)')), 'formula-arity').message).toContain('log() takes 1 argument but is given 2');
    expect(asDataError(thrown(() => compile('max(1)')), 'formula-arity').message).toContain('max() takes 2 to 16 arguments but is given 1');
  });

  test('syntax errors are one line, with the column', () => {
    expect(asDataError(thrown(() => compile('D_tokens /')), 'formula-syntax').message).toBe(
      "runs.csv: input M = 'D_tokens /', col 11: expected a number, a name or '(', found end of formula",
    );
    expect(asDataError(thrown(() => compile('excluded_outlier = 0', "where 'excluded_outlier = 0'")), 'formula-syntax').message).toBe(
      "runs.csv: where 'excluded_outlier = 0', col 18: unexpected '='; use '==' to compare",
    );
  });

  test('backtick mistakes', () => {
    expect(asDataError(thrown(() => compile('`loss + 1')), 'formula-syntax').message).toBe(
      "runs.csv: input M = '`loss + 1', col 1: this '`' is never closed; quote a column name as `name`",
    );
    expect(asDataError(thrown(() => compile('`` + 1')), 'formula-syntax').message).toContain("col 1: empty column name '``'");
    // A syntax error next to a backticked name shows the name, not the placeholder.
    expect(asDataError(thrown(() => compile('`loss` `loss`')), 'formula-syntax').message).toBe(
      "runs.csv: input M = '`loss` `loss`', col 8: unexpected '`loss`'",
    );
  });

  test('an out-of-range literal', () => {
    expect(asDataError(thrown(() => compile('loss * 1e999')), 'formula-syntax').message).toBe(
      "runs.csv: input M = 'loss * 1e999', col 8: the number is outside the float64 range",
    );
  });

  test('an empty entry', () => {
    expect(asDataError(thrown(() => compile('  ', "target ''")), 'data-column').message).toBe(
      "runs.csv: target '' is empty; give a column name or an expression",
    );
  });
});

describe('listColumns', () => {
  test('abbreviates very wide tables', () => {
    const cols = Array.from({ length: 45 }, (_, i) => `c${i}`);
    const s = listColumns(cols);
    expect(s.startsWith("'c0', 'c1',")).toBe(true);
    expect(s.endsWith("'c39' and 5 more")).toBe(true);
  });
});

describe('text comparisons in filters', () => {
  test("where train_dataset == 'rpj' keeps the rows whose cell reads rpj; != the others", async () => {
    const { datasetFromText } = await import('../../src/data/index.js');
    const csv = 'set,x,y\nrpj,1,2\nc4,2,3\n"rpj",3,4\nrw,4,5\n';
    const spec = { inputs: { x: 'x' }, target: 'y' };
    const a = await datasetFromText(csv, 'sets.csv', 'csv', { ...spec, where: "set == 'rpj'" }, ['x']);
    expect(Array.from(a.inputs)).toEqual([1, 3]);
    const b = await datasetFromText(csv, 'sets.csv', 'csv', { ...spec, where: 'set != "rpj" && x > 2' }, ['x']);
    expect(Array.from(b.inputs)).toEqual([4]);
  });

  test('quoted text anywhere but beside == or != with a column is an error with its position', async () => {
    const { datasetFromText } = await import('../../src/data/index.js');
    const csv = 'set,x,y\nrpj,1,2\n';
    await expect(datasetFromText(csv, 'sets.csv', 'csv', { inputs: { x: 'x' }, target: 'y', where: "x + 'a' > 1" }, ['x'])).rejects.toThrow(/col 5: quoted text can only be compared/);
    await expect(datasetFromText(csv, 'sets.csv', 'csv', { inputs: { x: 'x' }, target: 'y', where: "set == 'rpj" }, ['x'])).rejects.toThrow(/col 8: this ' is never closed/);
  });
});
