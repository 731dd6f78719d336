/**
 * Replicates drawn on the device (src/gpu/draw-wgsl.ts, draw.ts) equal the host's draws bit for
 * bit: the WGSL port of pure-rand's xoroshiro128+, uniformInt and uniformFloat64 against pure-rand
 * itself (including ranges where uniformInt rejects a quarter of its draws); the draw kernel's
 * weight rows against resampleWeights (multinomial counts) for n = 240, a prime n, a power of two
 * (no rejection) and n > 2^16; its target rows against replicateTargets for the residual and wild
 * designs; and a bootstrap on the GPU with device draws equals the same bootstrap with uploaded
 * rows, replicate for replicate, bit for bit.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { releaseGpu } from '../../src/gpu/device.js';
import { RNG_WGSL, belowThreshold } from '../../src/gpu/draw-wgsl.js';
import { planDeviceDraw, readDeviceDraws } from '../../src/gpu/draw.js';
import { nextDouble, nextInt, replicateRng } from '../../src/util/rng.js';
import { resampleWeights, type FixedDesign } from '../../src/stats/resample.js';
import { replicateTargets, wildTwoPoint, type FixedDesignBasis } from '../../src/stats/fixed-design.js';
import type { BatchProblem } from '../../src/fit/problem.js';
import { gpuOrSkip } from '../support/gpu.js';

const gpu = await gpuOrSkip();
const suite = gpu.ctx === undefined ? describe.skip : describe;
afterAll(releaseGpu);

async function readBack(device: GPUDevice, src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, read, 0, bytes);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = read.getMappedRange().slice(0);
  read.destroy();
  return out;
}

/** Runs `body` (WGSL using the RNG port) once per case, each writing `per` u32 to out[case * per ..]. */
async function runRngProbe(device: GPUDevice, cases: Uint32Array, perCase: number, stride: number, body: string): Promise<Uint32Array> {
  const code = `${RNG_WGSL}
@group(0) @binding(0) var<storage, read> cases: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1)
fn probe(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let base = c * ${perCase}u;
  ${body}
}`;
  const module = device.createShaderModule({ code });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  expect(errors.map((e) => `${e.lineNum}: ${e.message}`)).toEqual([]);
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'probe' } });
  const inBuf = device.createBuffer({ size: cases.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(inBuf, 0, cases);
  const count = cases.length / stride;
  const outBuf = device.createBuffer({ size: count * perCase * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: inBuf } }, { binding: 1, resource: { buffer: outBuf } }] });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(count);
  pass.end();
  device.queue.submit([enc.finish()]);
  const out = new Uint32Array(await readBack(device, outBuf, count * perCase * 4));
  inBuf.destroy();
  outBuf.destroy();
  return out;
}

suite('the WGSL port of the host generator', () => {
  test('replicate_rng + xoro_next equal replicateRng(seed, r, stream).next(), 64 outputs per stream', async () => {
    const device = gpu.ctx!.device;
    const streams = [
      [0, 0, 0],
      [1, 2, 3],
      [0xffffffff, 0xfffffffe, 7],
      [20240417, 999_999, 0],
      [123456789, 0x80000000, 0xdeadbeef],
    ];
    const out = await runRngProbe(device, Uint32Array.from(streams.flat()), 64, 3, `
  var s = replicate_rng(cases[c * 3u], cases[c * 3u + 1u], cases[c * 3u + 2u]);
  for (var k = 0u; k < 64u; k++) { out[base + k] = xoro_next(&s); }`);
    streams.forEach(([seed, r, stream], c) => {
      const rng = replicateRng(seed!, r!, stream!);
      const host = Array.from({ length: 64 }, () => rng.next() >>> 0);
      expect(Array.from(out.subarray(c * 64, c * 64 + 64))).toEqual(host);
    });
  });

  test('uniform_below equals uniformInt(0, m - 1), including ranges that reject often', async () => {
    const device = gpu.ctx!.device;
    // m = 3 * 2^30 rejects 1/4 of its draws, 2^31 + 1 almost half; powers of two never reject.
    const ms = [1, 2, 3, 240, 256, 65_537, 70_001, 2 ** 31, 2 ** 31 + 1, 3 * 2 ** 30, 0xffffffff];
    const out = await runRngProbe(device, Uint32Array.from(ms.flatMap((m, c) => [m, c])), 200, 2, `
  var s = replicate_rng(5u, cases[c * 2u + 1u], 0u);
  for (var k = 0u; k < 200u; k++) { out[base + k] = uniform_below(&s, cases[c * 2u]); }`);
    ms.forEach((m, c) => {
      const rng = replicateRng(5, c, 0);
      const host = Array.from({ length: 200 }, () => nextInt(rng, 0, m - 1));
      expect(Array.from(out.subarray(c * 200, c * 200 + 200))).toEqual(host);
    });
  });

  test('float64_below(p) equals uniformFloat64 < p, for the wild designs and awkward p', async () => {
    const device = gpu.ctx!.device;
    const ps = [0.5, wildTwoPoint('mammen').pLow, 1e-9, 0.1, 1 / 3, 0.999999999, 1];
    const out = await runRngProbe(device, Uint32Array.from(ps.flatMap((p, c) => { const t = belowThreshold(p); return [t.hi, t.lo, c]; })), 500, 3, `
  var s = replicate_rng(11u, cases[c * 3u + 2u], 4u);
  for (var k = 0u; k < 500u; k++) { out[base + k] = select(0u, 1u, float64_below(&s, cases[c * 3u], cases[c * 3u + 1u])); }`);
    ps.forEach((p, c) => {
      const rng = replicateRng(11, c, 4);
      const host = Array.from({ length: 500 }, () => (nextDouble(rng) < p ? 1 : 0));
      expect(Array.from(out.subarray(c * 500, c * 500 + 500))).toEqual(host);
    });
  });
});

