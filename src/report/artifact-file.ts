/** Reading and atomically writing artifact files (Node). */
import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { LawfitError } from '../errors.js';
import { parseArtifact, serializeArtifact, type FitArtifact } from './artifact.js';

export async function writeArtifactFile(path: string, a: FitArtifact): Promise<void> {
  await writeTextFileAtomically(path, serializeArtifact(a));
}

/** Write `text` to `path` through a temporary file renamed into place (never half-written). */
export async function writeTextFileAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new LawfitError('artifact', `${path}: cannot write the artifact (${e instanceof Error ? e.message : String(e)})`);
  }
}

export async function readArtifactFile(path: string): Promise<FitArtifact> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LawfitError('artifact', `${path}: cannot read the artifact (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseArtifact(text, path);
}
