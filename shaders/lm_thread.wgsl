// Batched Levenberg–Marquardt, one thread per problem (f32).
//
// The f32 twin of src/fit/cpu/lm.ts, Moré's trust-region Levenberg–Marquardt (read its header for
// the derivation and the measurements behind it): the same normal equations, lmpar, radius
// update, termination tests and status codes, kept in the same order so the two can be read side
// by side. f32 differences: machine epsilon and the smallest positive value are f32's, and the
// tolerances are floored above f32 resolution by the host. Every reported fit is finished by the
// float64 engine (src/fit/polish.ts). Every
// problem of a batch shares the data rows (features + target) and reads them at the same address
// as its neighbours; a problem's weight vector (a bootstrap replicate) selects and counts rows.
//
// Composed at run time (src/gpu/kernels.ts) after:
//   the layout constants P, NT, NF, STRIDE, STATE_F, FLAGS_U, OFF_*, FLAG_*, WG and ST_* status
//   codes (src/gpu/layout.ts), `struct Params`, the law prelude and the law's generated
//   law_value / law_value_grad (src/law/emit-wgsl.ts).

@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> features: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> flags: array<u32>;
@group(0) @binding(5) var<storage, read_write> running_count: atomic<u32>;

const ACCEPT: f32 = 1e-4f;
const EPS32: f32 = 1.1920929e-7f;
const TINY: f32 = 1e-37f;

// IRLS weight c = w rho'(z) and the point's cost w/2 delta^2 rho(z) (src/fit/losses.ts).
fn point_loss(r: f32, w: f32) -> vec2<f32> {
  let d = prm.delta;
  switch prm.loss {
    case 0u: { return vec2<f32>(w, 0.5f * w * r * r); }
    case 1u: {
      let a = abs(r);
      if (a <= d) { return vec2<f32>(w, 0.5f * w * r * r); }
      return vec2<f32>(w * d / a, w * d * (a - 0.5f * d));
    }
    case 2u: {
      let z = r * r / (d * d);
      let s = sqrt(1.0f + z);
      return vec2<f32>(w / s, w * d * d * (s - 1.0f));
    }
    case 3u: {
      let z = r * r / (d * d);
      return vec2<f32>(w / (1.0f + z), 0.5f * w * d * d * lf_log1p(z));
    }
    default: {
      let z = r * r / (d * d);
      return vec2<f32>(w / (1.0f + z * z), 0.5f * w * d * d * atan(z));
    }
  }
}

struct Pass {
  cost: f32,
  rr: f32,
}

// accumulate(u, wrow, &A, &b) -> Pass: one pass over the data at u giving the cost (Kahan-summed,
// so best-of-starts comparisons are not rounding noise), |r~|^2 and the normal equations A (packed
// lower triangle) and b. It is GENERATED per law (src/gpu/kernels.ts, accumulateWgsl): the law's
// straight-line code inside the loop over points, parameter-only terms hoisted out of it, and
// J'J, J'r in scalar accumulators with constant indices. A loop over the packed triangle with
// dynamic indices kept them in scratch memory, which defeats lavapipe's SIMD: the unrolled form is
// the difference measured by bench/gpu-lm.ts.

fn pass_finite(p: Pass, A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>) -> bool {
  var ok = lf_finite(p.cost) && lf_finite(p.rr);
  for (var k = 0u; k < NT; k++) { ok = ok && lf_finite((*A)[k]); }
  for (var j = 0u; j < P; j++) { ok = ok && lf_finite((*b)[j]); }
  return ok;
}

fn tri(j: u32, k: u32) -> u32 { return j * (j + 1u) / 2u + k; }

fn weight_row(problem: u32) -> u32 {
  let wset = min((prm.problem_offset + problem) / prm.n_starts, prm.n_weight_sets - 1u);
  return wset * prm.n_points;
}

