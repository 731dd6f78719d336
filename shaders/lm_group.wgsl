// Batched Levenberg–Marquardt, one WORKGROUP per problem (f32): the layout for problems with many
// data points, where one thread per problem leaves the device with too few threads to hide a long
// loop over points. The iteration is lm_thread.wgsl's, step for step (and so src/fit/cpu/lm.ts's);
// only the data pass is shared out: every thread accumulates its strided share of the points
// (accumulate_part, generated per law like accumulate), and a tree reduction in workgroup memory
// adds the shares.
//
// Uniformity: thread 0 alone keeps the LM state and makes every decision; it publishes the point
// to evaluate (and whether to evaluate at all) in workgroup memory. Every barrier sits in a loop
// whose bounds come from the uniform block, so control flow around barriers is uniform whatever
// the problem does; a finished problem simply stops evaluating until the dispatch ends.
//
// Composed after lm_thread.wgsl (it uses its bindings, point_loss, lmpar, tri and weight_row) and
// with RS = NT + P + 2 (A, b, cost, rr per thread share) from the layout constants.

var<workgroup> g_u: array<f32, P>;
var<workgroup> g_eval: u32;
var<workgroup> g_red: array<f32, WG * RS>;

fn group_problem(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// All threads: evaluate at g_u (when g_eval is set), reduce; the totals end in g_red[0 .. RS).
fn group_pass(lid: u32, wrow: u32) {
  var part: array<f32, RS>;
  for (var r = 0u; r < RS; r++) { part[r] = 0.0f; }
  if (g_eval != 0u) {
    var u: array<f32, P>;
    for (var j = 0u; j < P; j++) { u[j] = g_u[j]; }
    accumulate_part(&u, wrow, lid, &part);
  }
  for (var r = 0u; r < RS; r++) { g_red[lid * RS + r] = part[r]; }
  for (var offset = WG / 2u; offset > 0u; offset = offset / 2u) {
    workgroupBarrier();
    if (lid < offset) {
      for (var r = 0u; r < RS; r++) { g_red[lid * RS + r] += g_red[(lid + offset) * RS + r]; }
    }
  }
  workgroupBarrier();
}

// Thread 0: the totals of the last group_pass as A, b and a Pass.
fn group_totals(A: ptr<function, array<f32, NT>>, b: ptr<function, array<f32, P>>) -> Pass {
  for (var k = 0u; k < NT; k++) { (*A)[k] = g_red[k]; }
  for (var j = 0u; j < P; j++) { (*b)[j] = g_red[NT + j]; }
  return Pass(g_red[NT + P], g_red[NT + P + 1u]);
}

@compute @workgroup_size(WG)
fn lm_group_init(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let p = group_problem(wid, nwg);
  let inside = p < prm.n_problems;
  let s = p * STATE_F;
  let f = p * FLAGS_U;
  var ok = true;
  if (lid == 0u) {
    g_eval = 0u;
    if (inside) {
      for (var j = 0u; j < P; j++) {
        g_u[j] = state[s + OFF_U + j];
        ok = ok && lf_finite(g_u[j]);
      }
      if (ok) { g_eval = 1u; }
    }
  }
  workgroupBarrier();
  group_pass(lid, weight_row(min(p, prm.n_problems - 1u)));
  if (lid != 0u || !inside) { return; }
  var A: array<f32, NT>;
  var b: array<f32, P>;
  let ev = group_totals(&A, &b);
  ok = ok && pass_finite(ev, &A, &b);
  flags[f + 1u] = 0u;
  flags[f + 2u] = 0u;
  flags[f + 3u] = FLAG_GTOL_DUE | FLAG_FIRST;
  if (!ok) {
    flags[f] = ST_NONFINITE_START;
    state[s + OFF_COST] = 0.0f;
    return;
  }
  var xnorm2 = 0.0f;
  for (var j = 0u; j < P; j++) {
    var dj = 1.0f;
    let c = sqrt(A[tri(j, j)]);
    if (prm.damping == 1u && c > 0.0f) { dj = c; }
    state[s + OFF_D + j] = dj;
    state[s + OFF_B + j] = b[j];
    xnorm2 += (dj * g_u[j]) * (dj * g_u[j]);
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

@compute @workgroup_size(WG)
fn lm_group_iterate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let p = group_problem(wid, nwg);
  let inside = p < prm.n_problems;
  let s = p * STATE_F;
  let f = p * FLAGS_U;
  let wrow = weight_row(min(p, prm.n_problems - 1u));

  // Thread 0's LM state (the other threads' copies are never used).
  var status = ST_SCREENED_OUT;
  var iterations = 0u;
  var bits = 0u;
  var u: array<f32, P>;
  var A: array<f32, NT>;
  var b: array<f32, P>;
  var diag: array<f32, P>;
  var xnorm = 0.0f;
  var cost = 0.0f;
  var rr = 0.0f;
  var delta = 0.0f;
  var par = 0.0f;
  var L: array<f32, NT>;
  var h: array<f32, P>;
  var ut: array<f32, P>;
  var At: array<f32, NT>;
  var bt: array<f32, P>;
  var pnorm = 0.0f;
  var jp2 = 0.0f;
  if (lid == 0u && inside) {
    status = flags[f];
    iterations = flags[f + 1u];
    bits = flags[f + 3u];
    var xnorm2 = 0.0f;
    for (var j = 0u; j < P; j++) {
      u[j] = state[s + OFF_U + j];
      b[j] = state[s + OFF_B + j];
      diag[j] = state[s + OFF_D + j];
      xnorm2 += (diag[j] * u[j]) * (diag[j] * u[j]);
    }
    for (var k = 0u; k < NT; k++) { A[k] = state[s + OFF_A + k]; }
    xnorm = sqrt(xnorm2);
    cost = state[s + OFF_COST];
    rr = state[s + OFF_RR];
    delta = state[s + OFF_DELTA];
    par = state[s + OFF_PAR];
  }

  for (var k_step = 0u; k_step < prm.iterations; k_step++) {
    // Phase A (thread 0): tests at the current point, then the trial step to evaluate.
    if (lid == 0u) {
      g_eval = 0u;
      if (status == ST_RUNNING) {
        if ((bits & FLAG_GTOL_DUE) != 0u) {
          bits = bits & ~FLAG_GTOL_DUE;
          if (cost == 0.0f || rr == 0.0f) {
            status = ST_CONVERGED_GTOL;
          } else {
            var gnorm = 0.0f;
            for (var j = 0u; j < P; j++) {
              let ajj = A[tri(j, j)];
              if (ajj > 0.0f) { gnorm = max(gnorm, abs(b[j]) / sqrt(ajj * rr)); }
            }
            if (gnorm <= prm.gtol) { status = ST_CONVERGED_GTOL; }
            if (status == ST_RUNNING && prm.damping == 1u && (bits & FLAG_FIRST) == 0u) {
              for (var j = 0u; j < P; j++) { diag[j] = max(diag[j], sqrt(A[tri(j, j)])); }
            }
          }
        }
        if (status == ST_RUNNING && iterations >= prm.max_iterations) { status = ST_MAX_ITERATIONS; }
        if (status == ST_RUNNING) {
          par = lmpar(&A, &b, &diag, delta, par, &L, &h);
          if (par < 0.0f) {
            if ((bits & FLAG_LAST_REJECT_NONFINITE) != 0u) { status = ST_NONFINITE; } else { status = ST_STALLED; }
          } else {
            var pnorm2 = 0.0f;
            jp2 = 0.0f;
            for (var j = 0u; j < P; j++) {
              ut[j] = u[j] + h[j];
              g_u[j] = ut[j];
              pnorm2 += (diag[j] * h[j]) * (diag[j] * h[j]);
              var t = 0.0f;
              for (var k = 0u; k < P; k++) { t += A[tri(max(j, k), min(j, k))] * h[k]; }
              jp2 += h[j] * t;
            }
            pnorm = sqrt(pnorm2);
            if ((bits & FLAG_FIRST) != 0u) { delta = min(delta, pnorm); }
            iterations++;
            g_eval = 1u;
          }
        }
      }
    }
    workgroupBarrier();
    // Phase B (all threads): the data pass at the trial point.
    group_pass(lid, wrow);
    // Phase C (thread 0): gain ratio, radius, acceptance, termination.
    if (lid == 0u && g_eval != 0u) {
      let trial = group_totals(&At, &bt);
      let finite = pass_finite(trial, &At, &bt);
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
        var xnorm2 = 0.0f;
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
      } else if (delta <= prm.xtol * xnorm) {
        status = ST_CONVERGED_XTOL;
      } else if (delta <= EPS32 * xnorm || !(delta > 0.0f)) {
        if ((bits & FLAG_LAST_REJECT_NONFINITE) != 0u) { status = ST_NONFINITE; } else { status = ST_STALLED; }
      }
    }
    workgroupBarrier();
  }

  if (lid == 0u && inside && flags[f] == ST_RUNNING) {
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
}
