/**
 * File contents → Dataset, with no file system and no Node imports, so the browser app (which
 * gets bytes from a file picker or a drop) and the CLI share one path: decode, read the table,
 * map it onto the law, hash the bytes. Everything is validated before the Dataset is returned.
 */
import type { Dataset } from './dataset.js';
import { sha256Hex } from './digest.js';
import { datasetFromTable } from './map-table.js';
import { readTable, type FormatChoice } from './read-table.js';
import { checkSpec, type DataSpec } from './spec.js';

/**
 * Build a Dataset from the contents of a data file. `name` is the file name (used to pick the
 * format when `format` is 'auto', and in error messages). Pass the file's bytes when you have
 * them: `digest` is the SHA-256 of exactly what is passed (a string is hashed as UTF-8, which
 * differs from the file's own digest if the file had a byte-order mark or another encoding).
 */
export async function datasetFromText(
  content: string | Uint8Array,
  name: string,
  format: FormatChoice,
  spec: DataSpec,
  inputNames: readonly string[],
): Promise<Dataset> {
  checkSpec(spec, inputNames, name);
  const table = readTable(content, name, format);
  const dataset = datasetFromTable(table, spec, inputNames);
  dataset.digest = await sha256Hex(content);
  return dataset;
}
