/**
 * The host's bootstrap draws, ported to WGSL u32 arithmetic so the device redraws replicate r
 * exactly as the host does (src/util/rng.ts, src/stats/resample.ts, src/stats/fixed-design.ts):
 *
 * - xoroshiro128+ as pure-rand 8 implements it (lib/esm/generator/xoroshiro128plus.js): the 128-bit
 *   state in four 32-bit words (s01, s00, s11, s10), output (s00 + s10) | 0. JS `<<` and `>>>` on
 *   int32 give the same 32 bits as WGSL's u32 `<<` and `>>`, and `| 0` addition wraps as u32 does.
 * - replicateRng(seed, r, stream): the state from fmix32 bijections (Math.imul = u32 multiply,
 *   which wraps), then 16 outputs discarded.
 * - uniformInt(rng, 0, m - 1) as pure-rand computes it for m <= 2^32 (uniformIntInternal):
 *   d = next() + 2^31 (the int32 output reinterpreted, i.e. its u32 bits with the top bit flipped),
 *   redrawn while d >= floor(2^32 / m) m (for m > 2; m <= 2 never rejects), then d mod m. With
 *   rem = 2^32 mod m that bound is 2^32 - rem, so d is kept when rem = 0 or d <= 2^32 - 1 - rem.
 *   pure-rand only changes algorithm above m = 2^32 (two-word draws), beyond any row count here.
 * - uniformFloat64(rng) < p (the wild multipliers' two-point draw): the double is
 *   (a & (2^26 - 1)) 2^-26 + (b & (2^27 - 1)) 2^-53 of two outputs a, b, i.e. K 2^-53 with the
 *   53-bit integer K = a' 2^27 + b'. K 2^-53 < p  <=>  K < ceil(p 2^53) = H 2^27 + L, compared word
 *   by word (p 2^53 is exact: scaling by a power of two).
 *
 * Every comparison is of integers, so the device's draws equal the host's bit for bit; the values
 * written are f32 (the same roundings the host's f32 upload makes: draw.ts).
 */
import { uniformStructWgsl } from './layout.js';
import { bindingsWgsl, DRAW_BINDINGS } from './bindings.js';

/** Threads per workgroup of the draw kernel (one thread per replicate). */
export const DRAW_WORKGROUP = 64;

/** What the weight rows are: the rows' own weights (fixed designs), multinomial counts of rows or of whole clusters times them. */
export const DRAW_WEIGHTS = { base: 0, rows: 1, clusters: 2 } as const;
/** What the target rows are: the data's, the residual bootstrap's, or a wild two-point draw per row. */
export const DRAW_TARGETS = { data: 0, residuals: 1, twoPoint: 2 } as const;

export const DRAW_PARAMS_FIELDS = [
  ['n_points', 'u32'],
  ['sets', 'u32'],
  ['first', 'u32'],
  ['seed', 'u32'],
  ['stream', 'u32'],
  ['weight_kind', 'u32'],
  ['target_kind', 'u32'],
  ['n_pool', 'u32'],
  ['below_hi', 'u32'],
  ['below_lo', 'u32'],
] as const satisfies readonly (readonly [string, 'u32' | 'f32'])[];

export type DrawParamsValues = { [K in (typeof DRAW_PARAMS_FIELDS)[number][0]]: number };

/** The two words of ceil(p 2^53): a uniformFloat64 draw is below p iff its 53-bit integer is below this. */
export function belowThreshold(p: number): { hi: number; lo: number } {
  if (!(p > 0 && p <= 1)) throw new RangeError(`belowThreshold: p must be in (0, 1], got ${p}`);
  const m = Math.ceil(p * 2 ** 53);
  const hi = Math.floor(m / 2 ** 27);
  return { hi, lo: m - hi * 2 ** 27 };
}

