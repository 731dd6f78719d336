/**
 * Epoch AI's bootstrap of the Chinchilla fit (Besiroglu et al. 2024): 4,000 resamples of the 240
 * rows drawn by np.random.seed(42) + np.random.choice (reproduced draw for draw by the
 * numpy-legacy generator), one start per replicate at Hoffmann et al.'s unrounded values, Huber
 * delta = 1e-3. Published: standard deviations A 124.5, B 1293, E 0.0257, alpha 0.0154,
 * beta 0.0206; 95 % percentile intervals A (285.2, 743.6), B (1042.4, 5810.3), E (1.769, 1.871),
 * alpha (0.317, 0.373), beta (0.331, 0.415).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { loadEpochChinchilla } from '../support/datasets.js';
import { chinchillaParams, optimalExponents, overDraws } from '../../src/stats/derived.js';

const HOFFMANN = [Math.exp(6.0073404), Math.exp(6.0179186), Math.exp(0.5267228), 0.33917084, 0.2849083];
const SD: Record<string, number> = { A: 124.5, B: 1293, E: 0.0257, alpha: 0.0154, beta: 0.0206 };
const CI: Record<string, [number, number]> = { A: [285.2, 743.6], B: [1042.4, 5810.3], E: [1.769, 1.871], alpha: [0.317, 0.373], beta: [0.331, 0.415] };

describe("Epoch's bootstrap protocol, with its exact resamples", () => {
  test('standard deviations within 5 % and percentile intervals within 1 % of the published', async () => {
    const law = compileLaw(findLaw('chinchilla'));
    const ds = await loadEpochChinchilla(law);
    const b = await bootstrapFit(law, ds, {
      replicates: 4000,
      seed: 42,
      generator: 'numpy-legacy',
      starts: { kind: 'points', points: [HOFFMANN] },
      replicateStarts: { kind: 'points', points: [HOFFMANN] },
      engine: poolEngine(),
      bca: false,
    });
    expect(b.failed.length).toBe(0);
    for (const q of b.parameters) {
      console.log(`${q.name}: sd ${q.sd.toPrecision(4)} (published ${SD[q.name]}), 95 % percentile (${q.percentile.map((v) => v.toPrecision(4)).join(', ')}) (published ${CI[q.name]!.join(', ')})`);
      expect(Math.abs(q.sd / SD[q.name]! - 1)).toBeLessThan(0.05);
      expect(Math.abs(q.percentile[0] / CI[q.name]![0] - 1)).toBeLessThan(0.01);
      expect(Math.abs(q.percentile[1] / CI[q.name]![1] - 1)).toBeLessThan(0.01);
    }
    // The compute-optimal exponent a = beta / (alpha + beta): Epoch's 0.513 (sd 0.020).
    const names = b.parameters.map((q) => q.name);
    const at = (r: number) => chinchillaParams(Object.fromEntries(names.map((nm, j) => [nm, b.draws[r * names.length + j]!])));
    const est = optimalExponents(chinchillaParams(Object.fromEntries(b.parameters.map((q) => [q.name, q.estimate])))).a;
    const a = overDraws(est, Array.from({ length: b.replicates }, (_, r) => optimalExponents(at(r)).a));
    console.log(`a = ${a.estimate.toFixed(4)} (sd ${a.sd.toFixed(4)}), 95 % (${a.interval.map((v) => v.toFixed(3)).join(', ')})`);
    expect(a.estimate).toBeCloseTo(0.513, 2);
    expect(a.sd).toBeCloseTo(0.02, 3);
  }, 300_000);
});

describe("Epoch's protocol as one CLI command (the README's)", () => {
  test('lawfit fit --grid (one start at Hoffmann\'s values) --bootstrap 4000 --seed 42 --generator numpy-legacy --replicate-starts same', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lawfit-epoch-')), 'epoch-boot.json');
    const grid = ['A', 'B', 'E', 'alpha', 'beta'].flatMap((name, j) => ['--grid', `${name}=${HOFFMANN[j]}`]);
    const r = await runCliCaptured(
      'fit', sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv'), '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--where', 'excluded_outlier == 0',
      ...grid, '--bootstrap', '4000', '--seed', '42', '--generator', 'numpy-legacy', '--replicate-starts', 'same', '--out', out, '--quiet',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const bs = JSON.parse(readFileSync(out, 'utf8')).summary.bootstrap as { startsPerReplicate: number; failed: number[]; parameters: Array<{ name: string; sd: number }> };
    expect(bs.startsPerReplicate).toBe(1);
    expect(bs.failed).toEqual([]);
    for (const q of bs.parameters) expect(Math.abs(q.sd / SD[q.name]! - 1)).toBeLessThan(0.05);
    // --generator numpy-legacy is the rows design's; other designs refuse it.
    const bad = await runCliCaptured('fit', sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv'), '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--bootstrap', '10', '--design', 'bayes', '--generator', 'numpy-legacy');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--generator numpy-legacy reproduces numpy's row resampling only/);
  }, 300_000);
});
