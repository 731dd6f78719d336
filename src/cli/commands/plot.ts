/**
 * `lawfit plot RESULT.json --out DIR`: draw a saved fit's plots again without refitting, and the
 * `--plots DIR` option that `fit` and `demo` share. A summary does not keep the rows, so the data
 * are read again from the file the artifact names, and refused if its SHA-256 digest is not the
 * one recorded (plots of other data against this fit would mislead); the demo's synthetic ladder
 * is regenerated from its seed and noise and checked against its recorded label.
 */
import { recordedOption } from '../../report/recorded-command.js';
import { basename, dirname, resolve } from 'node:path';
import { parseFlags } from '../parse-flags.js';
import { datasetFromText, readFileBytes, sha256Hex, type Dataset, type DataSpec } from '../../data/index.js';
import { LawfitError } from '../../errors.js';
import { chinchillaLadder } from '../../examples/chinchilla-ladder.js';
import { plotInputsFromSummary } from '../../plots/inputs.js';
import { FIT_PLOT_FILES, fitPlots } from '../../plots/plot-set.js';
import { checkOutputs, writeOutputSet, type OutputRequest, type PutOutput, type WrittenOutput } from '../outputs.js';
import type { FitArtifact } from '../../report/artifact.js';
import { readArtifactFile } from '../../report/artifact-file.js';
import type { FitSummary } from '../../report/summary.js';
import type { Io } from '../io.js';

export const PLOT_USAGE = `usage: lawfit plot RESULT.json --out DIR

Draw the plots of a saved fit again, without refitting, as SVG files in DIR:
  fit.svg                   the runs with the fitted law and its bootstrap bands
  residuals.svg             residuals against the fitted value and each input
  bootstrap-histograms.svg  each parameter's bootstrap distribution (fits with --bootstrap)
  bootstrap-pairs.svg       the draws of each pair of parameters (fits with --bootstrap)
  frontier.svg              compute-optimal N_opt(C) and D_opt(C) (Chinchilla-type laws)
The data are read again from the file the artifact names (relative paths from the current
directory, then from the artifact's); if its SHA-256 digest differs from the recorded one, lawfit
refuses rather than draw other data against this fit.
`;

/** The --plots DIR of fit and demo as an output to check before the run (outputs.ts). */
export function plotsRequest(dir: string | undefined, flag = '--plots'): OutputRequest {
  return { flag, path: dir, kind: 'dir', files: FIT_PLOT_FILES };
}

/** Render a fit's plots and stage them under `flag` (nothing when `dir` is not given). */
export async function putFitPlots(put: PutOutput, dir: string | undefined, summary: FitSummary, dataset: Dataset, flag = '--plots'): Promise<void> {
  if (dir === undefined) return;
  // vega and vega-lite load only when plots are drawn (~0.2 s of start-up otherwise; main.ts).
  const { renderSvg } = await import('../../plots/render.js');
  for (const plot of fitPlots(plotInputsFromSummary(summary, dataset))) await put(flag, await renderSvg(plot.spec), plot.file);
}

/** "wrote o.json" and "wrote 4 plots to DIR: fit.svg, ..." once the set is in place. */
export function reportWritten(io: Io, written: readonly WrittenOutput[], plotsFlag?: string, dir?: string): void {
  const plots = written.filter((w) => w.flag === plotsFlag);
  for (const w of written) if (w.flag !== plotsFlag) io.out(`wrote ${w.path}\n`);
  if (dir !== undefined && plots.length > 0) io.out(`wrote ${plots.length} plots to ${dir}: ${plots.map((w) => basename(w.path)).join(', ')}\n`);
}


const LADDER_SOURCE = 'synthetic:chinchilla-ladder';

/** The demo's ladder, regenerated from the seed and noise its artifact recorded. */
function regenerateLadder(art: FitArtifact, name: string): Dataset {
  const noise = recordedOption(art, 'noise');
  const ladder = chinchillaLadder({
    ...(art.seed !== undefined ? { seed: art.seed } : {}),
    ...(noise !== undefined ? { noise } : {}),
  });
  if (ladder.source !== art.summary.data.source) {
    throw new LawfitError('artifact', `${name}: cannot regenerate its synthetic data ('${art.summary.data.source}'; this lawfit draws '${ladder.source}')`);
  }
  return ladder;
}

/** The fitted data, read again and checked against the artifact's digest. */
export async function reloadFitData(art: FitArtifact, artifactPath: string): Promise<Dataset> {
  const d = art.summary.data;
  if (d.source.startsWith(LADDER_SOURCE)) return regenerateLadder(art, artifactPath);
  if (d.digest === undefined) throw new LawfitError('artifact', `${artifactPath}: records no digest of its data ('${d.source}'), so the data cannot be checked; refit with --plots DIR`);
  const candidates = [d.source, resolve(dirname(artifactPath), d.source)];
  let path = candidates[0]!;
  let bytes: Uint8Array | undefined;
  for (const c of candidates) {
    try {
      bytes = await readFileBytes(c);
      path = c;
      break;
    } catch {
      // Try the next place; the error below names the recorded path.
    }
  }
  if (bytes === undefined) throw new LawfitError('data-file', `${d.source}: the data ${artifactPath} was fitted on cannot be read (no such file, here or beside the artifact); restore it to plot this fit`);
  const digest = await sha256Hex(bytes);
  if (digest !== d.digest) {
    throw new LawfitError('data-file', `${path}: the file changed since ${artifactPath} was fitted on it (SHA-256 ${digest.slice(0, 12)}… now, ${d.digest.slice(0, 12)}… recorded); refit it, or restore the original, to plot`);
  }
  const spec: DataSpec = { inputs: d.inputs, target: d.target, ...(d.weights !== undefined ? { weights: d.weights } : {}), ...(d.where !== undefined ? { where: d.where } : {}) };
  const format = recordedOption(art, 'format') ?? 'auto';
  return datasetFromText(bytes, path, format, spec, Object.keys(d.inputs));
}

export async function plotCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({ args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.out(PLOT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `plot takes one artifact file\n\n${PLOT_USAGE}`);
  if (values.out === undefined) throw new LawfitError('bad-option', `--out DIR is required: the directory to write the plots into`);
  const artifactPath = positionals[0]!;
  const art = await readArtifactFile(artifactPath);
  // The artifact and the data it names are inputs: no plot may be written over either.
  const source = art.summary.data.source;
  const outputs = await checkOutputs([plotsRequest(values.out, '--out')], [artifactPath, source, resolve(dirname(artifactPath), source)], { command: 'plot', io });
  const dataset = await reloadFitData(art, artifactPath);
  const written = await writeOutputSet(outputs, 'plot', io, (put) => putFitPlots(put, values.out, art.summary, dataset, '--out'));
  reportWritten(io, written, '--out', values.out);
  return 0;
}
