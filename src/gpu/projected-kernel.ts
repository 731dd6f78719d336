/**
 * Variable projection on WebGPU (f32): the kernel. The float64 twin is src/fit/cpu/projected.ts
 * (read its header for the derivation: Golub & Pereyra 1973, Kaufman 1975); this file composes the
 * same algorithm for one thread per problem.
 *
 * The law's prediction is f = h(θ) + Σ_k c_k g_k(θ) (src/law/linear-params.ts finds the c_k and
 * builds the nodes h, g_k). The LM iteration of shaders/lm_thread.wgsl runs unchanged over θ
 * alone (P = the number of nonlinear parameters): only its data pass, `accumulate`, is replaced.
 * For a trial θ the generated `accumulate`
 *   1. solves the coefficients: the weighted normal equations M = G'ΩG, v = G'Ωt (t = y - h) in
 *      f32, Jacobi-scaled (M~ = D^-1 M D^-1, D = sqrt(diag M): Chinchilla's E ~ 2 against A ~ 400
 *      are treated alike), by Lawson–Hanson active-set NNLS where a coefficient is positive
 *      (nnls.ts, same rules), with a ridge only when the scaled matrix is singular. Least squares:
 *      one solve, then one step of iterative refinement (the residual G'Ω(t - Gc) recomputed from
 *      the data, M δ = that), which brings the coefficients' error from cond(M) eps towards
 *      cond(G) eps. Robust losses: damped Newton steps on the cost, curvature weights
 *      w max(ψ'(r), 1e-3 ρ'(z)), each step's bounded model solved by the same NNLS, with a
 *      backtracking line search on the true cost, warm-started from the previous evaluation;
 *   2. forms Kaufman's normal equations over θ without cancellation: Y = (G'Ω_H G)^-1 G'Ω_H J over
 *      the free coefficients, then per point the projected row J~ = J - G Y and A = Σ ω_H J~J~',
 *      b = Σ ω J~ r, the cost (Kahan-summed) and |r~|^2. Subtracting (G'ΩJ)'(G'ΩG)^-1(G'ΩJ) from
 *      J'ΩJ instead loses the reduced matrix to f32 rounding: it is orders of magnitude smaller.
 * The coefficients of the last accepted point ride in the problem state (OFF_C), so the host reads
 * θ and c together; the float64 polish (src/fit/polish.ts) then finishes the full problem.
 */
import { LawfitError } from '../errors.js';
import type { CompiledLaw } from '../law/compile.js';
import { WGSL_DIALECT, WGSL_LAW_PRELUDE } from '../law/emit-wgsl.js';
import { emitStraightLine } from '../law/emit-common.js';
import { LOSSES, type LossKind } from '../fit/losses.js';
import { bindGroupLayoutEntries, bindingsWgsl } from './bindings.js';
import type { LmPipelines, ShaderSources } from './kernels.js';
import { layoutWgsl, paramsWgsl, type StateLayout } from './layout.js';
import { lossesWgsl } from './losses-wgsl.js';

/** Coefficients a thread solves for at most (its matrices live in registers / private memory). */
export const MAX_GPU_COEFFICIENTS = 8;

export interface ProjectedLayout {
  /** The layout the WGSL sees: P = the nonlinear parameters, then the coefficients at OFF_C. */
  wgsl: StateLayout;
  /** The same buffer as the host driver reads it: P = nonlinear + coefficients (θ then c, contiguous from offset 0). */
  host: StateLayout;
  K: number;
  offC: number;
}

export function projectedLayout(q: number, K: number, NF: number): ProjectedLayout {
  const NT = (q * (q + 1)) / 2;
  const u = 0;
  const offC = q;
  const A = offC + K;
  const b = A + NT;
  const D = b + q;
  const cost = D + q;
  const offsets = { u, A, b, D, cost, rr: cost + 1, delta: cost + 2, par: cost + 3 };
  const wgsl: StateLayout = { P: q, NT, NF, STRIDE: NF + 1, STATE_F: cost + 4, FLAGS_U: 4, offsets };
  return { wgsl, host: { ...wgsl, P: q + K }, K, offC };
}

