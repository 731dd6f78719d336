/**
 * Composing WGSL modules from the templates in shaders/ and a law's generated functions, and
 * caching their pipelines by compile-time facts only: the law (its generated code), the kernel
 * variant, the parameter count and the workgroup size. Sizes, tolerances and the loss go in the
 * uniform block, so one pipeline serves every batch of a law.
 *
 * Set LAWFIT_DUMP_WGSL=1 (Node) or pass `dump` to print every composed module before it compiles.
 * A compile error becomes a LawfitError that quotes the offending line.
 */
import { LawfitError } from '../errors.js';
import type { CompiledLaw } from '../law/compile.js';
import { emitWgslLaw, WGSL_DIALECT, WGSL_LAW_PRELUDE } from '../law/emit-wgsl.js';
import { dataDependent, emitStraightLine } from '../law/emit-common.js';
import { bindGroupLayoutEntries, bindingsWgsl } from './bindings.js';
import { layoutWgsl, paramsWgsl, stateLayout, type StateLayout } from './layout.js';
import { lossesWgsl } from './losses-wgsl.js';

export interface ShaderSources {
  lmThread: string;
  lmGroup: string;
}

/** The two layouts: one thread per problem, or one workgroup per problem (many data points). */
export type KernelVariant = 'thread' | 'group';

