/**
 * `maxRadius` (--max-radius R): the float64 LM's trust radius never exceeds R, so each step is at
 * most 1.1 R long (|D h| <= 1.1 Delta: Moré's lmpar ends within 10 % of the radius; D = I with the
 * default damping); with a cap the fit still reaches the
 * uncapped optimum, in more steps. Through the CLI the flag reaches the solver and the artifact
 * records it (in its options and its command line).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileLaw, internalFromNatural } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { levenbergMarquardt, LmWorkspace } from '../../src/fit/cpu/lm.js';
import { resolveLmOptions, type LmOptions } from '../../src/fit/options.js';
import { inlineDataset } from '../support/datasets.js';
import { runCliCaptured } from '../support/cli.js';
import { parseArtifact } from '../../src/report/artifact-read.js';

const decay: LawDeclaration = {
  name: 'decay',
  formula: 'a * exp(-b * x)',
  inputs: [{ name: 'x' }],
  params: [{ name: 'a', start: [1] }, { name: 'b', start: [1] }],
  space: 'linear',
};
const x = Array.from({ length: 20 }, (_, i) => i / 4);
const y = x.map((v) => 2 * Math.exp(-0.5 * v) + 0.01 * Math.sin(7 * v));
const law = compileLaw(decay);
const ds = inlineDataset(x, y);
const START = [0.1, 3];

function solve(opt: Partial<LmOptions>): { u: Float64Array; iterations: number; cost: number } {
  const X = law.js.features(ds.inputs, 1, ds.n);
  const u = internalFromNatural(law, START);
  const r = levenbergMarquardt(law, { n: ds.n, X, yt: ds.y, w: new Float64Array(ds.n).fill(1), wOffset: 0 }, u, resolveLmOptions({ projection: 'off', ...opt }), new LmWorkspace(2));
  return { u, iterations: r.iterations, cost: r.cost };
}
const dist = (u: Float64Array): number => Math.hypot(u[0]! - START[0]!, u[1]! - START[1]!);

describe('the trust radius cap', () => {
  test('k steps move the start at most 1.1 k R; without the cap the first step is far longer', () => {
    const R = 1e-3;
    expect(dist(solve({ maxIterations: 1 }).u)).toBeGreaterThan(50 * R);
    for (let k = 1; k <= 6; k++) {
      const d = dist(solve({ maxIterations: k, maxRadius: R }).u);
      expect(d, `after ${k} steps`).toBeLessThanOrEqual(1.1 * k * R);
      expect(d).toBeGreaterThan(0);
    }
  });

  test('capped, the fit reaches the uncapped optimum, in more steps', () => {
    const free = solve({});
    const capped = solve({ maxRadius: 0.05 });
    expect(capped.iterations).toBeGreaterThan(free.iterations);
    expect(Math.abs(capped.u[0]! - free.u[0]!)).toBeLessThan(1e-8);
    expect(Math.abs(capped.u[1]! - free.u[1]!)).toBeLessThan(1e-8);
    expect(capped.cost / free.cost).toBeCloseTo(1, 10);
  });

  test('a cap that is not a finite positive number is refused', () => {
    expect(() => resolveLmOptions({ maxRadius: 0 })).toThrow(/^option maxRadius: must be a finite number > 0, got 0$/);
    expect(() => resolveLmOptions({ maxRadius: Infinity })).toThrow(/maxRadius/);
  });
});

describe('--max-radius through lawfit fit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lawfit-max-radius-'));
  const csv = join(dir, 'decay.csv');
  writeFileSync(csv, ['x,y', ...x.map((v, i) => `${v},${y[i]}`)].join('\n') + '\n');
  const fit = ['fit', csv, '--formula', 'a * exp(-b * x)', '--x', 'x=x', '--y', 'y', '--grid', 'a=0.1', '--grid', 'b=3', '--projection', 'off', '--quiet'];

  test('one step with --max-radius 0.001 moves the start by at most 0.0011; the artifact records the cap', async () => {
    const out = join(dir, 'capped.json');
    const r = await runCliCaptured(...fit, '--max-iter', '1', '--max-radius', '0.001', '--out', out);
    expect(r.code, r.err).toBe(0);
    const art = parseArtifact(readFileSync(out, 'utf8'), out);
    const [a, b] = art.summary.params.map((p) => p.value!);
    expect(Math.hypot(a! - 0.1, b! - 3)).toBeLessThanOrEqual(0.0011);
    expect(Math.hypot(a! - 0.1, b! - 3)).toBeGreaterThan(0);
    expect(art.summary.options.maxRadius).toBe(0.001);
    expect(art.command).toContain('--max-radius');
  });

  test('--max-radius 0 is one line naming the flag', async () => {
    const r = await runCliCaptured(...fit, '--max-radius', '0');
    expect(r.code).not.toBe(0);
    expect(r.err.trim()).toMatch(/^lawfit fit: error: --max-radius: expected a number > 0, got '0'$/);
  });
});
