/**
 * "Check these intervals" in the app's worker (app/src/worker/api.ts `coverage`), in Node: a fit
 * made by the worker's run, then the coverage check of its intervals, equals `lawfit coverage` on
 * the same fit's artifact with the command line the worker prints (same datasets, same shares and
 * binomial errors); a file that is not the fitted one is refused; cancel stops it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as api from '../../app/src/worker/api.js';
import type { LawResult, RunResult } from '../../app/src/worker/protocol.js';
import { isCancelled } from '../../src/fit/control.js';
import type { CoverageResult } from '../../src/stats/coverage.js';
import { runCliCaptured } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-worker-coverage-'));
const xs = Array.from({ length: 14 }, (_, i) => 1e3 * 10 ** ((5 * i) / 13));
const text = 'x,loss\n' + xs.map((x, i) => `${x},${(1.8 + 60 * x ** -0.3) * (1 + 0.004 * Math.sin(3 * i))}`).join('\n') + '\n';
const file = { name: 'power.csv', content: text };

function okLaw(r: RunResult): Extract<LawResult, { ok: true }> {
  const law = r.laws[0]!;
  if (!law.ok) throw new Error(law.error.message);
  return law;
}

describe('worker api: coverage ("check these intervals")', () => {
  test('equals lawfit coverage on the fit\'s artifact with the printed command line', async () => {
    const r = await api.run({ file, spec: { x: { x: 'x' }, y: 'loss', bootstrap: 30, design: { kind: 'residuals', centre: true, leverage: false }, seed: 2 }, laws: [{ law: 'power', spec: { starts: { kind: 'sobol', count: 16 } } }], engine: 'cpu' });
    const law = okLaw(r);
    const progress: number[] = [];
    const c = await api.coverage({ law: law.label, artifact: law.artifact, file, sets: 4, seed: 5, engine: 'cpu' }, (p) => progress.push(p.done));
    expect(c.engine.used).toBe('cpu');
    expect(c.command).toEqual(['lawfit', 'coverage', 'power.lawfit.json', '--sets', '4', '--seed', '5']);
    expect(progress.length).toBeGreaterThan(0);
    const d = c.result.designs[0]!;
    expect(d.design).toBe('residuals');
    expect(d.quantities.map((q) => q.name)).toEqual(expect.arrayContaining(['E', 'A', 'alpha']));
    for (const q of d.quantities) {
      expect(q.percentile.share).toBeGreaterThanOrEqual(0);
      expect(q.percentile.share).toBeLessThanOrEqual(1);
      expect(q.percentile.se).toBeCloseTo(Math.sqrt((q.percentile.share * (1 - q.percentile.share)) / q.percentile.sets), 12);
    }
    // The CLI, on the artifact the page exports, with the printed flags.
    const artPath = join(dir, 'power.lawfit.json');
    writeFileSync(artPath, law.artifact);
    writeFileSync(join(dir, 'power.csv'), text);
    const cli = await runCliCaptured(...c.command.slice(1).map((a) => (a === 'power.lawfit.json' ? artPath : a)), '--threads', '1', '--json');
    expect(cli.code, cli.err).toBe(0);
    const cr = JSON.parse(cli.out) as CoverageResult;
    const strip = (x: CoverageResult): unknown => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'elapsedMs' ? undefined : v)));
    expect(strip(c.result)).toEqual(strip(cr));
    console.log(`power law, 4 datasets x 30 residual replicates: ${d.quantities.map((q) => `${q.name} ${(100 * q.percentile.share).toFixed(0)} % ± ${(100 * q.percentile.se).toFixed(0)}`).join(', ')}`);
  }, 300_000);

  test('a different file is refused; cancel stops a check', async () => {
    const r = await api.run({ file, spec: { x: { x: 'x' }, y: 'loss', bootstrap: 20 }, laws: [{ law: 'power', spec: { starts: { kind: 'sobol', count: 16 } } }], engine: 'cpu' });
    const law = okLaw(r);
    const other = await api.coverage({ law: law.label, artifact: law.artifact, file: { name: 'power.csv', content: text + `1e9,1.9\n` }, sets: 3, engine: 'cpu' }).catch((e: unknown) => e as Error);
    expect((other as Error).message).toMatch(/not the file power was fitted on/);
    const running = api.coverage({ law: law.label, artifact: law.artifact, file, sets: 50, engine: 'cpu' }, () => void api.cancel());
    const e = await running.catch((x: unknown) => x);
    expect(isCancelled(e)).toBe(true);
  }, 300_000);
});
