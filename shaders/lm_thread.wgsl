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
//   codes (src/gpu/layout.ts), `struct Params`, the bindings (src/gpu/bindings.ts), the law
//   prelude, point_loss and loss_known (src/gpu/losses-wgsl.ts) and the law's generated
//   law_value / law_value_grad (src/law/emit-wgsl.ts).

// The bindings (prm, features, weights, state, flags, running_count, targets) are generated from
// the table in src/gpu/bindings.ts, and point_loss / loss_known from the loss table
// (src/gpu/losses-wgsl.ts); both are composed in before this file. `targets` holds one row of
// n_points per weight vector in residual space, indexed as the weights are (weight_row): a
// fixed-design bootstrap replicate brings its own target vector.

const ACCEPT: f32 = 1e-4f;
const EPS32: f32 = 1.1920929e-7f;
const TINY: f32 = 1e-37f;

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

// ---- the iteration, shared by both layouts (lm_group.wgsl calls these too) ----------------------

// The scalar state of one LM fit; the arrays (u, A, b, diag) are separate variables because
// WGSL pointer parameters must point to whole variables.
struct Ctl {
  cost: f32,
  rr: f32,
  delta: f32,
  par: f32,
  xnorm: f32,
  pnorm: f32,
  jp2: f32,
  status: u32,
  iterations: u32,
  bits: u32,
}

// After the evaluation at the start: the initial state of problem p (flags f, state s).
fn init_problem(s: u32, f: u32, ok_start: bool, u: ptr<function, array<f32, P>>, A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>, ev: Pass) {
  flags[f + 1u] = 0u;
  flags[f + 2u] = 0u;
  flags[f + 3u] = FLAG_GTOL_DUE | FLAG_FIRST;
  // A loss code the loss table does not have: no problem runs, none as another loss.
  if (!loss_known(prm.loss)) {
    flags[f] = ST_UNKNOWN_LOSS;
    state[s + OFF_COST] = 0.0f; // the host reports NaN for this status
    return;
  }
  if (!(ok_start && pass_finite(ev, A, b))) {
    flags[f] = ST_NONFINITE_START;
    state[s + OFF_COST] = 0.0f; // the host reports NaN for this status (WGSL has no NaN constant)
    return;
  }
  var xnorm2 = 0.0f;
  for (var j = 0u; j < P; j++) {
    var dj = 1.0f;
    let c = sqrt((*A)[tri(j, j)]);
    if (prm.damping == 1u && c > 0.0f) { dj = c; }
    state[s + OFF_D + j] = dj;
    state[s + OFF_B + j] = (*b)[j];
    xnorm2 += (dj * (*u)[j]) * (dj * (*u)[j]);
  }
  for (var k = 0u; k < NT; k++) { state[s + OFF_A + k] = (*A)[k]; }
  var delta = prm.step_bound * sqrt(xnorm2);
  if (delta == 0.0f) { delta = prm.step_bound; }
  state[s + OFF_COST] = ev.cost;
  state[s + OFF_RR] = ev.rr;
  state[s + OFF_DELTA] = delta;
  state[s + OFF_PAR] = 0.0f;
  flags[f] = ST_RUNNING;
  atomicAdd(&running_count, 1u);
}

fn load_problem(s: u32, f: u32, u: ptr<function, array<f32, P>>, A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>,
                diag: ptr<function, array<f32, P>>, c: ptr<function, Ctl>) {
  (*c).status = flags[f];
  (*c).iterations = flags[f + 1u];
  (*c).bits = flags[f + 3u];
  var xnorm2 = 0.0f;
  for (var j = 0u; j < P; j++) {
    (*u)[j] = state[s + OFF_U + j];
    (*b)[j] = state[s + OFF_B + j];
    (*diag)[j] = state[s + OFF_D + j];
    xnorm2 += ((*diag)[j] * (*u)[j]) * ((*diag)[j] * (*u)[j]);
  }
  for (var k = 0u; k < NT; k++) { (*A)[k] = state[s + OFF_A + k]; }
  (*c).xnorm = sqrt(xnorm2);
  (*c).cost = state[s + OFF_COST];
  (*c).rr = state[s + OFF_RR];
  (*c).delta = state[s + OFF_DELTA];
  (*c).par = state[s + OFF_PAR];
}

