/**
 * THE buffer layouts of the WebGPU engine: one declaration drives both the WGSL constants the
 * kernels are composed with and the host code that packs and unpacks the buffers, so the two can
 * never disagree.
 *
 * Per problem (one LM fit), in `state` (f32), STATE_F floats at problem * STATE_F:
 *   u[P]      internal parameters
 *   A[NT]     J~'J~ at u, packed lower triangle, NT = P (P + 1) / 2, index j (j + 1) / 2 + k, k <= j
 *   b[P]      -grad cost at u
 *   D[P]      trust-region scaling diag (1 for Levenberg; running max of column norms for Marquardt)
 *   cost, rr, delta (trust radius), par (Levenberg parameter)
 * Per problem, in `flags` (u32), FLAGS_U values at problem * FLAGS_U:
 *   status, iterations, (unused), bits (1: gradient test due, 2: last rejection was non-finite,
 *   4: no trial step taken yet)
 *
 * The data buffer is row-major with stride NF + 1: the law's hoisted features, then the target in
 * residual space. Weights are one row of n per weight vector; so are the targets the kernels fit
 * (the `targets` binding in src/gpu/bindings.ts: a fixed-design bootstrap replicate's own, or the
 * data's target repeated),
 * uploaded per chunk for the weight vectors the chunk uses (lm-gpu.ts).
 */
import { STATUS_TABLE } from '../fit/status.js';

export interface StateLayout {
  P: number;
  NT: number;
  NF: number;
  /** Floats per data row: NF features + the target. */
  STRIDE: number;
  STATE_F: number;
  FLAGS_U: number;
  offsets: { u: number; A: number; b: number; D: number; cost: number; rr: number; delta: number; par: number };
}

export const FLAG_GTOL_DUE = 1;
export const FLAG_LAST_REJECT_NONFINITE = 2;
export const FLAG_FIRST = 4;

export function stateLayout(P: number, NF: number): StateLayout {
  const NT = (P * (P + 1)) / 2;
  const u = 0;
  const A = u + P;
  const b = A + NT;
  const D = b + P;
  const cost = D + P;
  return {
    P,
    NT,
    NF,
    STRIDE: NF + 1,
    STATE_F: cost + 4,
    FLAGS_U: 4,
    offsets: { u, A, b, D, cost, rr: cost + 1, delta: cost + 2, par: cost + 3 },
  };
}

/** WGSL constants for a layout, plus the status codes (generated from the one status table). */
export function layoutWgsl(l: StateLayout, workgroupSize: number): string {
  const o = l.offsets;
  const lines = [
    `const P: u32 = ${l.P}u;`,
    `const NT: u32 = ${l.NT}u;`,
    `const RS: u32 = ${l.NT + l.P + 2}u; // per-thread share in lm_group: A, b, cost, rr`,
    `const NF: u32 = ${l.NF}u;`,
    `const STRIDE: u32 = ${l.STRIDE}u;`,
    `const STATE_F: u32 = ${l.STATE_F}u;`,
    `const FLAGS_U: u32 = ${l.FLAGS_U}u;`,
    `const OFF_U: u32 = ${o.u}u;`,
    `const OFF_A: u32 = ${o.A}u;`,
    `const OFF_B: u32 = ${o.b}u;`,
    `const OFF_D: u32 = ${o.D}u;`,
    `const OFF_COST: u32 = ${o.cost}u;`,
    `const OFF_RR: u32 = ${o.rr}u;`,
    `const OFF_DELTA: u32 = ${o.delta}u;`,
    `const OFF_PAR: u32 = ${o.par}u;`,
    `const FLAG_GTOL_DUE: u32 = ${FLAG_GTOL_DUE}u;`,
    `const FLAG_LAST_REJECT_NONFINITE: u32 = ${FLAG_LAST_REJECT_NONFINITE}u;`,
    `const FLAG_FIRST: u32 = ${FLAG_FIRST}u;`,
    `const WG: u32 = ${workgroupSize}u;`,
    ...STATUS_TABLE.map((s) => `const ST_${s.name.toUpperCase().replace(/-/g, '_')}: u32 = ${s.code}u;`),
  ];
  return lines.join('\n');
}

