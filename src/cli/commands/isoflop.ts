/**
 * `lawfit isoflop FILE --budget COL --x N=COL,D=COL --y COL`: the IsoFLOP analysis (Chinchilla
 * Approach 2, src/stats/isoflop.ts) with its quality control, frontier and bootstrap, optionally
 * Approach 3 beside it (`--also chinchilla`), printed, saved as JSON (`--out`, reprinted by
 * `lawfit report`) and drawn (`--plots DIR`).
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { datasetFromTable, readFileBytes, readTable, sha256Hex } from '../../data/index.js';
import { isoflopData, isoflopInputs, resolveIsoflop } from '../isoflop-flags.js';
import { makeIsoflopArtifact } from '../../report/isoflop-artifact.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { renderIsoflop } from '../../report/isoflop-text.js';
import { isoflopPlotFiles, isoflopPlots } from '../../plots/isoflop-plots.js';
import { analyzeIsoflop, isoflopRunsFromDataset } from '../../stats/isoflop.js';
import { approach3ForGroups, approach3Laws, type Approach3Result } from '../../stats/isoflop-approach3.js';
import { withSpecEngine } from '../engine-flag.js';
import { parseOptions, specFromFlags } from '../../run-spec/argv.js';
import { optionsHelp } from '../../run-spec/help.js';
import { runRecord } from '../../run-spec/record.js';
import type { Io } from '../io.js';
import { resolveShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';
import { runShard } from '../../shard/artifact.js';
import { isoflopShardPayload } from '../../shard/isoflop-shard.js';
import { shardLabel, shardRange, withoutShardFlag, type Shard } from '../../shard/shard.js';

export const ISOFLOP_USAGE = `usage: lawfit isoflop FILE --budget COL --x N=COL,D=COL --y COL [options]

IsoFLOP analysis (Chinchilla Approach 2): per compute budget, a parabola of the loss in ln N and in
ln D; its vertex N*(C), D*(C), L*(C) with standard errors; then N* = k·C^a and D* = k·C^b by least
squares over the budgets that pass quality control.

${optionsHelp('isoflop', { output: shardUsage('bootstrap replicates (of every group)') })}`;

export async function isoflopCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...parseOptions('isoflop'),
      ...SHARD_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values['help'] === true) {
    io.out(ISOFLOP_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `isoflop takes one data file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${ISOFLOP_USAGE}`);
  // Every flag through its row's parser (--engine and --threads too, --also or not: a bad value is
  // refused either way; the engine only fits Approach 3).
  const spec = specFromFlags('isoflop', values);
  if (spec.budget === undefined) throw new LawfitError('bad-option', '--budget is required: the column with each run\'s compute budget, e.g. --budget budget');
  if (spec.x === undefined) throw new LawfitError('bad-option', '--x is required: --x N=PARAMS_COLUMN,D=TOKENS_COLUMN');
  if (spec.y === undefined) throw new LawfitError('bad-option', '--y is required: the loss column, e.g. --y loss');
  const shardText = (values as { shard?: string }).shard;
  const budget = spec.budget;
  const target = spec.y;
  const x = isoflopInputs(spec.x);
  const options = resolveIsoflop(spec);
  const laws = approach3Laws(spec.also ?? []);
  const format = spec.format ?? 'auto';

  const file = positionals[0]!;
  const bytes = await readFileBytes(file);
  const table = readTable(bytes, file, format);
  const { dataSpec, record } = isoflopData(spec, budget, target, x);
  const dataset = datasetFromTable(table, dataSpec, ['N', 'D', 'budget']);
  const digest = await sha256Hex(bytes);
  dataset.digest = digest;
  // Every output is checked before anything is fitted (outputs.ts); the plots' names follow the groups.
  const groupLabels = dataset.groups !== undefined ? [...new Set(dataset.groups)] : undefined;
  const outputs = await checkOutputs([{ flag: '--out', path: spec.out, kind: 'file' }, { flag: '--plots', path: spec.plots, kind: 'dir', files: isoflopPlotFiles(groupLabels) }], [file], { command: 'isoflop', io });
  const runs = isoflopRunsFromDataset(dataset);
  const command = ['lawfit', 'isoflop', ...withoutShardFlag(argv)];
  const shard = shardText !== undefined ? isoflopShard(shardText, spec.out, spec.plots, options.bootstrap?.replicates) : undefined;
  const slice = shard !== undefined ? shardRange(options.bootstrap!.replicates, shard) : undefined;

  // The analysis, Approach 3 beside it and the artifact; a shard's bootstrap covers its slice (isoflop-shard.ts joins them).
  const produce = async () => {
    const result = analyzeIsoflop(runs, slice !== undefined ? { ...options, bootstrap: { ...options.bootstrap!, slice } } : options);
    let also: Approach3Result[] = [];
    if (laws.length > 0) {
      also = await withSpecEngine(spec, io, (engine) => approach3ForGroups(laws, dataset, result, engine, options.at));
    }
    const artifact = makeIsoflopArtifact({
      command,
      run: runRecord('isoflop', spec),
      data: record(file, digest),
      result,
      approach3: also,
    });
    return { result, also, artifact };
  };
  if (shard !== undefined) {
    const boot = options.bootstrap!;
    const run = { kind: 'isoflop' as const, command, seed: boot.seed ?? 0, dataDigests: [digest], dataFiles: [file], items: boot.replicates };
    const path = await runShard(spec.out!, shard, run, slice!, async () => isoflopShardPayload((await produce()).artifact, boot.seed ?? 0, boot.design ?? 'runs'));
    if (spec.quiet !== true) io.out(`shard ${shardLabel(shard)}: replicates ${slice!.from}..${slice!.to - 1} of ${boot.replicates}; wrote ${path}\n`);
    return 0;
  }
  const { result, also, artifact } = await produce();
  if (spec.quiet !== true) io.out(renderIsoflop(result, also));
  const written = await writeOutputSet(outputs, 'isoflop', io, async (put) => {
    if (spec.out !== undefined) await put('--out', JSON.stringify(artifact, null, 2) + '\n');
    if (spec.plots !== undefined) {
      const { renderSvg } = await import('../../plots/render.js'); // vega only when drawing (main.ts)
      for (const plot of isoflopPlots(result)) await put('--plots', await renderSvg(plot.spec), plot.file);
    }
  });
  if (spec.quiet !== true) {
    if (spec.out !== undefined) io.out(`wrote ${spec.out}\n`);
    const plots = written.filter((w) => w.flag === '--plots');
    if (plots.length > 0) io.out(`wrote ${plots.length} plots to ${spec.plots}: ${plots.map((w) => w.path.slice(w.path.lastIndexOf('/') + 1)).join(', ')}\n`);
  }
  return 0;
}

/** `--shard` for isoflop: it splits the bootstrap's replicates, so it needs --bootstrap (and --out, resolveShard). */
function isoflopShard(text: string, out: string | undefined, plots: string | undefined, replicates: number | undefined): Shard {
  if (replicates === undefined) throw new LawfitError('bad-option', "--shard splits the bootstrap's replicates: add --bootstrap N (an IsoFLOP analysis without it is closed form, nothing to share out)");
  if (plots !== undefined) throw new LawfitError('bad-option', '--plots: draw them from a single run; a shard has only its share of the replicates');
  return resolveShard(text, out, replicates, 'replicates');
}
