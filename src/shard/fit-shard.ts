/**
 * `lawfit fit --bootstrap R --shard K/N`: shard K fits replicates shardRange(R, K/N) after the
 * full-data fit (every shard repeats it: it decides the replicates' basin starts, and it is one
 * multi-start fit against R replicates). Shard 0 also runs the BCa jackknife, which does not
 * depend on the replicates. The payload is the single-machine artifact without its bootstrap
 * section, plus the slice of replicates (BootstrapPart) and the jackknife; mergeFitShards
 * assembles them with the code a single run summarises with (assembleBootstrap), so the merged
 * artifact is that run's, draw for draw.
 */
import { LawfitError } from '../errors.js';
import { summarizeBootstrap } from '../cli/bootstrap-flags.js';
import type { FitArtifact } from '../report/artifact.js';
import { assembleBootstrap, type BootstrapPart, type FewRows } from '../stats/bootstrap.js';
import type { ColumnDesign } from '../stats/resample.js';
import { artifactHeader } from '../report/artifact.js';
import type { ShardArtifact } from './artifact.js';
import { checkPointFitsAgree } from './merge.js';

/** A BootstrapPart as JSON: NaN as null. */
export interface PartJson {
  from: number;
  to: number;
  draws: Array<number | null>;
  shareReachedBest: Array<number | null>;
  status: number[];
  failed: number[];
  rescued: number[];
  fromFullStarts: number[];
  fullStartsDescription?: string;
  longerIterations: number;
  startsPerReplicate: number;
  /** The slice's replicates with at most p + 1 effective rows (global numbers); merge joins the shards'. */
  fewRows: FewRows;
}

export interface FitShardPayload {
  /** The artifact a single run writes, without summary.bootstrap. */
  artifact: FitArtifact;
  design: ColumnDesign;
  level: number;
  n: number;
  estimates: Array<{ name: string; value: number }>;
  part: PartJson;
  /** n x p leave-one-out fits (shard 0, when BCa is on). */
  jackknife?: Array<number | null>;
}

const toJson = (a: ArrayLike<number>): Array<number | null> => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
const fromJson = (a: ReadonlyArray<number | null>): Float64Array => Float64Array.from(a, (v) => (v === null ? NaN : v));

export function partToJson(p: BootstrapPart): PartJson {
  return {
    from: p.from,
    to: p.to,
    draws: toJson(p.draws),
    shareReachedBest: toJson(p.shareReachedBest),
    status: Array.from(p.status),
    failed: p.failed,
    rescued: p.rescued,
    fromFullStarts: p.fromFullStarts,
    ...(p.fullStartsDescription !== undefined ? { fullStartsDescription: p.fullStartsDescription } : {}),
    longerIterations: p.longerIterations,
    startsPerReplicate: p.startsPerReplicate,
    fewRows: { ...p.fewRows, replicates: [...p.fewRows.replicates] },
  };
}

export function partFromJson(p: PartJson): BootstrapPart {
  return {
    ...p,
    draws: fromJson(p.draws),
    shareReachedBest: fromJson(p.shareReachedBest),
    status: Uint8Array.from(p.status),
  };
}

export { toJson as floatsToJson, fromJson as floatsFromJson };

/** The single-machine fit artifact from a complete, checked set of fit shards (merge.ts checks them). */
export function mergeFitShards(shards: ReadonlyArray<ShardArtifact<FitShardPayload>>): FitArtifact {
  checkPointFitsAgree(shards, 'full-data fit', (s) => s.payload.estimates.map((q) => [q.name, q.value]));
  const first = shards[0]!.payload;
  const withJack = shards.find((s) => s.payload.jackknife !== undefined);
  const b = assembleBootstrap({
    replicates: shards[0]!.run.items,
    level: first.level,
    n: first.n,
    estimates: first.estimates,
    parts: shards.map((s) => partFromJson(s.payload.part)),
    ...(withJack !== undefined ? { jackknife: fromJson(withJack.payload.jackknife!) } : {}),
  });
  if (first.artifact.summary.bootstrap !== undefined) throw new LawfitError('artifact', 'fit shard: its artifact already has a bootstrap section');
  const summary = { ...first.artifact.summary, bootstrap: summarizeBootstrap(b, { design: first.design }, shards[0]!.run.seed) };
  return { ...first.artifact, ...artifactHeader(first.artifact.format, first.artifact.formatVersion), summary };
}
