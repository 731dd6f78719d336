/**
 * A first look at a dropped file, before any mapping: the format, the columns, how many rows,
 * a preview, and which columns are numeric by the CLI's own cell rules (src/data/numbers.ts). A
 * file the CLI cannot read gives the CLI's message; a mostly numeric column with a bad cell gives
 * the message the CLI prints when a kept row needs that cell (`runs.csv, row 14, column 'loss':
 * 'n/a' is not a number; ...`), so the page can warn before the user maps the column.
 */
import { DataError } from '../../../src/errors.js';
import { parseNumericCell, readTable, type Cell, type Table } from '../../../src/data/index.js';
import { problemReport } from './problems.js';
import type { ColumnInfo, InspectRequest, InspectResult } from './protocol.js';

export const DEFAULT_PREVIEW_ROWS = 20;
/** Distinct values listed for a text column. */
const EXAMPLES = 8;

export function inspectFile(req: InspectRequest): InspectResult {
  let table: Table;
  try {
    table = readTable(req.content, req.name, req.format ?? 'auto');
  } catch (e) {
    return { ok: false, error: problemReport(e) };
  }
  const n = Math.max(0, req.previewRows ?? DEFAULT_PREVIEW_ROWS);
  return {
    ok: true,
    source: table.source,
    format: table.format,
    rowCount: table.rows.length,
    columns: table.columns.map((_, c) => describeColumn(table, c)),
    preview: {
      rowNumbers: table.rowNumbers.slice(0, n),
      rows: table.rows.slice(0, n).map((r) => r.slice()),
    },
  };
}

const isEmpty = (cell: Cell): boolean => cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');

function describeColumn(table: Table, c: number): ColumnInfo {
  const name = table.columns[c] ?? '';
  let numericCount = 0;
  let emptyCount = 0;
  let firstBad: { r: number; problem: string; fix: string } | undefined;
  const examples = new Set<string>();
  table.rows.forEach((cells, r) => {
    const cell = cells[c];
    if (isEmpty(cell)) {
      emptyCount++;
      return;
    }
    const parsed = parseNumericCell(cell);
    if (parsed.ok) numericCount++;
    else {
      firstBad ??= { r, problem: parsed.problem, fix: parsed.fix };
      if (examples.size < EXAMPLES) examples.add(String(cell).trim());
    }
  });
  const textCount = table.rows.length - numericCount - emptyCount;
  const info: ColumnInfo = { name, numeric: numericCount > 0 && textCount === 0, numericCount, emptyCount };
  if (firstBad !== undefined && numericCount >= textCount) {
    const row = table.rowNumbers[firstBad.r] ?? firstBad.r + 1;
    info.problem = problemReport(new DataError('data-value', { file: table.source, row, column: name }, `${firstBad.problem}; ${firstBad.fix}`));
  } else if (textCount > 0) {
    info.examples = [...examples];
  }
  return info;
}
