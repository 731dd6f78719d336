/**
 * What the app's end-to-end tests share: Debian's Chromium (required in CI, a skip elsewhere), the
 * app built with Vite and served from a tiny static server on loopback, the main-thread trace that
 * measures long tasks in thread time, and the relative difference the tests compare numbers with.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { describe } from 'vitest';
import { build } from 'vite';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** `describe` where Chromium is installed; in CI its absence is an error, elsewhere a skip that says why. */
export function chromiumSuite(what: string): typeof describe | typeof describe.skip {
  const inCi = process.env.CI === 'true' || process.env.CI === '1';
  if (!existsSync(CHROMIUM) && inCi) throw new Error(`CI requires Chromium at ${CHROMIUM} for the ${what} (.ci/install-system.sh installs it)`);
  if (!existsSync(CHROMIUM)) console.warn(`${what} skipped (not in CI): no ${CHROMIUM}`);
  return existsSync(CHROMIUM) ? describe : describe.skip;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };

export interface AppServer {
  origin: string;
  /** While set, every connection is dropped, as an unreachable host would, and the URLs asked for are recorded here. */
  unreachable: string[] | undefined;
  close(): void;
}

/** Build the app (app/vite.config.ts) into a temporary folder and serve it on 127.0.0.1. */
export async function serveBuiltApp(): Promise<AppServer> {
  const out = mkdtempSync(join(tmpdir(), 'lawfit-app-build-'));
  await build({ configFile: resolve(import.meta.dirname, '../../app/vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  const app: AppServer = { origin: '', unreachable: undefined, close: () => server.close() };
  const server = createServer((req, res) => {
    if (app.unreachable !== undefined) {
      app.unreachable.push(req.url ?? '/');
      req.socket.destroy();
      return;
    }
    const url = (req.url ?? '/').split('?')[0]!;
    const path = join(out, url === '/' ? 'index.html' : url);
    if (!path.startsWith(out) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  app.origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return app;
}

/**
 * Main-thread tasks from a Chrome trace, in thread (CPU) time and in wall-clock time. Thread time
 * is the page's own work; wall clock on a loaded machine also counts the time the OS ran something
 * else (frames with no script at all read 150-370 ms at a load average of 10-21 on 2 cores).
 */
interface TraceEvent { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string; data?: { functionName?: string; url?: string } } }
export async function startTrace(page: Page): Promise<() => Promise<{ longestCpu: number; longestWall: number; top: string[] }>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => void events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', '__metadata', 'devtools.timeline'], recordMode: 'recordContinuously' }, transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.end');
    await done;
    const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    const tasks = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`) && /RunTask$/.test(e.name));
    const longestCpu = tasks.reduce((m, e) => Math.max(m, (e.tdur ?? 0) / 1000), 0);
    const longestWall = tasks.reduce((m, e) => Math.max(m, (e.dur ?? 0) / 1000), 0);
    // The three longest tasks in thread time, each with the work inside it that took longest.
    const top = [...tasks]
      .sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0))
      .slice(0, 3)
      .map((t) => {
        const inside = events.filter((e) => e.ph === 'X' && e.pid === t.pid && e.tid === t.tid && e !== t && e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0) && !/RunTask$/.test(e.name));
        const parts = inside
          .sort((a, b) => (b.tdur ?? b.dur ?? 0) - (a.tdur ?? a.dur ?? 0))
          .slice(0, 3)
          .map((e) => `${e.name}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ''}${e.args?.data?.url ? `@${e.args.data.url.split('/').pop()}` : ''} ${((e.tdur ?? e.dur ?? 0) / 1000).toFixed(0)} ms`);
        return `${((t.tdur ?? 0) / 1000).toFixed(0)} ms CPU (${((t.dur ?? 0) / 1000).toFixed(0)} ms wall): ${parts.join(', ')}`;
      });
    await cdp.detach();
    return { longestCpu, longestWall, top };
  };
}

/** Whether wall-clock task times mean anything now: the machine is not oversubscribed. */
export const machineQuiet = (): boolean => loadavg()[0]! < cpus().length;

export const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
