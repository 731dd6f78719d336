/**
 * Reading a data file from disk (CLI, tests, benchmarks). The only module here that touches the
 * file system; `node:fs/promises` is imported lazily so that importing `src/data/index.ts` stays
 * safe in a browser bundle. Read failures become one-line DataErrors ('data-file') that say what
 * is wrong with the path.
 */
import { DataError } from '../errors.js';
import { formatBytes, LIMITS } from '../limits.js';
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

function tooLarge(path: string, what: string): DataError {
  return new DataError('data-file', { file: path }, `${what} more than lawfit's limit of ${formatBytes(LIMITS.fileBytes.max)} for a data file (src/limits.ts); split it or select the runs you need first`);
}

/**
 * The bytes of a file, or a DataError('data-file') naming the path and the reason. At most
 * LIMITS.fileBytes are read: a regular file's size is checked before reading (a 600 MB CSV used
 * to fail deep inside the decoder with "Cannot create a string longer than 0x1fffffe8
 * characters"), and anything else (a FIFO, `<(...)`, /dev/zero, which grew to 18.8 GB) is read
 * in chunks and refused as soon as it passes the limit. Directories are refused as before.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  const max = LIMITS.fileBytes.max;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new DataError('data-file', { file: path }, describeReadError(e));
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new DataError('data-file', { file: path }, describeReadError({ code: 'EISDIR' }));
    if (st.isFile() && st.size > max) throw tooLarge(path, `the file has ${formatBytes(st.size)},`);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > max) throw tooLarge(path, 'the input has');
      chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
    }
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('data-file', { file: path }, describeReadError(e));
  } finally {
    await handle.close().catch(() => undefined);
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
