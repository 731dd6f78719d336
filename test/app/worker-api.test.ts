/**
 * The browser app's worker module (app/src/worker/api.ts), called directly in Node, without a
 * worker: file inspection and formula checks give the CLI's messages with their places; a run
 * gives the numbers `lawfit fit` gives for the same file, flags and seed (run in-process through
 * runCli); its artifact is one `lawfit report` reads; formulas take part in the ranking; one law
 * failing does not fail the run; cancel stops a CPU run; without an adapter the run says it fell back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { transferHandlers } from 'comlink';
import * as api from '../../app/src/worker/api.js';
import { serializeThrown } from '../../app/src/worker/error-transfer.js';
import type { LawResult, RunProgress, RunRequest, RunResult } from '../../app/src/worker/protocol.js';
import { runCli } from '../../src/cli/main.js';
import { DataError, isLawfitError } from '../../src/errors.js';
import { datasetFromText } from '../../src/data/index.js';
import { isCancelled } from '../../src/fit/control.js';
import { acquireGpu, isGpuContext, releaseGpu } from '../../src/gpu/device.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { parseArtifact } from '../../src/report/artifact-read.js';
import type { FitSummary } from '../../src/report/summary.js';
import { predictAt } from '../../src/stats/predict.js';
import { sharedFile } from '../support/shared-data.js';

const EPOCH = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const EPOCH_BYTES = new Uint8Array(readFileSync(EPOCH));
const EPOCH_MAPPING = { x: { N: 'N_params', D: 'D_tokens' }, y: 'loss', where: 'excluded_outlier == 0' };
const dir = mkdtempSync(join(tmpdir(), 'lawfit-worker-'));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

function okLaw(r: RunResult, label: string): Extract<LawResult, { ok: true }> {
  const l = r.laws.find((x) => x.label === label);
  if (l === undefined || !l.ok) throw new Error(`law ${label} did not fit: ${JSON.stringify(l)}`);
  return l;
}

/** Relative difference, with 0 for equal values (including two zeros). */
const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

/** Every number in the fit's results (parameters, errors, statistics, bootstrap intervals and draws) agrees to `tol`. */
function expectSameNumbers(app: FitSummary, cliFit: FitSummary, tol: number): void {
  expect(app.law.freeNames).toEqual(cliFit.law.freeNames);
  for (const [k, q] of app.params.entries()) {
    expect(rel(q.value!, cliFit.params[k]!.value!)).toBeLessThanOrEqual(tol);
    expect(rel(q.stdError!, cliFit.params[k]!.stdError!)).toBeLessThanOrEqual(tol);
  }
  expect(rel(app.statistics.objective, cliFit.statistics.objective)).toBeLessThanOrEqual(tol);
  expect(app.starts.count).toBe(cliFit.starts.count);
  expect(app.starts.reachedBest).toBe(cliFit.starts.reachedBest);
  const a = app.bootstrap!;
  const c = cliFit.bootstrap!;
  expect(a.replicates).toBe(c.replicates);
  expect(a.failed).toEqual(c.failed);
  for (const [k, q] of a.parameters.entries()) {
    const p = c.parameters[k]!;
    expect(rel(q.sd, p.sd)).toBeLessThanOrEqual(tol);
    for (const j of [0, 1]) {
      expect(rel(q.percentile[j]!, p.percentile[j]!)).toBeLessThanOrEqual(tol);
      expect(rel(q.bca![j]!, p.bca![j]!)).toBeLessThanOrEqual(tol);
    }
  }
  a.draws.forEach((d, r) => d!.forEach((v, j) => expect(rel(v, c.draws[r]![j]!)).toBeLessThanOrEqual(tol)));
}

/** A one-input table drawn from L = 2 + 5 x^-0.3 with 0.5 % multiplicative wobble (deterministic). */
function powerCsv(): string {
  const lines = ['x,y,size'];
  for (let i = 0; i < 16; i++) {
    const x = 10 ** (6 + i * 0.25);
    const y = (2 + 5 * x ** -0.3) * (1 + 0.005 * Math.sin(7 * i));
    lines.push(`${x},${y},${i < 12 ? 'small' : 'large'}`);
  }
  return lines.join('\n') + '\n';
}