/**
 * Curvature weight of the Newton inner solve, w max(ψ'(r), 1e-3 ρ'(z)) with ψ' = ρ' + 2zρ''
 * (derived from the loss table's ρ, src/fit/losses.ts): least squares 1; Huber 1 inside δ, 0
 * beyond; soft-L1 (1+z)^-3/2; Cauchy (1-z)/(1+z)^2; arctan (1-3z^2)/(1+z^2)^2. Keyed by LossKind
 * so a loss added to the table without a body does not compile.
 */
const CURVATURE_WGSL: Record<LossKind, string> = {
  linear: 'return w;',
  huber: ['if (abs(r) <= d) { return w; }', 'return w * 1e-3f * d / abs(r);'].join('\n'),
  soft_l1: ['let z = r * r / (d * d);', 'let s = 1.0f / sqrt(1.0f + z);', 'return w * max(s * s * s, 1e-3f * s);'].join('\n'),
  cauchy: ['let z = r * r / (d * d);', 'let q = 1.0f / (1.0f + z);', 'return w * max((1.0f - z) * q * q, 1e-3f * q);'].join('\n'),
  arctan: ['let z = r * r / (d * d);', 'let q = 1.0f / (1.0f + z * z);', 'return w * max((1.0f - 3.0f * z * z) * q * q, 1e-3f * q);'].join('\n'),
};

function curvatureWgsl(): string {
  const cases = LOSSES.map((l) => [`    case ${l.code}u: {`, ...CURVATURE_WGSL[l.kind].split('\n').map((x) => `      ${x}`), '    }'].join('\n'));
  return ['fn pj_curv(r: f32, w: f32) -> f32 {', '  let d = prm.delta;', '  switch prm.loss {', ...cases, '    default: { return w; }', '  }', '}'].join('\n');
}

/**
 * The per-point functions, generated from the decomposition's nodes: pj_basis gives h and g_k at
 * θ; pj_full adds ∂h/∂θ_a and ∂g_k/∂θ_a (exact graph derivatives), from which the kernel forms
 * J_a = ∂h/∂θ_a + Σ_k c_k ∂g_k/∂θ_a at the current coefficients. Throws when a node reads a
 * linear parameter (detection guarantees it does not) or a raw input (every data term is hoisted).
 */
export function pointFunctionsWgsl(law: CompiledLaw): string {
  const info = law.linear;
  const g = law.graph;
  const non = info.nonlinear;
  const q = non.length;
  const K = info.projectable.length;
  const slot = new Map(non.map((j, a) => [j, a]));
  const leaves = {
    param: (j: number) => {
      const a = slot.get(j);
      if (a === undefined) throw new Error(`internal: the decomposition reads linear parameter ${law.free[j]!.name}`);
      return `th${a}`;
    },
    feature: (k: number) => `features[base + ${k}u]`,
  };
  const basisOut = [info.hNode, ...info.gNodes];
  const dh = non.map((j) => g.derivative(info.hNode, j));
  const dg = info.gNodes.flatMap((gk) => non.map((j) => g.derivative(gk, j)));
  const fn = (name: string, struct: string, outs: number[], assign: (res: string[]) => string[]): string => {
    const sl = emitStraightLine(g, outs, law.featureNodes, leaves, WGSL_DIALECT, 'pj');
    return [
      `fn ${name}(th: ptr<function, array<f32, P>>, base: u32) -> ${struct} {`,
      ...Array.from({ length: q }, (_, a) => `  let th${a} = (*th)[${a}];`),
      ...sl.lines.map((l) => `  ${l}`),
      `  var o: ${struct};`,
      ...assign(sl.results).map((l) => `  ${l}`),
      '  return o;',
      '}',
    ].join('\n');
  };
  const gAssign = (res: string[]) => [`o.h = ${res[0]};`, ...Array.from({ length: K }, (_, k) => `o.g[${k}] = ${res[1 + k]};`)];
  return [
    'struct PjBasis { h: f32, g: array<f32, K> }',
    'struct PjFull { h: f32, g: array<f32, K>, dh: array<f32, P>, dg: array<f32, KP> }',
    fn('pj_basis', 'PjBasis', basisOut, gAssign),
    fn('pj_full', 'PjFull', [...basisOut, ...dh, ...dg], (res) => [
      ...gAssign(res),
      ...Array.from({ length: q }, (_, a) => `o.dh[${a}] = ${res[1 + K + a]};`),
      ...Array.from({ length: K * q }, (_, t) => `o.dg[${t}] = ${res[1 + K + q + t]};`),
    ]),
  ].join('\n');
}