/** The draw kernel's rows for a recipe, read back as f32. */
async function deviceRows(problem: BatchProblem): Promise<{ w: Float32Array; t: Float32Array }> {
  const got = await readDeviceDraws(gpu.ctx!.device, problem);
  expect(got).toBeDefined();
  return { w: got!.weights, t: got!.targets };
}

/** A batch problem with only what planDeviceDraw reads. */
function problemOf(n: number, R: number, weights: Float64Array, recipe: BatchProblem['recipe'], targets?: Float64Array): BatchProblem {
  const yt = Float64Array.from({ length: n }, (_, i) => Math.log(2 + i) / 3);
  return { data: { n, yt, X: new Float64Array(0), baseWeights: recipe!.base }, weights, nWeightSets: R, ...(targets !== undefined ? { targets } : {}), recipe } as unknown as BatchProblem;
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): string {
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return `at ${k}: device ${a[k]}, host ${b[k]}`;
  return a.length === b.length ? 'none' : `lengths ${a.length} vs ${b.length}`;
}

suite('the draw kernel equals the host draws', () => {
  test.each([
    [240, 1000, 20240417, 0, 'ones'],
    [97, 300, 0xffffffff, 12_345, 'f32 base weights'],
    [256, 200, 3, 7, 'ones'],
    [70_001, 3, 42, 1_000_000, 'ones'],
  ] as const)('rows: n = %i, %i replicates, seed %i from replicate %i (%s)', async (n, R, seed, first, baseKind) => {
    const base = Float64Array.from({ length: n }, (_, i) => (baseKind === 'ones' ? 1 : [0.5, 3, 1.25, 0, 7.75][i % 5]!));
    const counts = resampleWeights(n, { replicates: R, seed, first, design: { kind: 'rows' } });
    const host = Float32Array.from(counts, (c, k) => c * base[k % n]!);
    const { w, t } = await deviceRows(problemOf(n, R, counts, { seed, first, stream: 0, design: { kind: 'rows' }, base }));
    expect(firstDifference(w, host)).toBe('none');
    // Rows fit the data's own target, repeated per replicate.
    const yt = Float32Array.from({ length: n }, (_, i) => Math.log(2 + i) / 3);
    expect(firstDifference(t.subarray((R - 1) * n), yt)).toBe('none');
    // The counts are a multinomial draw of n rows.
    for (let r = 0; r < R; r++) expect(counts.subarray(r * n, (r + 1) * n).reduce((a, b) => a + b, 0)).toBe(n);
  }, 120_000);

 test.each([
    [240, 17, 400],
    [1000, 2, 100],
    [97, 97, 300],
  ] as const)('clusters: n = %i rows in %i clusters (uneven, interleaved), %i replicates, f32 base weights', async (n, G, R) => {
    const groups = Array.from({ length: n }, (_, i) => `g${(i * 7 + (i % 5) * (i % 3)) % G}`);
    const base = Float64Array.from({ length: n }, (_, i) => [1, 0.5, 2, 0.25][i % 4]!);
    const counts = resampleWeights(n, { replicates: R, seed: 99, first: 3, design: { kind: 'clusters', groups } });
    const host = Float32Array.from(counts, (c, k) => c * base[k % n]!);
    const { w } = await deviceRows(problemOf(n, R, counts, { seed: 99, first: 3, stream: 0, design: { kind: 'clusters', groups }, base }));
    expect(firstDifference(w, host)).toBe('none');
  }, 120_000);

  const n = 240;
  const rnd = (k: number): number => Math.sin(12.9898 * k + 78.233) * 43758.5453 % 1;
  const rowWeights = Float64Array.from({ length: n }, (_, i) => (i % 17 === 5 ? 0 : 1 + (i % 3)));
  const basis: FixedDesignBasis = (() => {
    const fitted = Float64Array.from({ length: n }, (_, i) => 1 + 0.01 * i + rnd(i));
    const residuals = Float64Array.from({ length: n }, (_, i) => 0.05 * rnd(i + 1000));
    const scale = Float64Array.from(rowWeights, (w) => (w > 0 ? 1 / Math.sqrt(w) : 0));
    const pool = Float64Array.from(Array.from(rowWeights.keys()).filter((i) => rowWeights[i]! > 0), (i) => Math.sqrt(rowWeights[i]!) * residuals[i]!);
    return { n, fitted, residuals, pool, scale, leverage: new Float64Array(n) };
  })();
  test.each<[string, FixedDesign]>([
    ['residuals', { kind: 'residuals', centre: true, leverage: false }],
    ['wild (Rademacher)', { kind: 'wild', weights: 'rademacher', leverage: false }],
    ['wild (Mammen)', { kind: 'wild', weights: 'mammen', leverage: false }],
  ])('%s: 500 replicates x 240 rows of targets (rows of weight 0 kept)', async (_label, design) => {
    const R = 500;
    const seed = 77;
    const first = 4321;
    const targets = replicateTargets(basis, design, seed, first, R);
    const weights = new Float64Array(R * n);
    for (let r = 0; r < R; r++) weights.set(rowWeights, r * n);
    const { w, t } = await deviceRows(problemOf(n, R, weights, { seed, first, stream: 0, design, base: rowWeights, basis }, targets));
    expect(firstDifference(w, Float32Array.from(weights))).toBe('none');
    expect(firstDifference(t, Float32Array.from(targets))).toBe('none');
  }, 120_000);

  test('no recipe, or base weights that are not f32 values: nothing is drawn on the device', () => {
    const base = new Float64Array(8).fill(0.1);
    expect(planDeviceDraw(problemOf(8, 1, new Float64Array(8), { seed: 1, first: 0, stream: 0, design: { kind: 'rows' }, base }), 1 << 30)).toBeUndefined();
    const p = problemOf(8, 1, new Float64Array(8), { seed: 1, first: 0, stream: 0, design: { kind: 'rows' }, base: new Float64Array(8).fill(1) });
    expect(planDeviceDraw({ ...p, recipe: undefined } as unknown as BatchProblem, 1 << 30)).toBeUndefined();
  });
});

