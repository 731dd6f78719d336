/**
 * `lawfit chain FILE --law A --x ... --y COL --then B --then-x IN=@ --then-y COL --at ...`: a loss
 * law feeding a downstream law over one table of runs (src/stats/chain.ts), with one joint
 * bootstrap carrying the first stage's uncertainty into the second. Prints both fits briefly,
 * then per --at point each stage's prediction and bands; --out writes the chain's JSON artifact.
 * Its flags, their --help and their typed values come from the run specification's table
 * (src/run-spec/run-options.ts: the rows whose commands include 'chain').
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { readFileBytes, readTable, sha256Hex, type DataSpec } from '../../data/index.js';
import type { LmOptions } from '../../fit/options.js';
import { makeChainArtifact } from '../../report/chain-artifact.js';
import { renderChainFits, renderChainPrediction } from '../../report/chain-text.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { fitChain, pointInputs, predictChain, PREVIOUS_STAGE, type ChainStage } from '../../stats/chain.js';
import { summarizeChain } from '../../report/chain-summary.js';
import { describeDesign } from '../../stats/resample.js';
import { checkPoint } from '../at-flag.js';
import type { Io } from '../io.js';
import { withSpecEngine } from '../engine-flag.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl, type ProgressFlags } from '../run-control.js';
import { compileLawSpec } from '../law-flags.js';
import { resolveShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';
import { runShard } from '../../shard/artifact.js';
import { chainShardPayload } from '../../shard/chain-shard.js';
import { shardLabel, shardRange, withoutShardFlag } from '../../shard/shard.js';
import { parseOptions, specFromFlags } from '../../run-spec/argv.js';
import { optionsHelp } from '../../run-spec/help.js';
import { resolveBootstrap } from '../../run-spec/resolve.js';
import type { RunSpec } from '../../run-spec/run-options.js';
import { runRecord } from '../../run-spec/record.js';
import { checkClusterDesign, compileGroupedLaw, extractIndexedParams, groupLevels, groupsRecord, indicatorValues, mergePer, type PerGroupSpec } from '../../law/groups.js';
import { datasetFromTable } from '../../data/map-table.js';
import type { Table } from '../../data/table.js';

export const CHAIN_USAGE = `usage: lawfit chain FILE --law A --x IN=COL,... --y COL [--where EXPR]
                  --then B --then-x IN=${PREVIOUS_STAGE}[,IN=COL...] --then-y COL [--then-where EXPR]
                  --at IN=VALUE,... [--at ...] [options]

A two-stage chain over one table of runs: stage 1 (e.g. the loss) is fitted on its runs, stage 2
(e.g. downstream error as a function of loss) on its own, and at each --at point stage 2 is
evaluated at stage 1's prediction. In --then-x, '${PREVIOUS_STAGE}' stands for stage 1's quantity: its
observed --y on the runs stage 2 is fitted on, its prediction at the --at points. Example
(Gadre et al. 2024):

  lawfit chain gadre_104_models.csv --law overtrain --x N=N_params,M=D_tokens/N_params \\
      --y loss_c4_val --where '...' --then downstream-exp --then-x L=${PREVIOUS_STAGE} --then-y err_avg_17 \\
      --then-where '...' --at N=6.9e9,M=20 --bootstrap 2000 --design bayes

Per --at point it prints stage 1's prediction and band; the final prediction with the chain band
(both stages resampled), the band with stage 1 taken as exact (stage 2 alone), and the prediction
band (every stage's residual scatter added); warnings in decades outside each stage's fitted range.
The flags of stage 1 (law, data, fitting) are those of 'lawfit fit'; stage 2's are --then-*.

${optionsHelp('chain', { output: shardUsage("joint bootstrap's replicates") + PROGRESS_USAGE })}`;

/** One stage's options, read off the spec (stage 1's rows, or stage 2's --then-* rows). */
interface StageSpec {
  law?: string | undefined;
  formula?: string | undefined;
  x?: Record<string, string> | undefined;
  y?: string | undefined;
  where?: string | undefined;
  positive?: string[] | undefined;
  fix?: Record<string, number> | undefined;
  space?: RunSpec['space'];
  loss?: RunSpec['loss'];
  per?: RunSpec['per'];
}

