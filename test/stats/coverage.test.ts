/**
 * The coverage check (stats/coverage.ts) and `lawfit coverage`: simulated datasets at the user's
 * design, the same protocol rerun on each, shares with binomial errors; reproducible from the
 * seed, progress monotone, cancel honoured; the CLI reads the protocol from the artifact, writes
 * it back with the check in it, and `lawfit report` prints the figures next to the intervals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { coverageCheck, parseNoise, describeNoise } from '../../src/stats/coverage.js';
import { parseDesign, type BootstrapDesign } from '../../src/stats/resample.js';
import { isCancelled, type Progress } from '../../src/fit/control.js';
import { inlineDataset } from '../support/datasets.js';
import { runCliCaptured } from '../support/cli.js';

const power = compileLaw(findLaw('power'));
const xs = Array.from({ length: 14 }, (_, i) => 1e3 * 10 ** ((5 * i) / 13));
const truth = [1.8, 60, 0.3];
const ds = inlineDataset(xs, xs.map((x) => 1.8 + 60 * x ** -0.3));
const designs = ['rows', 'residuals:leverage'].map((t) => ({ label: t, design: parseDesign(t) as BootstrapDesign }));

describe('coverageCheck', () => {
  test('known truth, Gaussian noise: shares in [0, 1] with binomial errors; residuals:leverage within 3 se of 95 % on this small series', async () => {
    const seen: Progress[] = [];
    const r = await coverageCheck(power, ds, { sets: 40, seed: 5, designs, replicates: 100, truth, noise: { kind: 'normal', sigma: 0.01 }, starts: { kind: 'sobol', count: 16 }, control: { onProgress: (p) => void seen.push(p) } });
    expect(r.sets).toBe(40);
    expect(r.designs.map((d) => d.design)).toEqual(['rows', 'residuals:leverage']);
    expect(r.truth).toEqual({ E: 1.8, A: 60, alpha: 0.3 });
    for (const d of r.designs) {
      expect(d.quantities.map((q) => q.name)).toEqual(['E', 'A', 'alpha', 'prediction(x=4.00e+8)']);
      for (const q of d.quantities) {
        expect(q.percentile.sets).toBe(40 - d.failedSets);
        expect(q.percentile.share).toBe(q.percentile.covered / q.percentile.sets);
        expect(q.percentile.se).toBeCloseTo(Math.sqrt((q.percentile.share * (1 - q.percentile.share)) / q.percentile.sets), 12);
        expect(q.percentile.medianWidth).toBeGreaterThan(0);
        expect(q.bca).toBeDefined();
        expect(q.sdRatio).toBeGreaterThan(0.3);
        expect(q.sdRatio).toBeLessThan(3);
      }
    }
    const alpha = r.designs[1]!.quantities[2]!;
    expect(Math.abs(alpha.percentile.share - 0.95)).toBeLessThanOrEqual(3 * Math.max(alpha.percentile.se, Math.sqrt(0.95 * 0.05 / 40)));
    // Progress: one monotone count ending at its total.
    for (let k = 1; k < seen.length; k++) expect(seen[k]!.done).toBeGreaterThanOrEqual(seen[k - 1]!.done);
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
  }, 120_000);

  test('reproducible from the seed; another seed gives other datasets', async () => {
    const o = { sets: 3, designs: designs.slice(1), replicates: 30, bca: false, starts: { kind: 'sobol', count: 8 } as const };
    const a = await coverageCheck(power, ds, { ...o, seed: 1 });
    const b = await coverageCheck(power, ds, { ...o, seed: 1 });
    const c = await coverageCheck(power, ds, { ...o, seed: 2 });
    const widths = (r: typeof a) => r.designs[0]!.quantities.map((q) => q.percentile.medianWidth);
    expect(widths(b)).toEqual(widths(a));
    expect(widths(c)).not.toEqual(widths(a));
    expect(a.designs[0]!.quantities[0]!.bca).toBeUndefined();
  }, 60_000);

  test('cancel stops it with the cancellation error; clusters are refused', async () => {
    const abort = new AbortController();
    const run = coverageCheck(power, ds, { sets: 50, seed: 1, designs, replicates: 50, starts: { kind: 'sobol', count: 8 }, control: { signal: abort.signal, onProgress: (p) => { if (p.done > 0) abort.abort(); } } });
    await expect(run).rejects.toSatisfy(isCancelled);
    await expect(coverageCheck(power, ds, { sets: 3, seed: 1, designs: [{ label: 'clusters:g', design: { kind: 'clusters', groups: xs.map(String) } }], replicates: 10 })).rejects.toThrow(/no clusters/);
  }, 60_000);

  test('noise grammar', () => {
    for (const t of ['residuals', 'wild', 'normal', 'normal:0.02']) expect(describeNoise(parseNoise(t)!)).toBe(t);
    for (const t of ['normal:-1', 'normal:x', 'gauss']) expect(parseNoise(t)).toBeUndefined();
  });
});

describe('lawfit coverage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lawfit-coverage-'));
  const csv = join(dir, 'ladder.csv');
  const noisy = xs.map((x, i) => (1.8 + 60 * x ** -0.3) * (1 + 0.004 * Math.sin(3 * i)));
  writeFileSync(csv, 'x,loss\n' + xs.map((x, i) => `${x},${noisy[i]}`).join('\n') + '\n');

  test('reads the protocol from the artifact, prints the table, writes it back; report shows the figures by the intervals', async () => {
    const fit = join(dir, 'fit.json');
    const f = await runCliCaptured('fit', csv, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--starts', 'sobol:16', '--bootstrap', '40', '--design', 'residuals', '--threads', '1', '--out', fit);
    expect(f.code).toBe(0);
    expect(f.out).toMatch(/\[\[Bootstrap\]\] \(40 replicates, design residuals, seed 0/);
    const out = join(dir, 'cov.json');
    const r = await runCliCaptured('coverage', fit, '--sets', '4', '--designs', 'residuals,wild:mammen', '--no-bca', '--threads', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/4 simulated datasets \(noise: residuals, seed 0\), 40 replicates each/);
    expect(r.out).toMatch(/\[\[design residuals\]\]/);
    expect(r.out).toMatch(/\[\[design wild:mammen\]\]/);
    expect(r.out).toMatch(/alpha\s+0\.\d+\s+\d+\.\d % ± \d+\.\d/);
    const art = JSON.parse(readFileSync(out, 'utf8'));
    expect(art.format).toBe('lawfit-fit');
    expect(art.summary.coverage.designs.length).toBe(2);
    const rep = await runCliCaptured('report', out);
    expect(rep.out).toMatch(/alpha: .*95 % \[.*\].*coverage \d+\.\d % ± \d+\.\d/);
    expect(rep.out).toMatch(/coverage check: 4 datasets simulated from this fit/);
  }, 120_000);

  test('bad flags: one line, exit 2', async () => {
    const fit = join(dir, 'fit.json');
    for (const [args, msg] of [
      [['--sets', '1'], /at least 2/],
      [[], /--sets S is required/],
      [['--sets', '3', '--designs', 'rows,wobble'], /'wobble' is not a design/],
      [['--sets', '3', '--noise', 'gauss'], /--noise: expected/],
      [['--sets', '3', '--designs', 'clusters:g'], /carry no clusters/],
      // Seeds through parseSeed, replicates through the limits table, outputs checked before any work (outputs.ts).
      [['--sets', '3', '--seed', '-1'], /--seed: expected a whole number from 0/],
      [['--sets', '3', '--seed', '1.5'], /--seed: expected a whole number from 0/],
      [['--sets', '3', '--replicates', '100001'], /--replicates/],
      [['--sets', '3', '--out', fit], /is an input of this run/],
    ] as const) {
      const r = await runCliCaptured('coverage', fit, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n').length).toBe(1);
    }
  });
});
