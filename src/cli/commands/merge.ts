/**
 * `lawfit merge SHARD... [--out FILE]`: join the shard artifacts of one run (--shard K/N) into the
 * artifact a single-machine run would have written (shard/merge.ts checks the set).
 * `lawfit merge --status DIR|FILE...`: which shards are done, running or failed (shard/status.ts).
 */
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { writeTextFileAtomically } from '../../report/artifact-file.js';
import { serializeArtifact } from '../../report/artifact.js';
import { parseArtifact } from '../../report/artifact-read.js';
import { renderTextReport } from '../../report/text.js';
import { parseShardArtifact, type ShardArtifact, type ShardedKind } from '../../shard/artifact.js';
import { mergeFitShards, type FitShardPayload } from '../../shard/fit-shard.js';
import { mergeCompareShards, type CompareShardPayload } from '../../shard/compare-shard.js';
import { mergeChainShards, type ChainShardPayload } from '../../shard/chain-shard.js';
import { mergeSweepShards, type SweepShardPayload } from '../../shard/sweep.js';
import { mergeIsoflopShards, type IsoflopShardPayload } from '../../shard/isoflop-shard.js';
import { checkShardSet, type LoadedShard } from '../../shard/merge.js';
import { renderShardStatus, shardStatus } from '../../shard/status.js';
import type { Io } from '../io.js';

export const MERGE_USAGE = `usage: lawfit merge SHARD.json... [--out FILE] [--prefer-newer]
       lawfit merge --status DIR|FILE...

Join the shards of one run (written by fit, compare, chain, sweep or isoflop with --shard K/N)
into the artifact a single machine would have written: the same draws, intervals and report. A
directory stands for every shard artifact in it. Refuses shards of different runs (command, data,
seed, version, N), a missing shard (named) and a shard given twice with different contents;
identical copies are deduplicated.

  --out FILE        where to write (default: the shards' name without .shard-K-of-N)
  --prefer-newer    for a shard given twice with different contents, keep the newer (createdAt)
  --quiet           print only what was written
  --status          list each shard as done, running (its .running marker) or failed (.failed)
`;

/** The shard artifacts among `paths`: files as given, directories as every *.shard-K-of-N.json in them. */
function shardFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      return [p]; // reading it reports the error, naming it
    }
    return dir ? readdirSync(p).filter((f) => /\.shard-\d+-of-\d+\.json$/.test(f)).sort().map((f) => join(p, f)) : [p];
  });
}

async function loadShard(path: string): Promise<LoadedShard> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LawfitError('artifact', `${path}: cannot read the shard (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return { path, artifact: parseShardArtifact(text, path) };
}

/** Each kind's join, as the text of the artifact its single-machine run writes. */
const MERGERS: Record<ShardedKind, (shards: ShardArtifact[]) => string> = {
  fit: (s) => serializeArtifact(mergeFitShards(s as Array<ShardArtifact<FitShardPayload>>)),
  compare: (s) => JSON.stringify(mergeCompareShards(s as Array<ShardArtifact<CompareShardPayload>>), null, 2) + '\n',
  chain: (s) => JSON.stringify(mergeChainShards(s as Array<ShardArtifact<ChainShardPayload>>), null, 2) + '\n',
  sweep: (s) => JSON.stringify(mergeSweepShards(s as Array<ShardArtifact<SweepShardPayload>>), null, 2) + '\n',
  isoflop: (s) => JSON.stringify(mergeIsoflopShards(s as Array<ShardArtifact<IsoflopShardPayload>>), null, 2) + '\n',
};

export async function mergeCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      'prefer-newer': { type: 'boolean', default: false },
      status: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(MERGE_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new LawfitError('bad-option', `merge: give the shard artifacts (or their directory)\n\n${MERGE_USAGE}`);
  if (values.status) {
    io.out(renderShardStatus(shardStatus(positionals)));
    return 0;
  }
  const files = shardFiles(positionals);
  if (files.length === 0) throw new LawfitError('bad-option', `merge: no *.shard-K-of-N.json files in ${positionals.join(', ')}`);
  const loaded = await Promise.all(files.map(loadShard));
  const { shards, notes } = checkShardSet(loaded, { preferNewer: values['prefer-newer'] });
  for (const n of notes) io.err(`lawfit merge: ${n}\n`);
  const text = MERGERS[shards[0]!.run.kind](shards);
  const out = values.out ?? loaded[0]!.path.replace(/\.shard-\d+-of-\d+\.json$/, '.json');
  await writeTextFileAtomically(out, text);
  if (!values.quiet && shards[0]!.run.kind === 'fit') io.out(renderTextReport(parseArtifact(text, out).summary));
  io.out(`merged ${shards.length} shards (${shards[0]!.run.items} ${shards[0]!.run.kind === 'sweep' ? 'combinations' : 'replicates'}); wrote ${out}\n`);
  return 0;
}
