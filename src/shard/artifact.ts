/**
 * The shard artifact: one task's share of a run, in an envelope that says which run it belongs to
 * (`run`: the command without --shard, the data's digests, the seed, how many work items) and
 * which share it is (`shard`, `work`). merge.ts checks the envelopes agree and joins the payloads.
 *
 * Progress across tasks lives beside the artifacts, as marker files (runShard): a task writes
 * NAME.shard-K-of-N.running when it starts, replaces it with the artifact when it finishes, or with
 * NAME.shard-K-of-N.failed (the error's one line) when it fails. `lawfit merge --status` reads them.
 */
import { hostname } from 'node:os';
import { rm, writeFile } from 'node:fs/promises';
import { LawfitError } from '../errors.js';
import { artifactHeader } from '../report/artifact.js';
import { writeTextFileAtomically } from '../report/artifact-file.js';
import { shardArtifactPath, type Shard } from './shard.js';

export const SHARD_FORMAT = 'lawfit-shard';
export const SHARD_FORMAT_VERSION = 1;

export type ShardedKind = 'fit' | 'compare' | 'chain' | 'sweep' | 'isoflop';

/** What every shard of one run shares; merge refuses shards whose identities differ. */
export interface RunIdentity {
  kind: ShardedKind;
  /** The command line without --shard: what a single-machine run would have been given. */
  command: string[];
  seed: number;
  /** SHA-256 of every data file the run read, in the order it read them. */
  dataDigests: string[];
  /** The files those digests are of, as the command named them (for messages). */
  dataFiles?: string[];
  /** How many work items the run splits (replicates, combinations). */
  items: number;
}

export interface ShardArtifact<P = unknown> {
  format: typeof SHARD_FORMAT;
  formatVersion: number;
  lawfitVersion: string;
  createdAt: string;
  shard: Shard;
  run: RunIdentity;
  /** The items this shard did: [from, to). */
  work: { from: number; to: number };
  payload: P;
}

export function makeShardArtifact<P>(shard: Shard, run: RunIdentity, work: { from: number; to: number }, payload: P): ShardArtifact<P> {
  return { ...artifactHeader(SHARD_FORMAT, SHARD_FORMAT_VERSION), shard, run, work, payload };
}

/** Parse a shard artifact's text; `name` (its path) is in every error. */
export function parseShardArtifact(text: string, name: string): ShardArtifact {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LawfitError('artifact', `${name}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const o = data as Partial<ShardArtifact> | null;
  if (o === null || typeof o !== 'object' || o.format !== SHARD_FORMAT) {
    throw new LawfitError('artifact', `${name}: not a lawfit shard artifact (expected "format": "${SHARD_FORMAT}"; shards are written by --shard K/N)`);
  }
  if (o.formatVersion !== SHARD_FORMAT_VERSION) throw new LawfitError('artifact', `${name}: shard format version ${String(o.formatVersion)} is not supported (reads version ${SHARD_FORMAT_VERSION})`);
  const s = o.shard;
  if (s === undefined || !Number.isInteger(s.index) || !Number.isInteger(s.count) || o.run === undefined || o.work === undefined || o.payload === undefined) {
    throw new LawfitError('artifact', `${name}: shard artifact lacks "shard", "run", "work" or "payload"`);
  }
  return o as ShardArtifact;
}

/** The marker files beside a shard's artifact. */
export function shardMarkerPaths(out: string, shard: Shard): { artifact: string; running: string; failed: string } {
  const artifact = shardArtifactPath(out, shard);
  const stem = artifact.slice(0, -'.json'.length);
  return { artifact, running: `${stem}.running`, failed: `${stem}.failed` };
}

/**
 * Run one shard: the running marker first, then `work`, then the artifact (atomically) in place of
 * the marker; on failure a failed marker with the error's first line, and the error rethrown.
 * Returns the artifact's path.
 */
export async function runShard<P>(out: string, shard: Shard, run: RunIdentity, work: { from: number; to: number }, compute: () => Promise<P>): Promise<string> {
  const paths = shardMarkerPaths(out, shard);
  const started = { shard, host: hostname(), pid: process.pid, startedAt: new Date().toISOString(), command: run.command };
  try {
    await writeFile(paths.running, JSON.stringify(started) + '\n');
  } catch (e) {
    throw new LawfitError('artifact', `${paths.running}: cannot write the shard's running marker (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  await rm(paths.failed, { force: true });
  let payload: P;
  try {
    payload = await compute();
  } catch (e) {
    const line = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    await writeFile(paths.failed, JSON.stringify({ ...started, failedAt: new Date().toISOString(), error: line }) + '\n').catch(() => undefined);
    await rm(paths.running, { force: true });
    throw e;
  }
  await writeTextFileAtomically(paths.artifact, JSON.stringify(makeShardArtifact(shard, run, work, payload), null, 2) + '\n');
  await rm(paths.running, { force: true });
  return paths.artifact;
}
