/**
 * Merging shards: check that a set of shard artifacts is one run, complete, each shard once, and
 * join their payloads into the artifact a single-machine run would have written.
 *
 * - One run: every shard's `run` (kind, command without --shard, seed, data digests, item count),
 *   lawfit version and shard count equal the first's; each shard did exactly its own range.
 * - Complete: every index 0..N-1 present; a missing one is named, with its file name and what its
 *   marker says (still running, failed) when the marker is beside the others.
 * - Each once. A re-run shard normally replaces its earlier copy in place (the same file name,
 *   written atomically). When two files claim the same shard anyway (copied around, collected from
 *   two directories): identical contents, timing fields aside (timingFree), are deduplicated; any
 *   other difference is refused, naming both files, unless preferNewer is set, when the copy
 *   with the later createdAt wins (a re-run after a failure or a change of machine).
 */
import { existsSync, readFileSync } from 'node:fs';
import { LawfitError } from '../errors.js';
import { LAWFIT_VERSION } from '../version.js';
import type { ShardArtifact } from './artifact.js';
import { shardLabel, shardRange } from './shard.js';

export interface LoadedShard {
  path: string;
  artifact: ShardArtifact;
}

/** Keys that record when or how long, not what: left out when shards or artifacts are compared. */
export const TIMING_KEYS: readonly string[] = ['createdAt', 'elapsedMs'];

/** A deep copy of `v` without TIMING_KEYS anywhere. */
export function timingFree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(timingFree);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !TIMING_KEYS.includes(k)).map(([k, x]) => [k, timingFree(x)]));
  return v;
}

const show = (v: unknown): string => {
  const t = JSON.stringify(v);
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
};

/** The first field in which shard b's run differs from shard a's, or undefined. */
function runDifference(a: ShardArtifact, b: ShardArtifact): string | undefined {
  const fields: Array<[string, unknown, unknown]> = [
    ['lawfit version', a.lawfitVersion, b.lawfitVersion],
    ['kind', a.run.kind, b.run.kind],
    ['shard count N', a.shard.count, b.shard.count],
    ['seed', a.run.seed, b.run.seed],
    ['work items', a.run.items, b.run.items],
    ['command (options)', a.run.command, b.run.command],
  ];
  for (const [name, x, y] of fields.slice(0, 3)) if (JSON.stringify(x) !== JSON.stringify(y)) return `${name} differs (${show(x)} vs ${show(y)})`;
  // The data before the options: a changed file is the likelier mistake, and its name says which.
  const da = a.run.dataDigests;
  const db = b.run.dataDigests;
  for (let i = 0; i < Math.max(da.length, db.length); i++) {
    if (da[i] !== db[i]) {
      const name = a.run.dataFiles?.[i] ?? `data file ${i + 1}`;
      return `the SHA-256 of ${name} differs (${(da[i] ?? 'none').slice(0, 16)}... vs ${(db[i] ?? 'none').slice(0, 16)}...)`;
    }
  }
  for (const [name, x, y] of fields.slice(3)) if (JSON.stringify(x) !== JSON.stringify(y)) return `${name} differs (${show(x)} vs ${show(y)})`;
  return undefined;
}

/** Where shard k of a shard at `path` would be: fit.shard-2-of-4.json -> fit.shard-K-of-4.json. */
function siblingPath(path: string, k: number, n: number): string {
  return path.replace(/\.shard-\d+-of-\d+\.json$/, `.shard-${k}-of-${n}.json`);
}

/** A missing shard's state from its marker files, when they are beside the others. */
function markerNote(artifactPath: string): string {
  const stem = artifactPath.replace(/\.json$/, '');
  if (existsSync(`${stem}.failed`)) {
    try {
      const f = JSON.parse(readFileSync(`${stem}.failed`, 'utf8')) as { error?: string; host?: string };
      return ` (it failed on ${f.host ?? '?'}: ${f.error ?? '?'})`;
    } catch {
      return ' (it failed)';
    }
  }
  if (existsSync(`${stem}.running`)) return ' (still running: its .running marker is there)';
  return '';
}

export interface ShardSet {
  /** One artifact per index, in index order. */
  shards: ShardArtifact[];
  /** What merge decided about duplicates, for the user. */
  notes: string[];
}

