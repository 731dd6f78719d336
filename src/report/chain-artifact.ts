/**
 * The JSON artifact of a chain (`lawfit chain --out`): the command line, seed, bootstrap options and
 * the chain's summary (chain-summary.ts summarizeChain). Built here for the CLI and the shard
 * merge, read back here for `lawfit report` (checked by artifact-schema.ts).
 */
import type { ReplicateStarts } from '../stats/bootstrap.js';
import type { ChainSummary } from './chain-summary.js';
import type { ResampleGenerator } from '../stats/resample.js';
import { artifactHeader, checkArtifactHeader, type ArtifactHeader } from './artifact.js';
import type { RunRecord } from '../run-spec/record.js';
import { chainArtifactProblems, chainArtifactSchema, validateArtifact } from './artifact-schema.js';

export const CHAIN_ARTIFACT_FORMAT = 'lawfit-chain';
export const CHAIN_ARTIFACT_FORMAT_VERSION = 1;

export interface ChainArtifact extends ArtifactHeader<typeof CHAIN_ARTIFACT_FORMAT> {
  command: string[];
  /** The same run, typed (src/run-spec/record.ts); absent in artifacts of older lawfits. */
  run?: RunRecord;
  seed: number;
  options: { bootstrap?: { replicates: number; design: string; level: number; replicateStarts: ReplicateStarts; generator: ResampleGenerator } };
  summary: ChainSummary;
}

export function makeChainArtifact(run: Omit<ChainArtifact, keyof ArtifactHeader>): ChainArtifact {
  return { ...artifactHeader(CHAIN_ARTIFACT_FORMAT, CHAIN_ARTIFACT_FORMAT_VERSION), ...run };
}

/** A parsed chain artifact (format already read as CHAIN_ARTIFACT_FORMAT), checked; `name` goes in messages. */
export function readChainArtifact(data: unknown, name: string): ChainArtifact {
  checkArtifactHeader(data, CHAIN_ARTIFACT_FORMAT, CHAIN_ARTIFACT_FORMAT_VERSION, name, 'chain', 'summary');
  return validateArtifact(chainArtifactSchema, data, name, chainArtifactProblems) as unknown as ChainArtifact;
}