// x = (A + par diag^2)^-1 b by Cholesky into L (packed); false when not positive definite.
fn damped_solve(A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>, par: f32, diag: ptr<function, array<f32, P>>,
                L: ptr<function, array<f32, NT>>, x: ptr<function, array<f32, P>>) -> bool {
  for (var j = 0u; j < P; j++) {
    for (var k = 0u; k <= j; k++) {
      var sum = (*A)[tri(j, k)];
      if (j == k) { sum += par * (*diag)[j] * (*diag)[j]; }
      for (var l = 0u; l < k; l++) { sum -= (*L)[tri(j, l)] * (*L)[tri(k, l)]; }
      if (j == k) {
        if (!(sum > 0.0f)) { return false; }
        (*L)[tri(j, j)] = sqrt(sum);
      } else {
        (*L)[tri(j, k)] = sum / (*L)[tri(k, k)];
      }
    }
  }
  for (var j = 0u; j < P; j++) {
    var sum = (*b)[j];
    for (var l = 0u; l < j; l++) { sum -= (*L)[tri(j, l)] * (*x)[l]; }
    (*x)[j] = sum / (*L)[tri(j, j)];
  }
  for (var jj = 0u; jj < P; jj++) {
    let j = P - 1u - jj;
    var sum = (*x)[j];
    for (var l = j + 1u; l < P; l++) { sum -= (*L)[tri(l, j)] * (*x)[l]; }
    (*x)[j] = sum / (*L)[tri(j, j)];
  }
  return true;
}

fn dx_norm(diag: ptr<function, array<f32, P>>, x: ptr<function, array<f32, P>>) -> f32 {
  var s = 0.0f;
  for (var j = 0u; j < P; j++) { let t = (*diag)[j] * (*x)[j]; s += t * t; }
  return sqrt(s);
}

// |L^-1 D^2 x / |Dx||^2, with L the factor of the last damped_solve.
fn phi_slope(diag: ptr<function, array<f32, P>>, L: ptr<function, array<f32, NT>>, x: ptr<function, array<f32, P>>, dn: f32) -> f32 {
  var w: array<f32, P>;
  var s = 0.0f;
  for (var i = 0u; i < P; i++) {
    var v = (*diag)[i] * (*diag)[i] * (*x)[i] / dn;
    for (var k = 0u; k < i; k++) { v -= (*L)[tri(i, k)] * w[k]; }
    w[i] = v / (*L)[tri(i, i)];
    s += w[i] * w[i];
  }
  return s;
}

// Moré's lmpar (src/fit/cpu/lm.ts): the par >= 0 whose step has | |D x| - delta | <= 0.1 delta,
// or 0 when the Gauss–Newton step fits; -1 when no damping gives a positive definite system.
fn lmpar(A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>, diag: ptr<function, array<f32, P>>, delta: f32, par0: f32,
         L: ptr<function, array<f32, NT>>, x: ptr<function, array<f32, P>>) -> f32 {
  var parl = 0.0f;
  var fp = 0.0f;
  var have_fp = false;
  if (damped_solve(A, b, 0.0f, diag, L, x)) {
    let dn = dx_norm(diag, x);
    fp = dn - delta;
    have_fp = true;
    if (fp <= 0.1f * delta) { return 0.0f; }
    parl = fp / (delta * phi_slope(diag, L, x, dn));
    if (!lf_finite(parl)) { parl = 0.0f; }
  }
  var gnorm = 0.0f;
  for (var j = 0u; j < P; j++) { let t = (*b)[j] / (*diag)[j]; gnorm += t * t; }
  gnorm = sqrt(gnorm);
  var paru = gnorm / delta;
  if (paru == 0.0f) { paru = TINY / min(delta, 0.1f); }
  var par = min(max(par0, parl), paru);
  if (par == 0.0f) { par = paru * 1e-3f; }
  for (var iter = 1u; iter <= 60u; iter++) {
    if (par == 0.0f) { par = max(TINY, 0.001f * paru); }
    if (!damped_solve(A, b, par, diag, L, x)) {
      parl = par;
      par = max(par * 10.0f, 0.001f * paru);
      continue;
    }
    let dn = dx_norm(diag, x);
    let prev = fp;
    let prev_valid = have_fp;
    fp = dn - delta;
    have_fp = true;
    if (abs(fp) <= 0.1f * delta || (parl == 0.0f && prev_valid && fp <= prev && prev < 0.0f) || iter >= 10u) { return par; }
    let parc = fp / (delta * phi_slope(diag, L, x, dn));
    if (fp > 0.0f) { parl = max(parl, par); }
    if (fp < 0.0f) { paru = min(paru, par); }
    par = max(parl, par + parc);
  }
  return -1.0f;
}

