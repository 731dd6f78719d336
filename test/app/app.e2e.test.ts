/**
 * The browser app end to end, in headless Chromium (Debian's, driven by Playwright): the app is
 * built with Vite's build(), served from a tiny static server, and used as a person would.
 * - The Epoch Chinchilla CSV (../shared/data), chinchilla with a bootstrap, on WebGPU: the exported
 *   artifact's parameters and interval bounds must equal the CLI's (`lawfit fit`, CPU engine, same
 *   options and seed) after the float64 polish, and the main thread must never block 100 ms from
 *   the click on Run until every plot has been scrolled to and drawn.
 * - A malformed file shows its error next to the file field, naming the row.
 * - Cancel stops a run (the page says so, the progress bar stops) and a new run works after.
 * - With WebGPU disabled, the run uses the CPU engine and the page says so; on the built-in
 *   synthetic example with a holdout, the comparison chart is drawn and the true parameter values
 *   are shown beside the estimates, in the report and in the bootstrap histograms; and the main
 *   thread again never blocks 100 ms.
 * - Offline once loaded: with the network cut and the server unreachable, the page reloads from its
 *   service worker's cache and a run works; the only thing asked of the server is the browser's own
 *   check for a newer service worker.
 * Screenshots of each state go to /tmp/app-shots. In CI the browser is required (installed by
 * .ci/install-system.sh); elsewhere a machine without /usr/bin/chromium skips, saying why.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runCli } from '../../src/cli/main.js';
import { HOFFMANN_TRUTH } from '../../src/examples/chinchilla-ladder.js';
import { type FitArtifact } from '../../src/report/artifact.js';
import { parseArtifact } from '../../src/report/artifact-read.js';
import { sharedFile } from '../support/shared-data.js';
import { shellSplit } from '../support/shell-split.js';
import { chromiumSuite, CHROMIUM, machineQuiet, relDiff, serveBuiltApp, startTrace, type AppServer } from '../support/app-e2e.js';

const suite = chromiumSuite('app test');

const SHOTS = '/tmp/app-shots';
const EPOCH = 'chinchilla-epoch/chinchilla_epoch_245.csv';
const REPLICATES = 1000;
const FORMULA = 'E + A / N^alpha + B / D^beta';
const SEED = 7;
const BASE_FLAGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
let server: AppServer | undefined;
const contexts: BrowserContext[] = [];

afterAll(async () => {
  for (const c of contexts) await c.close();
  server?.close();
});

async function launch(webgpu: boolean, viewport = { width: 1200, height: 900 }): Promise<Page> {
  const flags = webgpu ? [...BASE_FLAGS, '--enable-unsafe-webgpu'] : [...BASE_FLAGS, '--disable-features=WebGPU', '--disable-gpu'];
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lawfit-app-chromium-')), { executablePath: CHROMIUM, headless: false, args: flags, acceptDownloads: true, viewport });
  contexts.push(context);
  // Every long task from page load on, so the run's can be picked out afterwards.
  await context.addInitScript(() => {
    const w = window as unknown as { __longtasks: Array<{ start: number; duration: number }> };
    w.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // Long animation frames with their scripts: what a long task was doing, for the failure message.
    const v = window as unknown as { __frames: Array<{ start: number; duration: number; scripts: string[] }> };
    v.__frames = [];
    if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as Array<{ startTime: number; duration: number; scripts: Array<{ invoker: string; sourceFunctionName: string; sourceURL: string; duration: number; forcedStyleAndLayoutDuration: number }> }>) {
          v.__frames.push({ start: e.startTime, duration: e.duration, scripts: e.scripts.map((x) => `${x.invoker} ${x.sourceFunctionName}@${x.sourceURL.split('/').pop()} ${x.duration.toFixed(0)} ms (layout ${x.forcedStyleAndLayoutDuration.toFixed(0)})`) });
        }
      }).observe({ type: 'long-animation-frame', buffered: true });
    }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { __errors: string[] }).__errors = errors;
  await page.goto(`${server!.origin}/`);
  await page.locator('#law-chinchilla').waitFor();
  return page;
}

/** A full-page screenshot; the scroll reset after it keeps Playwright's later clicks on target (headless=new leaves the page offset). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await page.evaluate(() => window.scrollTo(0, 0));
}

interface Blocking {
  /** Longest main-thread task from the click on Run to the run's end state (ms; 0: none over 50 ms). */
  run: number;
  /** Longest task from then until the results and every plot were on screen. */
  drawing: number;
  /** The plots drawn (their names, data-plot), in page order. */
  plots: string[];
  /** How long drawing each plot took (its 'lawfit plot NAME' measure, which may span several tasks), the longest first. */
  drawTimes: Array<{ name: string; ms: number }>;
  /** Animation frames of 90 ms or more from the click on, with the scripts they ran (diagnosis). */
  frames: string[];
  /** Longest main-thread task from the click on to the last plot, in thread (CPU) time (ms; from a Chrome trace). */
  cpu: number;
  /** The machine's 1-minute load average at the end (this machine has cpus().length cores). */
  load: number;
}