fn store_problem(s: u32, f: u32, u: ptr<function, array<f32, P>>, A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>,
                 diag: ptr<function, array<f32, P>>, c: ptr<function, Ctl>) {
  for (var j = 0u; j < P; j++) {
    state[s + OFF_U + j] = (*u)[j];
    state[s + OFF_B + j] = (*b)[j];
    state[s + OFF_D + j] = (*diag)[j];
  }
  for (var k = 0u; k < NT; k++) { state[s + OFF_A + k] = (*A)[k]; }
  state[s + OFF_COST] = (*c).cost;
  state[s + OFF_RR] = (*c).rr;
  state[s + OFF_DELTA] = (*c).delta;
  state[s + OFF_PAR] = (*c).par;
  flags[f] = (*c).status;
  flags[f + 1u] = (*c).iterations;
  flags[f + 3u] = (*c).bits;
  if ((*c).status == ST_RUNNING) { atomicAdd(&running_count, 1u); }
}

// The tests at the current point, then the trial point ut. True when ut must be evaluated; when
// false, c.status says why the fit ended.
fn lm_propose(u: ptr<function, array<f32, P>>, A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>, diag: ptr<function, array<f32, P>>,
              L: ptr<function, array<f32, NT>>, h: ptr<function, array<f32, P>>, ut: ptr<function, array<f32, P>>, c: ptr<function, Ctl>) -> bool {
  // Gradient test at the current point (after the start and after every accepted step).
  if (((*c).bits & FLAG_GTOL_DUE) != 0u) {
    (*c).bits = (*c).bits & ~FLAG_GTOL_DUE;
    if ((*c).cost == 0.0f || (*c).rr == 0.0f) { (*c).status = ST_CONVERGED_GTOL; return false; }
    var gnorm = 0.0f;
    for (var j = 0u; j < P; j++) {
      let ajj = (*A)[tri(j, j)];
      if (ajj > 0.0f) { gnorm = max(gnorm, abs((*b)[j]) / sqrt(ajj * (*c).rr)); }
    }
    if (gnorm <= prm.gtol) { (*c).status = ST_CONVERGED_GTOL; return false; }
    if (prm.damping == 1u && ((*c).bits & FLAG_FIRST) == 0u) {
      for (var j = 0u; j < P; j++) { (*diag)[j] = max((*diag)[j], sqrt((*A)[tri(j, j)])); }
    }
  }
  if ((*c).iterations >= prm.max_iterations) { (*c).status = ST_MAX_ITERATIONS; return false; }
  (*c).par = lmpar(A, b, diag, (*c).delta, (*c).par, L, h);
  if ((*c).par < 0.0f) {
    if (((*c).bits & FLAG_LAST_REJECT_NONFINITE) != 0u) { (*c).status = ST_NONFINITE; } else { (*c).status = ST_STALLED; }
    return false;
  }
  var pnorm2 = 0.0f;
  var jp2 = 0.0f;
  for (var j = 0u; j < P; j++) {
    (*ut)[j] = (*u)[j] + (*h)[j];
    pnorm2 += ((*diag)[j] * (*h)[j]) * ((*diag)[j] * (*h)[j]);
    var t = 0.0f;
    for (var k = 0u; k < P; k++) { t += (*A)[tri(max(j, k), min(j, k))] * (*h)[k]; }
    jp2 += (*h)[j] * t;
  }
  (*c).pnorm = sqrt(pnorm2);
  (*c).jp2 = jp2;
  if (((*c).bits & FLAG_FIRST) != 0u) { (*c).delta = min((*c).delta, (*c).pnorm); }
  (*c).iterations++;
  return true;
}

