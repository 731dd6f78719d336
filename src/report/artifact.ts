/**
 * The JSON artifact of a fit: what was fitted (the law's full declaration, data source, digest and
 * mapping), how (options, start specification, seed, version) and the result (a FitSummary). A
 * report can be printed again from it, and later commands read it instead of refitting.
 *
 * Writes are atomic (a temporary file renamed into place), so an interrupted run never leaves a
 * half-written artifact.
 */
import { LawfitError } from '../errors.js';
import type { StartSpec } from '../fit/starts.js';
import { LAWFIT_VERSION } from '../version.js';
import type { FitSummary } from './summary.js';
import type { RunRecord } from '../run-spec/record.js';
import { fitArtifactProblems, fitArtifactSchema, validateArtifact } from './artifact-schema.js';

export const ARTIFACT_FORMAT = 'lawfit-fit';
export const ARTIFACT_FORMAT_VERSION = 1;

export interface FitArtifact {
  format: typeof ARTIFACT_FORMAT;
  formatVersion: number;
  lawfitVersion: string;
  createdAt: string;
  /** The command line that produced it (the CLI's argv, or the line the app prints). */
  command?: string[];
  /** The same run, typed: its options as their rows print them (src/run-spec/record.ts). */
  run?: RunRecord;
  seed?: number;
  startSpec: StartSpec;
  screen?: number;
  summary: FitSummary;
}

/**
 * The fields every lawfit artifact opens with (fit, comparison, chain): what it is, which version
 * of its format, which lawfit wrote it and when.
 */
export function artifactHeader<F extends string>(format: F, formatVersion: number): { format: F; formatVersion: number; lawfitVersion: string; createdAt: string } {
  return { format, formatVersion, lawfitVersion: LAWFIT_VERSION, createdAt: new Date().toISOString() };
}

/**
 * The checks every artifact reader makes before its schema: the format version this lawfit reads,
 * and the one field (`field`) that holds the result, so an artifact of another version or a
 * truncated one says so in one line instead of a schema error deep inside.
 */
export function checkArtifactHeader(data: unknown, format: string, formatVersion: number, name: string, kind: string, field: string): void {
  const o = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (o['formatVersion'] !== formatVersion) throw new LawfitError('artifact', `${name}: ${format} format version ${String(o['formatVersion'])} is not supported by lawfit ${LAWFIT_VERSION} (reads version ${formatVersion})`);
  if (typeof o[field] !== 'object' || o[field] === null) throw new LawfitError('artifact', `${name}: ${kind} artifact has no "${field}"`);
}

export function makeArtifact(summary: FitSummary, startSpec: StartSpec, extra: { command?: string[]; run?: RunRecord; seed?: number; screen?: number } = {}): FitArtifact {
  return {
    ...artifactHeader(ARTIFACT_FORMAT, ARTIFACT_FORMAT_VERSION),
    ...(extra.command !== undefined ? { command: extra.command } : {}),
    ...(extra.run !== undefined ? { run: extra.run } : {}),
    ...(extra.seed !== undefined ? { seed: extra.seed } : {}),
    startSpec,
    ...(extra.screen !== undefined ? { screen: extra.screen } : {}),
    summary,
  };
}

export function serializeArtifact(a: FitArtifact): string {
  return JSON.stringify(a, null, 2) + '\n';
}

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
