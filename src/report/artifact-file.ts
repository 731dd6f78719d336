/** Reading and atomically writing artifact files (Node). */
import { readFile } from 'node:fs/promises';
import { LawfitError } from '../errors.js';
import { serializeArtifact, type FitArtifact } from './artifact.js';
import { writeFileAtomic } from './write-atomic.js';

/** Write the artifact whole or not at all (write-atomic.ts): an interrupted run never leaves half a file. */
export async function writeArtifactFile(path: string, a: FitArtifact): Promise<void> {
  await writeTextFileAtomically(path, serializeArtifact(a));
}

/** Write an artifact of another shape (a comparison's, a chain's) the same way, with the same one-line error. */
export async function writeTextFileAtomically(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (e) {
    // The error's code (ENOENT, EACCES...) rather than its message, which names the temporary file.
    throw new LawfitError('artifact', `${path}: cannot write the artifact (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export async function readArtifactFile(path: string): Promise<FitArtifact> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LawfitError('artifact', `${path}: cannot read the artifact (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  // The schema checks (zod) load only when an artifact is read (artifact.ts says why).
  const { parseArtifact } = await import('./artifact-read.js');
  return parseArtifact(text, path);
}
