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
import { assembleBootstrap, type BootstrapPart } from '../stats/bootstrap.js';
import type { ColumnDesign } from '../stats/resample.js';
import { artifactHeader } from '../report/artifact.js';
import type { ShardArtifact } from './artifact.js';
import { checkPointFitsAgree } from './merge.js';

/** A BootstrapPart as JSON: its typed arrays as plain arrays, NaN as null. */
export type PartJson = Omit<BootstrapPart, 'draws' | 'shareReachedBest' | 'status'> & {
  draws: Array<number | null>;
  shareReachedBest: Array<number | null>;
  status: number[];
};

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
    failures: p.failures,
    rescued: p.rescued,
    fromFullStarts: p.fromFullStarts,
    ...(p.fullStartsDescription !== undefined ? { fullStartsDescription: p.fullStartsDescription } : {}),
    longerIterations: p.longerIterations,
    startsPerReplicate: p.startsPerReplicate,
    fewRows: { ...p.fewRows, replicates: [...p.fewRows.replicates] },
  };
}

export function partFromJson(p: PartJson, where = 'fit shard'): BootstrapPart {
  // A shard file is read back from disk: check its shape here so that a truncated, hand-edited or
  // older shard is a one-line error naming the field, never a TypeError inside the merge.
  const bad = (field: string, what: string): never => {
    throw new LawfitError('artifact', `${where}: invalid shard: part.${field}: ${what}`);
  };
  if (typeof p !== 'object' || p === null) bad('', 'missing');
  if (!Number.isInteger(p.from) || !Number.isInteger(p.to) || p.from < 0 || p.to < p.from) bad('from/to', `expected 0 <= from <= to, got ${String(p.from)}..${String(p.to)}`);
  const m = p.to - p.from;
  for (const key of ['draws', 'shareReachedBest', 'status', 'failed', 'failures', 'rescued', 'fromFullStarts'] as const) if (!Array.isArray(p[key])) bad(key, 'expected an array');
  if (p.shareReachedBest.length !== m) bad('shareReachedBest', `has ${p.shareReachedBest.length} entries for ${m} replicates`);
  if (p.status.length !== m) bad('status', `has ${p.status.length} entries for ${m} replicates`);
  if (m > 0 && p.draws.length % m !== 0) bad('draws', `has ${p.draws.length} values, not a multiple of ${m} replicates`);
  if (typeof p.fewRows !== 'object' || p.fewRows === null || !Array.isArray(p.fewRows.replicates)) bad('fewRows', 'missing (a shard written by an earlier lawfit: run it again)');
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
    parts: shards.map((s) => partFromJson(s.payload.part, `fit shard ${s.shard.index}/${s.shard.count}`)),
    ...(withJack !== undefined ? { jackknife: fromJson(withJack.payload.jackknife!) } : {}),
  });
  if (first.artifact.summary.bootstrap !== undefined) throw new LawfitError('artifact', 'fit shard: its artifact already has a bootstrap section');
  const summary = { ...first.artifact.summary, bootstrap: summarizeBootstrap(b, { design: first.design }, shards[0]!.run.seed) };
  return { ...first.artifact, ...artifactHeader(first.artifact.format, first.artifact.formatVersion), summary };
}
