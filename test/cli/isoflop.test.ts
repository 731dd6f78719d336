/**
 * `lawfit isoflop` as users meet it: the report, the artifact that `lawfit report` reprints, the
 * plots, --qc none giving the plain protocol, Approach 3 beside it, and the bad inputs of issue 10
 * (text in the budget column, one budget value, budgets with < 3 runs, only negative curvatures):
 * a one-line error with exit code 2, or a QC verdict with exit code 0, never a crash.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCliCaptured as run } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';
import { countMarks, svgTexts } from '../plots/support.js';
import { renderSvg } from '../../src/plots/render.js';
import { gpuOrSkip } from '../support/gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-isoflop-'));
const ISO = sharedFile('isoflops/isoflops.csv');
const LLAMA = "experiment == 'llama_3__raw_loss'";
const BASE = ['--budget', 'budget', '--x', 'N=params,D=tokens', '--y', 'loss'];

function file(name: string, rows: string[][]): string {
  const p = join(dir, name);
  writeFileSync(p, rows.map((r) => r.join(',')).join('\n') + '\n');
  return p;
}

/** A small sweep: loss = 2 + (ln N − ln N*(C))² / 10 with N*(C) = 0.1 C^0.5. */
function sweep(budgets: number[], perBudget: number, sign = 1): string[][] {
  const rows = [['run', 'C', 'N', 'D', 'loss']];
  let k = 0;
  for (const C of budgets) {
    for (let i = 0; i < perBudget; i++) {
      const u = -1 + (2 * i) / Math.max(1, perBudget - 1);
      const N = 0.1 * C ** 0.5 * Math.exp(u);
      rows.push([String(k++), String(C), String(N), String(C / (6 * N)), String(2 + (sign * u * u) / 10 - Math.log10(C) / 100)]);
    }
  }
  return rows;
}
const ARGS = ['--budget', 'C', '--x', 'N=N,D=D', '--y', 'loss'];