describe('inspect', () => {
  test('columns, row count, preview and numeric columns of a good file', async () => {
    const r = await api.inspect({ name: 'chinchilla_epoch_245.csv', content: EPOCH_BYTES, previewRows: 3 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.format).toBe('csv');
    expect(r.rowCount).toBe(245);
    expect(r.preview.rows).toHaveLength(3);
    expect(r.preview.rowNumbers).toEqual([2, 3, 4]);
    const col = (n: string) => r.columns.find((c) => c.name === n)!;
    expect(col('N_params').numeric).toBe(true);
    expect(col('loss').numeric).toBe(true);
    expect(col('loss').problem).toBeUndefined();
  });

  test("a bad cell: the CLI's message with file, row and column, before and during a run", async () => {
    const text = 'N,D,loss\n1e8,2e9,3.1\n2e8,4e9,n/a\n4e8,8e9,2.9\n';
    const r = await api.inspect({ name: 'runs.csv', content: text });
    if (!r.ok) throw new Error(r.error.message);
    const loss = r.columns.find((c) => c.name === 'loss')!;
    expect(loss.numeric).toBe(false);
    expect(loss.problem).toMatchObject({ code: 'data-value', location: { file: 'runs.csv', row: 3, column: 'loss' } });
    expect(loss.problem!.message).toBe("runs.csv, row 3, column 'loss': 'n/a' is not a number; correct the cell or exclude the row with a where filter");
    // The run fails as the CLI's loading path does, with the same error.
    const law = compileLaw(findLaw('chinchilla'));
    const cliError = await datasetFromText(text, 'runs.csv', 'auto', { inputs: { N: 'N', D: 'D' }, target: 'loss' }, law.inputNames).catch((e: unknown) => e);
    expect(cliError).toBeInstanceOf(DataError);
    const runError = await api.run({ file: { name: 'runs.csv', content: text }, spec: { x: { N: 'N', D: 'D' }, y: 'loss' }, laws: [{ law: 'chinchilla', spec: { starts: { kind: 'sobol', count: 4 } } }], engine: 'cpu' }).catch((e: unknown) => e);
    expect(isLawfitError(runError)).toBe(true);
    expect((runError as Error).message).toBe((cliError as Error).message);
    expect((runError as DataError).location).toEqual({ file: 'runs.csv', row: 3, column: 'loss' });
  });

  test("a ragged row: the reader's message, with the row", async () => {
    const r = await api.inspect({ name: 'runs.csv', content: 'N,D,loss\n1e8,2e9,3.1\n2e8,4e9\n' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('data-parse');
    expect(r.error.location).toMatchObject({ file: 'runs.csv', row: 3 });
    expect(r.error.message).toMatch(/^runs\.csv, row 3: /);
  });
});

describe('formulas and laws', () => {
  test('an unknown name is reported at its position, with the message the CLI prints', async () => {
    const r = await api.checkFormula({ formula: 'E + A/N^alpha + lgo(D)', inputs: ['N', 'D'] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('formula-unknown-name');
    expect(r.error.position).toEqual({ offset: 16, line: 1, col: 17 });
    expect(r.error.message.split('\n')[0]).toBe("col 17: unknown function 'lgo'; did you mean 'log'?");
    expect(r.error.detail).toBe("unknown function 'lgo'; did you mean 'log'?");
  });

  test('a good formula: inputs used, parameters with transforms and ranges, the default starts', async () => {
    const r = await api.checkFormula({ formula: 'E + A/N^alpha + B/D^beta', inputs: ['N', 'D', 'C'], positive: ['A', 'B', 'E'] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.inputs).toEqual(['N', 'D']);
    expect(r.unusedInputs).toEqual(['C']);
    expect(r.parameters.map((p) => p.name)).toEqual(['E', 'A', 'alpha', 'B', 'beta']);
    expect(r.parameters[0]!.transform).toMatch(/log/);
    expect(r.parameters[2]!.transform).not.toMatch(/log/);
    for (const p of r.parameters) expect(p.range![0]).toBeLessThan(p.range![1]);
    expect(r.starts).toMatch(/Sobol \(256 points/);
  });

  test('the built-in laws, with their grids and parameters', async () => {
    const laws = await api.listLaws();
    expect(laws.map((l) => l.name)).toContain('chinchilla');
    const c = laws.find((l) => l.name === 'chinchilla')!;
    expect(c.gridSize).toBe(4500);
    expect(c.defaultLoss).toBe('huber:1e-3');
    expect(c.inputs.map((i) => i.name)).toEqual(['N', 'D']);
    expect(c.parameters.map((p) => p.name).sort()).toEqual(['A', 'B', 'E', 'alpha', 'beta'].sort());
    expect(c.citation).toMatch(/Hoffmann/);
  });
});

describe('a run', () => {
  test('chinchilla on the Epoch data with a bootstrap: the numbers of lawfit fit, the artifact lawfit report reads', async () => {
    // Sobol starts rather than Hoffmann's 4,500-point grid keep the test short; the path is the same.
    const flags = ['--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--where', EPOCH_MAPPING.where, '--starts', 'sobol:128', '--seed', '7', '--bootstrap', '16', '--ci', '90'];
    const out = join(dir, 'cli.json');
    const c = await cli(['fit', EPOCH, ...flags, '--out', out, '--quiet']);
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    const fromCli = parseArtifact(readFileSync(out, 'utf8'), out).summary;

    const progress: RunProgress[] = [];
    const r = await api.run(
      { file: { name: EPOCH, content: EPOCH_BYTES }, spec: { ...EPOCH_MAPPING, bootstrap: 16, ci: 90, seed: 7 }, laws: [{ law: 'chinchilla', spec: { starts: { kind: 'sobol', count: 128 } } }], engine: 'cpu' },
      (p) => progress.push(p),
    );
    expect(r.engine).toMatchObject({ requested: 'cpu', used: 'cpu', fellBack: false });
    const law = okLaw(r, 'chinchilla');
    expectSameNumbers(law.summary, fromCli, 1e-9);
    expect(law.summary.data.digest).toBe(fromCli.data.digest);
    expect(law.command).toEqual(['lawfit', 'fit', EPOCH, ...flags]);
    // Plot inputs: one fitted point per kept row, in the law's residual space.
    expect(law.plots.summary).toBe(law.summary);
    expect(law.plots.points).toHaveLength(240);
    const pt = law.plots.points[0]!;
    expect(pt.residual).toBeCloseTo(Math.log(pt.observed) - Math.log(pt.fitted), 12);

    // Progress: one count that never goes backwards and ends complete.
    expect(progress.length).toBeGreaterThan(2);
    for (let k = 1; k < progress.length; k++) expect(progress[k]!.done).toBeGreaterThanOrEqual(progress[k - 1]!.done);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    expect(progress.some((p) => p.phase === 'bootstrap replicates')).toBe(true);

    // The artifact round-trips, and `lawfit report` prints the report the run gave.
    const artifact = parseArtifact(law.artifact, 'app.json');
    expect(artifact.summary.params).toEqual(law.summary.params);
    expect(artifact.command).toEqual(law.command);
    const file = join(dir, 'app.json');
    writeFileSync(file, law.artifact);
    const rep = await cli(['report', file]);
    expect(rep.code).toBe(0);
    expect(rep.out).toBe(law.report);

    // Predictions from the run's summary are lawfit predict's.
    const [p] = await api.predict({ summary: law.summary, at: ['N=7e10,D=1.4e12'] });
    expect(p).toEqual(predictAt(law.summary, { N: 7e10, D: 1.4e12 }));
    expect(p!.confidence).toBeDefined();
    await expect(api.predict({ summary: law.summary, at: ['N=7e10'] })).rejects.toMatchObject({ code: 'bad-option' });
  }, 240_000);

  test('a formula takes part in the ranking; a law that fails is reported and the others still run', async () => {
    const content = powerCsv();
    const req: RunRequest = {
      file: { name: 'power.csv', content },
      spec: { x: { x: 'x' }, y: 'y', holdout: { kind: 'top', k: 4, expression: 'x' } },
      laws: [
        { law: 'power' },
        { formula: 'E + A*x^(-alpha)', spec: { positive: ['A', 'E'], range: [{ name: 'alpha', range: [0, 1] }, { name: 'A', range: [0.1, 100] }, { name: 'E', range: [0.1, 10] }] } },
        { formula: 'E + A*x^(-alpha' },
        { law: 'chinchilla' },
      ],
      engine: 'cpu',
    };
    const r = await api.run(req);
    expect(r.laws.map((l) => [l.label, l.ok])).toEqual([
      ['power', true],
      ['formula-1', true],
      ['formula-2', false],
      ['chinchilla', false],
    ]);
    const bad = r.laws[2]!;
    if (bad.ok) return;
    expect(bad.error.code).toBe('formula-syntax');
    expect(bad.error.position).toBeDefined();
    const chin = r.laws[3]!;
    if (chin.ok) return;
    expect(chin.error.message).toMatch(/law input 'N' is not mapped/);
    // The formula's ranges imply Sobol starts over them (as --range ... --starts sobol:256).
    expect(okLaw(r, 'formula-1').command).toContain('sobol:256');

    expect(r.comparison?.laws.map((l) => l.law).sort()).toEqual(['formula-1', 'power']);
    const ranked = r.ranking.filter((e) => e.error === undefined);
    expect(ranked.map((e) => e.label).sort()).toEqual(['formula-1', 'power']);
    for (const e of ranked) {
      expect(e.basis).toBe('held-out error');
      expect(e.meanAbsRelError).toBeLessThan(0.02);
      expect(Number.isFinite(e.aic)).toBe(true);
    }
    expect(r.ranking.slice(2).map((e) => e.label)).toEqual(['formula-2', 'chinchilla']);
    expect(r.ranking.map((e) => e.rank)).toEqual([1, 2, 3, 4]);
    // The ranking's numbers are lawfit compare's on the same file and holdout.
    const file = join(dir, 'power.csv');
    writeFileSync(file, content);
    const cmpOut = join(dir, 'compare.json');
    const c = await cli(['compare', file, '--laws', 'power', '--x', 'x=x', '--y', 'y', '--holdout', 'top:4:x', '--out', cmpOut]);
    expect(c.code).toBe(0);
    const cliPower = (JSON.parse(readFileSync(cmpOut, 'utf8')) as { comparison: { laws: Array<{ law: string; meanAbsRelError: number; aic: number }> } }).comparison.laws[0]!;
    const appPower = r.comparison!.laws.find((l) => l.law === 'power')!;
    expect(rel(appPower.meanAbsRelError, cliPower.meanAbsRelError)).toBeLessThanOrEqual(1e-9);
    expect(rel(appPower.aic, cliPower.aic)).toBeLessThanOrEqual(1e-9);
  }, 120_000);

  test('a problem with the run as a whole rejects with the CLI message (an unknown target column)', async () => {
    const e = await api.run({ file: { name: 'power.csv', content: powerCsv() }, spec: { x: { x: 'x' }, y: 'lost' }, laws: [{ law: 'power' }, { law: 'power-no-offset' }], engine: 'cpu' }).catch((x: unknown) => x);
    expect(isLawfitError(e)).toBe(true);
    expect((e as Error).message).toBe("power.csv, column 'lost': no such column (target 'lost'); columns: 'x', 'y', 'size'");
  });

  test('without an adapter, auto runs on the CPU and says why', async () => {
    const r = await api.run(
      { file: { name: 'power.csv', content: powerCsv() }, spec: { x: { x: 'x' }, y: 'y' }, laws: [{ law: 'power', spec: { starts: { kind: 'sobol', count: 8 } } }], engine: 'auto' },
      undefined,
      { acquireGpu: () => Promise.resolve({ reason: 'no WebGPU adapter was found (test)' }) },
    );
    expect(r.engine).toMatchObject({ requested: 'auto', used: 'cpu', fellBack: true, reason: 'no WebGPU adapter was found (test)' });
    expect(okLaw(r, 'power').summary.engine).toBe('float64 CPU, 1 thread');
  });

  test('on WebGPU (Dawn in Node; shaders through the browser module): the float64 answer of the CPU run', async (ctx) => {
    const gpu = await acquireGpu();
    if (!isGpuContext(gpu)) {
      if (process.env.CI === 'true') throw new Error(`CI has lavapipe, but: ${gpu.reason}`);
      ctx.skip();
      return;
    }
    try {
      const req: RunRequest = { file: { name: EPOCH, content: EPOCH_BYTES }, spec: EPOCH_MAPPING, laws: [{ law: 'chinchilla', spec: { starts: { kind: 'sobol', count: 64 } } }], engine: 'webgpu' };
      const g = await api.run(req);
      const c = await api.run({ ...req, engine: 'cpu' });
      expect(g.engine).toMatchObject({ requested: 'webgpu', used: 'webgpu', fellBack: false });
      expect(g.engine.description).toMatch(/^WebGPU f32 on /);
      const gs = okLaw(g, 'chinchilla');
      const cs = okLaw(c, 'chinchilla');
      expect(gs.command).toContain('webgpu');
      expect(gs.summary.polish).toBeDefined();
      // The f32 fits end where rounding hides progress; the float64 polish finishes the best one.
      expect(rel(gs.summary.statistics.objective, cs.summary.statistics.objective)).toBeLessThanOrEqual(1e-6);
      for (const [k, q] of gs.summary.params.entries()) expect(rel(q.value!, cs.summary.params[k]!.value!)).toBeLessThanOrEqual(1e-4);
    } finally {
      await releaseGpu();
    }
  }, 180_000);

  test('cancel() stops a CPU run mid-way; the next run works', async () => {
    let cancelAt: number | undefined;
    const t0 = performance.now();
    const running = api.run(
      { file: { name: EPOCH, content: EPOCH_BYTES }, spec: { ...EPOCH_MAPPING, bootstrap: 2000 }, laws: [{ law: 'chinchilla', spec: { starts: { kind: 'sobol', count: 128 } } }], engine: 'cpu' },
      (p) => {
        // Mid-way through the replicates: the CPU engine is solving on this thread right now.
        if (cancelAt === undefined && p.phase === 'bootstrap replicates' && p.done > 0) {
          cancelAt = performance.now();
          void api.cancel();
        }
      },
    );
    const e = await running.catch((x: unknown) => x);
    expect(isCancelled(e)).toBe(true);
    expect(cancelAt).toBeDefined();
    console.log(`cancel: the run rejected ${(performance.now() - cancelAt!).toFixed(0)} ms after cancel() (${(cancelAt! - t0).toFixed(0)} ms into the run)`);
    const again = await api.run({ file: { name: 'power.csv', content: powerCsv() }, spec: { x: { x: 'x' }, y: 'y' }, laws: [{ law: 'power', spec: { starts: { kind: 'sobol', count: 8 } } }], engine: 'cpu' });
    expect(okLaw(again, 'power').summary.status.usable).toBe(true);
  }, 120_000);
});

describe('errors crossing the worker boundary', () => {
  test("comlink rebuilds a DataError with its code and location, so the page's type guards work", () => {
    const e = new DataError('data-value', { file: 'runs.csv', row: 3, column: 'loss' }, "'n/a' is not a number");
    const handler = transferHandlers.get('throw')!;
    let rebuilt: unknown;
    try {
      handler.deserialize(structuredClone(serializeThrown(e)));
    } catch (x) {
      rebuilt = x;
    }
    expect(rebuilt).toBeInstanceOf(Error);
    expect(isLawfitError(rebuilt)).toBe(true);
    expect(rebuilt).toMatchObject({ name: 'DataError', code: 'data-value', message: e.message, location: { file: 'runs.csv', row: 3, column: 'loss' } });
  });
});