/** Only the keys whose value is given (the library's option types are exact). */
function given<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** One stage from its options; `prefix` is '' for stage 1 and 'then-' for stage 2 (named in messages). */
function stageOf(v: StageSpec, prefix: string): ChainStage & { per?: PerGroupSpec } {
  const lawFlag = prefix === '' ? '--law' : '--then';
  if (v.x === undefined) throw new LawfitError('bad-option', `--${prefix}x is required: map the law's inputs, e.g. --${prefix}x ${prefix === '' ? 'N=N_params,D=D_tokens' : `L=${PREVIOUS_STAGE}`}`);
  if (v.y === undefined) throw new LawfitError('bad-option', `--${prefix}y is required: the target column`);
  if ((v.law === undefined) === (v.formula === undefined)) throw new LawfitError('bad-option', `give exactly one of ${lawFlag} NAME or --${prefix}formula TEXT`);
  const inputs = v.x;
  const indexed = v.formula !== undefined ? extractIndexedParams(v.formula) : undefined;
  // Per-group parameters are built for stage 1 only: the levels of stage 2's group column would
  // have to be read over rows whose '@' input is stage 1's, and no study in the seeds needs it.
  if (prefix !== '' && indexed?.per !== undefined) {
    throw new LawfitError('bad-option', `--then-formula: per-group parameters (${indexed.per.params.map((p) => `${p}[${indexed.per!.column}]`).join(', ')}) are supported in stage 1 only (--per or E[COL] in --formula)`);
  }
  const law = compileLawSpec(given({ law: v.law, formula: indexed?.formula ?? v.formula }), given({ positive: v.positive, fix: v.fix, space: v.space }), Object.keys(inputs));
  const spec: DataSpec = { inputs, target: v.y, ...(v.where !== undefined ? { where: v.where } : {}) };
  const lm: Partial<LmOptions> = v.loss !== undefined ? { loss: v.loss } : {};
  const per = mergePer(v.per, indexed?.per);
  return { law, spec, lm, ...(per !== undefined ? { per } : {}) };
}

/** Stage 1 with its per-group parameters over the groups of its runs (law/groups.ts); the design may not cluster on that column. */
function groupedStage(stage: ChainStage & { per?: PerGroupSpec }, table: Table, clusterColumn: string | undefined): ChainStage {
  const { per, ...rest } = stage;
  if (per === undefined) return rest;
  const labels = datasetFromTable(table, { ...rest.spec, group: per.column }, rest.law.inputNames).groups!;
  const law = compileGroupedLaw(rest.law, per, groupLevels(labels, per.column, table.source));
  checkClusterDesign(law, clusterColumn);
  return { ...rest, law };
}

