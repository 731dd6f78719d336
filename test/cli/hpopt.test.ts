/**
 * `lawfit hpopt` end to end through the built binary (dist/cli/main.js, as users run it): the
 * report on a SYNTHETIC sweep with a known truth (src/examples/hp-sweep.ts: Step Law's published
 * law), the artifact that `lawfit report` reprints, the three optimum choices, a law in N only
 * and in compute C, --help, and bad input: text in the learning-rate column, a non-positive
 * learning rate, a cell with one run, bad flags. Each a one-line error with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hpSweep } from '../../src/examples/hp-sweep.js';

const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'lawfit-hpopt-'));

function lawfit(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(bin)) throw new Error('dist/ is missing: run `npm run build`');
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function csv(name: string, header: string[], rows: (string | number)[][]): string {
  const p = join(dir, name);
  writeFileSync(p, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return p;
}

const sweep = hpSweep({ seed: 3 });
const SWEEP = csv('sweep.csv', ['params', 'tokens', 'lr', 'batch_tokens', 'loss'], sweep.records.map((r) => [r['N']!, r['D']!, r['lr']!, r['bs']!, r['loss']!]));
const ARGS = ['--x', 'N=params,D=tokens', '--hp', 'lr=lr,bs=batch_tokens', '--y', 'loss'];
/** A small lr-only sweep (3 sizes × 2 token counts × 5 lrs) for the bad-input cases. */
const SMALL_HEADER = ['N', 'D', 'lr', 'loss'];
const small = (): (string | number)[][] => {
  const rows: (string | number)[][] = [];
  for (const N of [1e8, 3e8, 1e9]) for (const D of [2e9, 8e9]) for (const lr of [5e-4, 1e-3, 2e-3, 4e-3, 8e-3]) rows.push([N, D, lr, 3 + 0.03 * Math.log(lr / (0.02 * N ** -0.2)) ** 2]);
  return rows;
};
const SMALL = ['--x', 'N=N,D=D', '--hp', 'lr=lr', '--y', 'loss'];

