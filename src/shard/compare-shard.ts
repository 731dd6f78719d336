/**
 * `lawfit compare --bootstrap R --shard K/N`: every shard fits every (law, fold) on the fold's
 * runs and on all runs (the point estimates and the replicates' basin starts; deterministic, so
 * equal in every shard) and replicates shardRange(R, K/N) of each. The payload is the comparison
 * artifact with each scored fold's replicateErrors covering the slice; mergeCompareShards joins
 * them in replicate order and recomputes the fold and law intervals with compare.ts's own
 * functions, so the result is the single-machine comparison.
 */
import { LawfitError } from '../errors.js';
import { setFoldReplicates, setLawReplicates, type Comparison } from '../stats/compare.js';
import type { ShardArtifact } from './artifact.js';
import { checkPointFitsAgree } from './merge.js';

/** The comparison artifact as compare writes it (compare.ts's command). */
export interface CompareShardPayload {
  comparison: Comparison;
  [key: string]: unknown;
}

export function mergeCompareShards(shards: ReadonlyArray<ShardArtifact<CompareShardPayload>>): Record<string, unknown> {
  checkPointFitsAgree(shards, 'fold fits', (s) =>
    s.payload.comparison.laws.flatMap((l) => [[`${l.law}, all runs AIC`, l.aic] as [string, unknown], ...l.folds.map((f): [string, unknown] => [`${l.law}, fold ${f.fold + 1} error`, f.meanAbsRelError])]),
  );
  const base: CompareShardPayload = structuredClone(shards[0]!.payload);
  const c = base.comparison;
  const boot = c.bootstrap;
  if (boot === undefined) throw new LawfitError('artifact', 'compare shard: the comparison has no bootstrap');
  for (const law of c.laws) {
    const copies = shards.map((s) => {
      const l = s.payload.comparison.laws.find((x) => x.law === law.law);
      if (l === undefined || l.folds.length !== law.folds.length) throw new LawfitError('artifact', `compare shard ${s.shard.index}/${s.shard.count}: law '${law.law}' is missing or has other folds`);
      return l;
    });
    law.folds.forEach((fold, k) => {
      const outcomes = copies.map((l) => l.folds[k]!.outcome);
      if (outcomes.some((o) => o !== fold.outcome)) throw new LawfitError('artifact', `compare shards disagree on law '${law.law}', fold ${k + 1}: ${outcomes.join(' / ')} (the shards' point fits differ)`);
      if (fold.replicateErrors === undefined) return;
      // Each shard numbers its failures from its slice's start: offset them by the replicates before it.
      const offsets = copies.map((_, i) => copies.slice(0, i).reduce((c, l) => c + (l.folds[k]!.replicateErrors?.length ?? 0), 0));
      const failures = copies.flatMap((l, i) => (l.folds[k]!.replicateFailures ?? []).map((f) => ({ ...f, replicate: f.replicate + offsets[i]! })));
      setFoldReplicates(fold, copies.flatMap((l) => l.folds[k]!.replicateErrors ?? []), boot.level, failures);
    });
    setLawReplicates(law, boot.replicates, boot.level);
  }
  return { ...base, createdAt: new Date().toISOString() };
}
