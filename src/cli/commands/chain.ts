/**
 * `lawfit chain FILE --law A --x ... --y COL --then B --then-x IN=@ --then-y COL --at ...`: a loss
 * law feeding a downstream law over one table of runs (src/stats/chain.ts), with one joint
 * bootstrap carrying the first stage's uncertainty into the second. Prints both fits briefly,
 * then per --at point each stage's prediction and bands; --out writes the chain's JSON artifact.
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { parseColumnMap, readFileBytes, readTable, sha256Hex, type DataSpec } from '../../data/index.js';
import type { LmOptions } from '../../fit/options.js';
import { makeChainArtifact } from '../../report/chain-artifact.js';
import { renderChainFits, renderChainPrediction } from '../../report/chain-text.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { DEFAULT_BASINS } from '../../stats/bootstrap.js';
import { fitChain, pointInputs, predictChain, PREVIOUS_STAGE, type ChainStage } from '../../stats/chain.js';
import { summarizeChain } from '../../report/chain-summary.js';
import { describeDesign } from '../../stats/resample.js';
import { parseSeed, parseFormatFlag, parseLossFlag } from '../args.js';
import { parseAtFlag } from '../at-flag.js';
import { BOOTSTRAP_PARSE_OPTIONS, resolveBootstrapFlags } from '../bootstrap-flags.js';
import type { Io } from '../io.js';
import { ENGINE_PARSE_OPTIONS, ENGINE_USAGE, withEngine } from '../engine-flag.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl } from '../run-control.js';
import { compileFromFlags } from '../law-flags.js';
import { resolveShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';
import { runShard } from '../../shard/artifact.js';
import { chainShardPayload } from '../../shard/chain-shard.js';
import { shardLabel, shardRange, withoutShardFlag } from '../../shard/shard.js';

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

stage 1
  --law NAME | --formula TEXT   the law (a built-in, or your own formula over the --x names)
  --x IN=COL,...                its inputs, from columns or expressions
  --y COL                       its target
  --where EXPR                  the runs it is fitted on
  --positive A,B  --fix P=V  --space S  --loss L   as for 'lawfit fit'
stage 2
  --then NAME | --then-formula TEXT
  --then-x IN=${PREVIOUS_STAGE},...           its inputs; exactly one is '${PREVIOUS_STAGE}'
  --then-y COL  --then-where EXPR  --then-positive  --then-fix  --then-space  --then-loss
prediction
  --at IN=VALUE,...             a point (repeatable): every input of either stage except '${PREVIOUS_STAGE}'
joint bootstrap (the chain's bands)
  --bootstrap N                 N replicates; each draws one weight per run of the table (the runs
                                either stage uses) and refits BOTH stages under those weights, so a
                                run feeding both moves both fits; the prediction goes through each
                                replicate's stage 1 into its stage 2
  --design D                    rows (default), clusters:COL or bayes. Replicates whose runs leave
                                a stage's parameters undetermined (e.g. a 4-parameter law on 5
                                runs, 2 of them not drawn), or whose fit fails, are counted and
                                reported and left out of the bands. On tiny ladders use bayes: the
                                Bayesian bootstrap (Rubin 1981) gives every run a positive
                                Dirichlet weight, so every replicate keeps every run and none fails
                                for want of data (rows resampling loses 65 % of the replicates
                                on Gadre et al.'s 6 runs, and the survivors are a biased sample)
  --ci P                        band level in percent (default 95)
  --replicate-starts S          basins:K (the K best distinct end points of each stage's full fit,
                                default basins:${DEFAULT_BASINS}), law (each law's full grid) or same
                                (each stage's own full-fit starts)
  --seed S                      the resampling seed (default 0)
  --generator G                 lawfit (default) or numpy-legacy (np.random.seed + np.random.choice
                                draw for draw; rows only), as for 'fit --bootstrap'
output
  Per --at point: stage 1's prediction and band; the final prediction with the chain band (both
  stages resampled), the band with stage 1 taken as exact (stage 2 alone), and the prediction band
  (every stage's residual scatter added); warnings in decades outside each stage's fitted range.
  --out FILE                    write the chain's JSON artifact (both fits, every draw, seed, options, data digest)
  --format F                    csv, tsv, json or jsonl (default: from the file name)
${shardUsage("joint bootstrap's replicates", 30)}${ENGINE_USAGE}  --quiet                       do not print the fits and tables (nor the progress bar)
${PROGRESS_USAGE}`;

const stageOption = { type: 'string' } as const;
/** A fresh config per flag: parseArgs hands the default array itself to the caller. */
const repeatable = () => ({ type: 'string', multiple: true, default: [] as string[] }) as const;

interface StageValues {
  law?: string | undefined;
  formula?: string | undefined;
  x?: string | undefined;
  y?: string | undefined;
  where?: string | undefined;
  positive: string[];
  fix: string[];
  space?: string | undefined;
  loss?: string | undefined;
}

