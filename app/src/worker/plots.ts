/**
 * The plots of a run, prepared in the worker so the page only has to put them on screen: the
 * CLI's plot set (src/plots/plot-set.ts) for one law's fit, or the comparison chart for the run's
 * ranking, from the same spec builders as `lawfit fit --plots` and `lawfit compare --plots`.
 *
 * Two ways to hand a plot to the page, chosen by what it offers a reader:
 * - a plot with tooltips (the data with the law, residuals, frontier, comparison) is compiled here
 *   from Vega-Lite to Vega, and the page runs it with vega-embed, interactive. Compiling is the
 *   largest single cost of drawing a plot (tens of milliseconds for a layered plot, over 100 for
 *   the 25-panel pair grid, measured in Chromium) and needs no DOM;
 * - a plot with nothing to hover (the bootstrap histograms and the pair grid, dozens of panels
 *   each with its own scales and axes) is rendered here to the SVG the CLI writes. Running the
 *   pair grid's Vega dataflow alone held the page's main thread for 65-80 ms before any drawing,
 *   so on the page it could not stay under the 100 ms a task may take; inserting its SVG costs a
 *   few milliseconds.
 */
import { comparisonPlotOptions } from '../../../src/plots/comparison-plot.js';
import { comparisonPlots, fitPlots, type NamedPlot } from '../../../src/plots/plot-set.js';
import { isoflopPlots } from '../../../src/plots/isoflop-plots.js';
import { compileToVega, renderSvg } from '../../../src/plots/render.js';
import type { PlotInputs, PlotRequest, PreparedPlot } from './protocol.js';

/**
 * Draws shown in the page's pair grid. Its SVG grows by about 280 bytes per draw and panel: 2.8 MB
 * for 1,000 draws of a five-parameter law, which the browser needs hundreds of milliseconds to
 * parse and lay out; 300 evenly spaced draws show the same shape of the cloud. The histograms, the
 * intervals and the exported artifact use every draw; `lawfit fit --plots` draws them all.
 */
export const PAIR_DRAWS_SHOWN = 300;

/** `inputs` with at most `max` of its successful bootstrap draws, evenly spaced (deterministic). */
export function thinDraws(inputs: PlotInputs, max: number): { inputs: PlotInputs; shown: number; total: number } {
  const b = inputs.summary.bootstrap;
  const ok = (b?.draws ?? []).filter((d): d is number[] => d !== null);
  if (b === undefined || ok.length <= max) return { inputs, shown: ok.length, total: ok.length };
  const picked = Array.from({ length: max }, (_, k) => ok[Math.floor((k * ok.length) / max)]!);
  return { inputs: { ...inputs, summary: { ...inputs.summary, bootstrap: { ...b, draws: picked } } }, shown: max, total: ok.length };
}

export async function preparePlots(request: PlotRequest): Promise<PreparedPlot[]> {
  if (request.kind === 'isoflop') return Promise.all(isoflopPlots(request.result).map(prepare));
  if (request.kind === 'comparison') {
    const plots = comparisonPlots(request.comparison.laws, comparisonPlotOptions(request.comparison, request.holdout));
    return Promise.all(plots.map(prepare));
  }
  const plots = fitPlots(request.inputs);
  const prepared: PreparedPlot[] = [];
  for (const plot of plots) {
    if (plot.file === 'bootstrap-pairs.svg') {
      const thin = thinDraws(request.inputs, PAIR_DRAWS_SHOWN);
      if (thin.shown < thin.total) {
        const pairs = fitPlots(thin.inputs).find((p) => p.file === plot.file)!;
        prepared.push(await prepare({ ...pairs, description: `${pairs.description} (${thin.shown} of ${thin.total} draws shown, evenly spaced; the histograms and intervals use all)` }));
        continue;
      }
    }
    prepared.push(await prepare(plot));
  }
  return prepared;
}

async function prepare(plot: NamedPlot): Promise<PreparedPlot> {
  const base = { name: plot.file.replace(/\.svg$/, ''), caption: plot.description };
  if (hasTooltips(plot.spec)) return { ...base, drawing: { kind: 'vega', spec: compileToVega(plot.spec) } };
  return { ...base, drawing: { kind: 'svg', svg: await renderSvg(plot.spec) } };
}

/** Whether any view of a Vega-Lite spec encodes a tooltip (inline data is not searched: it holds no encodings). */
export function hasTooltips(spec: unknown): boolean {
  if (Array.isArray(spec)) return spec.some(hasTooltips);
  if (spec === null || typeof spec !== 'object') return false;
  return Object.entries(spec).some(([key, value]) => {
    if (key === 'data' || key === 'datasets') return false;
    if (key === 'encoding' && value !== null && typeof value === 'object' && 'tooltip' in value) return true;
    return hasTooltips(value);
  });
}
