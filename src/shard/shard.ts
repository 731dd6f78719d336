/**
 * Shards: one run's independent work (bootstrap replicates, sweep combinations) split over the
 * tasks of a cluster's job array, K of N. lawfit brings no scheduler of its own: Slurm, Kubernetes
 * Indexed Jobs and AWS Batch array jobs all give each task an index in an environment variable,
 * and `--shard auto/N` reads whichever is set (INDEX_VARIABLES, in that order).
 *
 * Work is split into contiguous ranges (shardRange): shard k of n takes items
 * [floor(k·count/n), floor((k+1)·count/n)). Every item's result depends only on the run (seed,
 * data, options) and the item's own index, never on n or k, so any layout merges to the same
 * artifact (merge.ts).
 *
 * Sharding another command takes four pieces, as fit, compare, chain, sweep and isoflop do:
 * 1. its work items fitted for a slice only (bootstrapFit's `slice`, compareLaws' and fitChain's
 *    `replicateSlice`, the isoflop bootstrap's `slice`), item r's randomness from (seed, r) alone;
 * 2. `--shard` parsed with resolveShard (cli/shard-flag.ts) and the slice run through runShard
 *    (artifact.ts), which writes the markers and the shard artifact, with the run's identity
 *    (command without --shard, data digests, seed, item count);
 * 3. a merge function from the shards' payloads to the single run's artifact, built from the same
 *    functions the single run summarises with (e.g. assembleBootstrap, isoflopBootstrapSummary),
 *    never a copy of them;
 * 4. its kind added to ShardedKind (artifact.ts) and to the MERGERS table (cli/commands/merge.ts).
 */
import { LawfitError } from '../errors.js';

/** The task-index variables of the job arrays lawfit runs under, read by `--shard auto/N`. */
export const INDEX_VARIABLES = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

const wholeNumber = (text: string): number | undefined => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);

/**
 * `--shard K/N` (K 0-based, 0 <= K < N) or `--shard auto/N`, K then from the first of
 * INDEX_VARIABLES that is set in `env`.
 */
export function parseShard(text: string, env: Readonly<Record<string, string | undefined>> = process.env): Shard {
  const m = /^\s*([^/]+)\/([^/]+)\s*$/.exec(text);
  const count = m !== null ? wholeNumber(m[2]!) : undefined;
  if (m === null || count === undefined || count < 1) {
    throw new LawfitError('bad-option', `--shard: expected K/N (shard K of N, K from 0) or auto/N, got '${text}'`);
  }
  let index: number | undefined;
  let from = '';
  if (m[1]!.trim() === 'auto') {
    const name = INDEX_VARIABLES.find((v) => env[v] !== undefined && env[v] !== '');
    if (name === undefined) throw new LawfitError('bad-option', `--shard auto/${count}: none of ${INDEX_VARIABLES.join(', ')} is set (give K/${count} instead)`);
    index = wholeNumber(env[name]!);
    from = ` (from ${name}=${env[name]})`;
    if (index === undefined) throw new LawfitError('bad-option', `--shard auto/${count}: ${name}='${env[name]}' is not a whole number`);
  } else {
    index = wholeNumber(m[1]!);
    if (index === undefined) throw new LawfitError('bad-option', `--shard: K in K/N must be a whole number or 'auto', got '${m[1]}'`);
  }
  if (index >= count) throw new LawfitError('bad-option', `--shard: shard ${index}${from} does not exist in ${count} shards (K runs from 0 to ${count - 1})`);
  return { index, count };
}

/** The items [from, to) of `count` that shard `s` does. */
export function shardRange(itemCount: number, s: Shard): { from: number; to: number } {
  return { from: Math.floor((s.index * itemCount) / s.count), to: Math.floor(((s.index + 1) * itemCount) / s.count) };
}

/** "2/4" as the shard reads in messages and file names. */
export function shardLabel(s: Shard): string {
  return `${s.index}/${s.count}`;
}

/**
 * Where shard `s` of a run whose artifact is `out` writes: `fit.json` -> `fit.shard-2-of-4.json`.
 * Distinct per shard, so the tasks of one array can share a directory.
 */
export function shardArtifactPath(out: string, s: Shard): string {
  const dot = out.toLowerCase().endsWith('.json') ? out.length - 5 : out.length;
  return `${out.slice(0, dot)}.shard-${s.index}-of-${s.count}.json`;
}

/** The argv with every `--shard X` / `--shard=X` removed: the command a single-machine run would have been. */
export function withoutShardFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--shard') {
      i++;
      continue;
    }
    if (a.startsWith('--shard=')) continue;
    out.push(a);
  }
  return out;
}