describe('lawfit hpopt', () => {
  test('--help lists the flags and the optimum choices; lawfit --help lists the command', () => {
    const r = lawfit('hpopt', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--x', '--hp', '--y', '--where', '--optimum', '--bs-x', '--at', '--ci', '--bootstrap', '--seed', '--out', 'best', 'parabola:W', 'steplaw:TOL', '0.0025']) expect(r.out).toContain(flag);
    expect(lawfit('--help').out).toMatch(/hpopt FILE/);
  });

  test('the report, the artifact, and lawfit report printing it again', () => {
    const out = join(dir, 'hp.json');
    const r = lawfit('hpopt', SWEEP, ...ARGS, '--at', 'N=7e9,D=1e12', '--bootstrap', '200', '--seed', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`hyperparameter-optimum law of ${sweep.records.length} runs in 9 cells of (N, D)`);
    expect(r.out).toContain("steplaw:0.0025: Step Law's near-optimal set");
    // The truth is η* = 1.79 N^-0.713 D^0.307, B* = 0.58 D^0.571: the exponents within the intervals' reach.
    const eN = Number(/learning rate η\*: η\* = \S+ · N\^(-?[\d.]+) · D\^(-?[\d.]+)/.exec(r.out)![1]);
    expect(Math.abs(eN - -0.713)).toBeLessThan(0.06);
    expect(r.out).toMatch(/batch size B\*: B\* = \S+ · N\^-?[\d.]+ · D\^0\.5\d/);
    expect(r.out).toMatch(/at N = 7\.00e\+9, D = 1\.00e\+12: η\* = \S+ {2}t \[\S+, \S+\] {2}bootstrap \[\S+, \S+\]/);
    expect(r.out).toContain('200 succeeded');
    const artifact = JSON.parse(readFileSync(out, 'utf8'));
    expect(artifact.format).toBe('lawfit-hpopt');
    expect(artifact.data.hyperparameters).toEqual({ lr: 'lr', bs: 'batch_tokens' });
    expect(artifact.result.laws).toHaveLength(2);
    const again = lawfit('report', out);
    expect(again.code).toBe(0);
    expect(again.out).toBe(r.out.replace(`wrote ${out}\n`, ''));
    // An artifact whose result lost a part: a one-line artifact error, not a crash.
    delete artifact.result.laws;
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify(artifact));
    const b = lawfit('report', broken);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/broken\.json: hpopt artifact's "result" has no "laws" list/);
  }, 60_000);

  test('the three optimum choices, and laws in N only and in compute C', () => {
    for (const o of ['best', 'parabola', 'parabola:2', 'steplaw:0.005']) {
      const r = lawfit('hpopt', SWEEP, ...ARGS, '--optimum', o);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`optimum per cell: ${o === 'parabola' ? 'parabola:1' : o}`);
    }
    const n = lawfit('hpopt', SWEEP, '--x', 'N=params', '--hp', 'lr=lr', '--y', 'loss', '--where', 'tokens == 8e9', '--optimum', 'parabola', '--at', 'N=1e10');
    expect(n.code, n.err).toBe(0);
    expect(n.out).toMatch(/η\* = \S+ · N\^-0\.[67]\d+/);
    const d = lawfit('hpopt', SWEEP, ...ARGS, '--bs-x', 'D', '--optimum', 'parabola');
    expect(d.code, d.err).toBe(0);
    expect(d.out).toContain('B* = c · D^e_D');
    expect(d.out).toMatch(/batch size B\*: B\* = \S+ · D\^0\.5\d+\n/);
    const c = lawfit('hpopt', SWEEP, '--x', 'C=6*params*tokens', '--hp', 'lr=lr', '--y', 'loss');
    expect(c.code, c.err).toBe(0);
    expect(c.out).toContain('9 cells of (C)');
  }, 60_000);

  describe('bad input: one line on stderr, exit code 2', () => {
    const bad = (r: { code: number; out: string; err: string }, pattern: RegExp): void => {
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    };
    test('text in the learning-rate column names the file, row and column', () => {
      const rows = small();
      rows[3]![2] = 'fast';
      bad(lawfit('hpopt', csv('text.csv', SMALL_HEADER, rows), ...SMALL), /text\.csv.*row 5.*lr|text\.csv.*lr.*row 5/);
    });
    test('a non-positive learning rate names its row', () => {
      const rows = small();
      rows[6]![2] = -0.001;
      bad(lawfit('hpopt', csv('negative.csv', SMALL_HEADER, rows), ...SMALL), /negative\.csv, row 8: lr = -0\.001 \('lr'\) must be positive/);
    });
    test('a cell with one run', () => {
      const rows = [...small(), [3e9, 2e10, 1e-3, 2.5]];
      bad(lawfit('hpopt', csv('lonely.csv', SMALL_HEADER, rows), ...SMALL), /lonely\.csv: the cell N = 3e\+9, D = 2e\+10 has one run \(row 32\)/);
    });
    test('flags: an unknown optimum, an --at missing an input, an unknown hyperparameter, --x not N/D/C, a missing --hp', () => {
      const f = csv('ok.csv', SMALL_HEADER, small());
      bad(lawfit('hpopt', f, ...SMALL, '--optimum', 'vertex'), /--optimum: 'vertex' is not a choice; expected best, parabola\[:W\] or steplaw\[:TOL\]/);
      bad(lawfit('hpopt', f, ...SMALL, '--optimum', 'steplaw:5'), /--optimum: the steplaw tolerance/);
      bad(lawfit('hpopt', f, ...SMALL, '--at', 'N=1e10'), /--at 'N=1e10': give a value for D/);
      bad(lawfit('hpopt', f, '--x', 'N=N,D=D', '--hp', 'lr=lr,wd=lr', '--y', 'loss'), /--hp: the hyperparameters are lr .* not 'wd'/);
      bad(lawfit('hpopt', f, '--x', 'N=N,T=D', '--hp', 'lr=lr', '--y', 'loss'), /--x: the law's inputs are N, D, C .* not 'T'/);
      bad(lawfit('hpopt', f, '--x', 'N=N,D=D', '--y', 'loss'), /--hp is required/);
      bad(lawfit('hpopt', f, ...SMALL, '--bs-x', 'T'), /--bs-x: 'T' is not one of the law's inputs given by --x \(N, D\)/);
      bad(lawfit('hpopt', f, ...SMALL, '--bs-x', 'D'), /--bs-x: the runs have no batch size/);
      bad(lawfit('hpopt', f, ...SMALL, '--out', f), /--out/);
    });
  });
});