// The trial's evaluation decides: gain ratio (MINPACK's reductions, relative to the cost),
// radius, acceptance, termination.
fn lm_conclude(u: ptr<function, array<f32, P>>, A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>, diag: ptr<function, array<f32, P>>,
               ut: ptr<function, array<f32, P>>, At: ptr<function, array<f32, NT>>, bt: ptr<function, array<f32, P>>, trial: Pass, c: ptr<function, Ctl>) {
  let cost = (*c).cost;
  let finite = pass_finite(trial, At, bt);
  var actred = -1.0f;
  if (finite && trial.cost < 100.0f * cost) { actred = 1.0f - trial.cost / cost; }
  let t1 = 0.5f * (*c).jp2 / cost;
  let t2 = 0.5f * (*c).par * (*c).pnorm * (*c).pnorm / cost;
  let prered = t1 + 2.0f * t2;
  let dirder = -(t1 + t2);
  var ratio = 0.0f;
  if (prered != 0.0f) { ratio = actred / prered; }
  if (ratio <= 0.25f) {
    var temp = 0.5f;
    if (actred < 0.0f) { temp = 0.5f * dirder / (dirder + 0.5f * actred); }
    if (!(finite && trial.cost < 100.0f * cost) || !(temp >= 0.1f)) { temp = 0.1f; }
    (*c).delta = temp * min((*c).delta, (*c).pnorm / 0.1f);
    (*c).par = (*c).par / temp;
  } else if ((*c).par == 0.0f || ratio >= 0.75f) {
    (*c).delta = (*c).pnorm / 0.5f;
    (*c).par = (*c).par * 0.5f;
  }
  if (finite && ratio >= ACCEPT) {
    var xnorm2 = 0.0f;
    for (var j = 0u; j < P; j++) {
      (*u)[j] = (*ut)[j];
      (*b)[j] = (*bt)[j];
      xnorm2 += ((*diag)[j] * (*u)[j]) * ((*diag)[j] * (*u)[j]);
    }
    for (var k = 0u; k < NT; k++) { (*A)[k] = (*At)[k]; }
    (*c).xnorm = sqrt(xnorm2);
    (*c).cost = trial.cost;
    (*c).rr = trial.rr;
    (*c).bits = ((*c).bits & ~FLAG_LAST_REJECT_NONFINITE) | FLAG_GTOL_DUE;
  } else if (finite) {
    (*c).bits = (*c).bits & ~FLAG_LAST_REJECT_NONFINITE;
  } else {
    (*c).bits = (*c).bits | FLAG_LAST_REJECT_NONFINITE;
  }
  (*c).bits = (*c).bits & ~FLAG_FIRST;
  if (finite && abs(actred) <= prm.ftol && prered <= prm.ftol && 0.5f * ratio <= 1.0f) {
    (*c).status = ST_CONVERGED_FTOL;
  } else if ((*c).delta <= prm.xtol * (*c).xnorm) {
    (*c).status = ST_CONVERGED_XTOL;
  } else if ((*c).delta <= EPS32 * (*c).xnorm || !((*c).delta > 0.0f)) {
    if (((*c).bits & FLAG_LAST_REJECT_NONFINITE) != 0u) { (*c).status = ST_NONFINITE; } else { (*c).status = ST_STALLED; }
  }
}

// ---- one thread per problem --------------------------------------------------------------------

// Initialise: evaluate at the start; NONFINITE_START if the start or the law is not finite there.
@compute @workgroup_size(WG)
fn lm_init(@builtin(global_invocation_id) gid: vec3<u32>) {
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
  if (ok) { ev = accumulate(&u, weight_row(p), &A, &b); }
  init_problem(p * STATE_F, p * FLAGS_U, ok, &u, &A, &b, ev);
}

// Up to prm.iterations trial steps of every running problem; counts the ones still running.
@compute @workgroup_size(WG)
fn lm_iterate(@builtin(global_invocation_id) gid: vec3<u32>) {
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
    if (c.status != ST_RUNNING) { break; }
  }
  store_problem(s, f, &u, &A, &b, &diag, &c);
}