/** The projected data pass and entry points (hand-written; composed after lm_thread.wgsl). */
const PROJECTED_WGSL = /* wgsl */ `
// Coefficients at the last evaluation (the robust inner solve's warm start) and its free set.
var<private> pj_c: array<f32, K>;
var<private> pj_have: bool;

fn pj_nonneg(k: u32) -> bool { return ((NONNEG_MASK >> k) & 1u) != 0u; }

// A NaN the compiler cannot fold (WGSL has no NaN constant): marks an evaluation that failed.
fn pj_nan() -> f32 { return bitcast<f32>(0x7fc00000u | (prm.loss & 0u)); }

struct PjNormal { M: array<f32, KK>, v: array<f32, K>, cost: f32 }

// The quadratic model of the inner cost at c (use_c false: plain weights and the residual t).
fn pj_pass_normal(th: ptr<function, array<f32, P>>, wrow: u32, use_c: bool, c: ptr<function, array<f32, K>>) -> PjNormal {
  var o: PjNormal;
  var carry = 0.0f;
  for (var i = 0u; i < prm.n_points; i++) {
    let w = weights[wrow + i];
    if (w == 0.0f) { continue; }
    let bs = pj_basis(th, i * STRIDE);
    let t = targets[wrow + i] - bs.h;
    var hc = 0.0f;
    var omG = w;
    var omH = w;
    if (use_c) {
      for (var k = 0u; k < K; k++) { hc += bs.g[k] * (*c)[k]; }
      let r = t - hc;
      let lw = point_loss(r, w);
      omG = lw.x;
      omH = pj_curv(r, w);
      let y = lw.y - carry;
      let s = o.cost + y;
      carry = (s - o.cost) - y;
      o.cost = s;
    }
    let rhs = omG * (t - hc) + omH * hc;
    for (var k = 0u; k < K; k++) {
      o.v[k] += bs.g[k] * rhs;
      for (var l = 0u; l <= k; l++) { o.M[k * K + l] += omH * bs.g[k] * bs.g[l]; }
    }
  }
  for (var k = 0u; k < K; k++) { for (var l = 0u; l < k; l++) { o.M[l * K + k] = o.M[k * K + l]; } }
  return o;
}

// z = S^-1 s on the free set (identity elsewhere, z = 0 there) by Cholesky, with a ridge of
// 1e-6 then 1e-4 of the unit scaled diagonal only when the subsystem is not positive definite.
fn pj_solve_free(S: ptr<function, array<f32, KK>>, s: ptr<function, array<f32, K>>, free: ptr<function, array<u32, K>>, z: ptr<function, array<f32, K>>) -> bool {
  for (var attempt = 0u; attempt < 3u; attempt++) {
    var ridge = 0.0f;
    if (attempt == 1u) { ridge = 1e-6f; }
    if (attempt == 2u) { ridge = 1e-4f; }
    var L: array<f32, KK>;
    var ok = true;
    for (var j = 0u; j < K && ok; j++) {
      for (var k = 0u; k <= j; k++) {
        var sum = 0.0f;
        if ((*free)[j] != 0u && (*free)[k] != 0u) { sum = (*S)[j * K + k]; }
        if (j == k) {
          if ((*free)[j] != 0u) { sum += ridge; } else { sum = 1.0f; }
        }
        for (var l = 0u; l < k; l++) { sum -= L[j * K + l] * L[k * K + l]; }
        if (j == k) {
          if (!(sum > 0.0f)) { ok = false; break; }
          L[j * K + j] = sqrt(sum);
        } else {
          L[j * K + k] = sum / L[k * K + k];
        }
      }
    }
    if (!ok) { continue; }
    var x: array<f32, K>;
    for (var j = 0u; j < K; j++) {
      var sum = 0.0f;
      if ((*free)[j] != 0u) { sum = (*s)[j]; }
      for (var l = 0u; l < j; l++) { sum -= L[j * K + l] * x[l]; }
      x[j] = sum / L[j * K + j];
    }
    var fin = true;
    for (var jj = 0u; jj < K; jj++) {
      let j = K - 1u - jj;
      var sum = x[j];
      for (var l = j + 1u; l < K; l++) { sum -= L[l * K + j] * x[l]; }
      x[j] = sum / L[j * K + j];
      fin = fin && lf_finite(x[j]);
    }
    if (!fin) { continue; }
    for (var j = 0u; j < K; j++) { (*z)[j] = select(0.0f, x[j], (*free)[j] != 0u); }
    return true;
  }
  return false;
}

// Jacobi scaling of a normal matrix: d = sqrt(diag M) (0 for an empty column), S = D^-1 M D^-1.
fn pj_scale(M: ptr<function, array<f32, KK>>, d: ptr<function, array<f32, K>>, S: ptr<function, array<f32, KK>>) -> bool {
  for (var k = 0u; k < K; k++) {
    let m = (*M)[k * K + k];
    if (!lf_finite(m)) { return false; }
    (*d)[k] = select(0.0f, sqrt(m), m > 0.0f);
  }
  for (var k = 0u; k < K; k++) {
    for (var l = 0u; l < K; l++) {
      let dd = (*d)[k] * (*d)[l];
      (*S)[k * K + l] = select(0.0f, (*M)[k * K + l] / dd, dd > 0.0f);
    }
  }
  return true;
}

// min 0.5 c'Mc - v'c subject to c_k >= 0 where the coefficient is positive: Lawson–Hanson on the
// Jacobi-scaled system, as src/fit/cpu/nnls.ts (thresholds at f32 resolution of the gradient).
fn pj_nnls(M: ptr<function, array<f32, KK>>, v: ptr<function, array<f32, K>>, c: ptr<function, array<f32, K>>, free: ptr<function, array<u32, K>>) -> bool {
  var d: array<f32, K>;
  var S: array<f32, KK>;
  if (!pj_scale(M, &d, &S)) { return false; }
  var s: array<f32, K>;
  var smax = 0.0f;
  for (var k = 0u; k < K; k++) {
    s[k] = select(0.0f, (*v)[k] / d[k], d[k] > 0.0f);
    smax = max(smax, abs(s[k]));
    (*free)[k] = select(0u, 1u, !pj_nonneg(k) && d[k] > 0.0f);
  }
  let tol = 1e-6f * smax;
  var x: array<f32, K>;
  var z: array<f32, K>;
  if (!pj_solve_free(&S, &s, free, &z)) { return false; }
  x = z;
  for (var outer = 0u; outer < 3u * K + 3u; outer++) {
    var best = K;
    var bestG = tol;
    for (var i = 0u; i < K; i++) {
      if ((*free)[i] != 0u || !pj_nonneg(i) || d[i] == 0.0f) { continue; }
      var gi = s[i];
      for (var j = 0u; j < K; j++) { gi -= S[i * K + j] * x[j]; }
      if (gi > bestG) { bestG = gi; best = i; }
    }
    if (best == K) { break; }
    (*free)[best] = 1u;
    for (var inner = 0u; inner < 3u * K + 3u; inner++) {
      if (!pj_solve_free(&S, &s, free, &z)) { return false; }
      var alpha = 1.0f;
      var blocked = false;
      for (var i = 0u; i < K; i++) {
        if ((*free)[i] == 0u || !pj_nonneg(i) || z[i] > 0.0f) { continue; }
        blocked = true;
        alpha = min(alpha, x[i] / (x[i] - z[i]));
      }
      if (!blocked) { x = z; break; }
      for (var i = 0u; i < K; i++) {
        x[i] += alpha * (z[i] - x[i]);
        if ((*free)[i] != 0u && pj_nonneg(i) && x[i] <= tol * 1e-3f) { (*free)[i] = 0u; x[i] = 0.0f; }
      }
    }
  }
  for (var k = 0u; k < K; k++) {
    var xk = x[k];
    if (pj_nonneg(k)) { xk = max(0.0f, xk); }
    (*c)[k] = select(0.0f, xk / d[k], d[k] > 0.0f);
  }
  return true;
}

struct PjCross { g2: array<f32, K>, GG: array<f32, KK>, GJ: array<f32, KP> }

// At (θ, c): the gradient in c, G'Ω r (for the refinement), and G'Ω_H G, G'Ω_H J (for Y).
fn pj_pass_cross(th: ptr<function, array<f32, P>>, wrow: u32, c: ptr<function, array<f32, K>>) -> PjCross {
  var o: PjCross;
  for (var i = 0u; i < prm.n_points; i++) {
    let w = weights[wrow + i];
    if (w == 0.0f) { continue; }
    let f = pj_full(th, i * STRIDE);
    var r = targets[wrow + i] - f.h;
    for (var k = 0u; k < K; k++) { r -= f.g[k] * (*c)[k]; }
    let om = point_loss(r, w).x;
    let omH = pj_curv(r, w);
    var J: array<f32, P>;
    for (var a = 0u; a < P; a++) {
      var s = f.dh[a];
      for (var k = 0u; k < K; k++) { s += (*c)[k] * f.dg[k * P + a]; }
      J[a] = s;
    }
    for (var k = 0u; k < K; k++) {
      o.g2[k] += om * f.g[k] * r;
      let og = omH * f.g[k];
      for (var l = 0u; l < K; l++) { o.GG[k * K + l] += og * f.g[l]; }
      for (var a = 0u; a < P; a++) { o.GJ[k * P + a] += og * J[a]; }
    }
  }
  return o;
}

// Kaufman's normal equations over θ at (θ, c) with the projected rows J~ = J - G Y.
fn pj_pass_final(th: ptr<function, array<f32, P>>, wrow: u32, c: ptr<function, array<f32, K>>, Y: ptr<function, array<f32, KP>>,
                 A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>) -> Pass {
  for (var t = 0u; t < NT; t++) { (*A)[t] = 0.0f; }
  for (var a = 0u; a < P; a++) { (*b)[a] = 0.0f; }
  var cost = 0.0f;
  var carry = 0.0f;
  var rr = 0.0f;
  for (var i = 0u; i < prm.n_points; i++) {
    let w = weights[wrow + i];
    if (w == 0.0f) { continue; }
    let f = pj_full(th, i * STRIDE);
    var r = targets[wrow + i] - f.h;
    for (var k = 0u; k < K; k++) { r -= f.g[k] * (*c)[k]; }
    let lw = point_loss(r, w);
    let omH = pj_curv(r, w);
    let y = lw.y - carry;
    let s = cost + y;
    carry = (s - cost) - y;
    cost = s;
    rr += lw.x * r * r;
    var Jt: array<f32, P>;
    for (var a = 0u; a < P; a++) {
      var v = f.dh[a];
      for (var k = 0u; k < K; k++) { v += (*c)[k] * f.dg[k * P + a] - f.g[k] * (*Y)[k * P + a]; }
      Jt[a] = v;
    }
    for (var a = 0u; a < P; a++) {
      (*b)[a] += lw.x * Jt[a] * r;
      for (var e = 0u; e <= a; e++) { (*A)[tri(a, e)] += omH * Jt[a] * Jt[e]; }
    }
  }
  return Pass(cost, rr);
}

fn pj_fail(A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>) -> Pass {
  for (var t = 0u; t < NT; t++) { (*A)[t] = 0.0f; }
  for (var a = 0u; a < P; a++) { (*b)[a] = 0.0f; }
  return Pass(pj_nan(), pj_nan());
}

// The projected evaluation at θ = *u: the contract of lm_thread.wgsl's accumulate.
fn accumulate(u: ptr<function, array<f32, P>>, wrow: u32, A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>) -> Pass {
  var c: array<f32, K>;
  var free: array<u32, K>;
  var unused: array<f32, K>;
  if (prm.loss == LOSS_LINEAR || !pj_have) {
    // The weighted least-squares coefficients (the robust solve's start when nothing is warm).
    var nq = pj_pass_normal(u, wrow, false, &unused);
    if (!pj_nnls(&nq.M, &nq.v, &c, &free)) { return pj_fail(A, b); }
  } else {
    c = pj_c;
  }
  if (prm.loss != LOSS_LINEAR) {
    // Each pass at a trial c gives its cost and, accepted, the next Newton model: one pass per
    // Newton step when the full step is taken.
    var nq = pj_pass_normal(u, wrow, true, &c);
    var cost = nq.cost;
    if (!lf_finite(cost)) { return pj_fail(A, b); }
    for (var k = 0u; k < K; k++) { free[k] = select(0u, 1u, !pj_nonneg(k) || c[k] > 0.0f); }
    for (var it = 0u; it < PJ_NEWTON_STEPS; it++) {
      var sol: array<f32, K>;
      var sfree: array<u32, K>;
      if (!pj_nnls(&nq.M, &nq.v, &sol, &sfree)) { break; }
      // Converged when the model q(x) = x'Mx/2 - v'x promises less than the cost's f32
      // resolution: warm-started evaluations mostly end here, without a line search of passes
      // that cannot find a lower cost in rounding noise.
      var pred = 0.0f;
      for (var k = 0u; k < K; k++) {
        var mk = 0.0f;
        for (var l = 0u; l < K; l++) { mk += nq.M[k * K + l] * (c[l] + sol[l]); }
        pred += (c[k] - sol[k]) * (0.5f * mk - nq.v[k]);
      }
      if (!(pred > 1e-7f * cost)) { break; }
      var step = 1.0f;
      var found = false;
      var trial: array<f32, K>;
      var tq: PjNormal;
      for (var ls = 0u; ls < 10u; ls++) {
        for (var k = 0u; k < K; k++) { trial[k] = c[k] + step * (sol[k] - c[k]); }
        tq = pj_pass_normal(u, wrow, true, &trial);
        if (tq.cost < cost) { found = true; break; }
        step *= 0.5f;
      }
      if (!found) { break; }
      let rel = cost - tq.cost;
      c = trial;
      nq = tq;
      if (step == 1.0f) { free = sfree; } else {
        for (var k = 0u; k < K; k++) { free[k] = select(0u, 1u, !pj_nonneg(k) || c[k] > 0.0f); }
      }
      cost = tq.cost;
      if (rel <= 1e-6f * cost) { break; }
    }
  }
  var cr = pj_pass_cross(u, wrow, &c);
  var d: array<f32, K>;
  var S: array<f32, KK>;
  if (!pj_scale(&cr.GG, &d, &S)) { return pj_fail(A, b); }
  for (var k = 0u; k < K; k++) { if (d[k] == 0.0f) { free[k] = 0u; } }
  var rhs: array<f32, K>;
  var z: array<f32, K>;
  if (prm.loss == LOSS_LINEAR) {
    // One step of iterative refinement on the free coefficients: M δ = G'W(t - Gc).
    for (var k = 0u; k < K; k++) { rhs[k] = select(0.0f, cr.g2[k] / d[k], d[k] > 0.0f); }
    if (!pj_solve_free(&S, &rhs, &free, &z)) { return pj_fail(A, b); }
    for (var k = 0u; k < K; k++) {
      if (free[k] == 0u) { continue; }
      c[k] += z[k] / d[k];
      if (pj_nonneg(k)) { c[k] = max(c[k], 0.0f); }
    }
  }
  // Y = (G'Ω_H G)^-1 G'Ω_H J over the free coefficients (rows of held ones stay 0).
  var Y: array<f32, KP>;
  for (var a = 0u; a < P; a++) {
    for (var k = 0u; k < K; k++) { rhs[k] = select(0.0f, cr.GJ[k * P + a] / d[k], d[k] > 0.0f); }
    if (!pj_solve_free(&S, &rhs, &free, &z)) { return pj_fail(A, b); }
    for (var k = 0u; k < K; k++) { Y[k * P + a] = select(0.0f, z[k] / d[k], free[k] != 0u); }
  }
  let ev = pj_pass_final(u, wrow, &c, &Y, A, b);
  if (lf_finite(ev.cost)) {
    pj_c = c;
    pj_have = true;
  }
  return ev;
}

@compute @workgroup_size(WG)
fn pj_init(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= prm.n_problems) { return; }
  var u: array<f32, P>;
  var ok = true;
  for (var j = 0u; j < P; j++) {
    u[j] = state[p * STATE_F + OFF_U + j];
    ok = ok && lf_finite(u[j]);
  }
  var A: array<f32, NT>;
  var b: array<f32, P>;
  var ev = Pass(0.0f, 0.0f);
  pj_have = false;
  if (ok) { ev = accumulate(&u, weight_row(p), &A, &b); }
  for (var k = 0u; k < K; k++) { state[p * STATE_F + OFF_C + k] = pj_c[k]; }
  init_problem(p * STATE_F, p * FLAGS_U, ok, &u, &A, &b, ev);
}

@compute @workgroup_size(WG)
fn pj_iterate(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= prm.n_problems) { return; }
  let f = p * FLAGS_U;
  if (flags[f] != ST_RUNNING) { return; }
  let s = p * STATE_F;
  var u: array<f32, P>;
  var A: array<f32, NT>;
  var b: array<f32, P>;
  var diag: array<f32, P>;
  var c: Ctl;
  load_problem(s, f, &u, &A, &b, &diag, &c);
  // The coefficients of the accepted point: the warm start, and what the host reads back.
  var cacc: array<f32, K>;
  for (var k = 0u; k < K; k++) { cacc[k] = state[s + OFF_C + k]; }
  pj_c = cacc;
  pj_have = true;
  let wrow = weight_row(p);
  var L: array<f32, NT>;
  var h: array<f32, P>;
  var ut: array<f32, P>;
  var At: array<f32, NT>;
  var bt: array<f32, P>;
  for (var k_step = 0u; k_step < prm.iterations; k_step++) {
    if (!lm_propose(&u, &A, &b, &diag, &L, &h, &ut, &c)) { break; }
    let trial = accumulate(&ut, wrow, &At, &bt);
    lm_conclude(&u, &A, &b, &diag, &ut, &At, &bt, trial, &c);
    // Accepted exactly when lm_conclude moved u to ut.
    var accepted = lf_finite(trial.cost);
    for (var j = 0u; j < P; j++) { accepted = accepted && u[j] == ut[j]; }
    if (accepted) { cacc = pj_c; } else { pj_c = cacc; }
    if (c.status != ST_RUNNING) { break; }
  }
  store_problem(s, f, &u, &A, &b, &diag, &c);
  for (var k = 0u; k < K; k++) { state[s + OFF_C + k] = cacc[k]; }
}
`;

