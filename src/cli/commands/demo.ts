/**
 * `lawfit demo`: the main job on the built-in example. A synthetic Chinchilla ladder drawn from
 * Hoffmann et al.'s published law with seeded noise is fitted with the `chinchilla` law from its
 * own 4,500-point grid; the report shows the recovered parameters next to the true ones.
 */
import { parseFlags } from '../parse-flags.js';
import { chinchillaLadder, DEFAULT_LADDER_SEED, HOFFMANN_TRUTH, ladderCsv } from '../../examples/chinchilla-ladder.js';
import { fitLaw } from '../../fit/fit.js';
import { compileLaw } from '../../law/compile.js';
import { findLaw } from '../../laws/index.js';
import { makeArtifact, serializeArtifact } from '../../report/artifact.js';
import { summarizeFit } from '../../report/summary.js';
import { renderTextReport } from '../../report/text.js';
import { parseSeed, parseNumber } from '../args.js';
import { BOOTSTRAP_PARSE_OPTIONS, BOOTSTRAP_USAGE, resolveBootstrapFlags, runBootstrap, summarizeBootstrap } from '../bootstrap-flags.js';
import { ENGINE_PARSE_OPTIONS, ENGINE_USAGE, withEngine } from '../engine-flag.js';
import type { Io } from '../io.js';
import { plotsRequest, putFitPlots, reportWritten, PLOTS_USAGE } from './plot.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl } from '../run-control.js';

export const DEMO_USAGE = `usage: lawfit demo [--seed S] [--noise SIGMA] [--engine E] [--bootstrap N] [--out FILE] [--plots DIR] [--write-data FILE]

Fit the chinchilla law to a SYNTHETIC ladder of 56 runs (8 model sizes x 7 tokens-per-parameter
ratios) drawn from Hoffmann et al.'s published law with seeded log-normal noise, from Hoffmann's
4,500-point start grid, and show the recovered parameters next to the true ones.

  --seed S                noise seed (default ${DEFAULT_LADDER_SEED})
  --noise SIGMA           log-space noise standard deviation (default 0.01)
  --out FILE              write the JSON artifact
  --write-data FILE       also write the ladder as CSV (N,D,loss) for 'lawfit fit'
${ENGINE_USAGE}${BOOTSTRAP_USAGE}                          (the report then says which true values the intervals cover)
${PLOTS_USAGE}${PROGRESS_USAGE}`;

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    options: {
      seed: { type: 'string' },
      noise: { type: 'string' },
      ...ENGINE_PARSE_OPTIONS,
      out: { type: 'string' },
      'write-data': { type: 'string' },
      plots: { type: 'string' },
      ...BOOTSTRAP_PARSE_OPTIONS,
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(DEMO_USAGE);
    return 0;
  }
  const seed = values.seed !== undefined ? parseSeed(values.seed) : DEFAULT_LADDER_SEED;
  const outputs = await checkOutputs(
    [{ flag: '--out', path: values.out, kind: 'file' }, { flag: '--write-data', path: values['write-data'], kind: 'file' }, plotsRequest(values.plots)],
    [], { command: 'demo', io });
  const noise = values.noise !== undefined ? parseNumber('--noise', values.noise) : 0.01;
  const data = chinchillaLadder({ seed, noise });
  const law = compileLaw(findLaw('chinchilla'));
  io.out(`lawfit demo: fitting '${law.name}' to ${data.source}\n\n`);
  const boot = resolveBootstrapFlags(values);
  const summary = await withEngine(values, io, (engine) =>
    runWithControl('demo', values, io, async (control) => {
      if (boot === undefined) return summarizeFit(await fitLaw(law, data, { engine, control }), { ...HOFFMANN_TRUTH });
      const b = await runBootstrap(law, data, boot, seed, { starts: { kind: 'default' }, lm: {}, engine, control });
      const s = summarizeFit(b.fit, { ...HOFFMANN_TRUTH });
      s.bootstrap = summarizeBootstrap(b, boot, seed);
      return s;
    }),
  );
  io.out(renderTextReport(summary));
  const written = await writeOutputSet(outputs, 'demo', io, async (put) => {
    if (values['write-data'] !== undefined) await put('--write-data', ladderCsv(data));
    if (values.out !== undefined) await put('--out', serializeArtifact(makeArtifact(summary, { kind: 'default' }, { command: ['lawfit', 'demo', ...argv], seed })));
    await putFitPlots(put, values.plots, summary, data);
  });
  reportWritten(io, written, '--plots', values.plots);
  return 0;
}
