/**
 * Writing an output file all at once or not at all (Node). The data go to a temporary file in the
 * same directory (a rename is atomic only within one file system), are flushed to disk, and the
 * temporary file is renamed over the target: a reader, a crash or a Ctrl-C mid-write sees the old
 * file or the new one, never a truncated one. On failure the temporary file is removed and the
 * original error is rethrown for the caller to word (writeArtifactFile names the artifact).
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Write `data` (text as UTF-8, or bytes) to `path` atomically. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  // Hidden, and unique per process and call, so concurrent writers never share a temporary file.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
