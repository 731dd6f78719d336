/**
 * The plots from the command line: `lawfit demo --plots DIR` writes them, and `lawfit plot` draws
 * a saved fit again from its data, refusing data that changed or went missing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCliCaptured } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-plot-cli-'));

const run = runCliCaptured;

test('lawfit demo --plots DIR writes the fit, residual and frontier plots; lawfit plot redraws them from the artifact', async () => {
  const plots = join(dir, 'demo-plots');
  const art = join(dir, 'demo.json');
  const r = await run('demo', '--threads', '1', '--out', art, '--plots', plots);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toContain(`wrote 3 plots to ${plots}: fit.svg, residuals.svg, frontier.svg`);
  expect(readdirSync(plots).sort()).toEqual(['fit.svg', 'frontier.svg', 'residuals.svg']);
  // The demo's synthetic ladder is regenerated from the seed its artifact records.
  const again = join(dir, 'demo-again');
  const p = await run('plot', art, '--out', again);
  expect(p.err).toBe('');
  expect(p.code).toBe(0);
  expect(readdirSync(again).sort()).toEqual(['fit.svg', 'frontier.svg', 'residuals.svg']);
}, 180_000);

test('lawfit plot redraws a fit of a data file, and refuses the file once it changed or is gone', async () => {
  const xs = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
  const csv = join(dir, 'runs.csv');
  writeFileSync(csv, 'x,loss\n' + xs.map((x) => `${x},${2 + 5 * x ** -0.3 * (1 + 0.01 * Math.sin(x))}`).join('\n') + '\n');
  const art = join(dir, 'power.json');
  const fit = await run('fit', csv, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--threads', '1', '--quiet', '--out', art);
  expect(fit.code).toBe(0);

  const out = join(dir, 'power-plots');
  const ok = await run('plot', art, '--out', out);
  expect(ok.err).toBe('');
  expect(ok.code).toBe(0);
  expect(readdirSync(out).sort()).toEqual(['fit.svg', 'residuals.svg']); // no bootstrap, not Chinchilla-type

  writeFileSync(csv, 'x,loss\n1,7\n2,6\n');
  const changed = join(dir, 'changed-plots');
  const bad = await run('plot', art, '--out', changed);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain(`lawfit plot: error: ${csv}: the file changed since ${art} was fitted on it`);
  expect(existsSync(changed)).toBe(false);

  const gone = join(dir, 'gone.json');
  writeFileSync(gone, readFileSync(art, 'utf8').replaceAll(csv, join(dir, 'missing.csv')));
  const missing = await run('plot', gone, '--out', changed);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain(`${join(dir, 'missing.csv')}: the data ${gone} was fitted on cannot be read`);
}, 180_000);
