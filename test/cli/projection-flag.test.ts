/** `lawfit fit --projection`: the flag's values, its error, and the report line saying what was projected. */
import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';
import { gpuOrSkip } from '../support/gpu.js';
import { releaseGpu } from '../../src/gpu/device.js';

afterAll(releaseGpu);

const base = [
  'fit',
  sharedFile('isoflops/isoflops.csv'),
  '--formula', 'E + A/N^alpha + B/D^beta',
  '--positive', 'A,B,E',
  '--x', 'N=params/1e6,D=tokens/1e9',
  '--y', 'loss',
  '--where', "experiment == 'marin_202603__comma__llama_2'",
  '--loss', 'huber:1e-3',
  '--starts', 'sobol:8',
];

describe('lawfit fit --projection', () => {
  test('on: the report names the projected and the searched parameters', async () => {
    const r = await runCliCaptured(...base, '--projection', 'on');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/variable projection: E, A, B solved by robust .*least squares.*LM over alpha, beta/);
  });
  test('off and auto say so', async () => {
    const off = await runCliCaptured(...base, '--projection', 'off');
    expect(off.code).toBe(0);
    expect(off.out).toMatch(/variable projection: off \(E, A, B enter the law linearly/);
    const auto = await runCliCaptured(...base);
    expect(auto.out).toMatch(/variable projection: auto chose the full LM/);
  });
  test('--engine webgpu: the report and the artifact say what the GPU projected', async (ctx) => {
    const gpu = await gpuOrSkip();
    if (gpu.ctx === undefined) return ctx.skip(gpu.skipReason);
    const out = join(mkdtempSync(join(tmpdir(), 'lawfit-proj-')), 'fit.json');
    const r = await runCliCaptured(...base, '--projection', 'on', '--engine', 'webgpu', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/variable projection: E, A, B solved by robust .*least squares.*LM over alpha, beta on the webgpu engine in f32, then the float64 polish/);
    const art = JSON.parse(readFileSync(out, 'utf8'));
    expect([...art.summary.projection.projected].sort()).toEqual(['A', 'B', 'E']);
    expect(art.summary.projection.searched).toEqual(['alpha', 'beta']);
  }, 120_000);
  test('a bad value is a one-line error, exit code 2', async () => {
    const r = await runCliCaptured(...base, '--projection', 'maybe');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/--projection: expected auto, on or off, got 'maybe'/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
