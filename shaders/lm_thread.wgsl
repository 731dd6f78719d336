// Batched Levenberg–Marquardt, one thread per problem (f32).
//
// The f32 twin of src/fit/cpu/lm.ts (read its header for the derivation and the tests): the same
// normal equations, gain ratio, termination tests and status codes. One difference remains until
// Moré's lmpar is ported here: this kernel damps with Nielsen's update (mu scaled by the gain
// ratio, tau = 1e-3) where the float64 engine now uses a trust region. Every reported fit is
// finished by the float64 engine (src/fit/polish.ts), so results agree; start-reaching shares
// may differ. Every
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
const MU_CEILING: f32 = 1e37f;
const MAX_REJECTIONS: u32 = 60u;

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
  flags[f + 3u] = FLAG_GTOL_DUE;
  if (!ok) {
    flags[f] = ST_NONFINITE_START;
    state[s + OFF_COST] = 0.0f; // the host reports NaN for this status (WGSL has no NaN constant)
    return;
  }
  var maxd = 0.0f;
  for (var j = 0u; j < P; j++) {
    let a = A[tri(j, j)];
    maxd = max(maxd, a);
    var dj = 1.0f;
    if (prm.damping == 1u && a > 0.0f) { dj = a; }
    state[s + OFF_D + j] = dj;
    state[s + OFF_B + j] = b[j];
  }
  for (var k = 0u; k < NT; k++) { state[s + OFF_A + k] = A[k]; }
  if (maxd <= 0.0f) { maxd = 1.0f; }
  state[s + OFF_COST] = ev.cost;
  state[s + OFF_RR] = ev.rr;
  state[s + OFF_MU] = prm.tau * maxd;
  state[s + OFF_NU] = 2.0f;
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
  var rejections = flags[f + 2u];
  var bits = flags[f + 3u];
  var u: array<f32, P>;
  var A: array<f32, NT>;
  var b: array<f32, P>;
  var D: array<f32, P>;
  for (var j = 0u; j < P; j++) {
    u[j] = state[s + OFF_U + j];
    b[j] = state[s + OFF_B + j];
    D[j] = state[s + OFF_D + j];
  }
  for (var k = 0u; k < NT; k++) { A[k] = state[s + OFF_A + k]; }
  var cost = state[s + OFF_COST];
  var rr = state[s + OFF_RR];
  var mu = state[s + OFF_MU];
  var nu = state[s + OFF_NU];
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
    }
    if (iterations >= prm.max_iterations) { status = ST_MAX_ITERATIONS; break; }
    if (!(mu < MU_CEILING) || rejections >= MAX_REJECTIONS) {
      if ((bits & FLAG_LAST_REJECT_NONFINITE) != 0u) { status = ST_NONFINITE; } else { status = ST_STALLED; }
      break;
    }

    // Cholesky of A + mu D, packed lower triangle; a failed pivot means damp harder.
    var spd = true;
    for (var j = 0u; j < P; j++) {
      for (var k = 0u; k <= j; k++) {
        var sum = A[tri(j, k)];
        if (j == k) { sum += mu * D[j]; }
        for (var l = 0u; l < k; l++) { sum -= L[tri(j, l)] * L[tri(k, l)]; }
        if (j == k) {
          if (!(sum > 0.0f)) { spd = false; }
          L[tri(j, j)] = sqrt(max(sum, 1e-30f));
        } else {
          L[tri(j, k)] = sum / L[tri(k, k)];
        }
      }
    }
    if (!spd) {
      mu *= nu;
      nu *= 2.0f;
      rejections++;
      continue;
    }
    for (var j = 0u; j < P; j++) {
      var sum = b[j];
      for (var l = 0u; l < j; l++) { sum -= L[tri(j, l)] * h[l]; }
      h[j] = sum / L[tri(j, j)];
    }
    for (var jj = 0u; jj < P; jj++) {
      let j = P - 1u - jj;
      var sum = h[j];
      for (var l = j + 1u; l < P; l++) { sum -= L[tri(l, j)] * h[l]; }
      h[j] = sum / L[tri(j, j)];
    }

    var hnorm2 = 0.0f;
    var unorm2 = 0.0f;
    var predicted = 0.0f;
    for (var j = 0u; j < P; j++) {
      ut[j] = u[j] + h[j];
      hnorm2 += h[j] * h[j];
      unorm2 += u[j] * u[j];
      predicted += h[j] * (mu * D[j] * h[j] + b[j]);
    }
    predicted *= 0.5f;
    iterations++;
    let trial = accumulate(&ut, wrow, &At, &bt);
    let finite = pass_finite(trial, &At, &bt);
    var actual = -1.0f;
    if (finite) { actual = cost - trial.cost; }
    var ratio = -1.0f;
    if (predicted > 0.0f) { ratio = actual / predicted; } else if (finite && actual > 0.0f) { ratio = 1.0f; }
    let cost_before = cost;
    let accepted = finite && ratio > ACCEPT;

    if (accepted) {
      for (var j = 0u; j < P; j++) { u[j] = ut[j]; b[j] = bt[j]; }
      for (var k = 0u; k < NT; k++) { A[k] = At[k]; }
      cost = trial.cost;
      rr = trial.rr;
      let q = 2.0f * ratio - 1.0f;
      mu *= max(1.0f / 3.0f, 1.0f - q * q * q);
      nu = 2.0f;
      rejections = 0u;
      bits = (bits & ~FLAG_LAST_REJECT_NONFINITE) | FLAG_GTOL_DUE;
      if (prm.damping == 1u) {
        for (var j = 0u; j < P; j++) { D[j] = max(D[j], A[tri(j, j)]); }
      }
    } else {
      mu *= nu;
      nu *= 2.0f;
      rejections++;
      if (finite) { bits = bits & ~FLAG_LAST_REJECT_NONFINITE; } else { bits = bits | FLAG_LAST_REJECT_NONFINITE; }
    }

    if (finite && abs(actual) <= prm.ftol * cost_before && predicted <= prm.ftol * cost_before && ratio <= 2.0f) {
      status = ST_CONVERGED_FTOL;
      break;
    }
    if (sqrt(hnorm2) <= prm.xtol * (sqrt(unorm2) + prm.xtol)) {
      status = ST_CONVERGED_XTOL;
      break;
    }
  }

  for (var j = 0u; j < P; j++) {
    state[s + OFF_U + j] = u[j];
    state[s + OFF_B + j] = b[j];
    state[s + OFF_D + j] = D[j];
  }
  for (var k = 0u; k < NT; k++) { state[s + OFF_A + k] = A[k]; }
  state[s + OFF_COST] = cost;
  state[s + OFF_RR] = rr;
  state[s + OFF_MU] = mu;
  state[s + OFF_NU] = nu;
  flags[f] = status;
  flags[f + 1u] = iterations;
  flags[f + 2u] = rejections;
  flags[f + 3u] = bits;
  if (status == ST_RUNNING) { atomicAdd(&running_count, 1u); }
}
