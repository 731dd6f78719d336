/**
 * `lawfit sweep SPEC.json [--out FILE] [--shard K/N]`: every (dataset, target, law) combination of
 * a sweep spec (shard/sweep.ts) run as its own `lawfit fit` or `lawfit compare`, in this process,
 * one after another; with --shard, only this shard's combinations, merged by `lawfit merge`.
 * A combination that fails is recorded with its exit code and error line; the sweep goes on.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { readFileBytes, sha256Hex } from '../../data/index.js';
import { writeTextFileAtomically } from '../../report/artifact-file.js';
import { runShard } from '../../shard/artifact.js';
import { shardLabel, shardRange, withoutShardFlag } from '../../shard/shard.js';
import { makeSweepArtifact, parseSweepSpec, sweepCombinations, type Combination, type CombinationResult, type SweepShardPayload } from '../../shard/sweep.js';
import type { Io } from '../io.js';
import { resolveShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';

export const SWEEP_USAGE = `usage: lawfit sweep SPEC.json [--out FILE] [--shard K/N]

Run every (dataset, target, law) combination of SPEC as its own 'lawfit fit' (or 'lawfit
compare'), and write them all to one JSON artifact. SPEC:

  { "command": "fit",
    "datasets": [{ "name": "rpj", "file": "runs.csv", "where": "train_dataset == 'rpj'" }],
    "targets": ["loss_c4_val", "loss_openlm"],
    "laws": [{ "name": "chinchilla", "args": ["--law", "chinchilla", "--x", "N=N_params,D=D_tokens"] }],
    "args": ["--starts", "sobol:16"] }

Combinations run datasets x targets x laws, the law fastest; files are relative to SPEC.

  --out FILE          write the sweep's artifact (every combination's own artifact inside)
${shardUsage('combinations', 20)}  --quiet             print nothing but errors
`;

/** Run one combination as the CLI would, capturing its artifact (its command recorded without the temporary --out). */
async function runCombination(c: Combination, dir: string): Promise<CombinationResult> {
  const { runCli } = await import('../main.js');
  const out = join(dir, `combination-${c.index}.json`);
  let err = '';
  const extra = c.argv[0] === 'fit' ? ['--quiet'] : [];
  const exitCode = await runCli([...c.argv, '--no-progress', ...extra, '--out', out], { out: () => undefined, err: (t) => void (err += t) });
  const head = { index: c.index, id: c.id, dataset: c.dataset, target: c.target, law: c.law, argv: c.argv, exitCode };
  if (exitCode !== 0) return { ...head, error: err.trim().split('\n')[0] ?? `exit code ${exitCode}` };
  const artifact = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  artifact.command = ['lawfit', ...c.argv];
  return { ...head, artifact };
}

async function runCombinations(combos: readonly Combination[], io: Io, quiet: boolean): Promise<CombinationResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lawfit-sweep-'));
  try {
    const results: CombinationResult[] = [];
    for (const c of combos) {
      const r = await runCombination(c, dir);
      if (!quiet) io.out(`  ${String(c.index).padStart(4)}  ${c.id}: ${r.exitCode === 0 ? 'done' : `failed (exit ${r.exitCode}): ${r.error}`}\n`);
      results.push(r);
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { out: { type: 'string' }, ...SHARD_PARSE_OPTIONS, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.out(SWEEP_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `sweep takes one spec file\n\n${SWEEP_USAGE}`);
  const file = positionals[0]!;
  const bytes = await readFileBytes(file);
  const spec = parseSweepSpec(new TextDecoder().decode(bytes), file);
  const combos = sweepCombinations(spec);
  const specDigest = await sha256Hex(bytes);
  const command = ['lawfit', 'sweep', ...withoutShardFlag(argv)];
  const head = { spec, specDigest, command };
  if (values.shard !== undefined) {
    const shard = resolveShard(values.shard, values.out, combos.length, 'combinations');
    const slice = shardRange(combos.length, shard);
    const dataDigests = [specDigest, ...(await Promise.all(spec.datasets.map(async (d) => sha256Hex(await readFileBytes(d.file)))))];
    if (!values.quiet) io.out(`shard ${shardLabel(shard)}: combinations ${slice.from}..${slice.to - 1} of ${combos.length}\n`);
    const path = await runShard(values.out!, shard, { kind: 'sweep', command, seed: 0, dataDigests, dataFiles: [file, ...spec.datasets.map((d) => d.file)], items: combos.length }, slice, async (): Promise<SweepShardPayload> => {
      const shell = makeSweepArtifact(command, spec, specDigest, []);
      const { combinations: _none, ...rest } = shell;
      return { head: rest, combinations: await runCombinations(combos.slice(slice.from, slice.to), io, values.quiet) };
    });
    if (!values.quiet) io.out(`wrote ${path}\n`);
    return 0;
  }
  if (!values.quiet) io.out(`${combos.length} combinations\n`);
  const results = await runCombinations(combos, io, values.quiet);
  const failed = results.filter((r) => r.exitCode !== 0).length;
  if (values.out !== undefined) {
    await writeTextFileAtomically(values.out, JSON.stringify(makeSweepArtifact(head.command, spec, specDigest, results), null, 2) + '\n');
    if (!values.quiet) io.out(`wrote ${values.out}\n`);
  }
  if (!values.quiet) io.out(`${combos.length - failed} of ${combos.length} combinations done${failed > 0 ? `, ${failed} failed (recorded with their error)` : ''}\n`);
  return 0;
}
