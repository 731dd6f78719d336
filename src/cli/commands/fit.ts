/**
 * `lawfit fit FILE (--law NAME | --formula TEXT) --x IN=COL[,...] --y COL [...]`: fit a law to a
 * data file, print the report, optionally write the JSON artifact.
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import type { DataSpec } from '../../data/index.js';
import { makeArtifact, serializeArtifact } from '../../report/artifact.js';
import { renderTextReport } from '../../report/text.js';
import type { Io } from '../io.js';
import { compileLawSpec } from '../law-flags.js';
import { withSpecEngine } from '../engine-flag.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl, type ProgressFlags } from '../run-control.js';
import { fitSummary } from '../fit-flags.js';
import { plotsRequest, putFitPlots, reportWritten } from './plot.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { extractIndexedParams } from '../../law/groups.js';
import { loadForLaw } from '../per-flag.js';
import { runFitShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';
import { parseOptions, specFromFlags } from '../../run-spec/argv.js';
import { optionsHelp } from '../../run-spec/help.js';
import { resolveRunSpec } from '../../run-spec/resolve.js';
import { runRecord } from '../../run-spec/record.js';

export const FIT_USAGE = `usage: lawfit fit FILE (--law NAME | --formula TEXT) --x IN=COL[,IN=EXPR...] --y COL [options]

Fit a scaling law to the runs in FILE (CSV, TSV, JSON or JSONL) and print the report.

${optionsHelp('fit', { output: shardUsage('bootstrap replicates') + PROGRESS_USAGE })}`;

export async function fitCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...parseOptions('fit'),
      ...SHARD_PARSE_OPTIONS,
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values['help'] === true) {
    io.out(FIT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `fit takes one data file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${FIT_USAGE}`);
  const file = positionals[0]!;
  const spec = specFromFlags('fit', values);
  const control = values as ProgressFlags & { shard?: string };
  if (spec.x === undefined) throw new LawfitError('bad-option', '--x is required: map the law inputs to columns, e.g. --x N=N_params,D=D_tokens');
  if (spec.y === undefined) throw new LawfitError('bad-option', '--y is required: the target column, e.g. --y loss');
  const inputs = spec.x;
  const indexed = spec.formula !== undefined ? extractIndexedParams(spec.formula) : undefined;
  const sharedLaw = compileLawSpec({ ...(spec.law !== undefined ? { law: spec.law } : {}), ...(indexed !== undefined ? { formula: indexed.formula } : {}) }, spec, Object.keys(inputs));
  const { plan, boot, groupColumn: group } = resolveRunSpec(spec);
  const data: DataSpec = {
    inputs,
    target: spec.y,
    ...(spec.weights !== undefined ? { weights: spec.weights } : {}),
    ...(spec.where !== undefined ? { where: spec.where } : {}),
    ...(group !== undefined ? { group } : {}),
  };
  const format = spec.format ?? 'auto';
  const { seed, startSpec, screen } = plan;
  const audit = spec.audit;
  const quiet = spec.quiet === true;

  // Every output is checked before the data are read or anything is fitted (outputs.ts).
  const outputs = await checkOutputs([{ flag: '--out', path: spec.out, kind: 'file' }, plotsRequest(spec.plots)], [file], { command: 'fit', io });
  const { law, dataset } = await loadForLaw(file, data, sharedLaw, format, spec.per, indexed?.per);
  if (control.shard !== undefined) {
    return runFitShard({ argv, run: runRecord('fit', spec), shardText: control.shard, out: spec.out, quiet, boot, plan, law, dataset, io, flags: { ...control, ...spec }, plots: spec.plots });
  }
  const summary = await withSpecEngine(spec, io, (engine) => runWithControl('fit', { ...control, quiet }, io, (c) => fitSummary(law, dataset, plan, boot, engine, audit, c)));
  if (!quiet) io.out(renderTextReport(summary));
  const written = await writeOutputSet(outputs, 'fit', io, async (put) => {
    if (spec.out !== undefined) await put('--out', serializeArtifact(makeArtifact(summary, startSpec, { command: ['lawfit', 'fit', ...argv], run: runRecord('fit', spec), seed, ...(screen !== undefined ? { screen } : {}) })));
    await putFitPlots(put, spec.plots, summary, dataset);
  });
  if (!quiet) reportWritten(io, written, '--plots', spec.plots);
  return 0;
}