/**
 * End to end: bootstrapFit on the GPU draws its replicates on the device (every chunk says so),
 * and its replicates equal, bit for bit, those of the same run with the rows uploaded from the
 * host. Small chunks (64 replicates per call, 100 problems per device chunk) put chunk borders
 * inside replicates, so the device draws start mid-batch at recipe.first + w0.
 */
suite('bootstrapFit with device-drawn replicates equals the uploaded rows', () => {
  test.each(['rows', 'residuals', 'wild:mammen', 'clusters'])('%s: 150 replicates of Chinchilla on Epoch x 16 starts', async (text) => {
    const { bootstrapFit } = await import('../../src/stats/bootstrap.js');
    const { parseDesign } = await import('../../src/stats/resample.js');
    const { compileLaw } = await import('../../src/law/compile.js');
    const { findLaw } = await import('../../src/laws/index.js');
    const { webgpuEngine } = await import('../../src/gpu/engine.js');
    const { nodeShaderSources } = await import('../../src/gpu/shaders-node.js');
    const { loadEpochChinchilla } = await import('../support/datasets.js');
    const law = compileLaw(findLaw('chinchilla'));
    const ds = await loadEpochChinchilla(law);
    const parsed = text === 'clusters' ? undefined : parseDesign(text)!;
    if (parsed?.kind === 'clusters') throw new Error('clusters are given by their rows here');
    // Clusters: the Epoch runs grouped by model size (about 20 groups).
    const design = parsed ?? { kind: 'clusters' as const, groups: Array.from({ length: ds.n }, (_, i) => String(Math.round(4 * Math.log10(ds.inputs[2 * i]!)))) };
    const common = { replicates: 150, seed: 31, design, starts: { kind: 'sobol', count: 16 } as const, bca: false, replicateChunk: 64 };
    const chunks: boolean[] = [];
    const engineOf = (deviceDraws: boolean) =>
      webgpuEngine({ sources: nodeShaderSources(), variant: 'thread', maxProblemsPerChunk: 100, deviceDraws, onChunk: (c) => chunks.push(c.drawnOnDevice), context: gpu.ctx! });
    const drawn = await bootstrapFit(law, ds, { ...common, engine: engineOf(true) });
    // Every replicate chunk is drawn on the device; only the full fit's (one weight vector, no recipe) is not.
    expect(chunks.filter((d) => d).length).toBeGreaterThan(3);
    expect(chunks.filter((d) => !d).length).toBe(1);
    chunks.length = 0;
    const uploaded = await bootstrapFit(law, ds, { ...common, engine: engineOf(false) });
    expect(chunks.some((d) => d)).toBe(false);
    expect(drawn.succeeded).toBe(uploaded.succeeded);
    expect(firstDifference(drawn.draws, uploaded.draws)).toBe('none');
  }, 300_000);
});