/** One stage from its flags; `prefix` is '' for stage 1 and 'then-' for stage 2 (named in messages). */
function stageFromFlags(v: StageValues, prefix: string): ChainStage {
  const lawFlag = prefix === '' ? '--law' : '--then';
  if (v.x === undefined) throw new LawfitError('bad-option', `--${prefix}x is required: map the law's inputs, e.g. --${prefix}x ${prefix === '' ? 'N=N_params,D=D_tokens' : `L=${PREVIOUS_STAGE}`}`);
  if (v.y === undefined) throw new LawfitError('bad-option', `--${prefix}y is required: the target column`);
  if ((v.law === undefined) === (v.formula === undefined)) throw new LawfitError('bad-option', `give exactly one of ${lawFlag} NAME or --${prefix}formula TEXT`);
  const inputs = parseColumnMap(v.x, `--${prefix}x`);
  const law = compileFromFlags(
    {
      ...(v.law !== undefined ? { law: v.law } : {}),
      ...(v.formula !== undefined ? { formula: v.formula } : {}),
      fix: v.fix,
      free: [],
      transform: [],
      positive: v.positive,
      range: [],
      ...(v.space !== undefined ? { space: v.space } : {}),
    },
    Object.keys(inputs),
  );
  const spec: DataSpec = { inputs, target: v.y, ...(v.where !== undefined ? { where: v.where } : {}) };
  const lm: Partial<LmOptions> = v.loss !== undefined ? { loss: parseLossFlag(v.loss) } : {};
  return { law, spec, lm };
}

export async function chainCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      law: stageOption,
      formula: stageOption,
      x: stageOption,
      y: stageOption,
      where: stageOption,
      positive: repeatable(),
      fix: repeatable(),
      space: stageOption,
      loss: stageOption,
      then: stageOption,
      'then-formula': stageOption,
      'then-x': stageOption,
      'then-y': stageOption,
      'then-where': stageOption,
      'then-positive': repeatable(),
      'then-fix': repeatable(),
      'then-space': stageOption,
      'then-loss': stageOption,
      at: repeatable(),
      ...BOOTSTRAP_PARSE_OPTIONS,
      seed: stageOption,
      format: stageOption,
      ...ENGINE_PARSE_OPTIONS,
      out: stageOption,
      ...SHARD_PARSE_OPTIONS,
      quiet: { type: 'boolean', default: false },
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(CHAIN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `chain takes one data file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${CHAIN_USAGE}`);
  const file = positionals[0]!;
  const first = stageFromFlags(values, '');
  const second = stageFromFlags(
    {
      law: values.then,
      formula: values['then-formula'],
      x: values['then-x'],
      y: values['then-y'],
      where: values['then-where'],
      positive: values['then-positive'],
      fix: values['then-fix'],
      space: values['then-space'],
      loss: values['then-loss'],
    },
    'then-',
  );
  if (values.at.length === 0) throw new LawfitError('bad-option', '--at is required: the point to predict, e.g. --at N=6.9e9,M=20');
  const needed = pointInputs([first, second]);
  const points = values.at.map((text) => parseAtFlag(text, needed, `${first.law.name} → ${second.law.name}`));
  const boot = resolveBootstrapFlags(values);
  const seed = values.seed !== undefined ? parseSeed(values.seed) : 0;
  const format = parseFormatFlag(values.format);

  const outputs = await checkOutputs([{ flag: '--out', path: values.out, kind: 'file' }], [file], { command: 'chain', io });
  const bytes = await readFileBytes(file);
  const table = readTable(bytes, file, format);
  const digest = await sha256Hex(bytes);
  if (values.shard !== undefined && boot === undefined) throw new LawfitError('bad-option', "--shard splits the joint bootstrap's replicates: add --bootstrap N");
  const shard = values.shard !== undefined ? resolveShard(values.shard, values.out, boot!.replicates, 'replicates') : undefined;
  const slice = shard !== undefined ? shardRange(boot!.replicates, shard) : undefined;
  const command = ['lawfit', 'chain', ...withoutShardFlag(argv)];
  // The chain, its predictions and artifact; a shard's cover its slice of the replicates (chain-shard.ts joins them).
  const produce = async () => {
    const chain = await withEngine(values, io, (engine) =>
      runWithControl('chain', values, io, (control) =>
        fitChain(table, [first, second], {
          engine,
          control,
          ...(boot !== undefined ? { bootstrap: { replicates: boot.replicates, seed, design: boot.design, level: boot.level, replicateStarts: boot.replicateStarts, generator: boot.generator } } : {}),
          ...(slice !== undefined ? { replicateSlice: slice } : {}),
        }),
      ),
    );
    const predictions = points.map((at) => predictChain(chain, at, seed));
    const summary = summarizeChain(chain, predictions, digest);
    const artifact = makeChainArtifact({
      command,
      seed,
      options: boot !== undefined ? { bootstrap: { replicates: boot.replicates, design: describeDesign(boot.design), level: boot.level, replicateStarts: boot.replicateStarts, generator: boot.generator } } : {},
      summary,
    });
    return { chain, summary, artifact };
  };
  if (shard !== undefined) {
    const path = await runShard(values.out!, shard, { kind: 'chain', command, seed, dataDigests: [digest], dataFiles: [file], items: boot!.replicates }, slice!, async () => {
      const { chain, artifact } = await produce();
      return chainShardPayload(chain, artifact, boot!.design, slice!.from);
    });
    if (!values.quiet) io.out(`shard ${shardLabel(shard)}: replicates ${slice!.from}..${slice!.to - 1} of ${boot!.replicates}; wrote ${path}\n`);
    return 0;
  }
  const { summary, artifact } = await produce();
  // Printed from the summary the artifact keeps, so `lawfit report` on it prints the same.
  if (!values.quiet) {
    io.out(renderChainFits(summary));
    for (const p of summary.predictions) io.out(`\n${renderChainPrediction(summary, p)}`);
  }
  if (values.out !== undefined) {
    await writeOutputSet(outputs, 'chain', io, (put) => put('--out', JSON.stringify(artifact, null, 2) + '\n'));
    if (!values.quiet) io.out(`wrote ${values.out}\n`);
  }
  return 0;
}