/**
 * No task of 100 ms: always in thread time; in wall-clock time (what a user feels) when the
 * machine is not oversubscribed, since then other programs' time is not counted as the page's.
 */
function expectNoLongTask(b: Blocking): void {
  expect(b.cpu, 'longest main-thread task in thread time (ms)').toBeLessThan(100);
  if (machineQuiet()) {
    expect(b.run, 'longest main-thread task during the run, wall clock (ms)').toBeLessThan(100);
    expect(b.drawing, 'longest main-thread task while results were drawn, wall clock (ms)').toBeLessThan(100);
  } else console.log(`wall-clock long tasks not asserted: load average ${b.load.toFixed(1)} on ${cpus().length} cores`);
}

/**
 * Scroll to each set of plots and each plot that is not drawn yet, as a reader would, until every
 * one is on screen (plots are prepared and drawn only as they come into view).
 */
async function drawEveryPlot(page: Page): Promise<void> {
  const pending = '#results .plots:not([data-state="ready"]), #results .plot:not([data-state="drawn"])';
  for (;;) {
    const next = await page.$(pending);
    if (next === null) return;
    expect(await next.getAttribute('data-state')).not.toBe('failed');
    await next.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.waitForFunction((el) => ['ready', 'drawn', 'failed'].includes((el as HTMLElement).dataset['state'] ?? ''), next, { timeout: 60_000 });
  }
}

/**
 * Click Run, wait for the end state, draw the results and every plot, and report the longest
 * main-thread tasks: the whole session, from Run to the last plot drawn, is what a user lives through.
 */

