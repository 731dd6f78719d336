/**
 * The JSON artifact of a fit: what was fitted (the law's full declaration, data source, digest and
 * mapping), how (options, start specification, seed, version) and the result (a FitSummary). A
 * report can be printed again from it, and later commands read it instead of refitting.
 *
 * Writes are atomic (a temporary file renamed into place), so an interrupted run never leaves a
 * half-written artifact.
 *
 * Reading one back (artifact-read.ts) is a module of its own: its schema checks need zod, ~0.85 MB of
 * modules that a command which only writes an artifact (`lawfit fit`) should not load.
 */
import type { StartSpec } from '../fit/starts.js';
import { LawfitError } from '../errors.js';
import { LAWFIT_VERSION } from '../version.js';
import type { FitSummary } from './summary.js';
import type { RunRecord } from '../run-spec/record.js';

export const ARTIFACT_FORMAT = 'lawfit-fit';
export const ARTIFACT_FORMAT_VERSION = 1;

export interface FitArtifact extends ArtifactHeader<typeof ARTIFACT_FORMAT> {
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
/** The header fields as a type: every artifact interface extends it; make* functions take the rest. */
export interface ArtifactHeader<F extends string = string> {
  format: F;
  formatVersion: number;
  lawfitVersion: string;
  createdAt: string;
}

export function artifactHeader<F extends string>(format: F, formatVersion: number): ArtifactHeader<F> {
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