// Initialise: evaluate at the start; NONFINITE_START if the start or the law is not finite there.
@compute @workgroup_size(WG)
fn lm_init(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= prm.n_problems) { return; }
  let s = p * STATE_F;
  let f = p * FLAGS_U;
  var u: array<f32, P>;
  var ok = true;
  for (var j = 0u; j < P; j++) {
    u[j] = state[s + OFF_U + j];
    ok = ok && lf_finite(u[j]);
  }
  var A: array<f32, NT>;
  var b: array<f32, P>;
  var ev = Pass(0.0f, 0.0f);
  if (ok) {
    ev = accumulate(&u, weight_row(p), &A, &b);
    ok = pass_finite(ev, &A, &b);
  }
  flags[f + 1u] = 0u;
  flags[f + 2u] = 0u;
  flags[f + 3u] = FLAG_GTOL_DUE | FLAG_FIRST;
  if (!ok) {
    flags[f] = ST_NONFINITE_START;
    state[s + OFF_COST] = 0.0f; // the host reports NaN for this status (WGSL has no NaN constant)
    return;
  }
  var xnorm2 = 0.0f;
  for (var j = 0u; j < P; j++) {
    var dj = 1.0f;
    let c = sqrt(A[tri(j, j)]);
    if (prm.damping == 1u && c > 0.0f) { dj = c; }
    state[s + OFF_D + j] = dj;
    state[s + OFF_B + j] = b[j];
    xnorm2 += (dj * u[j]) * (dj * u[j]);
  }
  for (var k = 0u; k < NT; k++) { state[s + OFF_A + k] = A[k]; }
  var delta = prm.step_bound * sqrt(xnorm2);
  if (delta == 0.0f) { delta = prm.step_bound; }
  state[s + OFF_COST] = ev.cost;
  state[s + OFF_RR] = ev.rr;
  state[s + OFF_DELTA] = delta;
  state[s + OFF_PAR] = 0.0f;
  flags[f] = ST_RUNNING;
  atomicAdd(&running_count, 1u);
}