describe('lawfit isoflop', () => {
  test('--help lists the QC stages and their thresholds', async () => {
    const r = await run('isoflop', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--budget', '--qc', '--near-duplicate', '--min-points', '--outlier-z', '--curvature-ci', '--trim-width', '--edge-margin', '--bootstrap', '--design', '--also', '--engine', '--plots']) expect(r.out).toContain(flag);
  });

  test('outputs are checked before anything is fitted: --out the data file, --plots a file, a bad seed', async () => {
    const data = file('outputs.csv', sweep([1e18, 1e19, 1e20], 7));
    const before = readFileSync(data, 'utf8');
    const same = await run('isoflop', data, ...ARGS, '--out', data);
    expect(same.code).toBe(2);
    expect(same.err).toMatch(/--out.*outputs\.csv/);
    expect(readFileSync(data, 'utf8')).toBe(before);
    const plotsFile = file('not-a-dir.txt', [['x']]);
    const plots = await run('isoflop', data, ...ARGS, '--plots', plotsFile, '--out', join(dir, 'never.json'));
    expect(plots.code).toBe(2);
    expect(plots.err).toMatch(/--plots/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    const seed = await run('isoflop', data, ...ARGS, '--bootstrap', '10', '--seed', '1.5');
    expect(seed.code).toBe(2);
    expect(seed.err).toMatch(/--seed/);
  });

  test('Llama 3: report, artifact, report reprint, plots', async () => {
    const out = join(dir, 'llama.json');
    const plots = join(dir, 'plots');
    const r = await run('isoflop', ISO, ...BASE, '--where', LLAMA, '--at', '3.8e25', '--bootstrap', '100', '--seed', '3', '--out', out, '--plots', plots);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/frontier over \d+ budgets/);
    expect(r.out).toMatch(/a \+ b = 1\.0000/);
    expect(r.out).toMatch(/bootstrap: 100 replicates \(design runs/);
    expect(r.out).toMatch(/dropped by quality control/);
    const again = await run('report', out);
    expect(again.code).toBe(0);
    expect(r.out.startsWith(again.out)).toBe(true);
    const art = JSON.parse(readFileSync(out, 'utf8'));
    expect(art.format).toBe('lawfit-isoflop');
    expect(art.data.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(art.result.groups[0].bootstrap.draws).toHaveLength(100);
    expect(art.result.groups[0].verdicts).toHaveLength(133);
    for (const f of ['isoflop-curves.svg', 'isoflop-frontier.svg']) expect(existsSync(join(plots, f))).toBe(true);
    const svg = readFileSync(join(plots, 'isoflop-curves.svg'), 'utf8');
    expect(svgTexts(svg)).toContain('model size N (parameters)');
    expect(countMarks(svg, 'symbol')).toBeGreaterThan(133);
  });

  test('--qc none on the clean rows gives the plain protocol of SOURCE.md', async () => {
    const r = await run('isoflop', ISO, ...BASE, '--where', `${LLAMA} && outlier == 'False'`, '--qc', 'none');
    expect(r.code).toBe(0);
    expect(r.out).toContain('quality control: off');
    expect(r.out).toMatch(/a = 0\.5000/);
  });

  test('--also chinchilla puts Approach 3 beside it', async () => {
    const r = await run('isoflop', ISO, ...BASE, '--where', "experiment == 'marin_202603__comma__llama_2'", '--also', 'chinchilla', '--threads', '1', '--at', '1e22');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Approach 3 on the same runs/);
    expect(r.out).toMatch(/chinchilla: 85 runs, .*alpha = /);
    expect(r.out).toMatch(/a = 0\.\d{4}, b = 0\.\d{4} {3}\(Approach 2: a = 0\.4264/);
  });

  test('--also on --engine webgpu: the same Approach-3 allocation as the float64 engine', async (ctx) => {
    const gpu = await gpuOrSkip();
    if (gpu.ctx === undefined) return ctx.skip(gpu.skipReason);
    const where = ['--where', "experiment == 'marin_202603__comma__llama_2'", '--also', 'chinchilla', '--quiet'];
    const cpuOut = join(dir, 'cpu.json');
    const gpuOut = join(dir, 'gpu.json');
    expect((await run('isoflop', ISO, ...BASE, ...where, '--threads', '1', '--out', cpuOut)).code).toBe(0);
    expect((await run('isoflop', ISO, ...BASE, ...where, '--engine', 'webgpu', '--out', gpuOut)).code).toBe(0);
    const [c, g] = [cpuOut, gpuOut].map((f) => JSON.parse(readFileSync(f, 'utf8')).approach3[0]);
    expect(g.engine).toMatch(/WebGPU f32 .*finished in float64/);
    expect(Math.abs(g.allocation.a - c.allocation.a)).toBeLessThan(1e-3);
    expect(Math.abs(g.objective - c.objective) / c.objective).toBeLessThan(1e-4);
  }, 120_000);

  test('--group analyses each study separately', async () => {
    const r = await run('isoflop', ISO, ...BASE, '--where', "source == 'marin_202603'", '--group', 'experiment');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/in 3 groups of experiment/);
    expect(r.out.match(/^group marin_202603__/gm)).toHaveLength(3);
  });

  test('the frontier curves plot renders with every budget', async () => {
    const { isoflopPlots } = await import('../../src/plots/isoflop-plots.js');
    const { analyzeIsoflop } = await import('../../src/stats/isoflop.js');
    const rows = sweep([1e18, 1e19, 1e20], 7);
    const runs = {
      source: 'mem',
      n: rows.length - 1,
      C: Float64Array.from(rows.slice(1), (r) => Number(r[1])),
      N: Float64Array.from(rows.slice(1), (r) => Number(r[2])),
      D: Float64Array.from(rows.slice(1), (r) => Number(r[3])),
      loss: Float64Array.from(rows.slice(1), (r) => Number(r[4])),
      rowNumbers: Int32Array.from(rows.slice(1), (_, i) => i + 2),
    };
    const plots = isoflopPlots(analyzeIsoflop(runs, { qc: { ...(await import('../../src/stats/isoflop-qc.js')).DEFAULT_QC, minPoints: 5 } }));
    expect(plots.map((p) => p.file)).toEqual(['isoflop-curves.svg', 'isoflop-frontier.svg']);
    const svg = await renderSvg(plots[1]!.spec);
    expect(svgTexts(svg)).toContain('compute budget C (FLOPs)');
  });
});

describe('lawfit isoflop: bad input', () => {
  test('text in the budget column: one line naming the file, row and column; exit 2', async () => {
    const rows = sweep([1e18, 1e19], 6);
    rows[4]![1] = 'big';
    const r = await run('isoflop', file('text.csv', rows), ...ARGS);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lawfit isoflop: error: .*text\.csv, row 5, column 'C': .*big/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('a budget column with one value: a clear error, exit 2', async () => {
    const r = await run('isoflop', file('one.csv', sweep([1e20], 8)), ...ARGS);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the budget column has one value \(100000000000000000000\)/);
  });

  test('budgets with < 3 runs and only negative curvatures: QC verdicts, exit 0', async () => {
    const few = await run('isoflop', file('few.csv', sweep([1e18, 1e19, 1e20], 2)), ...ARGS, '--qc', 'none');
    expect(few.code).toBe(0);
    expect(few.out).toMatch(/too_few_points: 2 runs \(fewest: 3\)/);
    expect(few.out).toMatch(/frontier: not fitted: 0 budgets passed quality control/);
    const neg = await run('isoflop', file('neg.csv', sweep([1e18, 1e19, 1e20], 8, -1)), ...ARGS, '--bootstrap', '10');
    expect(neg.code).toBe(0);
    expect(neg.out.match(/non_positive_curvature: curvature in ln N is -/g)).toHaveLength(3);
    expect(neg.out).toMatch(/frontier: not fitted/);
  });

  test('flag mistakes', async () => {
    const f = file('ok.csv', sweep([1e18, 1e19, 1e20], 8));
    const cases: [string[], RegExp][] = [
      [['--x', 'N=N,D=D', '--y', 'loss'], /--budget is required/],
      [[...ARGS, '--x', 'N=N'], /give both N and D/],
      [[...ARGS, '--qc', 'outliers,bogus'], /--qc: unknown stage 'bogus'/],
      [[...ARGS, '--min-points', '2'], /--min-points: '2' is out of range/],
      [[...ARGS, '--qc', 'none', '--outlier-z', '3'], /--outlier-z sets a threshold of the 'outliers' stage, which --qc turned off/],
      [[...ARGS, '--design', 'runs'], /--design needs --bootstrap N/],
      [[...ARGS, '--bootstrap', '5', '--design', 'rows'], /--design: expected runs, budgets, residuals\[:raw\|:leverage\] or wild\[:rademacher\|:mammen\]\[:leverage\], got 'rows'/],
      [[...ARGS, '--bootstrap', '5', '--design', 'residuals:mammen'], /--design: expected runs, budgets, .*got 'residuals:mammen'/],
      [[...ARGS, '--bootstrap', '5', '--design', 'wild:rademacher:mammen'], /--design: expected .*got 'wild:rademacher:mammen'/],
      [[...ARGS, '--bootstrap', '5', '--design', 'clusters:budget'], /--design: expected .*got 'clusters:budget'/],
      [[...ARGS, '--at=-1'], /--at: a compute budget must be positive/],
      [[...ARGS, '--also', 'nosuchlaw'], /nosuchlaw/],
      [[...ARGS, '--frontier-weights', 'x'], /--frontier-weights: expected equal or inverse-variance/],
      // Without --also nothing uses the engine, but a bad value is still refused (--threads was not).
      [[...ARGS, '--engine', 'gpu'], /^lawfit isoflop: error: --engine: expected cpu or webgpu, got 'gpu'$/m],
      [[...ARGS, '--threads', 'many'], /^lawfit isoflop: error: --threads: 'many' is not a finite number$/m],
    ];
    for (const [argv, message] of cases) {
      const r = await run('isoflop', f, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