/**
 * The uniform block: sizes and tolerances (never compiled into a pipeline, so one pipeline serves
 * every batch of a law). `struct Params` (paramsWgsl), the buffer's size and the packing are all
 * derived from this list; every field is a 4-byte scalar, so field i sits at byte 4 i.
 */
export const PARAMS_FIELDS = [
  ['n_points', 'u32'],
  ['n_starts', 'u32'],
  ['n_problems', 'u32'],
  ['problem_offset', 'u32'],
  ['iterations', 'u32'],
  ['max_iterations', 'u32'],
  ['loss', 'u32'],
  ['damping', 'u32'],
  ['delta', 'f32'],
  ['ftol', 'f32'],
  ['xtol', 'f32'],
  ['gtol', 'f32'],
  ['step_bound', 'f32'],
  ['n_weight_sets', 'u32'],
] as const satisfies readonly (readonly [string, 'u32' | 'f32'])[];

const SCALAR_BYTES = 4;
type ScalarFields = readonly (readonly [string, 'u32' | 'f32'])[];
/**
 * Bytes of a uniform block of 4-byte scalars: the fields, padded to a multiple of 16. WGSL aligns
 * a structure in the uniform address space to 16 bytes (RequiredAlignOf), so the padded size is
 * the struct's size wherever it is used; the padding words are generated into the struct too.
 */
export function uniformBytes(fields: ScalarFields): number {
  return Math.ceil((fields.length * SCALAR_BYTES) / 16) * 16;
}

/** `struct NAME { ... }` of a uniform block of scalars, padding included (field i sits at byte 4 i). */
export function uniformStructWgsl(name: string, fields: ScalarFields): string {
  const size = uniformBytes(fields);
  const lines = fields.map(([k, t]) => `  ${k}: ${t},`);
  const padding = Array.from({ length: (size - fields.length * SCALAR_BYTES) / SCALAR_BYTES }, (_, i) => `  _pad${i}: u32, // to ${size} bytes`);
  return `struct ${name} {\n${[...lines, ...padding].join('\n')}\n}`;
}

/** The bytes of a uniform block of scalars, little-endian as WGSL reads them. */
export function packUniform<F extends ScalarFields>(fields: F, v: { [K in F[number][0]]: number }): ArrayBuffer {
  const buf = new ArrayBuffer(uniformBytes(fields));
  const dv = new DataView(buf);
  fields.forEach(([k, t], i) => {
    const x = (v as Record<string, number>)[k]!;
    if (t === 'u32') dv.setUint32(i * SCALAR_BYTES, x, true);
    else dv.setFloat32(i * SCALAR_BYTES, x, true);
  });
  return buf;
}

/** Bytes of the LM kernels' uniform buffer. */
export const PARAMS_SIZE = uniformBytes(PARAMS_FIELDS);

export type ParamsValues = { [K in (typeof PARAMS_FIELDS)[number][0]]: number };

export function paramsWgsl(): string {
  return uniformStructWgsl('Params', PARAMS_FIELDS);
}

export function packParams(v: ParamsValues): ArrayBuffer {
  return packUniform(PARAMS_FIELDS, v);
}

/**
 * Bytes of workgroup memory the 'group' kernel (lm_group.wgsl) declares: g_u[P], g_eval and
 * g_red[WG * RS] with RS = P (P + 1) / 2 + P + 2. It grows as P^2 WG, so the group layout only
 * serves small laws: at WG = 64 and WebGPU's default 16 KiB limit, P <= 9. The 'thread' kernel
 * keeps its matrices in private memory and has no such cap (P = 43 runs on lavapipe).
 */
export function groupKernelWorkgroupBytes(P: number, workgroupSize: number): number {
  return 4 * (P + 1 + workgroupSize * ((P * (P + 1)) / 2 + P + 2));
}
