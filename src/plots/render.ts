/**
 * A Vega-Lite spec to an SVG string, with vega-lite's compiler and vega's headless view
 * (renderer 'none': no canvas, no DOM), so the same call works in Node and in a browser.
 *
 * Deterministic: the specs carry their data inline (no loading, no clock), and Vega's SVG
 * renderer names clip paths and gradients from counters local to each view; each call makes a
 * fresh view, so rendering the same spec twice gives the same bytes (test/plots/render.test.ts).
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import { useHelveticaMetricsWithoutCanvas } from './text-width.js';

/** vega-lite's compile warnings (e.g. a log scale's dropped zero) are for spec authors, not users. */
const quietLogger = { level: () => quietLogger, error: () => quietLogger, warn: () => quietLogger, info: () => quietLogger, debug: () => quietLogger };

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  useHelveticaMetricsWithoutCanvas();
  const view = new View(parse(compile(spec, { logger: quietLogger }).spec), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
