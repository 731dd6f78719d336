/**
 * `lawfit hpopt FILE --x N=COL,D=COL --hp lr=COL[,bs=COL] --y COL`: the hyperparameter-optimum
 * analysis (src/stats/hpopt.ts): each (N, D) cell's optimal learning rate (and batch size) by the
 * chosen rule, then η*(N, D) and B*(N, D) as power laws with standard errors and a bootstrap over
 * the runs; printed, and saved as JSON (`--out`, reprinted by `lawfit report`).
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { datasetFromTable, readFileBytes, readTable, sha256Hex, type DataSpec } from '../../data/index.js';
import { artifactHeader } from '../../report/artifact.js';
import { renderHpopt } from '../../report/hpopt-text.js';
import { analyzeHyperparameterOptimum, hpoptRunsFromDataset } from '../../stats/hpopt.js';
import { PARABOLA_DEFAULT_WINDOW, STEPLAW_DEFAULT_TOLERANCE } from '../../stats/hpopt-optimum.js';
import { parseFormatFlag } from '../args.js';
import { DEFAULT_OPTIMUM, HPOPT_FORMAT, HPOPT_FORMAT_VERSION, OPTIMUM_SYNTAX, parseHpoptInputs, parseHyperparameters, resolveHpoptFlags, type HpoptArtifact, type HpoptFlagValues } from '../hpopt-flags.js';
import { describeOptimum } from '../../stats/hpopt-optimum.js';
import type { Io } from '../io.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';

export { HPOPT_FORMAT, HPOPT_FORMAT_VERSION, type HpoptArtifact } from '../hpopt-flags.js';

export const HPOPT_USAGE = `usage: lawfit hpopt FILE --x N=COL,D=COL --hp lr=COL[,bs=COL] --y COL [options]

Hyperparameter-optimum laws: per cell of the law's inputs (each distinct N, D), the optimal
learning rate (and batch size) over the runs of its sweep, then eta* = c * N^a * D^b (and
B* likewise) by least squares of the logarithms, with standard errors and a bootstrap.

data
  --x N=COL,D=COL         the law's inputs: any of N (model size), D (tokens), C (compute),
                          columns or expressions, e.g. --x N=params or --x C=6*params*tokens
  --hp lr=COL[,bs=COL]    the learning rate and, optionally, the batch size of each run
                          (give bs in tokens for Step Law's convention: bs=batch*seq_len)
  --y COL                 the loss (lower is better)
  --where EXPR            keep rows where EXPR holds
  --format F              csv, tsv, json or jsonl (default: from the file name)
optimum per cell
  --optimum O             ${OPTIMUM_SYNTAX} (default ${describeOptimum(DEFAULT_OPTIMUM)}, the published protocol):
                          best        the run with the lowest loss
                          parabola:W  a parabola in ln lr through the best value and W neighbours
                                      each side (default ${PARABOLA_DEFAULT_WINDOW}), at the best run's bs (ln bs likewise);
                                      its vertex, or the best value when the best is at the grid's
                                      edge or the parabola has no interior minimum (flagged)
                          steplaw:TOL Step Law (Li et al. 2025): every run within a relative TOL of
                                      the cell's best loss is a point of the fit (default ${STEPLAW_DEFAULT_TOLERANCE})
law and intervals
  --bs-x D                the batch-size law's inputs, a subset of --x's (default: all of them;
                          Step Law's published B* is in D alone)
  --at N=V,D=V            predict eta* (and B*) at this target, with intervals (repeatable)
  --ci P                  interval level in percent (default 95)
  --bootstrap R           R replicates: runs resampled within each cell, optima and laws refitted
  --seed S                seed of the resamples (default 0)
output
  --out FILE              write the analysis as JSON (reprint it with 'lawfit report FILE')
  --quiet                 do not print the report
`;

export async function hpoptCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      x: { type: 'string' },
      hp: { type: 'string' },
      y: { type: 'string' },
      where: { type: 'string' },
      format: { type: 'string' },
      optimum: { type: 'string' },
      'bs-x': { type: 'string' },
      at: { type: 'string', multiple: true, default: [] },
      ci: { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(HPOPT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `hpopt takes one data file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\n${HPOPT_USAGE}`);
  if (values.x === undefined) throw new LawfitError('bad-option', '--x is required: the law\'s inputs, e.g. --x N=params,D=tokens');
  if (values.hp === undefined) throw new LawfitError('bad-option', '--hp is required: the swept hyperparameters, e.g. --hp lr=lr,bs=batch_tokens');
  if (values.y === undefined) throw new LawfitError('bad-option', '--y is required: the loss column, e.g. --y loss');
  const x = parseHpoptInputs(values.x);
  const hp = parseHyperparameters(values.hp);
  const inputNames = Object.keys(x);
  const options = resolveHpoptFlags(values as HpoptFlagValues, inputNames);
  const format = parseFormatFlag(values.format);

  const file = positionals[0]!;
  const outputs = await checkOutputs([{ flag: '--out', path: values.out, kind: 'file' }], [file], { command: 'hpopt', io });
  const bytes = await readFileBytes(file);
  const table = readTable(bytes, file, format);
  const spec: DataSpec = {
    inputs: { ...x, lr: hp.lr, ...(hp.bs !== undefined ? { bs: hp.bs } : {}) },
    target: values.y,
    ...(values.where !== undefined ? { where: values.where } : {}),
  };
  const dataset = datasetFromTable(table, spec, [...inputNames, 'lr', ...(hp.bs !== undefined ? ['bs'] : [])]);
  const digest = await sha256Hex(bytes);
  dataset.digest = digest;
  const runs = hpoptRunsFromDataset(dataset);
  const result = analyzeHyperparameterOptimum(runs, options);
  const artifact: HpoptArtifact = {
    ...artifactHeader(HPOPT_FORMAT, HPOPT_FORMAT_VERSION),
    command: ['lawfit', 'hpopt', ...argv],
    data: {
      source: file,
      digest,
      inputs: x as Record<string, string>,
      hyperparameters: hp as Record<string, string>,
      target: values.y,
      ...(values.where !== undefined ? { where: values.where } : {}),
    },
    result,
  };
  if (!values.quiet) io.out(renderHpopt(result));
  await writeOutputSet(outputs, 'hpopt', io, async (put) => {
    if (values.out !== undefined) await put('--out', JSON.stringify(artifact, null, 2) + '\n');
  });
  if (!values.quiet && values.out !== undefined) io.out(`wrote ${values.out}\n`);
  return 0;
}
