/**
 * The data input room's public surface: reading tables (CSV, TSV, JSON, JSONL), mapping them onto
 * a law's inputs through a DataSpec, and the float64 expression evaluator used for derived columns
 * and row filters. Browser code may import this file: the only file-system access (load.ts) is a
 * lazy import that runs when `loadDataset`/`readTableFile` is called.
 */
export type { Dataset } from './dataset.js';
export type { Cell, Table, TableFormat } from './table.js';
export { TABLE_FORMATS } from './table.js';
export { listColumns, closeMatch } from './messages.js';
export { readDelimited, sniffDelimiter, stripBom, type Delimiter } from './read-delimited.js';
export { readJson, readJsonl, tableFromRecords } from './read-json.js';
export { findJsonSyntaxError, type JsonSyntaxProblem } from './json-error.js';
export { readTable, detectFormat, decodeText, type FormatChoice } from './read-table.js';
export { parseNumericCell, type NumericCell } from './numbers.js';
export { evaluateExpression, dataFunction, dataFunctionNames, NonFiniteValue } from './evaluate.js';
export { compileDataExpression, evaluateDataExpression, type DataExpression } from './expression.js';
export { parseColumnMap, splitTopLevel, checkSpec, type DataSpec, type TopLevelPart } from './spec.js';
export { datasetFromTable } from './map-table.js';
export { sha256Hex } from './digest.js';
export { datasetFromText } from './from-text.js';
export { loadDataset, readTableFile, readFileBytes } from './load.js';
