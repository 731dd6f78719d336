/**
 * The device bundle end to end, as a GPU machine would get it: build it (npm run device:bundle),
 * copy only the tar and run.sh into an empty folder outside the repository, run the script in quick
 * mode there with the carried Vulkan loader (LD_LIBRARY_PATH; nothing is installed), and read what
 * it wrote. Here the adapter is lavapipe; in CI a missing adapter fails this test, elsewhere it skips.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cleanDir(): string {
  const d = mkdtempSync(resolve(tmpdir(), 'lawfit-device-test-'));
  dirs.push(d);
  return d;
}

describe('device bundle', () => {
  test('run.sh without a bundle says how to make one and exits 2', () => {
    const d = cleanDir();
    copyFileSync(resolve(root, 'bench/device/run.sh'), resolve(d, 'run.sh'));
    const r = spawnSync('bash', ['run.sh', '--quick'], { cwd: d, encoding: 'utf8', env: { ...process.env, OUT: resolve(d, 'out') } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no bundle .*npm run device:bundle/);
  });

  test('builds, unpacks in a clean folder and runs the quick benchmark there, parity-checked against float64', (ctx) => {
    const built = execFileSync(process.execPath, ['--import', 'tsx', 'bench/device/bundle.ts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = resolve(root, '.device/lawfit-device.tar');
    expect(built).toMatch(/lawfit-device\.tar: [\d.]+ MiB/);
    const size = statSync(tar).size;
    expect(size).toBeGreaterThan(20 * 2 ** 20); // Node and Dawn are in it
    expect(size).toBeLessThan(56 * 2 ** 20); // room left in a 64 MiB carry for the working tree

    const d = cleanDir();
    expect(d.startsWith(root)).toBe(false);
    copyFileSync(tar, resolve(d, 'lawfit-device.tar'));
    copyFileSync(resolve(root, '.device/run.sh'), resolve(d, 'run.sh'));
    const out = resolve(d, 'out');
    const env: NodeJS.ProcessEnv = { ...process.env, OUT: out, LAWFIT_DEVICE_LOADER: 'carried' };
    delete env.NODE_OPTIONS; // the bundle's own Node runs it, without this repo's loaders
    const r = spawnSync('bash', ['run.sh', '--quick'], { cwd: d, encoding: 'utf8', env, timeout: 240_000 });
    const said = `${r.stdout}\n${r.stderr}`;
    if (r.status === 3 && !inCi) {
      ctx.skip(`no WebGPU adapter here: ${said.slice(-300)}`);
      return;
    }
    expect(r.status, said).toBe(0);
    expect(said).toMatch(/Vulkan loader: carried \(libvulkan1_/);
    for (const f of ['adapter.json', 'device-bench.json', 'device-bench.md', 'device-bench.log']) expect(existsSync(resolve(out, f)), f).toBe(true);

    interface Bench {
      schema: string;
      quick: boolean;
      complete: boolean;
      adapter: { found: boolean; info: Record<string, unknown>; limits: Record<string, number>; engineDescription: string };
      env: Record<string, string>;
      parity: Array<{ pass: boolean; relativeDifference: number; shareAgreeing: number; starts: number }>;
      matrix: Array<{ workload: string; complete: boolean; fitsPerSecond: number; bestReachingPerSecond: number; bestWithinParity: boolean; shareReached: number }>;
      protocol: { complete: boolean; fitsDone: number; starts: number; replicatesDone: number; fitsPerSecond: number };
      layout: Array<{ fits: number; threadSeconds: number; groupSeconds: number }>;
      draws: { compared: number; identical: boolean; ab: Array<{ replicates: number; uploadedSeconds: number; drawnSeconds: number }> };
    }
    const j = JSON.parse(readFileSync(resolve(out, 'device-bench.json'), 'utf8')) as Bench;
    expect(j.schema).toBe('lawfit-device-bench/1');
    expect(j.quick).toBe(true);
    expect(j.complete).toBe(true);
    expect(j.env.LAWFIT_DEVICE_LOADER).toBe('carried');
    // The adapter as the probe read it.
    expect(j.adapter.found).toBe(true);
    expect(String(j.adapter.info.vendor)).not.toBe('');
    expect(typeof j.adapter.info.architecture).toBe('string');
    expect(j.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(j.adapter.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(j.adapter.engineDescription).toMatch(/\S/);
    // Parity: each workload's GPU best equals the float64 best on the same starts.
    expect(j.parity.map((p) => p.pass)).toEqual([true, true]);
    for (const p of j.parity) {
      expect(p.relativeDifference).toBeLessThanOrEqual(1e-6);
      expect(p.shareAgreeing).toBeGreaterThanOrEqual(0.9);
    }
    // Throughput rows, each finished and reaching the float64 best.
    expect(j.matrix.map((m) => m.workload)).toEqual(['ladder (least squares)', 'Epoch (Huber 1e-3)']);
    for (const m of j.matrix) {
      expect(m.complete).toBe(true);
      expect(m.fitsPerSecond).toBeGreaterThan(0);
      expect(m.bestReachingPerSecond).toBeGreaterThan(0);
      expect(m.bestWithinParity).toBe(true);
    }
    // Replicates drawn on the device equal the host's (rows weights and wild targets, 1,000 x 240
    // each), and the A/B of uploaded vs drawn rows ran both ways.
    expect(j.draws.identical).toBe(true);
    expect(j.draws.compared).toBe(2 * 1000 * 240);
    expect(j.draws.ab.map((r) => r.replicates)).toEqual([1000]);
    expect(j.draws.ab[0]!.uploadedSeconds).toBeGreaterThan(0);
    expect(j.draws.ab[0]!.drawnSeconds).toBeGreaterThan(0);
    // Both kernel layouts timed on one small batch shape.
    expect(j.layout.map((r) => r.fits)).toEqual([64]);
    expect(j.layout[0]!.threadSeconds).toBeGreaterThan(0);
    expect(j.layout[0]!.groupSeconds).toBeGreaterThan(0);
    // The protocol at quick size: 2 replicates x Hoffmann's 4,500 starts.
    expect(j.protocol.complete).toBe(true);
    expect(j.protocol.starts).toBe(4500);
    expect(j.protocol.fitsDone).toBe(2 * 4500);
    expect(j.protocol.fitsPerSecond).toBeGreaterThan(0);
    const md = readFileSync(resolve(out, 'device-bench.md'), 'utf8');
    expect(md).toMatch(/## Parity with float64/);
    expect(md).toMatch(/## Bootstrap replicates drawn on the device\n\nDevice draws vs host draws: 480,000 values compared, all identical\./);
    expect(md).toMatch(/\| Epoch \(Huber 1e-3\) \| 240 \| huber 0\.001 \| 1000 \| all \|/);
    // Nothing of the unpacked bundle is left behind.
    expect(said).toMatch(/unpacked lawfit-device\.tar into (\S+):/);
    const work = /unpacked lawfit-device\.tar into (\S+):/.exec(said)![1]!;
    expect(existsSync(work)).toBe(false);
  }, 300_000);
});
