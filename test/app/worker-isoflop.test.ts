/**
 * The app's IsoFLOP mode in its worker (app/src/worker/api.ts `isoflop`), called directly in Node:
 * the analysis equals `lawfit isoflop` run in-process with the command line the worker prints
 * (shell text split by a real shell), artifact for artifact; the command line holds every option;
 * the QC thresholds it sends are the CLI's flags; Approach 3 beside it (--also), --weights and
 * --frontier-weights are the CLI's; bad input gets the CLI's one-line error; the plots are the
 * CLI's two specs per group.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as api from '../../app/src/worker/api.js';
import type { IsoflopRequest } from '../../app/src/worker/protocol.js';
import { runCli } from '../../src/cli/main.js';
import type { IsoflopArtifact } from '../../src/cli/isoflop-flags.js';
import { isLawfitError } from '../../src/errors.js';
import { QC_STAGES, QC_THRESHOLDS } from '../../src/stats/isoflop-qc.js';
import type { IsoflopSpec } from '../../src/run-spec/run-options.js';
import { shellCommand } from '../../src/util/shell-quote.js';
import { sharedFile } from '../support/shared-data.js';
import { shellSplit } from '../support/shell-split.js';

const ISOFLOPS = sharedFile('isoflops/isoflops.csv');
const BYTES = new Uint8Array(readFileSync(ISOFLOPS));
const NAME = basename(ISOFLOPS);
const THRESHOLDS: IsoflopSpec = Object.fromEntries(QC_THRESHOLDS.map((t) => [t.key, t.toFlag(t.default)]));
const baseSpec: IsoflopSpec = {
  budget: 'budget',
  x: { N: 'params', D: 'tokens' },
  y: 'loss',
  where: "experiment == 'llama_3__raw_loss'",
  qc: [...QC_STAGES],
  ...THRESHOLDS,
  budgets: [1e24, 1e25],
  ci: 95,
  bootstrap: 200,
  isoflopDesign: 'runs',
  seed: 3,
};
const base: IsoflopRequest = { file: { name: NAME, content: BYTES }, spec: baseSpec };
/** The base request with `change` over its spec, without the thresholds when `noThresholds`. */
function request(change: IsoflopSpec, noThresholds = false): IsoflopRequest {
  const spec: IsoflopSpec = { ...baseSpec };
  if (noThresholds) for (const t of QC_THRESHOLDS) delete spec[t.key];
  return { ...base, spec: { ...spec, ...change } };
}

async function cliArtifact(command: string): Promise<IsoflopArtifact> {
  const argv = shellSplit(command).slice(1).map((a) => (a === NAME ? ISOFLOPS : a));
  const out = join(mkdtempSync(join(tmpdir(), 'lawfit-iso-worker-')), 'iso.json');
  let err = '';
  const code = await runCli([...argv, '--out', out, '--quiet'], { out: () => {}, err: (t) => void (err += t) });
  expect(code, err).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as IsoflopArtifact;
}

