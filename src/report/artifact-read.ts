/**
 * Reading a fit artifact back: its JSON, its format and version, and every field the commands read
 * checked against the schema (artifact-schema.ts, zod), with its own consistency.
 */
import { LawfitError } from '../errors.js';
import { LAWFIT_VERSION } from '../version.js';
import { ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION, type FitArtifact } from './artifact.js';
import { fitArtifactProblems, fitArtifactSchema, validateArtifact } from './artifact-schema.js';

/** Parse and check an artifact's text; `name` is used in error messages. */
export function parseArtifact(text: string, name: string): FitArtifact {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LawfitError('artifact', `${name}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const o = data as Partial<FitArtifact> | null;
  if (o === null || typeof o !== 'object' || o.format !== ARTIFACT_FORMAT) {
    throw new LawfitError('artifact', `${name}: not a lawfit fit artifact (expected "format": "${ARTIFACT_FORMAT}")`);
  }
  if (o.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new LawfitError('artifact', `${name}: artifact format version ${String(o.formatVersion)} is not supported by lawfit ${LAWFIT_VERSION} (reads version ${ARTIFACT_FORMAT_VERSION})`);
  }
  // Every field the commands read, and the artifact's own consistency (artifact-schema.ts).
  return validateArtifact(fitArtifactSchema, o, name, fitArtifactProblems) as unknown as FitArtifact;
}
