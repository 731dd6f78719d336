/**
 * The JSON artifact of a law comparison (`lawfit compare --out`): the command line, seed, engine,
 * data source and mapping, and the whole Comparison (src/stats/compare.ts). Built here for the CLI
 * and read back here for `lawfit report` (checked by artifact-schema.ts), so writer and reader
 * share one definition of the format.
 */
import type { Comparison } from '../stats/compare.js';
import { artifactHeader, checkArtifactHeader, type ArtifactHeader } from './artifact.js';
import type { RunRecord } from '../run-spec/record.js';
import { comparisonArtifactProblems, comparisonArtifactSchema, validateArtifact } from './artifact-schema.js';

export const COMPARISON_FORMAT = 'lawfit-compare';
export const COMPARISON_FORMAT_VERSION = 1;

export interface ComparisonArtifact extends ArtifactHeader<typeof COMPARISON_FORMAT> {
  command: string[];
  /** The same run, typed (src/run-spec/record.ts); absent in artifacts of older lawfits. */
  run?: RunRecord;
  seed: number;
  engine: string;
  data: { source: string; digest: string; inputs: Record<string, string>; target: string; where?: string };
  comparison: Comparison;
}

export function makeComparisonArtifact(run: Omit<ComparisonArtifact, keyof ArtifactHeader>): ComparisonArtifact {
  return { ...artifactHeader(COMPARISON_FORMAT, COMPARISON_FORMAT_VERSION), ...run };
}

/** A parsed comparison artifact (format already read as COMPARISON_FORMAT), checked; `name` goes in messages. */
export function readComparisonArtifact(data: unknown, name: string): ComparisonArtifact {
  checkArtifactHeader(data, COMPARISON_FORMAT, COMPARISON_FORMAT_VERSION, name, 'comparison', 'comparison');
  return validateArtifact(comparisonArtifactSchema, data, name, comparisonArtifactProblems) as unknown as ComparisonArtifact;
}