export function checkShardSet(loaded: readonly LoadedShard[], opts: { preferNewer?: boolean } = {}): ShardSet {
  if (loaded.length === 0) throw new LawfitError('bad-option', 'no shard artifacts given');
  const first = loaded[0]!;
  if (first.artifact.lawfitVersion !== LAWFIT_VERSION) {
    throw new LawfitError('artifact', `${first.path}: written by lawfit ${first.artifact.lawfitVersion}, this is ${LAWFIT_VERSION}; merge with the version that ran the shards`);
  }
  for (const s of loaded) {
    const diff = runDifference(first.artifact, s.artifact);
    if (diff !== undefined) throw new LawfitError('artifact', `${s.path}: not a shard of the same run as ${first.path}: ${diff}`);
    const want = shardRange(s.artifact.run.items, s.artifact.shard);
    if (s.artifact.work.from !== want.from || s.artifact.work.to !== want.to) {
      throw new LawfitError('artifact', `${s.path}: shard ${shardLabel(s.artifact.shard)} did items [${s.artifact.work.from}, ${s.artifact.work.to}), its share is [${want.from}, ${want.to})`);
    }
  }
  const n = first.artifact.shard.count;
  const byIndex = new Map<number, LoadedShard[]>();
  for (const s of loaded) byIndex.set(s.artifact.shard.index, [...(byIndex.get(s.artifact.shard.index) ?? []), s]);
  const missing = Array.from({ length: n }, (_, k) => k).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    const list = missing.map((k) => {
      const p = siblingPath(first.path, k, n);
      return `${k}/${n} (${p}${markerNote(p).replace(/^ \(/, ': ').replace(/\)$/, '')})`;
    });
    throw new LawfitError('artifact', `missing shard${missing.length === 1 ? '' : 's'} ${list.join(', ')}; have ${byIndex.size} of ${n}`);
  }
  const notes: string[] = [];
  const shards = Array.from({ length: n }, (_, k) => {
    const copies = byIndex.get(k)!;
    if (copies.length === 1) return copies[0]!.artifact;
    const canon = copies.map((c) => JSON.stringify(timingFree(c.artifact)));
    if (canon.every((t) => t === canon[0])) {
      notes.push(`shard ${k}/${n}: ${copies.length} identical copies (${copies.map((c) => c.path).join(', ')}); using one`);
      return copies[0]!.artifact;
    }
    const newest = [...copies].sort((a, b) => (a.artifact.createdAt < b.artifact.createdAt ? 1 : a.artifact.createdAt > b.artifact.createdAt ? -1 : 0));
    if (opts.preferNewer === true) {
      notes.push(`shard ${k}/${n}: ${copies.length} differing copies; using the newest, ${newest[0]!.path} (${newest[0]!.artifact.createdAt})`);
      return newest[0]!.artifact;
    }
    throw new LawfitError(
      'artifact',
      `shard ${k}/${n} is given twice with different results: ${copies.map((c) => `${c.path} (${c.artifact.createdAt})`).join(' and ')}; remove the stale copy, or pass --prefer-newer to keep the newest`,
    );
  });
  return { shards, notes };
}

/**
 * Every shard repeats the run's point fits (the full-data fit, a fold's fit); they must agree to the
 * last bit, or the shards ran on engines or machines that give different numbers (an f32 GPU and
 * the float64 CPU, say) and their replicates would not be one bootstrap. `values` gives each shard's
 * point estimates as [label, value] pairs.
 */
export function checkPointFitsAgree<S extends { shard: { index: number; count: number } }>(shards: readonly S[], what: string, values: (s: S) => Array<[string, unknown]>): void {
  const ref = values(shards[0]!);
  for (const s of shards.slice(1)) {
    const got = values(s);
    const k = ref.findIndex(([, v], i) => JSON.stringify(v) !== JSON.stringify(got[i]?.[1]));
    if (k >= 0 || got.length !== ref.length) {
      const [label, v] = ref[Math.max(k, 0)]!;
      throw new LawfitError(
        'artifact',
        `shard ${shardLabel(s.shard)}'s ${what} differs from shard ${shardLabel(shards[0]!.shard)}'s (${label}: ${JSON.stringify(v)} vs ${JSON.stringify(got[Math.max(k, 0)]?.[1])}): the shards ran on engines or machines that disagree; run every shard with the same --engine on the same kind of machine`,
      );
    }
  }
}
