/**
 * A Vega-Lite spec to an SVG string, with vega-lite's compiler and vega's headless view
 * (renderer 'none': no canvas, no DOM), so the same call works in Node and in a browser.
 *
 * Deterministic: the specs carry their data inline (no loading, no clock), and the ids Vega gives
 * gradients and clip paths, which come from counters that run on across renders in one process,
 * are renumbered in order of appearance, so rendering the same spec twice gives the same bytes
 * (test/plots/render.test.ts).
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View, type Spec as VegaSpec } from 'vega';
import { useHelveticaMetricsWithoutCanvas } from './text-width.js';

/** vega-lite's compile warnings (e.g. a log scale's dropped zero) are for spec authors, not users. */
const quietLogger = { level: () => quietLogger, error: () => quietLogger, warn: () => quietLogger, info: () => quietLogger, debug: () => quietLogger };

/** The Vega spec a Vega-Lite spec compiles to (what a vega View runs; the browser app's worker sends it to the page). */
export function compileToVega(spec: TopLevelSpec): VegaSpec {
  return compile(spec, { logger: quietLogger }).spec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  useHelveticaMetricsWithoutCanvas();
  const view = new View(parse(compileToVega(spec)), { renderer: 'none', logLevel: 0 });
  try {
    return renumberIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Ids of gradients, clip paths and patterns (`gradient_12`, `clip3`) renumbered from 0 per document. */
export function renumberIds(svg: string): string {
  const ids = new Map<string, string>();
  const counts = new Map<string, number>();
  const rename = (old: string, prefix: string): string => {
    let now = ids.get(old);
    if (now === undefined) {
      const k = counts.get(prefix) ?? 0;
      counts.set(prefix, k + 1);
      now = `${prefix}${k}`;
      ids.set(old, now);
    }
    return now;
  };
  return svg.replace(/(id="|url\(#)((gradient_|clip|pattern_)\d+)/g, (_, lead: string, old: string, prefix: string) => `${lead}${rename(old, prefix)}`);
}