async function runAndMeasure(page: Page, end: 'done' | 'cancelled' | 'failed', timeout = 100_000): Promise<Blocking> {
  const stopTrace = await startTrace(page);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#run-button');
  await page
    .locator(`#progress-text[data-state="${end}"]`)
    .waitFor({ timeout })
    .catch(async (e: unknown) => {
      const state = await page.evaluate(() => ['progress-text', 'run-error', 'file-error', 'mapping-error'].map((id) => `#${id}: ${document.getElementById(id)?.textContent ?? ''}`).join('\n'));
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${state}\npage errors: ${(page as Page & { __errors: string[] }).__errors.join('\n')}`);
    });
  const t1 = Number(await page.getAttribute('#progress-text', 'data-since'));
  if (end === 'done') {
    await page.locator('#results .law-detail').last().waitFor();
    await drawEveryPlot(page);
  }
  // Long tasks are reported when they end; leave time for the last to be observed.
  await page.waitForTimeout(500);
  const measured: Omit<Blocking, 'cpu' | 'load'> = await page.evaluate(([start, stop]) => {
    const tasks = (window as unknown as { __longtasks: Array<{ start: number; duration: number }> }).__longtasks;
    const longest = (from: number, to: number): number => tasks.filter((t) => t.start >= from && t.start < to).reduce((m, t) => Math.max(m, t.duration), 0);
    const drawTimes = performance
      .getEntriesByType('measure')
      .filter((m) => m.name.startsWith('lawfit plot ') && m.startTime >= start!)
      .map((m) => ({ name: m.name.slice('lawfit plot '.length), ms: m.duration }))
      .sort((a, b) => b.ms - a.ms);
    const plots = [...document.querySelectorAll<HTMLElement>('#results .plot[data-state="drawn"]')].map((el) => el.dataset['plot']!);
    const frames = (window as unknown as { __frames: Array<{ start: number; duration: number; scripts: string[] }> }).__frames
      .filter((f) => f.start >= start! && f.duration >= 90)
      .map((f) => `frame ${f.duration.toFixed(0)} ms at +${(f.start - start!).toFixed(0)}: ${f.scripts.join('; ') || '(no script: style, layout, paint)'}`);
    return { run: longest(start!, stop!), drawing: longest(stop!, Infinity), plots, drawTimes, frames };
  }, [t0, t1]);
  const cpu = await stopTrace();
  if (measured.frames.length > 0) console.log(`long frames (wall clock):\n${measured.frames.join('\n')}`);
  console.log(`longest main-thread tasks in thread time:\n${cpu.top.join('\n')}`);
  const result: Blocking = { ...measured, cpu: cpu.longestCpu, load: loadavg()[0]! };
  await page.evaluate(() => window.scrollTo(0, 0));
  return result;
}

/** The figures, printed by each test that runs to the end. */
function report(engine: string, b: Blocking): string {
  const draws = b.drawTimes.map((d) => `${d.name} ${d.ms.toFixed(0)} ms`).join(', ');
  return `longest main-thread task in thread time ${b.cpu.toFixed(0)} ms (Chrome trace, click on Run to last plot drawn); in wall-clock time (0: none over the 50 ms long-task threshold; load average ${b.load.toFixed(1)} on ${cpus().length} cores): during the ${engine} run ${b.run.toFixed(0)} ms, from its end until all ${b.plots.length} plots were drawn ${b.drawing.toFixed(0)} ms (time to draw each plot: ${draws})`;
}

async function exportedArtifact(page: Page, law: string): Promise<FitArtifact> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.law-detail[data-law="${law}"] button[data-export="json"]`)]);
  const path = await download.path();
  return parseArtifact(readFileSync(path, 'utf8'), download.suggestedFilename());
}

