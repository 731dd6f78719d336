/**
 * Bootstrap replicates drawn on the device: when a batch says how its weight vectors were drawn
 * (BatchProblem.recipe), the driver (lm-gpu.ts) has each chunk's weight and target rows written
 * by the draw kernel (draw-wgsl.ts) instead of uploading n floats of each per replicate, so the
 * host sends no per-replicate rows (each problem's start is still uploaded, STATE_F floats); the
 * device memory per chunk is unchanged (the rows are written into the buffers the upload used).
 *
 * The rows equal the host's f32 upload bit for bit (test/gpu/draw.test.ts): the draws are integer
 * exact (draw-wgsl.ts), and every value written is one the host rounds the same way:
 * - rows (and clusters, whose counts are per cluster): weight = count x base. The host rounds count x base (float64) to f32; the device
 *   multiplies f32(count) by f32(base). The two agree when base is an f32 value (count < 2^24, so
 *   the float64 product is exact and both round it once): other bases are not drawn here.
 * - residuals: target = f32(m_i + s_i e*_J), a table of n x pool values computed on the host with
 *   the host's own expression; the device draws J. The table is bounded (DRAW_TABLE_MAX_BYTES);
 *   a larger design is uploaded as before.
 * - wild: two values per row, f32(m_i + e_i v_low) and f32(m_i + e_i v_high); the device draws which.
 * The Bayesian bootstrap (Dirichlet weights through logs) is not drawn here: f32 logs cannot
 * reproduce float64's -log(u) rounded to f32 in every case; nor are the IsoFLOP strata or the
 * numpy-legacy generator (never in a recipe).
 */
import type { BatchProblem } from '../fit/problem.js';
import { wildTwoPoint } from '../stats/fixed-design.js';
import { bindGroupLayoutEntries, drawBindGroupEntries, DRAW_BINDINGS } from './bindings.js';
import { belowThreshold, drawModuleWgsl, DRAW_PARAMS_FIELDS, DRAW_TARGETS, DRAW_WEIGHTS, DRAW_WORKGROUP, type DrawParamsValues } from './draw-wgsl.js';
import { packUniform, uniformBytes } from './layout.js';

/** Largest residual table (n x pool f32 values) drawn from on the device. */
export const DRAW_TABLE_MAX_BYTES = 64 << 20;

/** What the draw kernel needs besides the replicate range: the tables and the fixed parameters. */
export interface DrawPlan {
  base: Float32Array;
  flags: Uint32Array;
  table: Float32Array;
  fixed: Omit<DrawParamsValues, 'sets' | 'first'>;
}

/** The plan for a batch's recipe, or undefined when its rows cannot be redrawn bit for bit on the device. */
export function planDeviceDraw(problem: BatchProblem, maxBindingBytes: number): DrawPlan | undefined {
  const r = problem.recipe;
  if (r === undefined) return undefined;
  const n = problem.data.n;
  if (r.base.length !== n || !(r.first >= 0 && r.first + problem.nWeightSets <= 2 ** 32)) return undefined;
  for (let i = 0; i < n; i++) if (Math.fround(r.base[i]!) !== r.base[i]) return undefined;
  const base = Float32Array.from(r.base);
  const flags = new Uint32Array(n);
  const common = { n_points: n, seed: r.seed >>> 0, stream: r.stream >>> 0, n_pool: 0, below_hi: 0, below_lo: 0 };
  if (r.design.kind === 'rows') {
    if (problem.targets !== undefined) return undefined;
    return { base, flags, table: Float32Array.from(problem.data.yt), fixed: { ...common, weight_kind: DRAW_WEIGHTS.rows, target_kind: DRAW_TARGETS.data } };
  }
  if (r.design.kind === 'clusters') {
    // The clusters in order of first appearance, as resampleWeights numbers them.
    const groups = r.design.groups;
    if (problem.targets !== undefined || groups.length !== n) return undefined;
    const labels = [...new Set(groups)];
    if (labels.length < 2) return undefined;
    const at = new Map(labels.map((g, k) => [g, k]));
    const members = labels.map(() => [] as number[]);
    groups.forEach((g, i) => members[at.get(g)!]!.push(i));
    const csr = new Uint32Array(labels.length + 1 + n);
    members.forEach((m, k) => {
      csr[k + 1] = csr[k]! + m.length;
      csr.set(m, labels.length + 1 + csr[k]!);
    });
    return { base, flags: csr, table: Float32Array.from(problem.data.yt), fixed: { ...common, n_pool: labels.length, weight_kind: DRAW_WEIGHTS.clusters, target_kind: DRAW_TARGETS.data } };
  }
  const b = r.basis;
  if (b === undefined || b.n !== n || problem.targets === undefined) return undefined;
  if (r.design.kind === 'residuals') {
    const pool = b.pool.length;
    if (pool === 0 || 4 * n * (pool + 1) > Math.min(DRAW_TABLE_MAX_BYTES, maxBindingBytes)) return undefined;
    const table = new Float32Array(n * (pool + 1));
    for (let i = 0; i < n; i++) {
      table[i] = b.fitted[i]!;
      if (!(b.scale[i]! > 0)) continue;
      flags[i] = 1;
      for (let k = 0; k < pool; k++) table[n + i * pool + k] = b.fitted[i]! + b.scale[i]! * b.pool[k]!;
    }
    return { base, flags, table, fixed: { ...common, n_pool: pool, weight_kind: DRAW_WEIGHTS.base, target_kind: DRAW_TARGETS.residuals } };
  }
  const { pLow, low, high } = wildTwoPoint(r.design.weights);
  const table = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    table[i] = b.fitted[i]!;
    table[n + 2 * i] = b.fitted[i]! + b.residuals[i]! * low;
    table[n + 2 * i + 1] = b.fitted[i]! + b.residuals[i]! * high;
  }
  const t = belowThreshold(pLow);
  return { base, flags, table, fixed: { ...common, below_hi: t.hi, below_lo: t.lo, weight_kind: DRAW_WEIGHTS.base, target_kind: DRAW_TARGETS.twoPoint } };
}

