/**
 * The benchmark matrix (`npm run bench`): laws x data x batch sizes x engines, measured in one run
 * so that the ratios are meaningful on a noisy machine, plus the peers on the same data and starts.
 *
 *   fits/s                 fits finished per second (the GPU's include their float64 polish)
 *   best-reaching fits/s   fits/s x the share of fits ending within the reach tolerance of the best
 *                          cost any engine found for that problem (1e-6; 1e-4 for f32 end points,
 *                          the precision their costs carry, stated in the table)
 *   point-iterations/s     data points x LM iterations per second (the work rate)
 *   ceiling                one bare residual + J'J pass over the batch on the GPU (lm_init), as
 *                          point-evaluations/s; the full LM's work rate as a fraction of it
 *   ratio                  webgpu / cpu in the same run
 *
 * Peers (Chinchilla rows): npm's ml-levenberg-marquardt (finite-difference Jacobian), and when
 * python3 with scipy is present, scipy's least_squares(method='lm') (least squares) or the Huber /
 * L-BFGS-B protocol of Besiroglu et al. 2024 (Huber), each from the first `peerStarts` starts.
 *
 * Run: npm run bench [-- --full]   (--full adds batches of 1e5 and 1e6 on the GPU)
 * Writes bench/results/matrix.{json,md} (matrix-full.{json,md} with --full).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { levenbergMarquardt as mlLm } from 'ml-levenberg-marquardt';
import type { Dataset } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/index.js';
import { chinchillaLadder, HOFFMANN_TRUTH } from '../src/examples/chinchilla-ladder.js';
import { poolEngine } from '../src/fit/cpu/pool.js';
import type { Engine } from '../src/fit/engine.js';
import { fitBatch, F32_REACH_TOLERANCE, DEFAULT_REACH_TOLERANCE } from '../src/fit/fit.js';
import { LEAST_SQUARES, type LossSpec } from '../src/fit/losses.js';
import { prepareData } from '../src/fit/problem.js';
import { makeStarts } from '../src/fit/starts.js';
import { compileLaw, internalFromNatural, type CompiledLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { acquireGpu, isGpuContext, releaseGpu } from '../src/gpu/device.js';
import { webgpuEngine } from '../src/gpu/engine.js';
import { lmPipelines } from '../src/gpu/kernels.js';
import { nodeShaderSources } from '../src/gpu/shaders-node.js';
import { PARAMS_SIZE, packParams } from '../src/gpu/layout.js';
import { bindGroupEntries } from '../src/gpu/bindings.js';
import { gpuLossCode } from '../src/gpu/losses-wgsl.js';
import { createRng, nextNormal } from '../src/util/rng.js';

const FULL = process.argv.includes('--full');
const here = import.meta.dirname;

interface Row {
  law: string;
  loss: string;
  data: string;
  rows: number;
  batch: number;
  engine: string;
  seconds: number;
  fitsPerSecond: number;
  reachTolerance: number;
  shareReached: number;
  bestReachingPerSecond: number;
  pointIterationsPerSecond: number;
  ratioToCpu?: number;
  ceilingFraction?: number;
}

const rows: Row[] = [];

// ---- data -------------------------------------------------------------------------------------

function ladder(nSizes: number, nRatios: number): Dataset {
  const sizes = Array.from({ length: nSizes }, (_, k) => 2e7 * Math.pow(200, k / Math.max(1, nSizes - 1)));
  const ratios = Array.from({ length: nRatios }, (_, k) => 2 * Math.pow(100, k / Math.max(1, nRatios - 1)));
  return chinchillaLadder({ sizes, tokensPerParam: ratios, seed: 7 });
}

function overtrainData(n: number): Dataset {
  const law = compileLaw(findLaw('overtrain'));
  const truth = internalFromNatural(law, [166.21, -0.27285, 366.687, 1.83665]);
  const rng = createRng(3);
  const inputs = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    inputs[2 * i] = 1e7 * Math.pow(700, (i % 8) / 7);
    inputs[2 * i + 1] = 5 * Math.pow(128, Math.floor(i / 8) / Math.max(1, Math.ceil(n / 8) - 1));
  }
  const X = law.js.features(inputs, 2, n);
  for (let i = 0; i < n; i++) y[i] = law.js.prediction(truth, X, i * law.js.nFeatures) * Math.exp(0.005 * nextNormal(rng));
  return { source: `synthetic:overtrain (${n} rows)`, inputNames: ['N', 'M'], inputExpressions: ['N', 'M'], targetExpression: 'loss', n, inputs, y, rowNumbers: Int32Array.from({ length: n }, (_, i) => i + 2) };
}

function bnslData(n: number): Dataset {
  const law = compileLaw(findLaw('bnsl-1'));
  const truth = internalFromNatural(law, [0.41388478, 2.27727199, 0.05507735, 5.66290635, 612.583638, 0.05919305]);
  const inputs = Float64Array.from({ length: n }, (_, i) => 100 + (900 * i) / (n - 1));
  const X = law.js.features(inputs, 1, n);
  const rng = createRng(5);
  const y = Float64Array.from({ length: n }, (_, i) => law.js.prediction(truth, X, i * law.js.nFeatures) * Math.exp(0.002 * nextNormal(rng)));
  return { source: `synthetic:bnsl-1 (${n} rows)`, inputNames: ['x'], inputExpressions: ['x'], targetExpression: 'y', n, inputs, y, rowNumbers: Int32Array.from({ length: n }, (_, i) => i + 2) };
}

// ---- measuring ----------------------------------------------------------------------------------

async function measure(law: CompiledLaw, ds: Dataset, loss: LossSpec, batch: number, engines: Array<[string, Engine]>, dataLabel: string): Promise<Map<string, { best: number; costs: Float64Array }>> {
  const starts = { kind: 'sobol', count: batch } as const;
  const results = new Map<string, { seconds: number; costs: Float64Array; its: number; f32: boolean; polished?: number }>();
  for (const [name, engine] of engines) {
    const t0 = performance.now();
    const r = await fitBatch(law, ds, { starts, engine, lm: { loss } });
    const seconds = (performance.now() - t0) / 1000;
    const polished = r.polish?.[0]?.costAfter;
    results.set(name, { seconds, costs: r.cost, its: r.iterations.reduce((a, b) => a + b, 0), f32: engine.precision === 'f32', ...(polished !== undefined ? { polished } : {}) });
  }
  // The reference is float64 only: the float64 engine's costs and the GPU's polished best. Raw
  // f32 costs sit slightly below the true optimum (f32 rounding of the residuals) and would make
  // every float64 result look short of it.
  let best = Infinity;
  for (const r of results.values()) {
    if (r.f32) best = Math.min(best, r.polished ?? Infinity);
    else for (const c of r.costs) if (c < best) best = c;
  }
  let cpuRate = 0;
  const out = new Map<string, { best: number; costs: Float64Array }>();
  for (const [name, r] of results) {
    const tol = r.f32 ? F32_REACH_TOLERANCE : DEFAULT_REACH_TOLERANCE;
    let reached = 0;
    for (const c of r.costs) if (c <= best * (1 + tol)) reached++;
    const rate = batch / r.seconds;
    if (name === 'cpu') cpuRate = rate;
    rows.push({
      law: law.name,
      loss: loss.kind === 'linear' ? 'least squares' : `${loss.kind} ${loss.delta}`,
      data: dataLabel,
      rows: ds.n,
      batch,
      engine: name,
      seconds: r.seconds,
      fitsPerSecond: rate,
      reachTolerance: tol,
      shareReached: reached / batch,
      bestReachingPerSecond: (rate * reached) / batch,
      pointIterationsPerSecond: (r.its * ds.n) / r.seconds,
      ...(name !== 'cpu' && cpuRate > 0 ? { ratioToCpu: rate / cpuRate } : {}),
    });
    out.set(name, { best, costs: r.costs });
  }
  return out;
}

/** One bare residual + J'J pass per problem (the init kernel), as point-evaluations/s. */
async function ceiling(law: CompiledLaw, ds: Dataset, loss: LossSpec, batch: number): Promise<number | undefined> {
  const c = await acquireGpu();
  if (!isGpuContext(c)) return undefined;
  const { device } = c;
  const pipes = await lmPipelines(device, law, nodeShaderSources(), 64);
  const L = pipes.layout;
  const data = prepareData(law, ds);
  const starts = makeStarts(law, { kind: 'sobol', count: batch });
  const rowsF = new Float32Array(data.n * L.STRIDE);
  for (let i = 0; i < data.n; i++) {
    for (let k = 0; k < L.NF; k++) rowsF[i * L.STRIDE + k] = data.X[i * L.NF + k]!;
    rowsF[i * L.STRIDE + L.NF] = data.yt[i]!;
  }
  const mk = (bytes: number, usage: number) => device.createBuffer({ size: Math.max(16, bytes), usage: usage | GPUBufferUsage.COPY_DST });
  const S = GPUBufferUsage.STORAGE;
  const dataBuf = mk(rowsF.byteLength, S);
  device.queue.writeBuffer(dataBuf, 0, rowsF);
  const wBuf = mk(data.n * 4, S);
  device.queue.writeBuffer(wBuf, 0, new Float32Array(data.n).fill(1));
  const state = new Float32Array(batch * L.STATE_F);
  for (let k = 0; k < batch; k++) for (let j = 0; j < L.P; j++) state[k * L.STATE_F + j] = starts.u[k * L.P + j]!;
  const stateBuf = mk(state.byteLength, S);
  device.queue.writeBuffer(stateBuf, 0, state);
  const flagsBuf = mk(batch * L.FLAGS_U * 4, S);
  // One weight vector: its targets are the data's own.
  const targetBuf = mk(data.n * 4, S);
  device.queue.writeBuffer(targetBuf, 0, Float32Array.from(data.yt));
  const activeBuf = mk(4, S | GPUBufferUsage.COPY_SRC);
  const uni = mk(PARAMS_SIZE, GPUBufferUsage.UNIFORM);
  device.queue.writeBuffer(uni, 0, packParams({ n_points: data.n, n_starts: batch, n_problems: batch, problem_offset: 0, iterations: 1, max_iterations: 1, loss: gpuLossCode(loss.kind), damping: 0, delta: loss.delta, ftol: 1e-7, xtol: 1e-7, gtol: 1e-6, step_bound: 0.3, n_weight_sets: 1 }));
  const bg = device.createBindGroup({ layout: pipes.bindGroupLayout, entries: bindGroupEntries({ prm: uni, features: dataBuf, weights: wBuf, state: stateBuf, flags: flagsBuf, running_count: activeBuf, targets: targetBuf }) });
  const read = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const run = async (passes: number): Promise<number> => {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    for (let k = 0; k < passes; k++) {
      const pass = enc.beginComputePass();
      pass.setPipeline(pipes.init);
      pass.setBindGroup(0, bg);
      pass.dispatchWorkgroups(Math.ceil(batch / 64));
      pass.end();
    }
    enc.copyBufferToBuffer(activeBuf, 0, read, 0, 4);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    read.unmap();
    return (performance.now() - t0) / 1000;
  };
  await run(2);
  // Enough passes that submission latency is noise: about a second of work.
  const probe = await run(4);
  const passes = Math.max(8, Math.min(512, Math.round((4 * 1.0) / Math.max(probe, 1e-3))));
  const s = await run(passes);
  for (const b of [dataBuf, wBuf, stateBuf, flagsBuf, activeBuf, uni, read]) b.destroy();
  return (passes * batch * data.n) / s;
}

