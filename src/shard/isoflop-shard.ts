/**
 * `lawfit isoflop --bootstrap R --shard K/N`: every shard repeats the full-data analysis (closed
 * form: the parabolas, the QC, the frontier; and `--also`'s fits) and refits replicates
 * shardRange(R, K/N) of each group, drawing only those (group g's replicate r comes from
 * replicateRng(seed + g, r), resample.ts). The payload is the single-machine artifact without the
 * groups' bootstrap summaries, plus each group's slice of replicates (IsoflopReplicateSlice);
 * mergeIsoflopShards joins the slices in replicate order and summarises them with the function a
 * single run summarises with (isoflopBootstrapSummary), so the merged artifact is that run's.
 */
import { LawfitError } from '../errors.js';
import type { IsoflopArtifact } from '../report/isoflop-artifact.js';
import { artifactHeader } from '../report/artifact.js';
import { isoflopBootstrapSummary, type IsoflopDesign, type IsoflopReplicateSlice } from '../stats/isoflop.js';
import type { ShardArtifact } from './artifact.js';
import { checkPointFitsAgree } from './merge.js';

export interface IsoflopShardPayload {
  /** The artifact a single run writes, without the groups' bootstrap summaries. */
  artifact: IsoflopArtifact;
  /** The bootstrap's replicates per group (in the artifact's group order), seed and design; null for a group without a frontier. */
  groups: Array<{ seed: number; design: IsoflopDesign; replicates: IsoflopReplicateSlice } | null>;
}

/** The shard's payload from its artifact, whose groups carry bootstrapReplicates (analyzeIsoflop's `slice`). */
export function isoflopShardPayload(artifact: IsoflopArtifact, seed: number, design: IsoflopDesign): IsoflopShardPayload {
  const base: IsoflopArtifact = { ...artifact, result: { ...artifact.result, groups: artifact.result.groups.map(({ bootstrapReplicates: _r, ...g }) => g) } };
  // Group g's seed is seed + g, as the single run's bootstrap records it.
  const groups = artifact.result.groups.map((g, gi) => (g.bootstrapReplicates !== undefined ? { seed: seed + gi, design, replicates: g.bootstrapReplicates } : null));
  return { artifact: base, groups };
}

/** A draw read back from JSON: NaN was written as null. */
const drawFromJson = (d: ReadonlyArray<number | null> | null): [number, number, number, number, number] | null => (d === null ? null : (d.map((v) => (v === null ? NaN : v)) as [number, number, number, number, number]));

/** The single-machine IsoFLOP artifact from a complete, checked set of isoflop shards (merge.ts checks them). */
export function mergeIsoflopShards(shards: ReadonlyArray<ShardArtifact<IsoflopShardPayload>>): IsoflopArtifact {
  checkPointFitsAgree(shards, 'full-data frontier', (s) =>
    s.payload.artifact.result.groups.flatMap((g, gi) => {
      const f = g.frontier?.fit;
      const label = g.group !== undefined ? `group '${g.group}'` : `group ${gi + 1}`;
      return f === undefined ? [[`${label} frontier`, null] as [string, unknown]] : [[`${label} a`, f.N.slope], [`${label} b`, f.D.slope], [`${label} ln k_N`, f.N.logK], [`${label} ln k_D`, f.D.logK]] as Array<[string, unknown]>;
    }),
  );
  const base: IsoflopArtifact = structuredClone(shards[0]!.payload.artifact);
  const R = shards[0]!.run.items;
  const result = base.result;
  result.groups.forEach((g, gi) => {
    const own = shards[0]!.payload.groups[gi];
    if (own === null || own === undefined) return;
    const f = g.frontier?.fit;
    if (f === undefined) throw new LawfitError('artifact', `isoflop shard 0/${shards.length}: group ${gi + 1} has replicates but no frontier`);
    const slices = shards.map((s): IsoflopReplicateSlice => {
      const x = s.payload.groups[gi];
      const where = `isoflop shard ${s.shard.index}/${s.shard.count}`;
      if (x === null || x === undefined) throw new LawfitError('artifact', `${where}: group ${gi + 1} has no replicates`);
      const r = x.replicates;
      if (r.from !== s.work.from || r.to !== s.work.to) throw new LawfitError('artifact', `${where}: group ${gi + 1}'s replicates are ${r.from}..${r.to}, not the shard's ${s.work.from}..${s.work.to}`);
      if (!Array.isArray(r.draws) || r.draws.length !== r.to - r.from || !Array.isArray(r.keptBudgets) || r.keptBudgets.length !== r.to - r.from || !Array.isArray(r.failed)) {
        throw new LawfitError('artifact', `${where}: invalid shard: group ${gi + 1}'s replicates lack draws, keptBudgets or failed for ${r.to - r.from} replicates`);
      }
      return { ...r, draws: r.draws.map(drawFromJson) };
    });
    const elapsedMs = shards.reduce((t, s) => t + (s.payload.groups[gi]?.replicates.elapsedMs ?? 0), 0);
    g.bootstrap = isoflopBootstrapSummary({
      budgets: g.budgets.map((b) => b.budget),
      full: f,
      slices,
      replicates: R,
      seed: own.seed,
      design: own.design,
      level: result.level,
      at: g.predictions.map((p) => p.C),
      elapsedMs,
    });
  });
  return { ...base, ...artifactHeader(base.format, base.formatVersion) };
}
