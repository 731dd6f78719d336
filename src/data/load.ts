/**
 * Reading a data file from disk (CLI, tests, benchmarks). The only module here that touches the
 * file system; `node:fs/promises` is imported lazily so that importing `src/data/index.ts` stays
 * safe in a browser bundle. Read failures become one-line DataErrors ('data-file') that say what
 * is wrong with the path.
 */
import { DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { datasetFromText } from './from-text.js';
import { readTable, type FormatChoice } from './read-table.js';
import { checkSpec, type DataSpec } from './spec.js';
import type { Table } from './table.js';

function describeReadError(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file; check the path (relative paths are resolved from the current directory)';
    case 'EISDIR':
      return 'this is a directory, not a data file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; check the file permissions';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default: {
      const msg = e instanceof Error ? e.message : String(e);
      return `cannot read the file: ${msg.split('\n')[0] ?? msg}`;
    }
  }
}

/** The bytes of a file, or a DataError('data-file') naming the path and the reason. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path);
  } catch (e) {
    throw new DataError('data-file', { file: path }, describeReadError(e));
  }
}

/** Read a data file into a raw Table (for listing columns, previews). */
export async function readTableFile(path: string, format: FormatChoice = 'auto'): Promise<Table> {
  return readTable(await readFileBytes(path), path, format);
}

/**
 * Load a data file and map it onto a law's inputs (`inputNames`, in the law's order). Spec
 * mistakes are reported before the file is read. `digest` is the SHA-256 of the file's bytes.
 */
export async function loadDataset(
  path: string,
  spec: DataSpec,
  inputNames: readonly string[],
  format: FormatChoice = 'auto',
): Promise<Dataset> {
  checkSpec(spec, inputNames, path);
  const bytes = await readFileBytes(path);
  return datasetFromText(bytes, path, format, spec, inputNames);
}