// Up to prm.iterations trial steps of every running problem; counts the ones still running.
@compute @workgroup_size(WG)
fn lm_iterate(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= prm.n_problems) { return; }
  let f = p * FLAGS_U;
  var status = flags[f];
  if (status != ST_RUNNING) { return; }
  let s = p * STATE_F;
  var iterations = flags[f + 1u];
  var bits = flags[f + 3u];
  var u: array<f32, P>;
  var A: array<f32, NT>;
  var b: array<f32, P>;
  var diag: array<f32, P>;
  var xnorm2 = 0.0f;
  for (var j = 0u; j < P; j++) {
    u[j] = state[s + OFF_U + j];
    b[j] = state[s + OFF_B + j];
    diag[j] = state[s + OFF_D + j];
    xnorm2 += (diag[j] * u[j]) * (diag[j] * u[j]);
  }
  for (var k = 0u; k < NT; k++) { A[k] = state[s + OFF_A + k]; }
  var xnorm = sqrt(xnorm2);
  var cost = state[s + OFF_COST];
  var rr = state[s + OFF_RR];
  var delta = state[s + OFF_DELTA];
  var par = state[s + OFF_PAR];
  let wrow = weight_row(p);

  var L: array<f32, NT>;
  var h: array<f32, P>;
  var ut: array<f32, P>;
  var At: array<f32, NT>;
  var bt: array<f32, P>;

  for (var k_step = 0u; k_step < prm.iterations; k_step++) {
    // Gradient test at the current point (after the start and after every accepted step).
    if ((bits & FLAG_GTOL_DUE) != 0u) {
      bits = bits & ~FLAG_GTOL_DUE;
      if (cost == 0.0f || rr == 0.0f) { status = ST_CONVERGED_GTOL; break; }
      var gnorm = 0.0f;
      for (var j = 0u; j < P; j++) {
        let ajj = A[tri(j, j)];
        if (ajj > 0.0f) { gnorm = max(gnorm, abs(b[j]) / sqrt(ajj * rr)); }
      }
      if (gnorm <= prm.gtol) { status = ST_CONVERGED_GTOL; break; }
      if (prm.damping == 1u && (bits & FLAG_FIRST) == 0u) {
        for (var j = 0u; j < P; j++) { diag[j] = max(diag[j], sqrt(A[tri(j, j)])); }
      }
    }
    if (iterations >= prm.max_iterations) { status = ST_MAX_ITERATIONS; break; }
    par = lmpar(&A, &b, &diag, delta, par, &L, &h);
    if (par < 0.0f) {
      if ((bits & FLAG_LAST_REJECT_NONFINITE) != 0u) { status = ST_NONFINITE; } else { status = ST_STALLED; }
      break;
    }
    var pnorm2 = 0.0f;
    var jp2 = 0.0f;
    for (var j = 0u; j < P; j++) {
      ut[j] = u[j] + h[j];
      pnorm2 += (diag[j] * h[j]) * (diag[j] * h[j]);
      var t = 0.0f;
      for (var k = 0u; k < P; k++) { t += A[tri(max(j, k), min(j, k))] * h[k]; }
      jp2 += h[j] * t;
    }
    let pnorm = sqrt(pnorm2);
    if ((bits & FLAG_FIRST) != 0u) { delta = min(delta, pnorm); }
    iterations++;
    let trial = accumulate(&ut, wrow, &At, &bt);
    let finite = pass_finite(trial, &At, &bt);
    // MINPACK's reductions, relative to the cost.
    var actred = -1.0f;
    if (finite && trial.cost < 100.0f * cost) { actred = 1.0f - trial.cost / cost; }
    let t1 = 0.5f * jp2 / cost;
    let t2 = 0.5f * par * pnorm * pnorm / cost;
    let prered = t1 + 2.0f * t2;
    let dirder = -(t1 + t2);
    var ratio = 0.0f;
    if (prered != 0.0f) { ratio = actred / prered; }
    if (ratio <= 0.25f) {
      var temp = 0.5f;
      if (actred < 0.0f) { temp = 0.5f * dirder / (dirder + 0.5f * actred); }
      if (!(finite && trial.cost < 100.0f * cost) || !(temp >= 0.1f)) { temp = 0.1f; }
      delta = temp * min(delta, pnorm / 0.1f);
      par = par / temp;
    } else if (par == 0.0f || ratio >= 0.75f) {
      delta = pnorm / 0.5f;
      par = par * 0.5f;
    }
    let accepted = finite && ratio >= ACCEPT;
    if (accepted) {
      xnorm2 = 0.0f;
      for (var j = 0u; j < P; j++) {
        u[j] = ut[j];
        b[j] = bt[j];
        xnorm2 += (diag[j] * u[j]) * (diag[j] * u[j]);
      }
      for (var k = 0u; k < NT; k++) { A[k] = At[k]; }
      xnorm = sqrt(xnorm2);
      cost = trial.cost;
      rr = trial.rr;
      bits = (bits & ~FLAG_LAST_REJECT_NONFINITE) | FLAG_GTOL_DUE;
    } else if (finite) {
      bits = bits & ~FLAG_LAST_REJECT_NONFINITE;
    } else {
      bits = bits | FLAG_LAST_REJECT_NONFINITE;
    }
    bits = bits & ~FLAG_FIRST;
    if (finite && abs(actred) <= prm.ftol && prered <= prm.ftol && 0.5f * ratio <= 1.0f) {
      status = ST_CONVERGED_FTOL;
      break;
    }
    if (delta <= prm.xtol * xnorm) {
      status = ST_CONVERGED_XTOL;
      break;
    }
    if (delta <= EPS32 * xnorm || !(delta > 0.0f)) {
      if ((bits & FLAG_LAST_REJECT_NONFINITE) != 0u) { status = ST_NONFINITE; } else { status = ST_STALLED; }
      break;
    }
  }

  for (var j = 0u; j < P; j++) {
    state[s + OFF_U + j] = u[j];
    state[s + OFF_B + j] = b[j];
    state[s + OFF_D + j] = diag[j];
  }
  for (var k = 0u; k < NT; k++) { state[s + OFF_A + k] = A[k]; }
  state[s + OFF_COST] = cost;
  state[s + OFF_RR] = rr;
  state[s + OFF_DELTA] = delta;
  state[s + OFF_PAR] = par;
  flags[f] = status;
  flags[f + 1u] = iterations;
  flags[f + 3u] = bits;
  if (status == ST_RUNNING) { atomicAdd(&running_count, 1u); }
}
