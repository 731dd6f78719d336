/**
 * THE bind group of the LM kernels, declared once: this table generates the WGSL declarations the
 * kernels are composed with (`@group(0) @binding(i) var<...> name: type;`), the bind group layout
 * and the bind group's entries, so a binding's index, address space and type cannot disagree
 * between the host and the shaders. Order in the table is the binding index.
 */

/** How the kernels use a binding: WGSL address space and access, and the WebGPU buffer binding type that matches it. */
const USAGE = {
  uniform: { wgsl: 'uniform', buffer: 'uniform' },
  read: { wgsl: 'storage, read', buffer: 'read-only-storage' },
  readWrite: { wgsl: 'storage, read_write', buffer: 'storage' },
} as const satisfies Record<string, { wgsl: string; buffer: GPUBufferBindingType }>;

export interface BindingDecl {
  /** The WGSL variable name (the kernels refer to it by this name). */
  name: string;
  usage: keyof typeof USAGE;
  /** The WGSL store type. */
  type: string;
  /** What it holds (src/gpu/layout.ts has the layouts). */
  doc: string;
}

export const LM_BINDINGS = [
  { name: 'prm', usage: 'uniform', type: 'Params', doc: 'sizes, tolerances and the loss (layout.ts PARAMS_FIELDS)' },
  { name: 'features', usage: 'read', type: 'array<f32>', doc: 'data rows: the law features, then the target in residual space' },
  { name: 'weights', usage: 'read', type: 'array<f32>', doc: 'one row of n weights per weight vector' },
  { name: 'state', usage: 'readWrite', type: 'array<f32>', doc: 'per-problem LM state, STATE_F floats each' },
  { name: 'flags', usage: 'readWrite', type: 'array<u32>', doc: 'per-problem status, iterations and bits, FLAGS_U each' },
  { name: 'running_count', usage: 'readWrite', type: 'atomic<u32>', doc: 'problems still running after the last dispatch' },
  {
    name: 'targets',
    usage: 'read',
    type: 'array<f32>',
    doc: 'one row of n targets in residual space per weight vector (a fixed-design replicate brings its own), indexed as weights',
  },
] as const satisfies readonly BindingDecl[];

export type LmBindingName = (typeof LM_BINDINGS)[number]['name'];

/**
 * The replicate-draw kernel's bind group (src/gpu/draw.ts, draw-wgsl.ts): it writes the weight and
 * target rows the LM kernels then read (the same buffers, bound read_write here).
 */
export const DRAW_BINDINGS = [
  { name: 'dprm', usage: 'uniform', type: 'DrawParams', doc: 'replicate range, seed, stream and design (draw-wgsl.ts DRAW_PARAMS_FIELDS)' },
  { name: 'draw_base', usage: 'read', type: 'array<f32>', doc: "the rows' own weights, n (each replicate's weight row multiplies them)" },
  { name: 'draw_flags', usage: 'read', type: 'array<u32>', doc: 'residuals: per row, 1 if a replicate draws a residual for it (w_i > 0); clusters: the members as CSR (offsets, rows)' },
  { name: 'draw_table', usage: 'read', type: 'array<f32>', doc: 'the f32 values a target can take: data target (n), residuals (n x pool) or wild (2 n)' },
  { name: 'out_weights', usage: 'readWrite', type: 'array<f32>', doc: 'weight rows of the chunk, as LM_BINDINGS weights' },
  { name: 'out_targets', usage: 'readWrite', type: 'array<f32>', doc: 'target rows of the chunk, as LM_BINDINGS targets' },
] as const satisfies readonly BindingDecl[];

export type DrawBindingName = (typeof DRAW_BINDINGS)[number]['name'];

/** The WGSL declarations of every binding of a table (default: the LM kernels'), in group 0. */
export function bindingsWgsl(table: readonly BindingDecl[] = LM_BINDINGS): string {
  return table.map((b, i) => `@group(0) @binding(${i}) var<${USAGE[b.usage].wgsl}> ${b.name}: ${b.type}; // ${b.doc}`).join('\n');
}

/** The bind group layout's entries (every binding visible to compute). */
export function bindGroupLayoutEntries(table: readonly BindingDecl[] = LM_BINDINGS): GPUBindGroupLayoutEntry[] {
  return table.map((b, i) => ({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: USAGE[b.usage].buffer } }));
}

/** The bind group's entries from one buffer per binding, by name. */
export function bindGroupEntries(buffers: Readonly<Record<LmBindingName, GPUBuffer>>): GPUBindGroupEntry[] {
  return LM_BINDINGS.map((b, i) => ({ binding: i, resource: { buffer: buffers[b.name] } }));
}

/** The draw kernel's bind group entries, by name. */
export function drawBindGroupEntries(buffers: Readonly<Record<DrawBindingName, GPUBuffer>>): GPUBindGroupEntry[] {
  return DRAW_BINDINGS.map((b, i) => ({ binding: i, resource: { buffer: buffers[b.name] } }));
}
