/**
 * Interactive plots in the results panel: Vega-Lite specifications (the same builders, src/plots,
 * that draw the CLI's SVG files) rendered with vega-embed, each with SVG and PNG export through
 * its vega View. vega-embed is loaded on first use, so the page opens without it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { download, h, nextTask } from './dom.js';

export interface NamedSpec {
  /** File name stem for exports, e.g. 'fit', 'residuals'. */
  name: string;
  /** One line under the plot. */
  caption: string;
  spec: TopLevelSpec;
}

let embedModule: Promise<typeof import('vega-embed')> | undefined;

/**
 * Load vega-embed (about 0.9 MB: parsing it is a long task). The page calls this when idle after
 * opening, so that cost is paid before a run rather than while its results are drawn.
 */
export function preloadPlotting(): Promise<typeof import('vega-embed')> {
  embedModule ??= import('vega-embed');
  return embedModule;
}

/**
 * Render each spec into `container`, one per task, so the page stays responsive while a long
 * list of plots is drawn. `prefix` names the exported files (the law's label).
 */
export async function renderPlots(container: HTMLElement, specs: readonly NamedSpec[], prefix: string): Promise<void> {
  if (specs.length === 0) return;
  const { default: embed } = await preloadPlotting();
  for (const s of specs) {
    await nextTask();
    const target = h('div', { class: 'plot-view' });
    const svgButton = h('button', { type: 'button', 'data-export': 'svg' }, 'SVG');
    const pngButton = h('button', { type: 'button', 'data-export': 'png' }, 'PNG');
    container.append(h('div', { class: 'plot', 'data-plot': s.name }, h('figure', {}, target, h('figcaption', {}, s.caption, h('span', { class: 'buttons' }, svgButton, pngButton)))));
    // actions: false — our own buttons export; vega-embed's menu would offer "open in editor" (a network request).
    const { view } = await embed(target, s.spec, { actions: false, renderer: 'svg' });
    const file = `${prefix}-${s.name}`.replace(/[^\w.-]+/g, '-');
    svgButton.addEventListener('click', () => void view.toSVG().then((svg) => download(`${file}.svg`, svg, 'image/svg+xml')));
    pngButton.addEventListener('click', () => void view.toImageURL('png', 2).then(async (url) => download(`${file}.png`, await (await fetch(url)).blob())));
  }
}
