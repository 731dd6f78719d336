/**
 * The JSON artifact of an IsoFLOP analysis (`lawfit isoflop --out`, and the app's IsoFLOP mode's
 * export): the command line, the data mapping, the analysis (src/stats/isoflop.ts) and Approach 3
 * beside it. Read back here for `lawfit report`, checked by artifact-schema.ts (every field the
 * report reads, and the artifact's own counts).
 */
import type { IsoflopResult } from '../stats/isoflop.js';
import type { Approach3Result } from '../stats/isoflop-approach3.js';
import type { RunRecord } from '../run-spec/record.js';
import { artifactHeader, checkArtifactHeader, type ArtifactHeader } from './artifact.js';
import { isoflopArtifactProblems, isoflopArtifactSchema, validateArtifact } from './artifact-schema.js';

export const ISOFLOP_FORMAT = 'lawfit-isoflop';
export const ISOFLOP_FORMAT_VERSION = 1;

/** What `lawfit isoflop --out` writes and the app's IsoFLOP mode exports. */
export interface IsoflopArtifact extends ArtifactHeader<typeof ISOFLOP_FORMAT> {
  command?: string[];
  /** The run's options, typed (run-spec/record.ts): absent in artifacts written before isoflop had them. */
  run?: RunRecord;
  data: { source: string; digest: string; budget: string; inputs: Record<string, string>; target: string; weights?: string; where?: string; group?: string };
  result: IsoflopResult;
  approach3: Approach3Result[];
}

export function makeIsoflopArtifact(run: Omit<IsoflopArtifact, keyof ArtifactHeader>): IsoflopArtifact {
  return { ...artifactHeader(ISOFLOP_FORMAT, ISOFLOP_FORMAT_VERSION), ...run };
}

/** A parsed IsoFLOP artifact (format already read as ISOFLOP_FORMAT), checked; `name` goes in messages. */
export function readIsoflopArtifact(data: unknown, name: string): IsoflopArtifact {
  checkArtifactHeader(data, ISOFLOP_FORMAT, ISOFLOP_FORMAT_VERSION, name, 'isoflop', 'result');
  return validateArtifact(isoflopArtifactSchema, data, name, isoflopArtifactProblems) as unknown as IsoflopArtifact;
}
