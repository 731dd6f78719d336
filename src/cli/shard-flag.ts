/**
 * `--shard K/N | auto/N` for the CLI's commands (shard/shard.ts parses it), and the sharded path of
 * `lawfit fit`: the shard's artifact goes next to --out as OUT.shard-K-of-N.json, with a running
 * marker while it works (shard/artifact.ts); `lawfit merge` joins the shards into OUT.
 */
import { LawfitError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import type { CompiledLaw } from '../law/compile.js';
import { makeArtifact } from '../report/artifact.js';
import { summarizeFit } from '../report/summary.js';
import { runShard } from '../shard/artifact.js';
import { floatsToJson, partToJson, type FitShardPayload } from '../shard/fit-shard.js';
import { parseShard, shardLabel, shardRange, withoutShardFlag, type Shard } from '../shard/shard.js';
import type { ResolvedBootstrap } from './bootstrap-flags.js';
import { runBootstrap } from './bootstrap-flags.js';
import { withSpecEngine } from './engine-flag.js';
import type { RunSpec } from '../run-spec/run-options.js';
import type { RunRecord } from '../run-spec/record.js';
import type { FitPlan } from './fit-flags.js';
import type { Io } from './io.js';
import { runWithControl, type ProgressFlags } from './run-control.js';

export const SHARD_PARSE_OPTIONS = { shard: { type: 'string' } } as const;

/** Lines for a command's --help: `what` it splits, the flag column `width` wide (the command's own). */
export function shardUsage(what: string, width = 24): string {
  const pad = ' '.repeat(width + 2);
  return `  ${'--shard K/N'.padEnd(width)}do shard K (0..N-1) of N of the ${what},
${pad}writing OUT.shard-K-of-N.json beside --out OUT (join them with 'lawfit merge');
${pad}auto/N: K from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX
`;
}

/** Parse --shard for a run of `items` work items written to `out` (required: the shard's artifact goes beside it). */
export function resolveShard(text: string, out: string | undefined, items: number, what: string): Shard {
  const shard = parseShard(text);
  if (out === undefined) throw new LawfitError('bad-option', `--shard ${text}: needs --out FILE (shard ${shardLabel(shard)} writes FILE.shard-${shard.index}-of-${shard.count}.json beside it)`);
  if (shard.count > items) throw new LawfitError('bad-option', `--shard ${text}: ${shard.count} shards for ${items} ${what}; use at most ${items} shards`);
  return shard;
}

export interface FitShardRun {
  argv: string[];
  /** The typed record of the run (src/run-spec/record.ts), as the single-machine artifact has it. */
  run: RunRecord;
  shardText: string;
  out: string | undefined;
  quiet: boolean;
  boot: ResolvedBootstrap | undefined;
  plan: FitPlan;
  law: CompiledLaw;
  dataset: Dataset;
  io: Io;
  flags: Pick<RunSpec, 'engine' | 'threads'> & ProgressFlags;
  plots: string | undefined;
}

export async function runFitShard(r: FitShardRun): Promise<number> {
  if (r.boot === undefined) throw new LawfitError('bad-option', `--shard splits the bootstrap's replicates: add --bootstrap N (a fit without it is one fit, nothing to share out)`);
  if (r.plots !== undefined) throw new LawfitError('bad-option', '--plots: draw them from the merged artifact (lawfit plot OUT --out DIR); a shard has only its share of the replicates');
  const boot = r.boot;
  const shard = resolveShard(r.shardText, r.out, boot.replicates, 'replicates');
  const slice = shardRange(boot.replicates, shard);
  const { seed, startSpec, lm, screen } = r.plan;
  const command = ['lawfit', 'fit', ...withoutShardFlag(r.argv)];
  const run = { kind: 'fit' as const, command, seed, dataDigests: [r.dataset.digest ?? ''], dataFiles: [r.dataset.source], items: boot.replicates };
  const path = await runShard(r.out!, shard, run, slice, async (): Promise<FitShardPayload> => {
    const b = await withSpecEngine(r.flags, r.io, (engine) =>
      runWithControl('fit', r.flags, r.io, (control) => runBootstrap(r.law, r.dataset, boot, seed, { starts: startSpec, lm, engine, control, slice, jackknife: shard.index === 0 })),
    );
    const artifact = makeArtifact(summarizeFit(b.fit), startSpec, { command, run: r.run, seed, ...(screen !== undefined ? { screen } : {}) });
    return {
      artifact,
      design: boot.design,
      level: b.level,
      n: r.dataset.n,
      estimates: b.fit.params.filter((q) => !q.fixed).map((q) => ({ name: q.name, value: q.value })),
      part: partToJson(b.part!),
      ...(b.jackknife !== undefined ? { jackknife: floatsToJson(b.jackknife) } : {}),
    };
  });
  if (!r.quiet) r.io.out(`shard ${shardLabel(shard)}: replicates ${slice.from}..${slice.to - 1} of ${boot.replicates}; wrote ${path}\n`);
  return 0;
}
