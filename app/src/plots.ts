/**
 * Plots in the results panel, drawn so that no main-thread task takes 100 ms: the worker prepares
 * them (worker/plots.ts: the same spec builders as the CLI's SVG files, compiled to Vega, or
 * rendered to SVG when there is nothing to hover), and the page puts them on screen lazily and in
 * short tasks:
 * - a set of plots (one law's, or the comparison chart) is asked of the worker when its box comes
 *   near the viewport, so a run with many laws prepares only what is read;
 * - each plot is drawn when it comes near the viewport, through one queue for the whole page, in
 *   tasks of its own (two for a Vega plot: see yieldingView), so the browser paints and handles
 *   input between any two plots;
 * - plots with tooltips run in vega-embed (interactive); the others are the worker's SVG.
 * Each plot exports SVG and PNG. vega-embed is loaded on first use (or when the page is idle).
 * Elements carry data-state ('waiting', 'preparing', 'ready', 'drawn', 'failed') for tests and scripts.
 */
import type { View } from 'vega';
import type { Result as EmbedResult } from 'vega-embed';
import { download, h, nextTask } from './dom.js';
import { worker } from './worker-client.js';
import type { PlotRequest, PreparedPlot } from './worker/protocol.js';

let embedModule: Promise<typeof import('vega-embed')> | undefined;

/**
 * Load vega-embed (about 0.9 MB: parsing it is a long task). The page calls this when idle after
 * opening, so that cost is paid before a run rather than while its results are drawn.
 */
export function preloadPlotting(): Promise<typeof import('vega-embed')> {
  embedModule ??= import('vega-embed').then(async (m) => {
    await warmUp(m);
    return m;
  });
  return embedModule;
}

/**
 * A plot with the parts every lawfit plot has (a title, log and linear axes, a colour legend,
 * points with tooltips, a line). The browser compiles Vega's code the first time it runs, which
 * made the first plot of a session take 100-130 ms where later ones take 45-60 (Chromium on this
 * project's test machine); drawing this one off screen, in steps of one task each, pays that cost
 * while the page is idle.
 */
const WARM_UP_SPEC = {
  $schema: 'https://vega.github.io/schema/vega/v6.json',
  width: 120,
  height: 80,
  title: { text: 'warm-up', subtitle: ['two lines', 'of subtitle'] },
  data: [{ name: 'points', values: [{ x: 1e6, y: 3.1, s: 1 }, { x: 1e8, y: 2.4, s: 2 }, { x: 1e10, y: 2.0, s: 3 }] }],
  scales: [
    { name: 'x', type: 'log', domain: { data: 'points', field: 'x' }, range: 'width' },
    { name: 'y', type: 'linear', domain: { data: 'points', field: 'y' }, range: 'height', zero: false },
    { name: 'color', type: 'linear', domain: { data: 'points', field: 's' }, range: { scheme: 'viridis' } },
  ],
  axes: [
    { orient: 'bottom', scale: 'x', title: 'x', format: '.2~g', labelOverlap: true },
    { orient: 'left', scale: 'y', title: 'y', grid: true },
  ],
  legends: [{ fill: 'color', type: 'gradient', title: 's' }],
  marks: [
    { type: 'line', from: { data: 'points' }, encode: { update: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { value: '#222' } } } },
    {
      type: 'symbol',
      from: { data: 'points' },
      encode: { update: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, fill: { scale: 'color', field: 's' }, tooltip: { signal: "{'x': format(datum.x, '.3~g'), 'y': datum.y}" } } },
    },
  ],
} as const;

async function warmUp(m: typeof import('vega-embed')): Promise<void> {
  const { vega } = m;
  await nextTask();
  const runtime = vega.parse(WARM_UP_SPEC as unknown as import('vega').Spec);
  await nextTask();
  const headless = new vega.View(runtime, { renderer: 'none' });
  await nextTask();
  await headless.runAsync();
  headless.finalize();
  await nextTask();
  const box = h('div', { style: 'position:absolute; left:-10000px; top:0', 'aria-hidden': 'true' });
  document.body.append(box);
  try {
    const { view } = await m.default(box, WARM_UP_SPEC as unknown as import('vega').Spec, { mode: 'vega', actions: false, renderer: 'canvas' });
    view.finalize();
  } finally {
    box.remove();
  }
}

/** How far outside the viewport a plot starts being prepared and drawn (so it is ready when scrolled to). */
const NEAR = '400px 0px';

/** Calls `f` once, the first time `el` comes near the viewport. */
function whenNear(el: Element, f: () => void): void {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    f();
  }, { rootMargin: NEAR });
  observer.observe(el);
}

/** Every plot drawing on the page, one after another, each in a task of its own. */
let drawing: Promise<void> = Promise.resolve();

function enqueue(draw: () => Promise<void>): void {
  drawing = drawing.then(nextTask).then(draw, () => {});
}

/**
 * A box for the plots of `request`, filled when it comes into view (or saying why it could not
 * be). `prefix` names the exported files (`chinchilla-fit.svg`).
 */
