/**
 * The device benchmark: what bench/device/run.sh runs on a GPU machine (and here on lavapipe, from
 * the same bundle, so it is known to work before any device time is spent).
 *
 *   node bench.mjs --probe                      print the adapter (vendor, architecture, device,
 *                                               limits, features) as JSON and exit
 *   node bench.mjs --out DIR [--data CSV] [--quick] [--budget SECONDS]
 *
 * Steps, in order, each under the wall-time budget (default 420 s; a step that would overrun it is
 * stopped through the run control, and its partial rate is recorded from the progress count):
 *   1. adapter: the same description the engine uses, plus the adapter's info and limits;
 *   2. parity: the WebGPU engine and the float64 CPU engine on the same starts, for each workload;
 *      the GPU's polished best must equal the float64 best (1e-6 relative) and most per-start end
 *      costs must agree within the f32 reach tolerance (1e-4);
 *   3. the matrix: Chinchilla fits at 1e4, 1e5, 1e6 Sobol starts (quick: 1e3) on the 256-row ladder
 *      (least squares) and the Epoch data (Huber 1e-3), fits/s, best-reaching fits/s and
 *      point-iterations/s, the time on the device and in the float64 polish reported apart;
 *   3b. bootstrap replicates drawn on the device (src/gpu/draw.ts): the device's draws compared
 *      integer for integer with the host's (rows and wild designs, 1,000 replicates x 240 rows),
 *      then engine.solve on R row-resampled replicates x 1 start (Epoch, Huber) with the rows
 *      uploaded and with them drawn on the device, side by side (quick: 1,000; else 10^4, 10^5);
 *   3c. the kernel layout per batch shape: one thread per fit vs one workgroup per fit, engine.solve
 *      on Sobol starts of the Epoch data at 64, 512 and 4,500 fits (quick: 64), so the 'auto'
 *      probe's gate (src/gpu/engine.ts GROUP_PROBE_GATE, measured on lavapipe) can be set for a GPU;
 *   4. the Epoch 18M-fit protocol: 4,000 row-resampled replicates x Hoffmann's 4,500-point start
 *      grid on the 240 points (quick: 2 replicates), in chunks of replicates; if the budget runs
 *      out, the replicates done and the extrapolated full wall time are reported.
 * After every step DIR/device-bench.json and DIR/device-bench.md are rewritten, so a run cut short
 * still leaves everything measured until then.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Dataset } from '../../src/data/dataset.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import type { Engine } from '../../src/fit/engine.js';
import { DEFAULT_REACH_TOLERANCE, F32_REACH_TOLERANCE, fitBatch, type BatchFit } from '../../src/fit/fit.js';
import { LEAST_SQUARES, type LossSpec } from '../../src/fit/losses.js';
import type { Progress } from '../../src/fit/control.js';
import { isCancelled } from '../../src/fit/control.js';
import type { StartSpec } from '../../src/fit/starts.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { acquireGpu, isGpuContext, releaseGpu } from '../../src/gpu/device.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { resampleWeights } from '../../src/stats/resample.js';
import { fixedDesignBasis, replicateTargets } from '../../src/stats/fixed-design.js';
import { readDeviceDraws } from '../../src/gpu/draw.js';
import { prepareData, type BatchProblem } from '../../src/fit/problem.js';
import { resolveLmOptions } from '../../src/fit/options.js';
import { makeStarts } from '../../src/fit/starts.js';
import { fitLaw } from '../../src/fit/fit.js';
import { EPOCH_CSV_IN_SHARED, EPOCH_HUBER, ladder, loadEpoch } from '../workloads.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(name);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

// ---- the adapter ----------------------------------------------------------------------------------

export interface AdapterReport {
  found: boolean;
  reason?: string;
  info?: Record<string, string | number | boolean>;
  limits?: Record<string, number>;
  features?: string[];
}

/** Everything the adapter says about itself, read through Dawn directly (no device is created). */
async function probeAdapter(): Promise<AdapterReport> {
  let gpu: GPU;
  try {
    const mod = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    gpu = mod.create([]);
  } catch (e) {
    return { found: false, reason: `the webgpu package did not load: ${(e as Error).message}` };
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return { found: false, reason: 'requestAdapter returned null (no Vulkan driver found)' };
  const a = adapter as GPUAdapter & { requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
  const infoObj: GPUAdapterInfo = a.info ?? (await a.requestAdapterInfo!());
  const info: Record<string, string | number | boolean> = {};
  for (const k of ['vendor', 'architecture', 'device', 'description', 'subgroupMinSize', 'subgroupMaxSize', 'isFallbackAdapter']) {
    const v = (infoObj as unknown as Record<string, unknown>)[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') info[k] = v;
  }
  const limits: Record<string, number> = {};
  const proto = Object.getPrototypeOf(adapter.limits) as object;
  const names = new Set<string>([...Object.keys(adapter.limits), ...Object.getOwnPropertyNames(proto)]);
  for (const k in adapter.limits) names.add(k);
  for (const k of [...names].sort()) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number') limits[k] = v;
  }
  const features = [...adapter.features].map(String).sort();
  return { found: true, info, limits, features };
}

if (flag('--probe')) {
  const r = await probeAdapter();
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.found ? 0 : 1);
}

// ---- the run ----------------------------------------------------------------------------------------

const QUICK = flag('--quick');
const OUT = resolve(option('--out') ?? process.env.OUT ?? 'device-out');
const BUDGET_S = Number(option('--budget') ?? (QUICK ? 120 : 420));
const DATA = option('--data') ?? EPOCH_CSV_IN_SHARED;
const t0 = performance.now();
const elapsed = (): number => (performance.now() - t0) / 1000;
const remaining = (): number => BUDGET_S - elapsed();

const SIZES = QUICK ? [1000] : [10_000, 100_000, 1_000_000];
const PARITY_STARTS = QUICK ? 64 : 512;
const PROTOCOL = { replicates: QUICK ? 2 : 4000, firstChunk: QUICK ? 1 : 4, maxChunk: 1000, chunkSeconds: 30, seed: 42 };
/** The matrix ends by this share of the budget; the rest is the protocol's. */
const MATRIX_SHARE = 0.5;

interface ParityRow {
  workload: string;
  starts: number;
  gpuBest: number;
  cpuBest: number;
  relativeDifference: number;
  shareAgreeing: number;
  pass: boolean;
}
interface MatrixRow {
  workload: string;
  rows: number;
  loss: string;
  fits: number;
  /** Fits finished (fewer than `fits` when the step was stopped at its time limit). */
  fitsDone: number;
  complete: boolean;
  seconds: number;
  /** Seconds until the engine's fits were done (upload, device, read-back; the rest is the float64 polish on the host). */
  deviceSeconds: number;
  fitsPerSecond: number;
  shareReached?: number;
  bestReachingPerSecond?: number;
  pointIterationsPerSecond?: number;
  polishedBest?: number;
  bestWithinParity?: boolean;
}
interface DrawsReport {
  /** Rows compared (replicates x rows, both designs) and whether every one was identical. */
  compared: number;
  identical: boolean;
  firstDifference?: string;
  ab: Array<{ replicates: number; uploadedSeconds?: number; drawnSeconds?: number; uploadedFitsPerSecond?: number; drawnFitsPerSecond?: number }>;
}
interface LayoutRow {
  fits: number;
  rows: number;
  threadSeconds?: number;
  groupSeconds?: number;
}
interface ProtocolReport {
  replicates: number;
  starts: number;
  rows: number;
  fitsPlanned: number;
  replicatesDone: number;
  fitsDone: number;
  seconds: number;
  fitsPerSecond: number;
  complete: boolean;
  /** Full-protocol wall time: measured when complete, else extrapolated from the replicates done. */
  fullSeconds: number;
  medianShareReached: number;
}
const report: {
  schema: 'lawfit-device-bench/1';
  date: string;
  quick: boolean;
  budgetSeconds: number;
  node: string;
  cpus: number;
  env: Record<string, string>;
  adapter: AdapterReport & { engineDescription?: string; software?: boolean };
  parity: ParityRow[];
  matrix: MatrixRow[];
  draws?: DrawsReport;
  layout?: LayoutRow[];
  protocol?: ProtocolReport;
  skipped: string[];
  complete: boolean;
  seconds: number;
} = {
  schema: 'lawfit-device-bench/1',
  date: new Date().toISOString(),
  quick: QUICK,
  budgetSeconds: BUDGET_S,
  node: process.version,
  cpus: availableParallelism(),
  env: Object.fromEntries(['VK_DRIVER_FILES', 'VK_ICD_FILENAMES', 'LD_LIBRARY_PATH', 'LAWFIT_DEVICE_LOADER'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
  adapter: { found: false },
  parity: [],
  matrix: [],
  skipped: [],
  complete: false,
  seconds: 0,
};

const fmt = (v: number | undefined, d = 0): string => (v === undefined || !Number.isFinite(v) ? '' : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v.toFixed(d));

function markdown(): string {
  const a = report.adapter;
  const lines = [
    `# lawfit device benchmark (${report.date.slice(0, 16)}Z${report.quick ? ', quick' : ''})`,
    '',
    `Adapter: ${a.found ? `${a.engineDescription ?? ''} (vendor ${a.info?.vendor ?? '?'}, architecture ${a.info?.architecture ?? '?'}, device ${a.info?.device ?? '?'}${a.software === true ? ', SOFTWARE' : ''})` : `none: ${a.reason ?? ''}`}`,
    `Limits: maxStorageBufferBindingSize ${a.limits?.maxStorageBufferBindingSize ?? '?'}, maxBufferSize ${a.limits?.maxBufferSize ?? '?'}, maxComputeInvocationsPerWorkgroup ${a.limits?.maxComputeInvocationsPerWorkgroup ?? '?'}, maxComputeWorkgroupsPerDimension ${a.limits?.maxComputeWorkgroupsPerDimension ?? '?'}; subgroups ${a.info?.subgroupMinSize ?? '?'}-${a.info?.subgroupMaxSize ?? '?'}`,
    `Host: node ${report.node}, ${report.cpus} CPUs; budget ${report.budgetSeconds} s; ran ${report.seconds.toFixed(1)} s${report.complete ? '' : ' (INCOMPLETE)'}`,
    '',
    '## Parity with float64 (same starts)',
    '',
    '| workload | starts | GPU polished best | float64 best | rel. diff | per-start agreeing (1e-4) | pass |',
    '|---|---|---|---|---|---|---|',
    ...report.parity.map((p) => `| ${p.workload} | ${p.starts} | ${p.gpuBest.toPrecision(10)} | ${p.cpuBest.toPrecision(10)} | ${p.relativeDifference.toExponential(1)} | ${(100 * p.shareAgreeing).toFixed(1)} % | ${p.pass ? 'yes' : 'NO'} |`),
    '',
    '## Chinchilla fits (Sobol starts; WebGPU f32, best two per problem finished in float64)',
    '',
    '| workload | rows | loss | fits | done | seconds | fits phase (s) | fits/s | reached (1e-4) | best-reaching fits/s | point-iterations/s | best = float64 best |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...report.matrix.map(
      (r) =>
        `| ${r.workload} | ${r.rows} | ${r.loss} | ${r.fits} | ${r.complete ? 'all' : `${r.fitsDone} (stopped)`} | ${r.seconds.toFixed(2)} | ${r.deviceSeconds.toFixed(2)} | ${fmt(r.fitsPerSecond)} | ${r.shareReached === undefined ? '' : `${(100 * r.shareReached).toFixed(1)} %`} | ${fmt(r.bestReachingPerSecond)} | ${fmt(r.pointIterationsPerSecond)} | ${r.bestWithinParity === undefined ? '' : r.bestWithinParity ? 'yes' : 'NO'} |`,
    ),
  ];
  const dr = report.draws;
  if (dr !== undefined) {
    lines.push(
      '',
      '## Bootstrap replicates drawn on the device',
      '',
      `Device draws vs host draws: ${dr.compared.toLocaleString('en-US')} values compared, ${dr.identical ? 'all identical' : `DIFFERENT (${dr.firstDifference ?? ''})`}.`,
      '',
      '| replicates x 1 start (Epoch, Huber) | rows uploaded (s) | drawn on the device (s) | fits/s uploaded | fits/s drawn |',
      '|---|---|---|---|---|',
      ...dr.ab.map((r) => `| ${r.replicates} | ${r.uploadedSeconds?.toFixed(2) ?? ''} | ${r.drawnSeconds?.toFixed(2) ?? ''} | ${fmt(r.uploadedFitsPerSecond)} | ${fmt(r.drawnFitsPerSecond)} |`),
    );
  }
  if (report.layout !== undefined) {
    lines.push(
      '',
      '## Kernel layout per batch shape (Epoch, Huber, Sobol starts; engine.solve)',
      '',
      '| fits | rows | one thread per fit (s) | one workgroup per fit (s) | group / thread speed |',
      '|---|---|---|---|---|',
      ...report.layout.map((r) => `| ${r.fits} | ${r.rows} | ${r.threadSeconds?.toFixed(3) ?? ''} | ${r.groupSeconds?.toFixed(3) ?? ''} | ${r.threadSeconds !== undefined && r.groupSeconds !== undefined ? `${(r.threadSeconds / r.groupSeconds).toFixed(2)}x` : ''} |`),
    );
  }
  const p = report.protocol;
  if (p !== undefined) {
    lines.push(
      '',
      '## Epoch bootstrap protocol (row resamples x Hoffmann grid, Huber 1e-3)',
      '',
      `${p.replicatesDone} of ${p.replicates} replicates x ${p.starts} starts on ${p.rows} points = ${p.fitsDone.toLocaleString('en-US')} fits in ${p.seconds.toFixed(1)} s (${fmt(p.fitsPerSecond)} fits/s over the finished chunks; median share reaching each replicate's best ${(100 * p.medianShareReached).toFixed(1)} %).`,
      `Full protocol (${p.fitsPlanned.toLocaleString('en-US')} fits): ${p.fullSeconds.toFixed(1)} s, ${p.complete ? 'measured' : 'extrapolated'}.`,
    );
  }
  if (report.skipped.length > 0) lines.push('', '## Skipped or stopped', '', ...report.skipped.map((s) => `- ${s}`));
  return lines.join('\n') + '\n';
}

function save(): void {
  report.seconds = elapsed();
  mkdirSync(OUT, { recursive: true });
  for (const [name, text] of [
    ['device-bench.json', JSON.stringify(report, null, 2) + '\n'],
    ['device-bench.md', markdown()],
  ] as const) {
    writeFileSync(resolve(OUT, `${name}.tmp`), text);
    renameSync(resolve(OUT, `${name}.tmp`), resolve(OUT, name));
  }
}

const log = (m: string): void => console.error(`[${elapsed().toFixed(1).padStart(6)} s] ${m}`);

/** A fit of the batch under a deadline; on time-out, how far it got (from the progress count). */
async function timedFit(
  engine: Engine,
  ds: Dataset,
  loss: LossSpec,
  starts: StartSpec,
  fits: number,
  limitS: number,
  weightSets?: Float64Array,
): Promise<{ fit?: BatchFit; seconds: number; deviceSeconds: number; done: number }> {
  const signal = AbortSignal.timeout(Math.max(1, Math.round(limitS * 1000)));
  let done = 0;
  let deviceDone: number | undefined;
  const start = performance.now();
  const onProgress = (p: Progress): void => {
    if (p.phase !== 'fits') return;
    done = p.done;
    if (done >= fits && deviceDone === undefined) deviceDone = performance.now();
  };
  try {
    const fit = await fitBatch(law, ds, { starts, engine, lm: { loss }, control: { signal, onProgress }, ...(weightSets !== undefined ? { weightSets } : {}) });
    const seconds = (performance.now() - start) / 1000;
    return { fit, seconds, deviceSeconds: ((deviceDone ?? performance.now()) - start) / 1000, done: fit.cost.length };
  } catch (e) {
    if (!isCancelled(e)) throw e;
    const seconds = (performance.now() - start) / 1000;
    return { seconds, deviceSeconds: seconds, done };
  }
}

const law = compileLaw(findLaw('chinchilla'));
const workloads: Array<{ name: string; ds: Dataset; loss: LossSpec }> = [
  { name: 'ladder (least squares)', ds: ladder(16, 16), loss: LEAST_SQUARES },
  { name: 'Epoch (Huber 1e-3)', ds: await loadEpoch(law, DATA), loss: EPOCH_HUBER },
];

const ctx = await acquireGpu();
report.adapter = { ...(await probeAdapter()) };
if (!isGpuContext(ctx)) {
  report.adapter.found = false;
  report.adapter.reason = ctx.reason;
  report.skipped.push(`everything: no WebGPU adapter (${ctx.reason})`);
  save();
  log(`no adapter: ${ctx.reason}`);
  process.exit(3);
}
report.adapter.engineDescription = ctx.description;
report.adapter.software = ctx.software;
log(`adapter: ${ctx.description}${ctx.software ? ' (software)' : ''}`);
save();

const gpu = webgpuEngine({ sources: nodeShaderSources(), warn: (m) => log(m) });
const cpu = poolEngine();
const reference = new Map<string, number>();

// Warm-up: compile the pipelines for both workloads before anything is timed.
for (const w of workloads) await fitBatch(law, w.ds, { starts: { kind: 'sobol', count: 8 }, engine: gpu, lm: { loss: w.loss } });
log('pipelines compiled');

// ---- 2. parity ----
for (const w of workloads) {
  const starts = { kind: 'sobol', count: PARITY_STARTS } as const;
  const g = await fitBatch(law, w.ds, { starts, engine: gpu, lm: { loss: w.loss } });
  const c = await fitBatch(law, w.ds, { starts, engine: cpu, lm: { loss: w.loss } });
  const gpuBest = g.cost[g.best[0]!]!;
  const cpuBest = c.cost[c.best[0]!]!;
  let agree = 0;
  for (let k = 0; k < PARITY_STARTS; k++) if (Math.abs(g.cost[k]! - c.cost[k]!) <= F32_REACH_TOLERANCE * Math.abs(c.cost[k]!)) agree++;
  const rel = Math.abs(gpuBest - cpuBest) / Math.abs(cpuBest);
  const row: ParityRow = { workload: w.name, starts: PARITY_STARTS, gpuBest, cpuBest, relativeDifference: rel, shareAgreeing: agree / PARITY_STARTS, pass: rel <= DEFAULT_REACH_TOLERANCE && agree / PARITY_STARTS >= 0.9 };
  report.parity.push(row);
  reference.set(w.name, cpuBest);
  log(`parity ${w.name}: best ${gpuBest} vs float64 ${cpuBest} (${rel.toExponential(1)}), ${(100 * row.shareAgreeing).toFixed(1)} % of starts agree: ${row.pass ? 'pass' : 'FAIL'}`);
  save();
}

// ---- 3. the matrix ----
// The matrix may run until MATRIX_SHARE of the budget is spent; the rest is the protocol's. A size
// is skipped when the previous size's rate predicts it would overrun what is left; the deadline
// passed to the run control is the safety net (the GPU engine reports progress as problems finish,
// so a stopped step's partial count is a lower bound, often 0 for one large chunk).
const matrixEnds = MATRIX_SHARE * BUDGET_S;
for (const w of workloads) {
  let lastRate: number | undefined;
  for (const size of SIZES) {
    const limit = matrixEnds - elapsed();
    const predicted = lastRate === undefined ? undefined : size / lastRate;
    if (limit < 3 || (predicted !== undefined && 1.3 * predicted > limit)) {
      report.skipped.push(`${w.name}, ${size} fits: ${limit < 3 ? 'no time left in the matrix budget' : `predicted ${predicted!.toFixed(0)} s from the previous size, over the ${limit.toFixed(0)} s left`}`);
      break; // larger sizes would not fit either
    }
    const r = await timedFit(gpu, w.ds, w.loss, { kind: 'sobol', count: size }, size, limit);
    const row: MatrixRow = {
      workload: w.name,
      rows: w.ds.n,
      loss: w.loss.kind === 'linear' ? 'least squares' : `${w.loss.kind} ${w.loss.delta}`,
      fits: size,
      fitsDone: r.done,
      complete: r.fit !== undefined,
      seconds: r.seconds,
      deviceSeconds: r.deviceSeconds,
      fitsPerSecond: r.done / r.seconds,
    };
    if (r.fit !== undefined) {
      lastRate = row.fitsPerSecond;
      const polished = r.fit.cost[r.fit.best[0]!]!;
      const ref = Math.min(reference.get(w.name)!, polished);
      let reached = 0;
      for (const c of r.fit.cost) if (c <= ref * (1 + F32_REACH_TOLERANCE)) reached++;
      row.shareReached = reached / size;
      row.bestReachingPerSecond = row.fitsPerSecond * row.shareReached;
      row.pointIterationsPerSecond = (r.fit.iterations.reduce((a, b) => a + b, 0) * w.ds.n) / r.seconds;
      row.polishedBest = polished;
      // More starts can only find an equal or lower minimum than the parity run's float64 best.
      row.bestWithinParity = polished <= reference.get(w.name)! * (1 + DEFAULT_REACH_TOLERANCE);
    } else {
      report.skipped.push(`${w.name}, ${size} fits: stopped at its ${limit.toFixed(0)} s limit after ${r.done} fits (the rate shown is a lower bound)`);
    }
    report.matrix.push(row);
    log(`${w.name}, ${size} fits: ${fmt(row.fitsPerSecond)} fits/s${row.complete ? '' : ' (stopped)'}`);
    save();
    if (!row.complete) break;
  }
}

// ---- 3b. replicates drawn on the device ----
// Bit identity on this device first (the draws are integer arithmetic; a driver that got one wrong
// would show here), then the batched solve with the rows uploaded vs drawn, alternately.
{
  const epoch = workloads[1]!;
  const n = epoch.ds.n;
  const data = prepareData(law, epoch.ds);
  const options = resolveLmOptions({ loss: epoch.loss });
  const rowsProblem = (R: number, seed: number): BatchProblem => ({
    law,
    data,
    starts: makeStarts(law, { kind: 'sobol', count: 1 }).u,
    nStarts: 1,
    weights: resampleWeights(n, { replicates: R, seed, design: { kind: 'rows' } }),
    nWeightSets: R,
    options,
    recipe: { seed, first: 0, stream: 0, design: { kind: 'rows' }, base: data.baseWeights },
  });
  const dr: DrawsReport = { compared: 0, identical: true, ab: [] };
  report.draws = dr;
  const check = (label: string, device: Float32Array, host: ArrayLike<number>): void => {
    dr.compared += host.length;
    for (let k = 0; k < host.length && dr.identical; k++) {
      if (device[k] !== Math.fround(host[k]!)) {
        dr.identical = false;
        dr.firstDifference = `${label} value ${k}: device ${device[k]}, host ${host[k]}`;
      }
    }
  };
  const rowsCheck = rowsProblem(1000, 20240417);
  check('rows weights', (await readDeviceDraws(ctx.device, rowsCheck))!.weights, rowsCheck.weights);
  const full = await fitLaw(law, epoch.ds, { lm: { loss: epoch.loss }, engine: gpu });
  const wild = { kind: 'wild', weights: 'mammen', leverage: false } as const;
  const basis = fixedDesignBasis(law, epoch.ds, full.params.filter((q) => !q.fixed).map((q) => q.value), wild);
  const wildTargets = replicateTargets(basis, wild, 7, 0, 1000);
  const wildCheck: BatchProblem = { ...rowsCheck, weights: new Float64Array(1000 * n).fill(1), targets: wildTargets, recipe: { seed: 7, first: 0, stream: 0, design: wild, base: data.baseWeights, basis } };
  check('wild targets', (await readDeviceDraws(ctx.device, wildCheck))!.targets, wildTargets);
  log(`device draws: ${dr.compared} values compared with the host's, ${dr.identical ? 'identical' : `DIFFERENT: ${dr.firstDifference}`}`);
  save();
  const engines = { uploaded: webgpuEngine({ sources: nodeShaderSources(), warn: (m) => log(m), deviceDraws: false }), drawn: webgpuEngine({ sources: nodeShaderSources(), warn: (m) => log(m) }) };
  for (const R of QUICK ? [1000] : [10_000, 100_000]) {
    const limit = Math.min(60, (remaining() - 0.5 * BUDGET_S * (1 - MATRIX_SHARE)) / 2);
    if (limit < 3) {
      report.skipped.push(`device draws A/B at ${R} replicates: no time left`);
      break;
    }
    const problem = rowsProblem(R, 42);
    const row: DrawsReport['ab'][number] = { replicates: R };
    for (const which of ['uploaded', 'drawn'] as const) {
      const t = performance.now();
      try {
        await engines[which].solve(problem, { signal: AbortSignal.timeout(Math.round(limit * 1000)) });
      } catch (e) {
        if (!isCancelled(e)) throw e;
        report.skipped.push(`device draws A/B at ${R} replicates (${which}): stopped at its ${limit.toFixed(0)} s limit`);
        continue;
      }
      const sec = (performance.now() - t) / 1000;
      if (which === 'uploaded') Object.assign(row, { uploadedSeconds: sec, uploadedFitsPerSecond: R / sec });
      else Object.assign(row, { drawnSeconds: sec, drawnFitsPerSecond: R / sec });
    }
    dr.ab.push(row);
    log(`device draws A/B, ${R} replicates: uploaded ${row.uploadedSeconds?.toFixed(2) ?? '-'} s, drawn ${row.drawnSeconds?.toFixed(2) ?? '-'} s`);
    save();
  }
}

// ---- 3c. the kernel layout per batch shape ----
{
  const epoch = workloads[1]!;
  const data = prepareData(law, epoch.ds);
  const options = resolveLmOptions({ loss: epoch.loss });
  const layouts = { thread: webgpuEngine({ sources: nodeShaderSources(), warn: (m) => log(m), variant: 'thread' }), group: webgpuEngine({ sources: nodeShaderSources(), warn: (m) => log(m), variant: 'group' }) };
  report.layout = [];
  for (const fits of QUICK ? [64] : [64, 512, 4500]) {
    const problem: BatchProblem = { law, data, starts: makeStarts(law, { kind: 'sobol', count: fits }).u, nStarts: fits, weights: data.baseWeights, nWeightSets: 1, options };
    const row: LayoutRow = { fits, rows: epoch.ds.n };
    for (const which of ['thread', 'group'] as const) {
      const limit = Math.min(20, (remaining() - 0.5 * BUDGET_S * (1 - MATRIX_SHARE)) / 2);
      if (limit < 2) {
        report.skipped.push(`layout at ${fits} fits (${which}): no time left`);
        continue;
      }
      try {
        await layouts[which].solve({ ...problem, nStarts: Math.min(fits, 8), starts: problem.starts.subarray(0, Math.min(fits, 8) * law.free.length) }); // compile
        const t = performance.now();
        await layouts[which].solve(problem, { signal: AbortSignal.timeout(Math.round(limit * 1000)) });
        row[which === 'thread' ? 'threadSeconds' : 'groupSeconds'] = (performance.now() - t) / 1000;
      } catch (e) {
        if (!isCancelled(e)) throw e;
        report.skipped.push(`layout at ${fits} fits (${which}): stopped at its ${limit.toFixed(0)} s limit`);
      }
    }
    report.layout.push(row);
    log(`layout, ${fits} fits: thread ${row.threadSeconds?.toFixed(3) ?? '-'} s, group ${row.groupSeconds?.toFixed(3) ?? '-'} s`);
    save();
  }
}

// ---- 4. the Epoch bootstrap protocol ----
// In chunks of replicates sized to about PROTOCOL.chunkSeconds at the rate measured so far (the
// first chunk is small), so that a stop loses little and the rate comes from finished chunks.
{
  const epoch = workloads[1]!;
  const n = epoch.ds.n;
  const starts = { kind: 'default' } as const; // the law's own grid: Hoffmann's 4,500 points
  const nStarts = 4500;
  const weights = resampleWeights(n, { replicates: PROTOCOL.replicates, seed: PROTOCOL.seed, design: { kind: 'rows' }, generator: 'numpy-legacy' });
  const shares: number[] = [];
  let replicatesDone = 0;
  let fitsDone = 0;
  let seconds = 0; // of finished chunks
  let spent = 0; // all chunks, the stopped one included
  let stopped = false;
  let chunk = PROTOCOL.firstChunk;
  while (replicatesDone < PROTOCOL.replicates) {
    if (remaining() < 3) {
      stopped = true;
      break;
    }
    const count = Math.min(chunk, PROTOCOL.replicates - replicatesDone);
    const r = await timedFit(gpu, epoch.ds, epoch.loss, starts, count * nStarts, remaining() - 1, weights.subarray(replicatesDone * n, (replicatesDone + count) * n));
    spent += r.seconds;
    if (r.fit === undefined) {
      stopped = true;
      break;
    }
    if (r.fit.nStarts !== nStarts) throw new Error(`the chinchilla grid has ${r.fit.nStarts} points, expected Hoffmann's ${nStarts}`);
    for (const s of r.fit.shareReachedBest) shares.push(s);
    seconds += r.seconds;
    replicatesDone += count;
    fitsDone += count * nStarts;
    const perReplicate = seconds / replicatesDone;
    chunk = Math.max(1, Math.min(PROTOCOL.maxChunk, Math.floor(Math.min(PROTOCOL.chunkSeconds, remaining() / 3) / perReplicate)));
    log(`protocol: ${replicatesDone}/${PROTOCOL.replicates} replicates in ${seconds.toFixed(1)} s`);
  }
  shares.sort((a, b) => a - b);
  const fitsPlanned = PROTOCOL.replicates * nStarts;
  const rate = seconds > 0 ? fitsDone / seconds : 0;
  report.protocol = {
    replicates: PROTOCOL.replicates,
    starts: nStarts,
    rows: n,
    fitsPlanned,
    replicatesDone,
    fitsDone,
    seconds: spent,
    fitsPerSecond: rate,
    complete: !stopped,
    fullSeconds: stopped ? (rate > 0 ? fitsPlanned / rate : Infinity) : seconds,
    medianShareReached: shares.length > 0 ? shares[Math.floor(shares.length / 2)]! : NaN,
  };
  if (stopped) report.skipped.push(`protocol: stopped by the budget after ${replicatesDone} replicates; full time extrapolated from the finished chunks`);
  log(`protocol: ${replicatesDone}/${PROTOCOL.replicates} replicates, ${fitsDone} fits in ${spent.toFixed(1)} s`);
}

report.complete = report.skipped.length === 0;
save();
console.log(markdown());
await releaseGpu();
process.exit(report.parity.every((p) => p.pass) ? 0 : 4);