/** Newton steps of the robust inner solve per evaluation (each with its line search). */
export const PJ_NEWTON_STEPS = 30;

export function composeProjectedModule(law: CompiledLaw, sources: Pick<ShaderSources, 'lmThread'>, workgroupSize: number): { code: string; layout: ProjectedLayout } {
  const info = law.linear;
  const q = info.nonlinear.length;
  const K = info.projectable.length;
  if (q === 0 || K === 0 || K > MAX_GPU_COEFFICIENTS) throw new Error(`internal: law '${law.name}' has ${q} nonlinear and ${K} linear parameters; the projected kernel needs 1+ and 1..${MAX_GPU_COEFFICIENTS}`);
  const layout = projectedLayout(q, K, law.js.nFeatures);
  let mask = 0;
  info.nonNegative.forEach((nn, k) => (mask |= nn ? 1 << k : 0));
  const code = [
    `// lawfit: projected LM (variable projection) for law '${law.name}': ${q} nonlinear, ${K} linear parameters, workgroup size ${workgroupSize}`,
    layoutWgsl(layout.wgsl, workgroupSize),
    `const K: u32 = ${K}u;`,
    `const KK: u32 = ${K * K}u;`,
    `const KP: u32 = ${K * q}u;`,
    `const OFF_C: u32 = ${layout.offC}u;`,
    `const NONNEG_MASK: u32 = ${mask}u;`,
    `const LOSS_LINEAR: u32 = ${LOSSES.find((l) => l.kind === 'linear')!.code}u;`,
    `const PJ_NEWTON_STEPS: u32 = ${PJ_NEWTON_STEPS}u;`,
    paramsWgsl(),
    bindingsWgsl(),
    WGSL_LAW_PRELUDE,
    lossesWgsl(),
    curvatureWgsl(),
    pointFunctionsWgsl(law),
    sources.lmThread,
    PROJECTED_WGSL,
  ].join('\n');
  return { code, layout };
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<LmPipelines>>>();

/** The projected kernel's pipelines, cached per device by the composed code (as kernels.ts caches the full LM's). */
export function projectedPipelines(device: GPUDevice, law: CompiledLaw, sources: Pick<ShaderSources, 'lmThread'>, workgroupSize: number): Promise<LmPipelines> {
  const { code, layout } = composeProjectedModule(law, sources, workgroupSize);
  let perDevice = cache.get(device);
  if (perDevice === undefined) {
    perDevice = new Map();
    cache.set(device, perDevice);
  }
  const key = `${workgroupSize}|${code}`;
  let p = perDevice.get(key);
  if (p === undefined) {
    if (typeof process !== 'undefined' && process.env?.LAWFIT_DUMP_WGSL === '1') console.error(`---- composed WGSL (projected, law '${law.name}') ----\n${code}\n---- end ----`);
    p = build(device, code, layout.host, workgroupSize, law.name);
    perDevice.set(key, p);
    p.catch(() => perDevice!.delete(key));
  }
  return p;
}

async function build(device: GPUDevice, code: string, layout: StateLayout, workgroupSize: number, lawName: string): Promise<LmPipelines> {
  const module = device.createShaderModule({ code, label: `lawfit projected ${lawName}` });
  const info = await module.getCompilationInfo();
  const first = info.messages.find((m) => m.type === 'error');
  if (first !== undefined) {
    const at = code.split('\n')[first.lineNum - 1] ?? '';
    throw new LawfitError('law-declaration', `projected WGSL for law '${lawName}' did not compile: line ${first.lineNum}:${first.linePos}: ${first.message}\n  ${at}\n(set LAWFIT_DUMP_WGSL=1 to print the composed module)`, false);
  }
  const bindGroupLayout = device.createBindGroupLayout({ entries: bindGroupLayoutEntries(), label: 'lawfit projected' });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout] });
  // Synchronous creation, as kernels.ts (Dawn's Node bindings abort on concurrent async creation).
  const init = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: 'pj_init' } });
  const iterate = device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint: 'pj_iterate' } });
  return { variant: 'thread', layout, init, iterate, bindGroupLayout, workgroupSize, code };
}
