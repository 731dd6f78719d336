/**
 * `lawfit demo`: the main job on the built-in example. A synthetic Chinchilla ladder drawn from
 * Hoffmann et al.'s published law with seeded noise is fitted with the `chinchilla` law from its
 * own 4,500-point grid; the report shows the recovered parameters next to the true ones.
 */
import { runRecord } from '../../run-spec/record.js';
import { parseFlags } from '../parse-flags.js';
import { chinchillaLadder, DEFAULT_LADDER_SEED, HOFFMANN_TRUTH, ladderCsv } from '../../examples/chinchilla-ladder.js';
import { fitLaw } from '../../fit/fit.js';
import { compileLaw } from '../../law/compile.js';
import { findLaw } from '../../laws/index.js';
import { makeArtifact, serializeArtifact } from '../../report/artifact.js';
import { summarizeFit } from '../../report/summary.js';
import { renderTextReport } from '../../report/text.js';
import { runBootstrap, summarizeBootstrap } from '../bootstrap-flags.js';
import { withSpecEngine } from '../engine-flag.js';
import type { Io } from '../io.js';
import { plotsRequest, putFitPlots, reportWritten } from './plot.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl, type ProgressFlags } from '../run-control.js';
import { parseOptions, specFromFlags } from '../../run-spec/argv.js';
import { optionsHelp } from '../../run-spec/help.js';
import { resolveBootstrap } from '../../run-spec/resolve.js';
import { RUN_OPTIONS } from '../../run-spec/run-options.js';

export const DEMO_USAGE = `usage: lawfit demo [--seed S] [--noise SIGMA] [--engine E] [--bootstrap N] [--out FILE] [--plots DIR] [--write-data FILE]

Fit the chinchilla law to a SYNTHETIC ladder of 56 runs (8 model sizes x 7 tokens-per-parameter
ratios) drawn from Hoffmann et al.'s published law with seeded log-normal noise, from Hoffmann's
4,500-point start grid, and show the recovered parameters next to the true ones.

${optionsHelp('demo', { output: PROGRESS_USAGE })}`;

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    options: {
      ...parseOptions('demo'),
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values['help'] === true) {
    io.out(DEMO_USAGE);
    return 0;
  }
  const spec = specFromFlags('demo', values);
  const control = values as ProgressFlags;
  const seed = spec.seed ?? DEFAULT_LADDER_SEED;
  const outputs = await checkOutputs(
    [{ flag: '--out', path: spec.out, kind: 'file' }, { flag: '--write-data', path: spec.writeData, kind: 'file' }, plotsRequest(spec.plots)],
    [], { command: 'demo', io });
  const noise = spec.noise ?? RUN_OPTIONS.noise.default!;
  const data = chinchillaLadder({ seed, noise });
  const law = compileLaw(findLaw('chinchilla'));
  io.out(`lawfit demo: fitting '${law.name}' to ${data.source}\n\n`);
  const boot = resolveBootstrap(spec);
  const summary = await withSpecEngine(spec, io, (engine) =>
    runWithControl('demo', control, io, async (control) => {
      if (boot === undefined) return summarizeFit(await fitLaw(law, data, { engine, control }), { ...HOFFMANN_TRUTH });
      const b = await runBootstrap(law, data, boot, seed, { starts: { kind: 'default' }, lm: {}, engine, control });
      const s = summarizeFit(b.fit, { ...HOFFMANN_TRUTH });
      s.bootstrap = summarizeBootstrap(b, boot, seed);
      return s;
    }),
  );
  io.out(renderTextReport(summary));
  const written = await writeOutputSet(outputs, 'demo', io, async (put) => {
    if (spec.writeData !== undefined) await put('--write-data', ladderCsv(data));
    if (spec.out !== undefined) await put('--out', serializeArtifact(makeArtifact(summary, { kind: 'default' }, { command: ['lawfit', 'demo', ...argv], run: runRecord('demo', spec), seed })));
    await putFitPlots(put, spec.plots, summary, data);
  });
  reportWritten(io, written, '--plots', spec.plots);
  return 0;
}