interface DrawPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const pipelines = new WeakMap<GPUDevice, Promise<DrawPipeline>>();

async function drawPipeline(device: GPUDevice): Promise<DrawPipeline> {
  let p = pipelines.get(device);
  if (p === undefined) {
    p = (async () => {
      const code = drawModuleWgsl();
      const module = device.createShaderModule({ code, label: 'lawfit draw' });
      const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
      if (errors.length > 0) throw new Error(`internal: the replicate-draw kernel did not compile: line ${errors[0]!.lineNum}: ${errors[0]!.message}`);
      const layout = device.createBindGroupLayout({ entries: bindGroupLayoutEntries(DRAW_BINDINGS), label: 'lawfit draw' });
      const pipeline = device.createComputePipeline({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: 'draw_replicates' } });
      return { pipeline, layout };
    })();
    pipelines.set(device, p);
    p.catch(() => pipelines.delete(device));
  }
  return p;
}

/**
 * A draw kernel bound to one batch's tables and output buffers; `encode` draws replicates
 * [first, first + sets) into rows 0.. of them. It writes its parameters through the queue, so one
 * encode per submission (the driver draws once per chunk).
 */
export interface DeviceDrawer {
  encode(enc: GPUCommandEncoder, first: number, sets: number): void;
  destroy(): void;
}

export async function deviceDrawer(device: GPUDevice, plan: DrawPlan, weights: GPUBuffer, targets: GPUBuffer): Promise<DeviceDrawer> {
  const { pipeline, layout } = await drawPipeline(device);
  const filled = (data: Float32Array | Uint32Array, label: string): GPUBuffer => {
    const buf = device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 4) * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, label });
    device.queue.writeBuffer(buf, 0, data);
    return buf;
  };
  const base = filled(plan.base, 'lawfit draw base');
  const flags = filled(plan.flags, 'lawfit draw flags');
  const table = filled(plan.table, 'lawfit draw table');
  const uniform = device.createBuffer({ size: uniformBytes(DRAW_PARAMS_FIELDS), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'lawfit draw params' });
  const group = device.createBindGroup({ layout, entries: drawBindGroupEntries({ dprm: uniform, draw_base: base, draw_flags: flags, draw_table: table, out_weights: weights, out_targets: targets }) });
  return {
    encode(enc, first, sets) {
      device.queue.writeBuffer(uniform, 0, packUniform(DRAW_PARAMS_FIELDS, { ...plan.fixed, first: first >>> 0, sets }));
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(Math.ceil(sets / DRAW_WORKGROUP));
      pass.end();
    },
    destroy() {
      for (const b of [base, flags, table, uniform]) b.destroy();
    },
  };
}

/**
 * The weight and target rows the draw kernel writes for all of `problem`'s weight vectors, read
 * back (undefined when the recipe cannot be drawn on the device): for checking a device's draws
 * against the host's (test/gpu/draw.test.ts, bench/device/bench.ts).
 */
export async function readDeviceDraws(device: GPUDevice, problem: BatchProblem): Promise<{ weights: Float32Array; targets: Float32Array } | undefined> {
  const plan = planDeviceDraw(problem, Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize));
  if (plan === undefined) return undefined;
  const bytes = Math.max(16, problem.nWeightSets * problem.data.n * 4);
  const made: GPUBuffer[] = [];
  const make = (usage: number): GPUBuffer => {
    const b = device.createBuffer({ size: bytes, usage });
    made.push(b);
    return b;
  };
  const w = make(GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const t = make(GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const wRead = make(GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const tRead = make(GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const drawer = await deviceDrawer(device, plan, w, t);
  try {
    const enc = device.createCommandEncoder();
    drawer.encode(enc, problem.recipe!.first, problem.nWeightSets);
    enc.copyBufferToBuffer(w, 0, wRead, 0, bytes);
    enc.copyBufferToBuffer(t, 0, tRead, 0, bytes);
    device.queue.submit([enc.finish()]);
    await Promise.all([wRead.mapAsync(GPUMapMode.READ), tRead.mapAsync(GPUMapMode.READ)]);
    const len = problem.nWeightSets * problem.data.n;
    return { weights: new Float32Array(wRead.getMappedRange(), 0, len).slice(), targets: new Float32Array(tRead.getMappedRange(), 0, len).slice() };
  } finally {
    drawer.destroy();
    for (const b of made) b.destroy();
  }
}
