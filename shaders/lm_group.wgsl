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
// Composed after lm_thread.wgsl (it uses the generated bindings and point_loss, and lmpar, tri and weight_row) and
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
  var u: array<f32, P>;
  var ok = true;
  if (lid == 0u) {
    g_eval = 0u;
    if (inside) {
      for (var j = 0u; j < P; j++) {
        u[j] = state[p * STATE_F + OFF_U + j];
        g_u[j] = u[j];
        ok = ok && lf_finite(u[j]);
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
  init_problem(p * STATE_F, p * FLAGS_U, ok, &u, &A, &b, ev);
}

@compute @workgroup_size(WG)
fn lm_group_iterate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let p = group_problem(wid, nwg);
  let inside = p < prm.n_problems;
  let s = p * STATE_F;
  let f = p * FLAGS_U;
  let wrow = weight_row(min(p, prm.n_problems - 1u));

  // Thread 0's LM state (the other threads' copies are never used).
  var u: array<f32, P>;
  var A: array<f32, NT>;
  var b: array<f32, P>;
  var diag: array<f32, P>;
  var c: Ctl;
  c.status = ST_SCREENED_OUT;
  var L: array<f32, NT>;
  var h: array<f32, P>;
  var ut: array<f32, P>;
  var At: array<f32, NT>;
  var bt: array<f32, P>;
  let running = inside && flags[f] == ST_RUNNING;
  if (lid == 0u && running) { load_problem(s, f, &u, &A, &b, &diag, &c); }

  for (var k_step = 0u; k_step < prm.iterations; k_step++) {
    // Phase A (thread 0): tests at the current point, then the trial step to evaluate.
    if (lid == 0u) {
      g_eval = 0u;
      if (c.status == ST_RUNNING && lm_propose(&u, &A, &b, &diag, &L, &h, &ut, &c)) {
        for (var j = 0u; j < P; j++) { g_u[j] = ut[j]; }
        g_eval = 1u;
      }
    }
    workgroupBarrier();
    // Phase B (all threads): the data pass at the trial point.
    group_pass(lid, wrow);
    // Phase C (thread 0): the trial decides.
    if (lid == 0u && g_eval != 0u) {
      let trial = group_totals(&At, &bt);
      lm_conclude(&u, &A, &b, &diag, &ut, &At, &bt, trial, &c);
    }
    workgroupBarrier();
  }
  if (lid == 0u && running) { store_problem(s, f, &u, &A, &b, &diag, &c); }
}