/** A chain's fixed-design stages draw on the device too (stage k from stream k), and equal the uploaded rows. */
suite('fitChain --design residuals on the GPU: device draws per stage equal the uploaded rows', () => {
  test('two stages, 40 replicates', async () => {
    const { readTable } = await import('../../src/data/index.js');
    const { compileLaw } = await import('../../src/law/compile.js');
    const { fitChain } = await import('../../src/stats/chain.js');
    const { webgpuEngine } = await import('../../src/gpu/engine.js');
    const { nodeShaderSources } = await import('../../src/gpu/shaders-node.js');
    const xs = Array.from({ length: 12 }, (_, i) => i + 1);
    const y1 = xs.map((x, i) => 1 + 0.5 * x + 0.1 * Math.sin(3 * i));
    const y2 = y1.map((v, i) => 2 * v + 0.05 * Math.cos(5 * i));
    const table = readTable(['id,x,y1,y2', ...xs.map((x, i) => `${i},${x},${y1[i]},${y2[i]}`)].join('\n'), 'chain.csv', 'csv');
    const stages = [
      { law: compileLaw({ name: 'line', formula: 'a + b*x', inputs: [{ name: 'x' }], params: [{ name: 'a', start: [0, 1] }, { name: 'b', start: [0, 1] }], space: 'linear' }), spec: { inputs: { x: 'x' }, target: 'y1', where: 'id <= 8' } },
      { law: compileLaw({ name: 'scale', formula: 'c*L', inputs: [{ name: 'L' }], params: [{ name: 'c', start: [0.5, 2] }], space: 'linear' }), spec: { inputs: { L: '@' }, target: 'y2', where: 'id >= 3' } },
    ] as const;
    const design = { kind: 'residuals', centre: true, leverage: false } as const;
    const chunks: boolean[] = [];
    const run = (deviceDraws: boolean) =>
      fitChain(table, stages, { engine: webgpuEngine({ sources: nodeShaderSources(), variant: 'thread', deviceDraws, onChunk: (c) => chunks.push(c.drawnOnDevice), context: gpu.ctx! }), bootstrap: { replicates: 40, seed: 8, design } });
    const drawn = await run(true);
    expect(chunks.filter((d) => d).length).toBe(2); // one replicate batch per stage
    chunks.length = 0;
    const uploaded = await run(false);
    expect(chunks.some((d) => d)).toBe(false);
    for (let k = 0; k < 2; k++) expect(firstDifference(drawn.stages[k]!.draws!, uploaded.stages[k]!.draws!)).toBe('none');
  }, 120_000);
});
