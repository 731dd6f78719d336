/**
 * `lawfit isoflop FILE --budget COL --x N=COL,D=COL --y COL`: the IsoFLOP analysis (Chinchilla
 * Approach 2, src/stats/isoflop.ts) with its quality control, frontier and bootstrap, optionally
 * Approach 3 beside it (`--also chinchilla`), printed, saved as JSON (`--out`, reprinted by
 * `lawfit report`) and drawn (`--plots DIR`).
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { datasetFromTable, readFileBytes, readTable, sha256Hex, type DataSpec } from '../../data/index.js';
import { parseIsoflopInputs, resolveIsoflopFlags, type IsoflopFlagValues } from '../isoflop-flags.js';
import { makeIsoflopArtifact } from '../../report/isoflop-artifact.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { renderIsoflop } from '../../report/isoflop-text.js';
import { isoflopPlotFiles, isoflopPlots } from '../../plots/isoflop-plots.js';
import { analyzeIsoflop, isoflopRunsFromDataset } from '../../stats/isoflop.js';
import { approach3ForGroups, approach3Laws, type Approach3Result } from '../../stats/isoflop-approach3.js';
import { QC_STAGES, QC_THRESHOLDS } from '../../stats/isoflop-qc.js';
import { parseFormatFlag } from '../args.js';
import { ENGINE_PARSE_OPTIONS, ENGINE_USAGE, withSpecEngine } from '../engine-flag.js';
import { specFromFlags } from '../../run-spec/argv.js';
import type { Io } from '../io.js';
import { resolveShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';
import { runShard } from '../../shard/artifact.js';
import { isoflopShardPayload } from '../../shard/isoflop-shard.js';
import { shardLabel, shardRange, withoutShardFlag, type Shard } from '../../shard/shard.js';

const thresholdUsage = QC_THRESHOLDS.map((t) => `  --${t.flag} X`.padEnd(26) + `${t.help} (default ${t.toFlag(t.default)})\n`).join('');

export const ISOFLOP_USAGE = `usage: lawfit isoflop FILE --budget COL --x N=COL,D=COL --y COL [options]

IsoFLOP analysis (Chinchilla Approach 2): per compute budget, a parabola of the loss in ln N and in
ln D; its vertex N*(C), D*(C), L*(C) with standard errors; then N* = k·C^a and D* = k·C^b by least
squares over the budgets that pass quality control.

data
  --budget COL            the compute budget of each run's IsoFLOP curve (C; a column or expression)
  --x N=COL,D=COL         model size and training tokens (columns or expressions)
  --y COL                 the loss
  --weights COL           precision weights of the runs in the parabolas (>= 0)
  --where EXPR            keep rows where EXPR holds, e.g. "experiment == 'llama_3__raw_loss'"
  --group COL             analyse each value of COL as its own study (its own frontier)
  --format F              csv, tsv, json or jsonl (default: from the file name)
quality control (stages run in this order; each drop is listed with its reason)
  --qc S                  all (default), none (the plain protocol: 3 runs and a positive
                          curvature per budget), or a list of: ${QC_STAGES.join(', ')}
${thresholdUsage}frontier
  --frontier-weights W    equal (least squares, default) or inverse-variance (1 / se² of the vertex)
  --at C[,C...]           predict N*, D* and tokens per parameter at these budgets, with intervals
  --ci P                  interval level in percent (default 95)
bootstrap
  --bootstrap N           N replicates, each refitting the parabolas, the QC and the frontier
  --design D              runs (resample the runs within each budget, default), budgets
                          (resample whole budgets), residuals (keep every run; its loss is its
                          budget's parabola plus a residual of that parabola resampled within
                          the budget; :raw uncentred, :leverage divided by sqrt(1 - h)) or wild
                          (the run's own residual times a random sign; :mammen for Mammen's
                          weights, :leverage as above)
  --seed S                seed of the resamples (default 0; group g uses S + g)
Approach 3 beside it
  --also LAW              also fit a built-in law (e.g. chinchilla) to the same runs (repeatable)
${ENGINE_USAGE}output
  --out FILE              write the analysis as JSON (reprint it with 'lawfit report FILE')
${shardUsage('bootstrap replicates (of every group)')}  --plots DIR             isoflop-curves.svg (parabolas, vertices, dropped runs) and
                          isoflop-frontier.svg (N*, D* on C with the band), one pair per group
  --quiet                 do not print the report
`;

export async function isoflopCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      budget: { type: 'string' },
      x: { type: 'string' },
      y: { type: 'string' },
      weights: { type: 'string' },
      where: { type: 'string' },
      group: { type: 'string' },
      format: { type: 'string' },
      qc: { type: 'string' },
      ...Object.fromEntries(QC_THRESHOLDS.map((t) => [t.flag, { type: 'string' as const }])),
      'frontier-weights': { type: 'string' },
      at: { type: 'string', multiple: true, default: [] },
      ci: { type: 'string' },
      bootstrap: { type: 'string' },
      design: { type: 'string' },
      seed: { type: 'string' },
      also: { type: 'string', multiple: true, default: [] },
      ...ENGINE_PARSE_OPTIONS,
      out: { type: 'string' },
      ...SHARD_PARSE_OPTIONS,
      plots: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(ISOFLOP_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `isoflop takes one data file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${ISOFLOP_USAGE}`);
  if (values.budget === undefined) throw new LawfitError('bad-option', '--budget is required: the column with each run\'s compute budget, e.g. --budget budget');
  if (values.x === undefined) throw new LawfitError('bad-option', '--x is required: --x N=PARAMS_COLUMN,D=TOKENS_COLUMN');
  if (values.y === undefined) throw new LawfitError('bad-option', '--y is required: the loss column, e.g. --y loss');
  const x = parseIsoflopInputs(values.x);
  const options = resolveIsoflopFlags(values as IsoflopFlagValues);
  const laws = approach3Laws(values.also);
  // --engine and --threads through the run specification's parsers, --also or not (a bad value
  // is refused either way; the engine only fits Approach 3).
  const engineSpec = specFromFlags('fit', { engine: values.engine, threads: values.threads });
  const format = parseFormatFlag(values.format);

  const file = positionals[0]!;
  const bytes = await readFileBytes(file);
  const table = readTable(bytes, file, format);
  const spec: DataSpec = {
    inputs: { N: x.N, D: x.D, budget: values.budget },
    target: values.y,
    ...(values.weights !== undefined ? { weights: values.weights } : {}),
    ...(values.where !== undefined ? { where: values.where } : {}),
    ...(values.group !== undefined ? { group: values.group } : {}),
  };
  const dataset = datasetFromTable(table, spec, ['N', 'D', 'budget']);
  const digest = await sha256Hex(bytes);
  dataset.digest = digest;
  // Every output is checked before anything is fitted (outputs.ts); the plots' names follow the groups.
  const groupLabels = dataset.groups !== undefined ? [...new Set(dataset.groups)] : undefined;
  const outputs = await checkOutputs([{ flag: '--out', path: values.out, kind: 'file' }, { flag: '--plots', path: values.plots, kind: 'dir', files: isoflopPlotFiles(groupLabels) }], [file], { command: 'isoflop', io });
  const runs = isoflopRunsFromDataset(dataset);
  const command = ['lawfit', 'isoflop', ...withoutShardFlag(argv)];
  const shard = values.shard !== undefined ? isoflopShard(values.shard, values.out, values.plots, options.bootstrap?.replicates) : undefined;
  const slice = shard !== undefined ? shardRange(options.bootstrap!.replicates, shard) : undefined;

  // The analysis, Approach 3 beside it and the artifact; a shard's bootstrap covers its slice (isoflop-shard.ts joins them).
  const produce = async () => {
    const result = analyzeIsoflop(runs, slice !== undefined ? { ...options, bootstrap: { ...options.bootstrap!, slice } } : options);
    let also: Approach3Result[] = [];
    if (laws.length > 0) {
      also = await withSpecEngine(engineSpec, io, (engine) => approach3ForGroups(laws, dataset, result, engine, options.at));
    }
    const artifact = makeIsoflopArtifact({
      command,
      data: {
        source: file,
        digest,
        budget: values.budget!,
        inputs: { N: x.N, D: x.D },
        target: values.y!,
        ...(values.weights !== undefined ? { weights: values.weights } : {}),
        ...(values.where !== undefined ? { where: values.where } : {}),
        ...(values.group !== undefined ? { group: values.group } : {}),
      },
      result,
      approach3: also,
    });
    return { result, also, artifact };
  };
  if (shard !== undefined) {
    const boot = options.bootstrap!;
    const run = { kind: 'isoflop' as const, command, seed: boot.seed ?? 0, dataDigests: [digest], dataFiles: [file], items: boot.replicates };
    const path = await runShard(values.out!, shard, run, slice!, async () => isoflopShardPayload((await produce()).artifact, boot.seed ?? 0, boot.design ?? 'runs'));
    if (!values.quiet) io.out(`shard ${shardLabel(shard)}: replicates ${slice!.from}..${slice!.to - 1} of ${boot.replicates}; wrote ${path}\n`);
    return 0;
  }
  const { result, also, artifact } = await produce();
  if (!values.quiet) io.out(renderIsoflop(result, also));
  const written = await writeOutputSet(outputs, 'isoflop', io, async (put) => {
    if (values.out !== undefined) await put('--out', JSON.stringify(artifact, null, 2) + '\n');
    if (values.plots !== undefined) {
      const { renderSvg } = await import('../../plots/render.js'); // vega only when drawing (main.ts)
      for (const plot of isoflopPlots(result)) await put('--plots', await renderSvg(plot.spec), plot.file);
    }
  });
  if (!values.quiet) {
    if (values.out !== undefined) io.out(`wrote ${values.out}\n`);
    const plots = written.filter((w) => w.flag === '--plots');
    if (plots.length > 0) io.out(`wrote ${plots.length} plots to ${values.plots}: ${plots.map((w) => w.path.slice(w.path.lastIndexOf('/') + 1)).join(', ')}\n`);
  }
  return 0;
}

/** `--shard` for isoflop: it splits the bootstrap's replicates, so it needs --bootstrap (and --out, resolveShard). */
function isoflopShard(text: string, out: string | undefined, plots: string | undefined, replicates: number | undefined): Shard {
  if (replicates === undefined) throw new LawfitError('bad-option', "--shard splits the bootstrap's replicates: add --bootstrap N (an IsoFLOP analysis without it is closed form, nothing to share out)");
  if (plots !== undefined) throw new LawfitError('bad-option', '--plots: draw them from a single run; a shard has only its share of the replicates');
  return resolveShard(text, out, replicates, 'replicates');
}