export interface LmPipelines {
  variant: KernelVariant;
  layout: StateLayout;
  init: GPUComputePipeline;
  iterate: GPUComputePipeline;
  bindGroupLayout: GPUBindGroupLayout;
  workgroupSize: number;
  code: string;
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<LmPipelines>>>();

export function composeLmModule(law: CompiledLaw, sources: ShaderSources, workgroupSize: number): { code: string; layout: StateLayout } {
  const wl = emitWgslLaw(law);
  const layout = stateLayout(wl.nFree, wl.nFeatures);
  const code = [
    `// lawfit: kernel lm_thread for law '${law.name}', workgroup size ${workgroupSize}`,
    layoutWgsl(layout, workgroupSize),
    paramsWgsl(),
    bindingsWgsl(),
    WGSL_LAW_PRELUDE,
    lossesWgsl(),
    wl.code,
    sources.lmThread,
    sources.lmGroup,
    accumulateWgsl(law, 'whole'),
    accumulateWgsl(law, 'part'),
  ].join('\n');
  return { code, layout };
}

/**
 * The kernels' hot loop, generated per law (the contract is in shaders/lm_thread.wgsl): the law's
 * value-and-gradient code inside the loop over points, parameter-only subexpressions before it,
 * and J'J, J'r in scalar accumulators with constant indices, so that nothing in the loop indexes
 * an array dynamically.
 */
export function accumulateWgsl(law: CompiledLaw, mode: 'whole' | 'part'): string {
  const g = law.graph;
  const P = law.free.length;
  const leaves = { param: (j: number) => `u${j}`, feature: (k: number) => `features[base + ${k}u]` };
  const vg = emitStraightLine(g, [law.modelNode, ...law.gradientNodes], law.featureNodes, leaves, WGSL_DIALECT);
  const dep = dataDependent(g, law.featureNodes);
  const outer = vg.entries.filter((e) => !dep(e.id)).map((e) => e.line);
  const inner = vg.entries.filter((e) => dep(e.id)).map((e) => e.line);
  const m = vg.results[0]!;
  const G = vg.results.slice(1);
  const decl: string[] = [];
  const acc: string[] = [];
  const store: string[] = [];
  const NT = (P * (P + 1)) / 2;
  for (let j = 0; j < P; j++) {
    decl.push(`var b${j} = 0.0f;`);
    acc.push(`let cg${j} = lw.x * ${G[j]};`, `b${j} += cg${j} * r;`);
    store.push(mode === 'whole' ? `(*b)[${j}] = b${j};` : `(*part)[${NT + j}] = b${j};`);
    for (let k = 0; k <= j; k++) {
      decl.push(`var a${j}_${k} = 0.0f;`);
      acc.push(`a${j}_${k} += cg${j} * ${G[k]};`);
      const t = (j * (j + 1)) / 2 + k;
      store.push(mode === 'whole' ? `(*A)[${t}] = a${j}_${k};` : `(*part)[${t}] = a${j}_${k};`);
    }
  }
  const signature =
    mode === 'whole'
      ? `fn accumulate(u: ptr<function, array<f32, ${P}>>, wrow: u32, A: ptr<function, array<f32, ${NT}>>, b: ptr<function, array<f32, ${P}>>) -> Pass {`
      : // One thread's strided share of the points (lm_group.wgsl): A, b, cost, rr into part.
        `fn accumulate_part(u: ptr<function, array<f32, ${P}>>, wrow: u32, lid: u32, part: ptr<function, array<f32, ${NT + P + 2}>>) {`;
  return [
    signature,
    ...Array.from({ length: P }, (_, j) => `  let u${j} = (*u)[${j}];`),
    ...outer.map((l) => `  ${l}`),
    ...decl.map((l) => `  ${l}`),
    '  var cost = 0.0f;',
    '  var carry = 0.0f;',
    '  var rr = 0.0f;',
    mode === 'whole' ? '  for (var i = 0u; i < prm.n_points; i++) {' : '  for (var i = lid; i < prm.n_points; i += WG) {',
    '    let w = weights[wrow + i];',
    '    if (w == 0.0f) { continue; }',
    '    let base = i * STRIDE;',
    ...inner.map((l) => `    ${l}`),
    `    let r = targets[wrow + i] - ${m};`,
    '    let lw = point_loss(r, w);',
    '    let y = lw.y - carry;',
    '    let t = cost + y;',
    '    carry = (t - cost) - y;',
    '    cost = t;',
    '    rr += lw.x * r * r;',
    ...acc.map((l) => `    ${l}`),
    '  }',
    ...store.map((l) => `  ${l}`),
    ...(mode === 'whole' ? ['  return Pass(cost, rr);'] : [`  (*part)[${NT + P}] = cost;`, `  (*part)[${NT + P + 1}] = rr;`]),
    '}',
  ].join('\n');
}

function dumpRequested(): boolean {
  return typeof process !== 'undefined' && process.env?.LAWFIT_DUMP_WGSL === '1';
}

export function lmPipelines(
  device: GPUDevice,
  law: CompiledLaw,
  sources: ShaderSources,
  workgroupSize: number,
  variant: KernelVariant = 'thread',
  dump = dumpRequested(),
): Promise<LmPipelines> {
  const { code, layout } = composeLmModule(law, sources, workgroupSize);
  // The generated code is the law's compile-time identity: same code, same pipeline.
  const key = `${variant}|${workgroupSize}|${layout.P}|${code}`;
  let perDevice = cache.get(device);
  if (perDevice === undefined) {
    perDevice = new Map();
    cache.set(device, perDevice);
  }
  let p = perDevice.get(key);
  if (p === undefined) {
    if (dump) console.error(`---- composed WGSL (law '${law.name}') ----\n${code}\n---- end ----`);
    p = build(device, code, layout, workgroupSize, law.name, variant);
    perDevice.set(key, p);
    p.catch(() => perDevice!.delete(key));
  }
  return p;
}

async function build(device: GPUDevice, code: string, layout: StateLayout, workgroupSize: number, lawName: string, variant: KernelVariant): Promise<LmPipelines> {
  const module = device.createShaderModule({ code, label: `lawfit lm_thread ${lawName}` });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = code.split('\n');
    const first = errors[0]!;
    const at = lines[first.lineNum - 1] ?? '';
    throw new LawfitError(
      'law-declaration',
      `WGSL for law '${lawName}' did not compile: line ${first.lineNum}:${first.linePos}: ${first.message}\n  ${at}\n  ${' '.repeat(Math.max(0, first.linePos - 1))}^\n(set LAWFIT_DUMP_WGSL=1 to print the composed module)`,
      false,
    );
  }
  const bindGroupLayout = device.createBindGroupLayout({ entries: bindGroupLayoutEntries(), label: 'lawfit lm' });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] });
  // Synchronous creation: Dawn's Node bindings abort (a futex error) on concurrent async creation.
  // Only the variant's entry points are compiled (lavapipe compiles each at creation: seconds).
  const [initName, iterateName] = variant === 'thread' ? ['lm_init', 'lm_iterate'] : ['lm_group_init', 'lm_group_iterate'];
  const init = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: initName } });
  const iterate = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: iterateName } });
  return { variant, layout, init, iterate, bindGroupLayout, workgroupSize, code };
}
