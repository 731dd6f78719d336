/**
 * What a run would fit, before it runs: the rows kept by --where with a finite target and every
 * mapped input, read by the same code as the run (datasetFromTable), so the count the page shows
 * before the run is the count the fit reports after it; and the target's scale, from which typed
 * formulas get their start ranges (start-ranges.ts). A mapping that does not read yet (a column
 * still being typed) answers with the data layer's message.
 */
import { datasetFromTable, parseColumnMap, readTable } from '../../../src/data/index.js';
import { problemReport } from './problems.js';
import type { PreflightRequest, PreflightResult } from './protocol.js';

export function preflightRun(req: PreflightRequest): PreflightResult {
  let rows = 0;
  try {
    const table = readTable(req.file.content, req.file.name, req.file.format ?? 'auto');
    rows = table.rows.length;
    const inputs = req.x.trim() === '' ? {} : parseColumnMap(req.x, '--x');
    const where = req.where !== undefined && req.where.trim() !== '' ? req.where : undefined;
    const dataset = datasetFromTable(table, { inputs, target: req.y, ...(where !== undefined ? { where } : {}) }, Object.keys(inputs));
    let scale = 0;
    for (const v of dataset.y) scale = Math.max(scale, Math.abs(v));
    return { ok: true, rows, fitted: dataset.n, targetScale: scale };
  } catch (e) {
    return { ok: false, rows, error: problemReport(e) };
  }
}