function peerRows(law: CompiledLaw, ds: Dataset, loss: LossSpec, peerStarts: number, best: number, dataLabel: string): void {
  const data = prepareData(law, ds);
  const starts = makeStarts(law, { kind: 'sobol', count: peerStarts });
  const logN = Array.from({ length: ds.n }, (_, i) => Math.log(ds.inputs[2 * i]!));
  const logD = Array.from({ length: ds.n }, (_, i) => Math.log(ds.inputs[2 * i + 1]!));
  const y = Array.from(data.yt);
  const u = Array.from({ length: peerStarts }, (_, s) => Array.from(starts.u.subarray(s * 5, s * 5 + 5)));
  const push = (engine: string, seconds: number, costs: number[], nfev: number) => {
    let reached = 0;
    for (const c of costs) if (c <= best * (1 + DEFAULT_REACH_TOLERANCE)) reached++;
    const rate = peerStarts / seconds;
    rows.push({
      law: law.name,
      loss: loss.kind === 'linear' ? 'least squares' : `${loss.kind} ${loss.delta}`,
      data: dataLabel,
      rows: ds.n,
      batch: peerStarts,
      engine,
      seconds,
      fitsPerSecond: rate,
      reachTolerance: DEFAULT_REACH_TOLERANCE,
      shareReached: reached / peerStarts,
      bestReachingPerSecond: (rate * reached) / peerStarts,
      pointIterationsPerSecond: (nfev * ds.n) / seconds,
    });
  };
  if (loss.kind === 'linear') {
    // ml-levenberg-marquardt: the same log-space model, finite-difference Jacobian.
    const idx = Array.from({ length: ds.n }, (_, i) => i);
    const model = ([a, b, e, al, be]: number[]) => (i: number) => {
      const t1 = a! - al! * logN[i]!;
      const t2 = b! - be! * logD[i]!;
      const m = Math.max(t1, t2, e!);
      return m + Math.log(Math.exp(t1 - m) + Math.exp(t2 - m) + Math.exp(e! - m));
    };
    const t0 = performance.now();
    const costs: number[] = [];
    let its = 0;
    for (const s of u) {
      try {
        const r = mlLm({ x: idx, y }, model, { initialValues: s, maxIterations: 1000, errorTolerance: 1e-12, gradientDifference: 1e-6, damping: 1e-2 });
        costs.push(0.5 * r.parameterError);
        its += r.iterations;
      } catch {
        costs.push(NaN);
      }
    }
    push('ml-levenberg-marquardt', (performance.now() - t0) / 1000, costs, its * 6);
  }
  const py = spawnSync('python3', [resolve(here, 'peers/scipy_chinchilla.py')], {
    input: JSON.stringify({ logN, logD, y, starts: u, method: loss.kind === 'linear' ? 'lm' : 'huber-lbfgsb', delta: loss.delta }),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (py.status === 0) {
    const r = JSON.parse(py.stdout) as { seconds: number; costs: number[]; nfev: number };
    push(loss.kind === 'linear' ? "scipy least_squares(method='lm')" : 'scipy Huber / L-BFGS-B (Besiroglu et al.)', r.seconds, r.costs, r.nfev);
  } else {
    console.error(`scipy peer not run: ${py.error?.message ?? py.stderr.split('\n').slice(-2).join(' ')}`);
  }
}

// ---- the matrix --------------------------------------------------------------------------------

const cpu = poolEngine();
const gpu = webgpuEngine({ sources: nodeShaderSources(), fallback: cpu });
const engines: Array<[string, Engine]> = [
  ['cpu', cpu],
  ['webgpu', gpu],
];
const chin = compileLaw(findLaw('chinchilla'));
const epoch = await loadDataset(
  resolve(here, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv'),
  { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' },
  chin.inputNames,
);
const huber: LossSpec = { kind: 'huber', delta: 1e-3 };
const batches = [100, 1000, 10_000];
const peerStarts = 200;
void HOFFMANN_TRUTH;

console.error(`device: ${(await gpu.device()) ?? 'none (webgpu rows are the CPU fallback)'}`);
for (const [loss, ds, label] of [
  [huber, epoch, 'Epoch'],
  [LEAST_SQUARES, ladder(8, 8), 'ladder'],
  [LEAST_SQUARES, ladder(16, 16), 'ladder'],
  [LEAST_SQUARES, ladder(32, 32), 'ladder'],
] as const) {
  for (const batch of batches) {
    const got = await measure(chin, ds, loss, batch, engines, label);
    const gpuRow = rows[rows.length - 1]!;
    const ceil = await ceiling(chin, ds, loss, batch);
    if (ceil !== undefined) gpuRow.ceilingFraction = gpuRow.pointIterationsPerSecond / ceil;
    if (batch === 10_000 && (label === 'Epoch' || ds.n === 256)) peerRows(chin, ds, loss, peerStarts, got.get('cpu')!.best, label);
    console.error(`done: chinchilla ${label} ${ds.n} rows, ${batch} fits`);
  }
}
for (const [law, ds] of [
  [compileLaw(findLaw('overtrain')), overtrainData(64)],
  [compileLaw(findLaw('bnsl-1')), bnslData(256)],
] as const) {
  for (const batch of batches) {
    await measure(law, ds, LEAST_SQUARES, batch, engines, 'synthetic');
    console.error(`done: ${law.name} ${batch} fits`);
  }
}
if (FULL) {
  for (const batch of [100_000, 1_000_000]) {
    await measure(chin, ladder(16, 16), LEAST_SQUARES, batch, [['webgpu', gpu]], 'ladder');
    console.error(`done: chinchilla ladder 256 rows, ${batch} fits on webgpu`);
  }
}

const fmt = (v: number | undefined, d = 0) => (v === undefined ? '' : v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v.toFixed(d));
const md = [
  `lawfit benchmark matrix (${new Date().toISOString().slice(0, 10)}; device: ${(await gpu.device()) ?? 'none'}; ${FULL ? 'full' : 'quick'} run)`,
  '',
  '| law | loss | data | rows | fits | engine | fits/s | reach tol | reached | best-reaching fits/s | point-iterations/s | webgpu/cpu | of GPU ceiling |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.law} | ${r.loss} | ${r.data} | ${r.rows} | ${r.batch} | ${r.engine} | ${fmt(r.fitsPerSecond)} | ${r.reachTolerance} | ${(100 * r.shareReached).toFixed(1)} % | ${fmt(r.bestReachingPerSecond)} | ${fmt(r.pointIterationsPerSecond)} | ${r.ratioToCpu === undefined ? '' : r.ratioToCpu.toFixed(2)} | ${r.ceilingFraction === undefined ? '' : `${(100 * r.ceilingFraction).toFixed(0)} %`} |`,
  ),
].join('\n');
// Ratios to the peers, measured in this run: each lawfit engine at the largest batch of a
// workload against each peer on the same data and starts.
const ratioLines: string[] = [];
for (const peer of rows.filter((r) => !['cpu', 'webgpu'].includes(r.engine))) {
  for (const engineName of ['webgpu', 'cpu']) {
    const ours = rows
      .filter((r) => r.engine === engineName && r.law === peer.law && r.loss === peer.loss && r.data === peer.data && r.rows === peer.rows)
      .sort((a, b) => b.batch - a.batch)[0];
    if (ours === undefined) continue;
    const best = peer.bestReachingPerSecond > 0 ? (ours.bestReachingPerSecond / peer.bestReachingPerSecond).toFixed(1) : 'inf';
    ratioLines.push(
      `- ${ours.law}, ${ours.loss}, ${ours.data} (${ours.rows} rows): lawfit ${engineName} (${ours.batch} fits) / ${peer.engine} = ${(ours.fitsPerSecond / peer.fitsPerSecond).toFixed(1)}x fits/s, ${best}x best-reaching fits/s`,
    );
  }
}
const report = `${md}\n\nRatios to the peers (same run, same data and starts):\n\n${ratioLines.join('\n')}\n`;
mkdirSync(resolve(here, 'results'), { recursive: true });
const stem = FULL ? 'matrix-full' : 'matrix';
writeFileSync(resolve(here, `results/${stem}.json`), JSON.stringify(rows, null, 2) + '\n');
writeFileSync(resolve(here, `results/${stem}.md`), report);
console.log(report);
await releaseGpu();
