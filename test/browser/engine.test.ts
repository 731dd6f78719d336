/**
 * The engine in a browser: headless Chromium (Debian's, driven by Playwright; WebGPU on its
 * SwiftShader adapter) runs the WebGPU engine through navigator.gpu on a small batch and must
 * match the float64 engine run in the same page. In CI the browser is required (installed by
 * .ci/install-system.sh); elsewhere a machine without /usr/bin/chromium skips, saying why.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import type { BrowserRunResult } from './page/main.js';

const CHROMIUM = '/usr/bin/chromium';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!existsSync(CHROMIUM) && inCi) throw new Error(`CI requires Chromium at ${CHROMIUM} for the browser test (.ci/install-system.sh installs it)`);
const suite = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`browser test skipped (not in CI): no ${CHROMIUM}`);

let server: Server | undefined;
afterAll(() => server?.close());

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

suite('the engine in headless Chromium through navigator.gpu', () => {
  test('WebGPU results match the float64 engine in the same page', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lawfit-browser-'));
    await build({
      configFile: false,
      root: resolve(import.meta.dirname, 'page'),
      logLevel: 'warn',
      build: { outDir: out, emptyOutDir: true, rollupOptions: { external: ['webgpu'] } },
    });
    server = createServer((req, res) => {
      const path = join(out, req.url === '/' || req.url === undefined ? 'index.html' : req.url.split('?')[0]!);
      if (!path.startsWith(out) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;

    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lawfit-chromium-')), {
      executablePath: CHROMIUM,
      headless: false,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      await page.goto(`http://127.0.0.1:${port}/`);
      const r = (await page.evaluate(() => (window as unknown as { __lawfit: Promise<unknown> }).__lawfit)) as BrowserRunResult;
      console.log('browser run:', JSON.stringify(r));
      expect(r.error, logs.join('\n')).toBeUndefined();
      expect(r.hasNavigatorGpu).toBe(true);
      expect(r.device, `no WebGPU adapter in Chromium: ${r.warnings.join('; ')}`).toBeDefined();
      expect(Math.abs(r.f32Best! / r.cpuBest! - 1)).toBeLessThan(1e-4);
      expect(r.gpuBest!).toBeLessThanOrEqual(r.cpuBest! * (1 + 1e-6));
    } finally {
      await context.close();
    }
  }, 180_000);
});