export async function chainCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...parseOptions('chain'),
      ...SHARD_PARSE_OPTIONS,
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values['help'] === true) {
    io.out(CHAIN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `chain takes one data file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${CHAIN_USAGE}`);
  const file = positionals[0]!;
  const spec = specFromFlags('chain', values);
  const control = values as ProgressFlags & { shard?: string };
  const quiet = spec.quiet === true;
  const firstSpec = stageOf(spec, '');
  const second = stageOf(
    { law: spec.thenLaw, formula: spec.thenFormula, x: spec.thenX, y: spec.thenY, where: spec.thenWhere, positive: spec.thenPositive, fix: spec.thenFix, space: spec.thenSpace, loss: spec.thenLoss },
    'then-',
  );
  if (spec.at === undefined) throw new LawfitError('bad-option', '--at is required: the point to predict, e.g. --at N=6.9e9,M=20');
  const needed = pointInputs([firstSpec, second]);
  const points = spec.at;
  for (const at of points) checkPoint(at, needed, `${firstSpec.law.name} → ${second.law.name}`);
  const boot = resolveBootstrap(spec);
  const seed = spec.seed ?? 0;
  const format = spec.format ?? 'auto';

  const outputs = await checkOutputs([{ flag: '--out', path: spec.out, kind: 'file' }], [file], { command: 'chain', io });
  const bytes = await readFileBytes(file);
  const table = readTable(bytes, file, format);
  const digest = await sha256Hex(bytes);
  const first = groupedStage(firstSpec, table, boot?.design.kind === 'clusters' ? boot.design.column : undefined);
  if (first.law.grouping !== undefined && spec.chainGroup === undefined) {
    throw new LawfitError('bad-option', `--group is required: stage 1 has per-group parameters (${first.law.grouping.perParams.join(', ')} per ${first.law.grouping.column}); name the group to predict, e.g. --group ${first.law.grouping.levels[0]} (groups: ${first.law.grouping.levels.join(', ')})`);
  }
  // The group is checked before anything is fitted (predictChain checks it again, for the library).
  const firstGroups = groupsRecord(first.law);
  if (firstGroups !== undefined) indicatorValues(firstGroups, spec.chainGroup, '--group');
  else if (spec.chainGroup !== undefined) throw new LawfitError('bad-option', `--group ${spec.chainGroup}: stage 1 has no per-group parameters (give --per COL:P1,P2 or E[COL] in --formula)`);
  if (control.shard !== undefined && boot === undefined) throw new LawfitError('bad-option', "--shard splits the joint bootstrap's replicates: add --bootstrap N");
  const shard = control.shard !== undefined ? resolveShard(control.shard, spec.out, boot!.replicates, 'replicates') : undefined;
  const slice = shard !== undefined ? shardRange(boot!.replicates, shard) : undefined;
  const command = ['lawfit', 'chain', ...withoutShardFlag(argv)];
  // The chain, its predictions and artifact; a shard's cover its slice of the replicates (chain-shard.ts joins them).
  const produce = async () => {
    const chain = await withSpecEngine(spec, io, (engine) =>
      runWithControl('chain', { ...control, quiet }, io, (c) =>
        fitChain(table, [first, second], {
          engine,
          control: c,
          ...(boot !== undefined ? { bootstrap: { replicates: boot.replicates, seed, design: boot.design, level: boot.level, replicateStarts: boot.replicateStarts, generator: boot.generator } } : {}),
          ...(slice !== undefined ? { replicateSlice: slice } : {}),
        }),
      ),
    );
    const predictions = points.map((at) => predictChain(chain, at, seed, spec.chainGroup));
    const summary = summarizeChain(chain, predictions, digest);
    const artifact = makeChainArtifact({
      command,
      run: runRecord('chain', spec),
      seed,
      options: boot !== undefined ? { bootstrap: { replicates: boot.replicates, design: describeDesign(boot.design), level: boot.level, replicateStarts: boot.replicateStarts, generator: boot.generator } } : {},
      summary,
    });
    return { chain, summary, artifact };
  };
  if (shard !== undefined) {
    const path = await runShard(spec.out!, shard, { kind: 'chain', command, seed, dataDigests: [digest], dataFiles: [file], items: boot!.replicates }, slice!, async () => {
      const { chain, artifact } = await produce();
      return chainShardPayload(chain, artifact, boot!.design, slice!.from);
    });
    if (!quiet) io.out(`shard ${shardLabel(shard)}: replicates ${slice!.from}..${slice!.to - 1} of ${boot!.replicates}; wrote ${path}\n`);
    return 0;
  }
  const { summary, artifact } = await produce();
  // Printed from the summary the artifact keeps, so `lawfit report` on it prints the same.
  if (!quiet) {
    io.out(renderChainFits(summary));
    for (const p of summary.predictions) io.out(`\n${renderChainPrediction(summary, p)}`);
  }
  if (spec.out !== undefined) {
    await writeOutputSet(outputs, 'chain', io, (put) => put('--out', JSON.stringify(artifact, null, 2) + '\n'));
    if (!quiet) io.out(`wrote ${spec.out}\n`);
  }
  return 0;
}