describe('worker api: isoflop', () => {
  test('the analysis equals lawfit isoflop run with the printed command line (QC on, bootstrap, --at)', async () => {
    const r = await api.isoflop(base);
    const printed = shellCommand(r.command);
    expect(shellSplit(printed)).toEqual(r.command);
    for (const flag of ['--budget', '--x', '--y', '--where', '--qc', '--at', '--ci', '--bootstrap', '--design', '--seed', ...QC_THRESHOLDS.map((t) => `--${t.flag}`)]) expect(r.command).toContain(flag);
    const cli = await cliArtifact(printed);
    const app = JSON.parse(r.artifact) as IsoflopArtifact;
    expect(app.format).toBe('lawfit-isoflop');
    expect(app.data.digest).toBe(cli.data.digest);
    // The artifact's typed record of the run is the CLI's for the printed command line.
    expect(app.run).toEqual(cli.run);
    expect(app.run!.options['min-points']).toEqual(['6']);
    const strip = (a: IsoflopArtifact): unknown => JSON.parse(JSON.stringify(a.result, (k, v: unknown) => (k === 'elapsedMs' || k === 'source' ? undefined : v)));
    // Everything but the timings and the file's path (the page knows only its name) is the CLI's.
    expect(app.result.source).toBe(NAME);
    expect(strip(app)).toEqual(strip(cli));
    const g = r.result.groups[0]!;
    expect(g.frontier, g.frontierError).toBeDefined();
    expect(g.bootstrap!.replicates).toBe(200);
    expect(g.predictions.map((p) => p.C)).toEqual([1e24, 1e25]);
    console.log(`llama_3__raw_loss, QC on, 200 replicates: a = ${g.frontier!.a.estimate.toFixed(4)} [${g.bootstrap!.a.interval.map((v) => v.toFixed(4)).join(', ')}], b = ${g.frontier!.b.estimate.toFixed(4)}, a + b = ${g.frontier!.sum.estimate.toFixed(4)}`);
  }, 120_000);

  test('QC off sends no thresholds and matches the CLI; budgets design; grouped runs give a frontier per group', async () => {
    const r = await api.isoflop(request({ qc: [], where: "source == 'epochai_chinchilla' || source == 'llama_3'", group: 'experiment', bootstrap: 50, isoflopDesign: 'budgets' }, true));
    expect(r.command).toEqual(expect.arrayContaining(['--qc', 'none', '--group', 'experiment', '--design', 'budgets']));
    expect(r.command.some((a) => QC_THRESHOLDS.some((t) => a === `--${t.flag}`))).toBe(false);
    expect(r.result.groups.length).toBeGreaterThan(1);
    const cli = await cliArtifact(shellCommand(r.command));
    expect(cli.result.groups.map((g) => [g.group, g.frontier?.a.estimate, g.bootstrap?.a.interval])).toEqual(r.result.groups.map((g) => [g.group, g.frontier?.a.estimate, g.bootstrap?.a.interval]));
    const plots = await api.plots({ kind: 'isoflop', result: r.result });
    expect(plots.length).toBe(2 * r.result.groups.filter((g) => g.frontier !== undefined).length + r.result.groups.filter((g) => g.frontier === undefined).length);
    expect(plots[0]!.name).toMatch(/^isoflop-curves-/);
  }, 120_000);

  test('a fixed design from the form (residuals:leverage) is the CLI\'s, replicate for replicate; an unknown one is refused naming --design', async () => {
    const r = await api.isoflop(request({ bootstrap: 60, isoflopDesign: 'residuals:leverage' }));
    expect(r.command).toEqual(expect.arrayContaining(['--design', 'residuals:leverage']));
    const cli = await cliArtifact(shellCommand(r.command));
    const g = r.result.groups[0]!;
    expect(g.bootstrap!.design).toBe('residuals:leverage');
    expect(g.bootstrap!.draws).toEqual(cli.result.groups[0]!.bootstrap!.draws);
    await expect(api.isoflop(request({ bootstrap: 5, isoflopDesign: 'rows' }))).rejects.toThrow(/--design: expected runs, budgets, residuals/);
  }, 120_000);

  test('--also chinchilla, --weights and --frontier-weights: Approach 3 beside it equals the CLI\'s with the printed command line', async () => {
    const req = request({ where: "experiment == 'marin_202603__comma__llama_2'", weights: '1/loss', frontierWeights: 'inverse-variance', also: ['chinchilla'], bootstrap: 20, isoflopDesign: 'runs' }, true);
    const r = await api.isoflop(req);
    const printed = shellCommand(r.command);
    expect(shellSplit(printed)).toEqual(r.command);
    expect(r.command).toEqual(expect.arrayContaining(['--weights', '1/loss', '--frontier-weights', 'inverse-variance', '--also', 'chinchilla', '--engine', 'cpu']));
    expect(r.result.frontierWeights).toBe('inverse-variance');
    const cli = await cliArtifact(printed);
    const app = JSON.parse(r.artifact) as IsoflopArtifact;
    expect(app.data.weights).toBe('1/loss');
    expect(cli.data.weights).toBe('1/loss');
    const strip = (a: IsoflopArtifact): unknown => JSON.parse(JSON.stringify(a.result, (k, v: unknown) => (k === 'elapsedMs' || k === 'source' ? undefined : v)));
    expect(strip(app)).toEqual(strip(cli));
    // Approach 3: the same law, runs, status and fit (float64 in both; the CLI's thread pool and
    // the worker's one thread run the same starts, so the optimum agrees to rounding).
    expect(r.approach3).toEqual(app.approach3);
    expect(app.approach3.length).toBe(1);
    const [a, c] = [app.approach3[0]!, cli.approach3[0]!];
    expect([a.law, a.runs, a.status]).toEqual([c.law, c.runs, c.status]);
    expect(a.params.map((p) => p.name)).toEqual(c.params.map((p) => p.name));
    const rel = (x: number, y: number): number => Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
    let worst = rel(a.objective, c.objective);
    for (const [i, p] of a.params.entries()) worst = Math.max(worst, rel(p.value, c.params[i]!.value));
    expect(a.allocation).toBeDefined();
    worst = Math.max(worst, rel(a.allocation!.a, c.allocation!.a), rel(a.allocation!.b, c.allocation!.b));
    for (const [i, p] of a.allocation!.at.entries()) worst = Math.max(worst, rel(p.N, c.allocation!.at[i]!.N), rel(p.D, c.allocation!.at[i]!.D));
    console.log(`marin comma, --also chinchilla: Approach 3 a = ${a.allocation!.a.toFixed(4)} (Approach 2: ${r.result.groups[0]!.frontier!.a.estimate.toFixed(4)}); worker vs CLI largest relative difference ${worst.toExponential(2)}; engines ${a.engine} / ${c.engine}`);
    expect(worst).toBeLessThan(1e-9);
    // The report prints Approach 3 as the CLI's does.
    expect(r.report).toMatch(/Approach 3 on the same runs/);
  }, 300_000);

  test('bad input gets the CLI\'s one-line error', async () => {
    const bad = async (req: IsoflopRequest): Promise<string> => {
      try {
        await api.isoflop(req);
      } catch (e) {
        expect(isLawfitError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    // Typed values the rows' parsers refuse get the flag's own message.
    expect(await bad(request({ minPoints: 2 }))).toMatch(/--min-points: '2' is out of range/);
    expect(await bad(request({ curvatureLevel: 100 }))).toMatch(/--curvature-ci: '100' is out of range/);
    expect(await bad(request({ ci: 100 }))).toMatch(/--ci: expected a level between 0 and 100/);
    expect(await bad(request({ bootstrap: 0 }))).toMatch(/--bootstrap/);
    expect(await bad(request({ qc: [], outlierZ: 5 }, true))).toMatch(/--outlier-z sets a threshold of the 'outliers' stage/);
    expect(await bad(request({ x: { N: 'params' } }))).toMatch(/--x: give both N and D/);
    expect(await bad(request({ budget: 'nosuch' }))).toMatch(/nosuch/);
    expect(await bad(request({ budget: 'dataset' }))).toMatch(/dataset/);
    expect(await bad(request({ budgets: [-1] }))).toMatch(/--at: a compute budget must be positive/);
    expect(await bad(request({ also: ['chinchila'] }))).toMatch(/unknown law 'chinchila'/);
    expect(await bad(request({ also: ['kaplan-steps'] }))).toMatch(/--also kaplan-steps: its inputs are N, S; an IsoFLOP sweep gives N and D only/);
    expect(await bad(request({ weights: 'nosuch' }))).toMatch(/nosuch/);
  }, 60_000);
});
