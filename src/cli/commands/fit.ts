/**
 * `lawfit fit FILE (--law NAME | --formula TEXT) --x IN=COL[,...] --y COL [...]`: fit a law to a
 * data file, print the report, optionally write the JSON artifact.
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { parseColumnMap, type DataSpec } from '../../data/index.js';
import { makeArtifact, serializeArtifact } from '../../report/artifact.js';
import { renderTextReport } from '../../report/text.js';
import { parseFormatFlag, parsePositiveInt } from '../args.js';
import type { Io } from '../io.js';
import { compileFromFlags } from '../law-flags.js';
import { ENGINE_USAGE, withEngine } from '../engine-flag.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl } from '../run-control.js';
import { BOOTSTRAP_PARSE_OPTIONS, BOOTSTRAP_USAGE, designGroupColumn, resolveBootstrapFlags } from '../bootstrap-flags.js';
import { fitSummary, resolveFitFlags } from '../fit-flags.js';
import { plotsRequest, putFitPlots, reportWritten, PLOTS_USAGE } from './plot.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { extractIndexedParams } from '../../law/groups.js';
import { loadForLaw, PER_PARSE_OPTIONS, PER_USAGE } from '../per-flag.js';
import { runFitShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';

export const FIT_USAGE = `usage: lawfit fit FILE (--law NAME | --formula TEXT) --x IN=COL[,IN=EXPR...] --y COL [options]

Fit a scaling law to the runs in FILE (CSV, TSV, JSON or JSONL) and print the report.

law
  --law NAME              a built-in law (see 'lawfit laws')
  --formula TEXT          your own law, e.g. 'E + A/N^alpha + B/D^beta'; its inputs are the
                          names mapped by --x, every other name is a parameter
  --positive A,B          (--formula) keep these parameters positive (fitted as log)
  --transform P=T         P's transform: none, log, or bounded:LO:HI (repeatable)
  --fix P=VALUE           hold P at VALUE (repeatable);  --free P  frees a parameter fixed by default
  --space S               residuals in linear, log or log1p space (default: the law's)
${PER_USAGE}data
  --x IN=COL,...          law inputs from columns or expressions (M=D_tokens/N_params)
  --y COL                 the target column (or expression)
  --weights COL           observation weights (>= 0)
  --where EXPR            keep rows where EXPR holds, e.g. 'excluded_outlier == 0'
  --format F              csv, tsv, json or jsonl (default: from the file name)
fitting
  --loss L                linear, huber:DELTA, soft_l1:DELTA, cauchy:DELTA, arctan:DELTA
                          (default: the law's, e.g. huber:1e-3 for chinchilla; else linear)
  --starts S              law (the law's own grid, default), sobol:N or random:N
  --grid P=VALUES         replace P's start axis: 0,0.5,1 or lin:LO:HI:N or log:LO:HI:N (repeatable)
  --range P=LO:HI         P's range for sobol/random starts (repeatable)
  --screen K              run LM only from the K starts with the lowest starting objective
  --seed S                seed for random starts (default 0)
  --max-iter N --ftol X --xtol X --gtol X --damping levenberg|marquardt
  --projection auto|on|off  variable projection (linear residuals, every engine): solve the
                          coefficients that enter the law linearly by (non-negative, robust) least
                          squares and search the rest; auto (default): on for least squares and
                          for start grids that repeat the nonlinear coordinates (>= 32 times)
${ENGINE_USAGE}  --audit K               (webgpu) re-run K random fits entirely in float64 and report the agreement
                          (a single fit: not with --bootstrap, whose replicates the polish finishes)
${BOOTSTRAP_USAGE}output
  --out FILE              write the JSON artifact (reprint it with 'lawfit report FILE')
${shardUsage('bootstrap replicates')}${PLOTS_USAGE}  --quiet                 do not print the report (nor the progress bar)
${PROGRESS_USAGE}`;

export async function fitCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      law: { type: 'string' },
      formula: { type: 'string' },
      positive: { type: 'string', multiple: true, default: [] },
      transform: { type: 'string', multiple: true, default: [] },
      fix: { type: 'string', multiple: true, default: [] },
      free: { type: 'string', multiple: true, default: [] },
      space: { type: 'string' },
      ...PER_PARSE_OPTIONS,
      x: { type: 'string' },
      y: { type: 'string' },
      weights: { type: 'string' },
      where: { type: 'string' },
      format: { type: 'string' },
      loss: { type: 'string' },
      starts: { type: 'string' },
      grid: { type: 'string', multiple: true, default: [] },
      range: { type: 'string', multiple: true, default: [] },
      screen: { type: 'string' },
      seed: { type: 'string' },
      'max-iter': { type: 'string' },
      ftol: { type: 'string' },
      xtol: { type: 'string' },
      gtol: { type: 'string' },
      damping: { type: 'string' },
      projection: { type: 'string' },
      threads: { type: 'string' },
      engine: { type: 'string' },
      audit: { type: 'string' },
      ...BOOTSTRAP_PARSE_OPTIONS,
      out: { type: 'string' },
      ...SHARD_PARSE_OPTIONS,
      plots: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(FIT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `fit takes one data file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${FIT_USAGE}`);
  const file = positionals[0]!;
  if (values.x === undefined) throw new LawfitError('bad-option', '--x is required: map the law inputs to columns, e.g. --x N=N_params,D=D_tokens');
  if (values.y === undefined) throw new LawfitError('bad-option', '--y is required: the target column, e.g. --y loss');
  const inputs = parseColumnMap(values.x, '--x');
  const indexed = values.formula !== undefined ? extractIndexedParams(values.formula) : undefined;
  const sharedLaw = compileFromFlags(
    {
      ...(values.law !== undefined ? { law: values.law } : {}),
      ...(values.formula !== undefined ? { formula: indexed!.formula } : {}),
      fix: values.fix,
      free: values.free,
      transform: values.transform,
      positive: values.positive,
      range: values.range,
      ...(values.space !== undefined ? { space: values.space } : {}),
    },
    Object.keys(inputs),
  );
  const boot = resolveBootstrapFlags(values);
  const group = designGroupColumn(values);
  const spec: DataSpec = {
    inputs,
    target: values.y,
    ...(values.weights !== undefined ? { weights: values.weights } : {}),
    ...(values.where !== undefined ? { where: values.where } : {}),
    ...(group !== undefined ? { group } : {}),
  };
  const format = parseFormatFlag(values.format);

  const plan = resolveFitFlags(values);
  const { seed, startSpec, screen } = plan;
  if (values.audit !== undefined && boot !== undefined) {
    throw new LawfitError('bad-option', '--audit checks a single fit against float64; with --bootstrap every replicate is already finished in float64 (drop one of the two)');
  }
  const audit = values.audit !== undefined ? parsePositiveInt('--audit', values.audit) : undefined;

  // Every output is checked before the data are read or anything is fitted (outputs.ts).
  const outputs = await checkOutputs([{ flag: '--out', path: values.out, kind: 'file' }, plotsRequest(values.plots)], [file], { command: 'fit', io });
  const { law, dataset } = await loadForLaw(file, spec, sharedLaw, format, values.per, indexed?.per);
  if (values.shard !== undefined) {
    return runFitShard({ argv, shardText: values.shard, out: values.out, quiet: values.quiet, boot, plan, law, dataset, io, flags: values, plots: values.plots });
  }
  const summary = await withEngine(values, io, (engine) => runWithControl('fit', values, io, (control) => fitSummary(law, dataset, plan, boot, engine, audit, control)));
  if (!values.quiet) io.out(renderTextReport(summary));
  const written = await writeOutputSet(outputs, 'fit', io, async (put) => {
    if (values.out !== undefined) await put('--out', serializeArtifact(makeArtifact(summary, startSpec, { command: ['lawfit', 'fit', ...argv], seed, ...(screen !== undefined ? { screen } : {}) })));
    await putFitPlots(put, values.plots, summary, dataset);
  });
  if (!values.quiet) reportWritten(io, written, '--plots', values.plots);
  return 0;
}