export function lazyPlots(request: PlotRequest, prefix: string): HTMLElement {
  const box = h('div', { class: 'plots', 'data-state': 'waiting' }, h('p', { class: 'hint plot-wait' }, 'Plots are drawn when you scroll to them.'));
  whenNear(box, () => {
    box.dataset['state'] = 'preparing';
    box.firstElementChild!.textContent = 'Preparing the plots…';
    worker()
      .plots(request)
      .then((plots) => {
        if (!box.isConnected) return;
        box.replaceChildren(...plots.map((p) => plotSlot(p, prefix)));
        box.dataset['state'] = 'ready';
      })
      .catch((e: unknown) => {
        box.dataset['state'] = 'failed';
        box.replaceChildren(h('p', { class: 'field-error' }, `The plots could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
      });
  });
  return box;
}

/** One plot's figure: a placeholder until it comes into view, then the plot with its export buttons. */
function plotSlot(plot: PreparedPlot, prefix: string): HTMLElement {
  // Accessible names: the plot is one image named by what it shows and whose it is; the buttons say what they export.
  const name = `${prefix === 'comparison' ? 'comparison of the laws' : prefix}: ${plot.caption}`;
  const target = h('div', { class: 'plot-view', role: 'img', 'aria-label': name });
  const svgButton = h('button', { type: 'button', 'data-export': 'svg', disabled: '', 'aria-label': `Export ${plot.name} plot of ${prefix} as SVG` }, 'SVG');
  const pngButton = h('button', { type: 'button', 'data-export': 'png', disabled: '', 'aria-label': `Export ${plot.name} plot of ${prefix} as PNG` }, 'PNG');
  const slot = h('div', { class: 'plot', 'data-plot': plot.name, 'data-state': 'waiting' }, h('figure', { 'aria-label': name }, target, h('figcaption', {}, plot.caption, h('span', { class: 'buttons' }, svgButton, pngButton))));
  const file = `${prefix}-${plot.name}`.replace(/[^\w.-]+/g, '-');
  whenNear(slot, () =>
    enqueue(async () => {
      if (!slot.isConnected) return;
      const exports = await draw(target, plot);
      svgButton.addEventListener('click', () => void exports.svg().then((svg) => download(`${file}.svg`, svg, 'image/svg+xml')));
      pngButton.addEventListener('click', () => void exports.png().then((png) => download(`${file}.png`, png)));
      svgButton.disabled = false;
      pngButton.disabled = false;
      slot.dataset['state'] = 'drawn';
    }),
  );
  return slot;
}

interface Exports {
  svg(): Promise<string>;
  png(): Promise<Blob>;
}

/** PNG exports are drawn at twice the plot's size, for print and high-density screens. */
const PNG_SCALE = 2;

/** Draw a plot into `target`; the time it took is a User Timing measure named 'lawfit plot NAME' (DevTools and tests read it). */
async function draw(target: HTMLElement, plot: PreparedPlot): Promise<Exports> {
  const start = performance.now();
  try {
    return await drawPrepared(target, plot);
  } finally {
    performance.measure(`lawfit plot ${plot.name}`, { start });
  }
}

async function drawPrepared(target: HTMLElement, plot: PreparedPlot): Promise<Exports> {
  if (plot.drawing.kind === 'svg') {
    const svg = plot.drawing.svg;
    // The worker's SVG as an image, not as page DOM: the pair grid holds thousands of marks, which
    // as inline SVG the page had to parse, style and lay out in one long task (113-300 ms measured
    // with 1,000 replicates); an image is decoded asynchronously and its marks are not page nodes.
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    const img = h('img', { src: url, alt: target.getAttribute('aria-label') ?? plot.caption, decoding: 'async', class: 'plot-image' });
    await img.decode().catch(() => {});
    target.removeAttribute('role');
    target.replaceChildren(img);
    return { svg: () => Promise.resolve(svg), png: () => rasterize(svg, PNG_SCALE) };
  }
  const { default: embed, vega } = await preloadPlotting();
  // actions: false — our own buttons export; vega-embed's menu would offer "open in editor" (a network request).
  // hover: false — in mode 'vega' vega-embed turns on Vega's hover re-encoding, which the compiled
  // specs never use but which re-ran over every mark on each pointer move (30-50 ms tasks measured).
  // renderer 'canvas': one element instead of a DOM node per mark, so the page has almost nothing
  // to style or lay out; SVG export renders the same view to SVG on demand (view.toSVG()).
  const { view }: EmbedResult = await embed(target, plot.drawing.spec, { mode: 'vega', actions: false, hover: false, renderer: 'canvas', viewClass: yieldingView(vega) });
  return {
    svg: () => view.toSVG(),
    png: async () => (await fetch(await view.toImageURL('png', PNG_SCALE))).blob(),
  };
}

let yieldingViewClass: typeof View | undefined;

/**
 * vega-embed parses a spec, builds its View and runs the View's dataflow (scales, axes, layout,
 * drawing) in one task: 80-90 ms for the data-with-law and residual plots on this project's test
 * machine, too close to 100. This View (vega-embed's documented `viewClass` option) lets the
 * browser run once between building and the first run, which splits that task in two, neither over
 * about 60 ms there. Later runs (hover, resize) are not delayed.
 */
function yieldingView(vega: typeof import('vega')): typeof View {
  yieldingViewClass ??= class YieldingView extends vega.View {
    private yielded = false;
    override async runAsync(): Promise<View> {
      if (!this.yielded) {
        this.yielded = true;
        await nextTask();
      }
      return super.runAsync();
    }
  };
  return yieldingViewClass;
}

/** An SVG document as a PNG at `scale` times its size, through an image and a canvas. */
async function rasterize(svg: string, scale: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = h('canvas', { width: String(Math.ceil(img.naturalWidth * scale)), height: String(Math.ceil(img.naturalHeight * scale)) });
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b !== null ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