export const RNG_WGSL = /* wgsl */ `
struct Xoro {
  s01: u32,
  s00: u32,
  s11: u32,
  s10: u32,
}

fn xoro_next(s: ptr<function, Xoro>) -> u32 {
  let out = (*s).s00 + (*s).s10;
  let a0 = (*s).s10 ^ (*s).s00;
  let a1 = (*s).s11 ^ (*s).s01;
  let s00 = (*s).s00;
  let s01 = (*s).s01;
  (*s).s00 = (s00 << 24u) ^ (s01 >> 8u) ^ a0 ^ (a0 << 16u);
  (*s).s01 = (s01 << 24u) ^ (s00 >> 8u) ^ a1 ^ ((a1 << 16u) | (a0 >> 16u));
  (*s).s10 = (a1 << 5u) ^ (a0 >> 27u);
  (*s).s11 = (a0 << 5u) ^ (a1 >> 27u);
  return out;
}

fn fmix32(h0: u32) -> u32 {
  var h = h0;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

fn replicate_rng(seed: u32, r: u32, stream: u32) -> Xoro {
  var s = Xoro(fmix32(seed ^ 0x9e3779b9u), fmix32(r ^ 0x7f4a7c15u), fmix32((stream * 0x2545f491u) ^ 0x1b873593u), 0x6a09e667u);
  for (var k = 0u; k < 16u; k++) {
    _ = xoro_next(&s);
  }
  return s;
}

// uniformInt(rng, 0, m - 1), m >= 1.
fn uniform_below(s: ptr<function, Xoro>, m: u32) -> u32 {
  let rem = (0xffffffffu % m + 1u) % m;
  loop {
    let d = xoro_next(s) ^ 0x80000000u;
    if (rem == 0u || d <= 0xffffffffu - rem) {
      return d % m;
    }
  }
}

// uniformFloat64(rng) < p, p given as ceil(p 2^53) = hi 2^27 + lo.
fn float64_below(s: ptr<function, Xoro>, hi: u32, lo: u32) -> bool {
  let a = xoro_next(s) & 0x3ffffffu;
  let b = xoro_next(s) & 0x7ffffffu;
  return a < hi || (a == hi && b < lo);
}
`;

const KERNEL_WGSL = /* wgsl */ `
// One thread per replicate k of the chunk: replicate dprm.first + k, rows [k n, (k + 1) n).
@compute @workgroup_size(${DRAW_WORKGROUP})
fn draw_replicates(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x;
  if (k >= dprm.sets) {
    return;
  }
  let n = dprm.n_points;
  let row = k * n;
  var s = replicate_rng(dprm.seed, dprm.first + k, dprm.stream);
  if (dprm.weight_kind == ${DRAW_WEIGHTS.rows}u) {
    for (var i = 0u; i < n; i++) {
      out_weights[row + i] = 0.0f;
    }
    for (var j = 0u; j < n; j++) {
      let at = row + uniform_below(&s, n);
      out_weights[at] = out_weights[at] + 1.0f;
    }
    for (var i = 0u; i < n; i++) {
      out_weights[row + i] = out_weights[row + i] * draw_base[i];
    }
  } else if (dprm.weight_kind == ${DRAW_WEIGHTS.clusters}u) {
    // G = n_pool clusters drawn with replacement, each adding 1 to each of its rows; draw_flags
    // holds the members as CSR: offsets[G + 1], then the row indices.
    let G = dprm.n_pool;
    for (var i = 0u; i < n; i++) {
      out_weights[row + i] = 0.0f;
    }
    for (var j = 0u; j < G; j++) {
      let g = uniform_below(&s, G);
      for (var q = draw_flags[g]; q < draw_flags[g + 1u]; q++) {
        let at = row + draw_flags[G + 1u + q];
        out_weights[at] = out_weights[at] + 1.0f;
      }
    }
    for (var i = 0u; i < n; i++) {
      out_weights[row + i] = out_weights[row + i] * draw_base[i];
    }
  } else {
    for (var i = 0u; i < n; i++) {
      out_weights[row + i] = draw_base[i];
    }
  }
  // Weights and targets never both draw (rows: data targets; fixed designs: base weights), so
  // the targets' draws start from the replicate's fresh stream as on the host.
  if (dprm.target_kind == ${DRAW_TARGETS.residuals}u) {
    for (var i = 0u; i < n; i++) {
      if (draw_flags[i] != 0u) {
        out_targets[row + i] = draw_table[n + i * dprm.n_pool + uniform_below(&s, dprm.n_pool)];
      } else {
        out_targets[row + i] = draw_table[i];
      }
    }
  } else if (dprm.target_kind == ${DRAW_TARGETS.twoPoint}u) {
    for (var i = 0u; i < n; i++) {
      let low = float64_below(&s, dprm.below_hi, dprm.below_lo);
      out_targets[row + i] = draw_table[n + 2u * i + select(1u, 0u, low)];
    }
  } else {
    for (var i = 0u; i < n; i++) {
      out_targets[row + i] = draw_table[i];
    }
  }
}
`;

/** The draw module: its uniform struct, bindings (bindings.ts DRAW_BINDINGS), the RNG and the kernel. */
export function drawModuleWgsl(): string {
  return [`// lawfit: replicate draws (src/gpu/draw-wgsl.ts)`, uniformStructWgsl('DrawParams', DRAW_PARAMS_FIELDS), bindingsWgsl(DRAW_BINDINGS), RNG_WGSL, KERNEL_WGSL].join('\n');
}
