/**
 * From a raw table to the numeric Dataset the engines consume: resolves the spec's entries
 * against the columns (all spec mistakes are reported before any row is read), applies the row
 * filter, and validates exactly the cells a kept row uses — a filtered-out row with a bad cell, or
 * a bad cell in a column nobody asked for, is no error. Every failure is a one-line DataError
 * naming the file, the row (the source's own row number), the column and a fix. Nothing is
 * returned until every row has passed, and the inputs (table, spec, names) are never modified.
 */
import { DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { NonFiniteValue } from './evaluate.js';
import { compileDataExpression, describeOffset, evaluateDataExpression, type DataExpression } from './expression.js';
import { parseNumericCell } from './numbers.js';
import { checkSpec, type DataSpec } from './spec.js';
import type { Cell, Table } from './table.js';

const EXCLUDE = 'correct the data or exclude the row with a where filter';

function resolveGroup(text: string, table: Table): { column: number; name: string } {
  const label = `group '${text.trim()}'`;
  const de = compileDataExpression(text, label, table.columns, table.source);
  let column = de.column;
  if (column === undefined && de.expr?.kind === 'name') column = de.names.get(de.expr.name);
  if (column === undefined) {
    throw new DataError('data-column', { file: table.source }, `${label} must be a single column name, not an expression`);
  }
  return { column, name: table.columns[column] ?? '' };
}

function groupLabel(cell: Cell): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  const s = typeof cell === 'string' ? cell.trim() : String(cell);
  return s === '' ? undefined : s;
}

/**
 * Map a table onto a law's inputs. `inputNames` is the law's input order; the spec must map each
 * of them and nothing else. The result has no `digest` (the caller knows the bytes; see
 * `datasetFromText`). Throws DataError on any problem; see the module comment.
 */
export function datasetFromTable(table: Table, spec: DataSpec, inputNames: readonly string[]): Dataset {
  const file = table.source;
  checkSpec(spec, inputNames, file);
  const compile = (text: string, label: string): DataExpression => compileDataExpression(text, label, table.columns, file);

  const inputs = inputNames.map((name) => {
    const text = (spec.inputs[name] ?? '').trim();
    return compile(text, `input ${name} = '${text}'`);
  });
  const target = compile(spec.target, `target '${spec.target.trim()}'`);
  const weights = spec.weights === undefined ? undefined : compile(spec.weights, `weights '${spec.weights.trim()}'`);
  const where = spec.where === undefined ? undefined : compile(spec.where, `where '${spec.where.trim()}'`);
  const group = spec.group === undefined ? undefined : resolveGroup(spec.group, table);

  const total = table.rows.length;
  if (total === 0) throw new DataError('data-too-few', { file }, 'the table has no data rows');
  const k = inputNames.length;
  const X = new Float64Array(total * k);
  const y = new Float64Array(total);
  const w = weights === undefined ? undefined : new Float64Array(total);
  const rowNumbers = new Int32Array(total);
  const groups: string[] = [];
  let n = 0;
  let weightSum = 0;

  for (let r = 0; r < total; r++) {
    const cells = table.rows[r] ?? [];
    const row = table.rowNumbers[r] ?? r + 1;
    const value = (de: DataExpression): number => {
      const read = (column: number): number => {
        const parsed = parseNumericCell(cells[column]);
        if (parsed.ok) return parsed.value;
        throw new DataError('data-value', { file, row, column: table.columns[column] ?? `#${column + 1}` }, `${parsed.problem} (needed by ${de.label}); ${parsed.fix}`);
      };
      // Text comparisons see the cell as written (trimmed); JSON numbers and booleans as their text.
      const readText = (column: number): string => {
        const cell = cells[column];
        return cell === null || cell === undefined ? '' : String(cell).trim();
      };
      try {
        return evaluateDataExpression(de, read, readText);
      } catch (e) {
        if (!(e instanceof NonFiniteValue)) throw e;
        const fix = de === where ? 'make the filter defined on every row (&& and || skip their right side when the left decides)' : EXCLUDE;
        throw new DataError('data-value', { file, row }, `${de.label}, ${describeOffset(de.text, e.offset)}: ${de.restore(e.detail)}; ${fix}`);
      }
    };

    if (where !== undefined && value(where) === 0) continue;
    for (let j = 0; j < k; j++) X[n * k + j] = value(inputs[j]!);
    y[n] = value(target);
    if (weights !== undefined && w !== undefined) {
      const wi = value(weights);
      if (wi < 0) {
        const column = weights.column === undefined ? {} : { column: table.columns[weights.column] ?? '' };
        throw new DataError('data-value', { file, row, ...column }, `weight ${wi} is negative (${weights.label}); weights must be >= 0 (0 leaves the row out of the fit)`);
      }
      w[n] = wi;
      weightSum += wi;
    }
    if (group !== undefined) {
      const label = groupLabel(cells[group.column]);
      if (label === undefined) {
        throw new DataError('data-value', { file, row, column: group.name }, `the group label is empty (group '${group.name}'); fill it in or exclude the row with a where filter`);
      }
      groups.push(label);
    }
    rowNumbers[n] = row;
    n++;
  }

  if (n === 0) {
    throw new DataError('data-too-few', { file }, `${where?.label ?? 'the filter'} removed all ${total} rows; nothing is left to fit (check the filter's condition)`);
  }
  if (weights !== undefined && weightSum === 0) {
    const column = weights.column === undefined ? {} : { column: table.columns[weights.column] ?? '' };
    throw new DataError('data-value', { file, ...column }, `every kept row has weight 0 (${weights.label}); at least one weight must be positive`);
  }

  const dataset: Dataset = {
    source: file,
    inputNames: [...inputNames],
    inputExpressions: inputs.map((i) => i.text),
    targetExpression: target.text,
    n,
    inputs: X.slice(0, n * k),
    y: y.slice(0, n),
    rowNumbers: rowNumbers.slice(0, n),
  };
  if (weights !== undefined && w !== undefined) {
    dataset.weightExpression = weights.text;
    dataset.weights = w.slice(0, n);
  }
  if (where !== undefined) dataset.where = where.text;
  if (group !== undefined) {
    dataset.groups = groups;
    dataset.groupColumn = group.name;
  }
  return dataset;
}
