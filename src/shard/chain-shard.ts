/**
 * `lawfit chain --bootstrap R --shard K/N`: every shard fits every stage on all its runs (the point
 * predictions and the replicates' basin starts; deterministic, equal in every shard) and the
 * joint bootstrap's replicates shardRange(R, K/N), drawing only those (replicate r's run weights
 * come from its own stream, resample.ts); each stage's few-rows set is the slice's, joined here.
 * The payload is the chain artifact of the slice plus each stage's draws and the failures,
 * numbered globally. mergeChainShards joins the draws and rebuilds each stage's bootstrap summary,
 * the chain's bookkeeping and every point's bands with chain.ts's own functions. The bands push
 * each replicate through the stages' laws, compiled again from the declarations the artifact
 * keeps (as `lawfit predict` does; a grouped stage with its grouping, lawFromDeclaration); their residual noise is one stream over the successful
 * replicates in order, which is why the bands are computed at merge time rather than per shard.
 */
import { lawFromDeclaration } from '../law/groups.js';
import type { ChainArtifact } from '../report/chain-artifact.js';
import { addChainBands, type ChainDesign, type ChainFit, type ChainPrediction, type ReplicateFailure } from '../stats/chain.js';
import { stageBootstrapSummary, summarizeChainBootstrap, summarizePrediction } from '../report/chain-summary.js';
import { artifactHeader } from '../report/artifact.js';
import type { FewRows } from '../stats/bootstrap.js';
import type { ShardArtifact } from './artifact.js';
import { checkPointFitsAgree } from './merge.js';
import { floatsFromJson, floatsToJson } from './fit-shard.js';

export interface ChainShardPayload {
  /** The chain artifact as this shard computed it (its bootstrap and bands over the slice alone). */
  artifact: ChainArtifact;
  design: ChainDesign;
  /** Per stage: the slice's draws, (to - from) x p, null where the replicate failed. */
  stageDraws: Array<Array<number | null>>;
  /** The slice's stage failures, replicate numbers global. */
  failures: ReplicateFailure[];
}

export function chainShardPayload(chain: ChainFit, artifact: ChainArtifact, design: ChainDesign, from: number): ChainShardPayload {
  return {
    artifact,
    design,
    stageDraws: chain.stages.map((s) => floatsToJson(s.draws!)),
    failures: (chain.bootstrap?.failures ?? []).map((f) => ({ ...f, replicate: f.replicate + from })),
  };
}

/**
 * Stage k's few-rows set over the whole run: each shard counted its own replicates (numbered from
 * 0, as its draws are), so the sets are joined with the shards' offsets. A shard records the set
 * only when it is non-empty, and then its fewest rows are at most p + 1, below any shard's without
 * one: the least of the recorded minima is the run's.
 */
function joinFewRows(shards: ReadonlyArray<ShardArtifact<ChainShardPayload>>, k: number): FewRows | undefined {
  const sets = shards.flatMap((s) => {
    const few = s.payload.artifact.summary.stages[k]!.summary.bootstrap?.fewRows;
    return few !== undefined ? [{ few, from: s.work.from }] : [];
  });
  if (sets.length === 0) return undefined;
  return {
    threshold: sets[0]!.few.threshold,
    replicates: sets.flatMap(({ few, from }) => few.replicates.map((r) => r + from)),
    minEffectiveRows: Math.min(...sets.map(({ few }) => few.minEffectiveRows)),
  };
}

/** The single-machine chain artifact from a complete, checked set of chain shards (in index order). */
export function mergeChainShards(shards: ReadonlyArray<ShardArtifact<ChainShardPayload>>): ChainArtifact {
  checkPointFitsAgree(shards, 'stage fits', (s) => s.payload.artifact.summary.stages.flatMap((st, k) => st.summary.params.map((q): [string, unknown] => [`stage ${k + 1} ${q.name}`, q.value])));
  const first = shards[0]!.payload;
  const base: ChainArtifact = structuredClone(first.artifact);
  const S = base.summary;
  const R = shards[0]!.run.items;
  const seed = base.seed;
  const level = base.options.bootstrap!.level;
  const design = first.design;
  const draws = S.stages.map((_, k) => floatsFromJson(shards.flatMap((s) => s.payload.stageDraws[k]!)));
  S.stages.forEach((st, k) => {
    const free = st.summary.params.filter((q) => !q.fixed).map((q) => ({ name: q.name, value: q.value ?? NaN }));
    st.summary.bootstrap = stageBootstrapSummary(draws[k]!, free, R, seed, design, level, st.summary.bootstrap!.startsPerReplicate, joinFewRows(shards, k));
  });
  // As fitChain records them: stage by stage, replicates ascending within a stage.
  const failures = S.stages.flatMap((_, k) => shards.flatMap((s) => s.payload.failures.filter((f) => f.stage === k)));
  const failed = [...new Set(failures.map((f) => f.replicate))].sort((a, b) => a - b);
  S.bootstrap = summarizeChainBootstrap({ replicates: R, seed, design, level, succeeded: R - failed.length, failed, failures });
  const bandStages = S.stages.map((st, k) => ({
    law: lawFromDeclaration(st.summary.law.declaration, st.summary.law.groups),
    ...(st.chainedInput !== undefined ? { chainedInput: st.chainedInput } : {}),
    residualScale: st.residualScale ?? NaN,
    draws: draws[k]!,
  }));
  const failedSet = new Set(failed);
  S.predictions = S.predictions.map((p) => {
    const point: ChainPrediction = {
      at: p.at,
      ...(p.group !== undefined ? { group: p.group } : {}),
      level: p.level,
      stages: p.stages.map(({ confidence: _c, prediction: _p, ...rest }) => rest),
    };
    addChainBands(point, bandStages, R, failedSet, seed);
    return summarizePrediction(point);
  });
  return { ...base, ...artifactHeader(base.format, base.formatVersion) };
}