async function exportedPlot(page: Page, plot: string, format: 'svg' | 'png', where = '.law-detail[data-law="chinchilla"]', prefix = 'chinchilla'): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${where} .plot[data-plot="${plot}"] button[data-export="${format}"]`)]);
  expect(download.suggestedFilename()).toBe(`${prefix}-${plot}.${format}`);
  return readFileSync(await download.path());
}

async function cliArtifact(argv: string[]): Promise<FitArtifact> {
  const out = join(mkdtempSync(join(tmpdir(), 'lawfit-app-cli-')), 'fit.json');
  let err = '';
  const code = await runCli([...argv, '--out', out, '--quiet'], { out: () => {}, err: (t) => void (err += t) });
  expect(code, err).toBe(0);
  return parseArtifact(readFileSync(out, 'utf8'), out);
}


suite('the browser app in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await serveBuiltApp();
  }, 120_000);

  test('Epoch data: chinchilla and a typed formula, 1,000 bootstrap replicates on WebGPU; the page never blocks 100 ms; the printed command reproduces the numbers', async () => {
    const page = await launch(true);
    await shot(page, '01-start');
    await page.setInputFiles('#file-input', sharedFile(EPOCH));
    await page.locator('#file-info', { hasText: '245 rows' }).waitFor();
    await page.fill('#x-N', 'N_params');
    await page.fill('#x-D', 'D_tokens');
    await page.fill('#target', 'loss');
    await page.fill('#where', 'excluded_outlier == 0');
    // The rows the run will fit, counted before it runs.
    await page.locator('#fit-count[data-fitted="240"]', { hasText: '240 of 245 rows will be fitted (5 left out by the filter)' }).waitFor();
    // A typed law beside the built-in one: its start ranges follow the losses' scale, not −1…1.
    await page.click('#add-formula');
    await page.getByLabel('Formula formula-1').fill(FORMULA);
    await page.locator('.formula-editor[data-label="formula-1"] .formula-ok').waitFor();
    const ranges = await page.locator('.formula-editor[data-label="formula-1"] tr[data-param]').evaluateAll((rows) =>
      Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset['param'], [...r.querySelectorAll('input[type="text"]')].map((i) => Number((i as HTMLInputElement).value))])),
    );
    console.log(`formula-1 start ranges from the data: ${JSON.stringify(ranges)}`);
    expect(ranges['alpha']).toEqual([0, 1]);
    expect(ranges['E']![1]).toBeGreaterThan(3);
    await page.fill('#replicates', String(REPLICATES));
    await page.fill('#seed', String(SEED));
    await shot(page, '02-loaded');
    const longest = await runAndMeasure(page, 'done', 300_000);
    // Long tasks are those over 50 ms; 0 means none was reported.
    expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'))).toBe(true);
    console.log(report(`WebGPU (chinchilla + ${FORMULA}, ${REPLICATES} replicates)`, longest));
    await shot(page, '03-results');
    expect(await page.getAttribute('#engine-note', 'data-engine'), await page.textContent('#engine-note') ?? '').toBe('webgpu');
    expect(longest.plots).toEqual(['fit', 'residuals', 'bootstrap-histograms', 'bootstrap-pairs', 'frontier', 'fit', 'residuals', 'bootstrap-histograms', 'bootstrap-pairs', 'frontier']);
    // The header counts the rows fitted, not the file's.
    expect(await page.getAttribute('#results-count', 'data-fitted')).toBe('240');
    expect(await page.textContent('#results-count')).toContain('240 of 245 rows fitted');
    // The typed formula was fitted and ranked, with its bootstrap.
    expect(await page.locator('#ranking tr[data-law="formula-1"]').count()).toBe(1);
    const formula = await exportedArtifact(page, 'formula-1');
    expect(formula.summary.status.usable, formula.summary.status.name).toBe(true);
    expect(formula.summary.data.n).toBe(240);
    expect(formula.summary.bootstrap?.replicates).toBe(REPLICATES);
    const fAlpha = formula.summary.params.find((p) => p.name === 'alpha')!.value!;
    const fE = formula.summary.params.find((p) => p.name === 'E')!.value!;
    console.log(`formula-1 (${FORMULA}) on Epoch: ${formula.summary.params.map((p) => `${p.name}=${p.value!.toPrecision(4)}`).join(' ')}; ${formula.summary.bootstrap!.succeeded}/${REPLICATES} replicates succeeded`);
    expect(fAlpha).toBeGreaterThan(0.1);
    expect(fAlpha).toBeLessThan(1);
    expect(fE).toBeGreaterThan(1);
    expect(fE).toBeLessThan(2.5);
    expectNoLongTask(longest);
    // Real data: no true values to show.
    expect(await page.locator('.law-detail[data-law="chinchilla"] tr[data-truth]').count()).toBe(0);

    // "Same fit on the command line", as printed: shell text a POSIX shell splits into the CLI's argv.
    const printed = (await page.textContent('.law-detail[data-law="chinchilla"] code[data-command="fit"]'))!;
    console.log(`printed: ${printed}`);
    const argv = shellSplit(printed);
    expect(argv.slice(0, 3)).toEqual(['lawfit', 'fit', 'chinchilla_epoch_245.csv']);
    expect(argv).toEqual(expect.arrayContaining(['--where', 'excluded_outlier == 0', '--bootstrap', String(REPLICATES), '--seed', String(SEED), '--ci', '95', '--engine', 'webgpu']));
    // Run on the CPU here (--engine webgpu is the page's engine; the float64 polish makes them agree).
    const cliArgv = argv.slice(1).map((a) => (a === 'chinchilla_epoch_245.csv' ? sharedFile(EPOCH) : a)).filter((a, i, all) => a !== '--engine' && all[i - 1] !== '--engine');
    const app = await exportedArtifact(page, 'chinchilla');
    const cli = await cliArtifact([...cliArgv, '--threads', '2']);
    expect(app.summary.engine).toMatch(/webgpu/i);
    expect(app.summary.data.n).toBe(cli.summary.data.n);
    expect(app.summary.data.digest).toBe(cli.summary.data.digest);
    let worst = 0;
    for (const p of cli.summary.params) {
      const q = app.summary.params.find((x) => x.name === p.name)!;
      worst = Math.max(worst, relDiff(q.value!, p.value!));
    }
    const a = app.summary.bootstrap!;
    const c = cli.summary.bootstrap!;
    expect(a.replicates).toBe(REPLICATES);
    expect(a.failed).toEqual(c.failed);
    let worstInterval = 0;
    for (const p of c.parameters) {
      const q = a.parameters.find((x) => x.name === p.name)!;
      worstInterval = Math.max(worstInterval, relDiff(q.percentile[0], p.percentile[0]), relDiff(q.percentile[1], p.percentile[1]), relDiff(q.sd, p.sd));
    }
    console.log(`app (WebGPU) vs its printed command line (CLI, CPU): largest relative difference ${worst.toExponential(2)} in the parameters, ${worstInterval.toExponential(2)} in the bootstrap sd and interval bounds`);
    expect(worst).toBeLessThan(1e-6);
    expect(worstInterval).toBeLessThan(1e-6);
    expect(relDiff(app.summary.statistics.objective, cli.summary.statistics.objective)).toBeLessThan(1e-9);

    // The numbers shown are the numbers exported.
    const shown = Number(await page.getAttribute('.law-detail[data-law="chinchilla"] tr[data-param="alpha"]', 'data-value'));
    expect(shown).toBe(app.summary.params.find((p) => p.name === 'alpha')!.value);
    expect((page as Page & { __errors: string[] }).__errors).toEqual([]);
  }, 600_000);

  test('at 390 px wide every field is usable: each column-mapping field at least 10 characters wide, nothing wider than the screen', async () => {
    const page = await launch(false, { width: 390, height: 844 });
    await page.click('#example-button');
    await page.locator('#file-info', { hasText: '56 rows' }).waitFor();
    await page.click('#add-formula');
    await page.getByLabel('Formula formula-1').fill('E + A / N^alpha');
    await page.locator('.formula-editor .formula-ok').waitFor();
    const fields = await page.evaluate(() => {
      const canvas = document.createElement('canvas').getContext('2d')!;
      return [...document.querySelectorAll<HTMLElement>('#mapping input, #step-laws textarea, #step-laws input, #step-run input, #step-run select')].map((el) => {
        const cs = getComputedStyle(el);
        canvas.font = `${cs.fontSize} ${cs.fontFamily}`;
        const ch = canvas.measureText('0').width;
        const inner = el.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
        const r = el.getBoundingClientRect();
        return { id: el.id || el.getAttribute('aria-label') || el.getAttribute('type') || el.tagName, type: (el as HTMLInputElement).type, chars: inner / ch, left: r.left, right: r.right };
      });
    });
    const mapping = fields.filter((f) => /^(x-|target|where|holdout)/.test(f.id));
    console.log(`390 px: mapping fields ${mapping.map((f) => `${f.id} ${f.chars.toFixed(1)} ch`).join(', ')}; page width ${await page.evaluate(() => document.documentElement.scrollWidth)} px`);
    expect(mapping.map((f) => f.id).sort()).toEqual(['holdout', 'target', 'where', 'x-D', 'x-N']);
    for (const f of mapping) expect(f.chars, f.id).toBeGreaterThanOrEqual(10);
    // Every text field on the page fits on the screen; the page does not scroll sideways.
    for (const f of fields) if (f.type !== 'checkbox' && f.type !== 'file') expect(f.right, f.id).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Every control has a name (a label, or aria-label where the layout shows the name around it).
    const unnamed = (): Promise<string[]> =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
          .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
          .map((el) => el.id || el.outerHTML.slice(0, 80)),
      );
    expect(await unnamed()).toEqual([]);
    await shot(page, '10-phone-390');
    await page.locator('#mapping').screenshot({ path: join(SHOTS, '10a-phone-390-mapping.png') });
    await page.locator('#formula-panel').screenshot({ path: join(SHOTS, '10b-phone-390-formula.png') });
    await page.fill('#replicates', '0');
    await runAndMeasure(page, 'done');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('#results').screenshot({ path: join(SHOTS, '11-phone-390-results.png') });
    expect(await unnamed()).toEqual([]);
  }, 120_000);

  test('settings survive a reload (never the data); errors go when their cause does; a misspelt input is flagged', async () => {
    const page = await launch(false);
    await page.click('#example-button');
    await page.locator('#file-info', { hasText: '56 rows' }).waitFor();
    // A target that is not a column: the run says so next to the mapping...
    await page.fill('#target', 'losss');
    await page.fill('#replicates', '0');
    await page.click('#run-button');
    await page.locator('#mapping-error').waitFor({ state: 'visible' });
    console.log(`mapping error: ${await page.textContent('#mapping-error')}`);
    // ...and the message goes as soon as the field is corrected.
    await page.fill('#target', 'loss');
    await page.locator('#mapping-error').waitFor({ state: 'hidden' });
    await page.locator('#fit-count[data-fitted="56"]').waitFor();
    // A missing step: the message goes when the step is done.
    await page.uncheck('#law-chinchilla');
    await page.click('#run-button');
    await page.locator('#run-error', { hasText: 'Choose at least one law' }).waitFor();
    await page.check('#law-chinchilla');
    await page.locator('#run-error').waitFor({ state: 'hidden' });
    // `Dd` beside the input `D` is fitted as a parameter: the page warns.
    await page.click('#add-formula');
    await page.getByLabel('Formula formula-1').fill('E + A / N^alpha + B / Dd^beta');
    const warning = page.locator('.formula-editor[data-label="formula-1"] .formula-warning');
    await warning.waitFor({ state: 'visible' });
    console.log(`typo warning: ${await warning.textContent()}`);
    expect(await warning.textContent()).toContain('Dd');
    await page.getByLabel('Formula formula-1').fill('E + A / N^alpha + B / D^beta');
    await warning.waitFor({ state: 'hidden' });
    await page.click('#add-formula');
    await page.getByLabel('Formula formula-2').fill('E + A / (N*D)^gamma');
    await page.locator('.formula-editor[data-label="formula-2"] .formula-ok').waitFor();
    await page.fill('#where', 'N > 0');
    await page.fill('#replicates', '37');
    await page.fill('#seed', '11');
    await page.waitForTimeout(300);
    await page.reload();
    await page.locator('#law-chinchilla').waitFor();
    await page.locator('.formula-editor[data-label="formula-2"] .formula-ok').waitFor();
    expect(await page.inputValue('#replicates')).toBe('37');
    expect(await page.inputValue('#seed')).toBe('11');
    expect(await page.inputValue('#where')).toBe('N > 0');
    expect(await page.inputValue('#target')).toBe('loss');
    expect(await page.inputValue('#formula-1-text')).toBe('E + A / N^alpha + B / D^beta');
    expect(await page.inputValue('#formula-2-text')).toBe('E + A / (N*D)^gamma');
    expect(await page.isChecked('#law-chinchilla')).toBe(true);
    // The data is not kept: the page asks for it again.
    expect(await page.textContent('#file-info')).toMatch(/last visit.*Load your data file again/);
    const stored = await page.evaluate(() => Object.values(localStorage).join(''));
    expect(stored).not.toMatch(/3\.\d{3,}|Chinchilla ladder|25000000/);
    // Two formulas and a built-in side by side, in one run; the previous results stay until the next run finishes.
    await page.click('#example-button');
    await page.locator('#file-info', { hasText: '56 rows' }).waitFor();
    await page.fill('#replicates', '0');
    await runAndMeasure(page, 'done');
    expect(await page.locator('#ranking tr[data-law]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['law']).sort())).toEqual(['chinchilla', 'formula-1', 'formula-2']);
    await page.fill('#replicates', '400');
    await page.click('#run-button');
    await page.locator('#results[data-stale="true"] .stale-note').waitFor();
    expect(await page.locator('#results .law-detail').count()).toBe(3);
    await page.locator('#progress-text[data-state="done"]').waitFor({ timeout: 120_000 });
    await page.locator('#results:not([data-stale])').waitFor();
  }, 240_000);

  test('a malformed file shows its error next to the file field, naming the row', async () => {
    const page = contexts[0]?.pages()[0] ?? (await launch(true));
    await page.setInputFiles('#file-input', { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('N,D,loss\n1e8,2e9,3.1\n2e8,4e9\n4e8,8e9,2.9\n') });
    const error = page.locator('#file-error');
    await error.waitFor({ state: 'visible' });
    const text = (await error.textContent()) ?? '';
    console.log(`malformed file: ${text}`);
    expect(text).toContain('ragged.csv');
    expect(text).toMatch(/row 3/);
    await shot(page, '04-bad-file');
  });

  test('Cancel stops a run; the progress bar stops; a new run works after', async () => {
    const page = contexts[0]?.pages()[0] ?? (await launch(true));
    await page.click('#example-button');
    await page.locator('#file-info', { hasText: '56 rows' }).waitFor();
    await page.fill('#replicates', '4000');
    await page.click('#run-button');
    await page.waitForFunction(() => document.getElementById('progress-text')!.dataset['state'] === 'running' && (document.querySelector('#progress') as HTMLProgressElement).value > 0, undefined, { timeout: 60_000 });
    await shot(page, '05-running');
    await page.click('#cancel-button');
    await page.locator('#progress-text[data-state="cancelled"]').waitFor({ timeout: 30_000 });
    const stopped = await page.evaluate(() => (document.querySelector('#progress') as HTMLProgressElement).value);
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (document.querySelector('#progress') as HTMLProgressElement).value)).toBe(stopped);
    expect(await page.textContent('#progress-text')).toMatch(/cancelled/i);
    await shot(page, '06-cancelled');
    await page.fill('#replicates', '0');
    await runAndMeasure(page, 'done');
    expect(await page.locator('.law-detail[data-law="chinchilla"] tr[data-param="E"]').count()).toBe(1);
  }, 120_000);

  test('with WebGPU disabled the run uses the CPU engine and the page says so', async () => {
    const page = await launch(false);
    // Without --enable-unsafe-webgpu Chromium on Linux may keep navigator.gpu but offers no adapter.
    expect(await page.evaluate(async () => (await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter()) ?? null)).toBeNull();
    await page.click('#example-button');
    await page.locator('#file-info', { hasText: '56 rows' }).waitFor();
    await page.fill('#replicates', '20');
    await page.fill('#holdout', 'top:8:N*D');
    const longest = await runAndMeasure(page, 'done');
    console.log(report('CPU', longest));
    await shot(page, '07-cpu-results');
    expect(await page.getAttribute('#engine-note', 'data-engine')).toBe('cpu');
    expect(await page.textContent('#engine-note')).toMatch(/CPU.*no WebGPU/);
    const art = await exportedArtifact(page, 'chinchilla');
    expect(art.summary.engine).not.toMatch(/webgpu/i);
    expect(art.summary.bootstrap?.replicates).toBe(20);
    expect(longest.plots).toEqual(['comparison', 'fit', 'residuals', 'bootstrap-histograms', 'bootstrap-pairs', 'frontier']);
    expectNoLongTask(longest);

    // The comparison chart says what was held out, as `lawfit compare --plots` does.
    // (Plots are drawn on a canvas or as an image; their text is read from the SVG they export.)
    expect((await exportedPlot(page, 'comparison', 'svg', '.comparison', 'comparison')).toString()).toContain('ranked by error on 8 held-out runs (top:8:N*D)');
    // Every plot has an accessible name: whose plot it is and what it shows.
    const names = await page.locator('#results .plot figure').evaluateAll((figs) => figs.map((f) => f.getAttribute('aria-label') ?? ''));
    expect(names.every((n) => n.length > 10)).toBe(true);
    expect(names).toContain('comparison of the laws: held-out error of each law, ranked');
    // The comparison per fold and per held-out run, and its verdict in words.
    expect(await page.locator('details.held-out tbody tr').count()).toBe(8);
    expect(await page.locator('details.folds tbody tr').count()).toBe(1);
    console.log(`verdict: ${await page.textContent('#comparison-verdict')}`);
    expect(await page.textContent('#comparison-verdict')).toMatch(/lowest held-out error/);
    // The synthetic example's true values: beside the estimates, in the artifact, the report and the histograms.
    const truth = await page.locator('.law-detail[data-law="chinchilla"] tr[data-truth]').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset['param'], Number((r as HTMLElement).dataset['truth'])])));
    expect(truth).toEqual({ ...HOFFMANN_TRUTH });
    expect(art.summary.truth).toEqual({ ...HOFFMANN_TRUTH });
    expect(await page.textContent('.law-detail[data-law="chinchilla"] pre.report')).toMatch(/true = /);
    expect((await exportedPlot(page, 'bootstrap-histograms', 'svg')).toString()).toContain('true value');
    // Exports: an interactive plot's SVG from its Vega view, a worker-drawn plot's PNG through a canvas.
    const svg = await exportedPlot(page, 'fit', 'svg');
    expect(svg.subarray(0, 4).toString()).toBe('<svg');
    // The runs the comparison held out are ringed on the fit plot, and its subtitle says so.
    expect(svg.toString()).toContain('red diamonds: the 8 runs held out in the comparison (top:8:N*D)');
    const png = await exportedPlot(page, 'bootstrap-pairs', 'png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);

    // A share link holds the laws and options (never the data) and restores them.
    await page.click('#share-button');
    const url = (await page.getAttribute('#share-status', 'data-url'))!;
    expect(url).not.toContain('25000000');
    const other = await page.context().newPage();
    await other.goto(url);
    await other.locator('#law-chinchilla').waitFor();
    await other.locator('#file-info', { hasText: 'share link' }).waitFor();
    expect(await other.inputValue('#replicates')).toBe('20');
    expect(await other.inputValue('#holdout')).toBe('top:8:N*D');
    expect(await other.isChecked('#law-chinchilla')).toBe(true);
    await shot(other, '08-shared-link');
  }, 120_000);

  test('offline once loaded: with the network cut the page reloads from its cache and a run works', async () => {
    const page = await launch(false);
    // The service worker has cached the build and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller === null) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    });
    await page.context().setOffline(true);
    server!.unreachable = [];
    await page.reload();
    await page.locator('#law-chinchilla').waitFor();
    await page.click('#example-button');
    await page.locator('#file-info', { hasText: '56 rows' }).waitFor();
    await page.fill('#replicates', '0');
    await runAndMeasure(page, 'done');
    expect(await page.locator('.law-detail[data-law="chinchilla"] tr[data-param="E"]').count()).toBe(1);
    // On each navigation the browser asks for sw.js itself (an update check that fails harmlessly offline).
    expect(server!.unreachable!.filter((u) => u !== '/sw.js')).toEqual([]);
    server!.unreachable = undefined;
    await shot(page, '09-offline');
    await page.context().setOffline(false);
  }, 120_000);

  test('"More options" come from the run specification: a bad value gets the flag\'s one-line message; a good one reaches the fit and its printed command, and survives a reload', async () => {
    const page = await launch(false);
    await page.locator('#law-chinchilla').waitFor();
    await page.click('#example-button');
    await page.locator('#file-info', { hasText: '56 rows' }).waitFor();
    await page.fill('#replicates', '0');
    await page.click('.run-options summary');
    await page.fill('#opt-max-iter', 'many');
    await page.click('#run-button');
    await page.locator('#run-error', { hasText: "--max-iter: 'many' is not a finite number" }).waitFor();
    await page.fill('#opt-max-iter', '500');
    await page.selectOption('#opt-damping', 'marquardt');
    await runAndMeasure(page, 'done');
    const printed = (await page.textContent('.law-detail[data-law="chinchilla"] code[data-command="fit"]'))!;
    console.log(`printed with "More options": ${printed}`);
    expect(printed).toContain('--max-iter 500');
    expect(printed).toContain('--damping marquardt');
    await page.reload();
    await page.locator('#law-chinchilla').waitFor();
    expect(await page.inputValue('#opt-max-iter')).toBe('500');
    expect(await page.inputValue('#opt-damping')).toBe('marquardt');
  }, 120_000);
});
