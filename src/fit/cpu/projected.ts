/**
 * Variable projection in float64 (Golub & Pereyra 1973; Jacobian of Kaufman, "A variable
 * projection method for solving separable nonlinear least squares problems", BIT 15, 1975).
 *
 * DERIVATION. The law's prediction is f = h(θ) + G(θ) c, with c the coefficients the compiler
 * found linear (law.linear, src/law/linear-params.ts) and θ the other free parameters. For fixed
 * θ the best c solves a weighted linear least-squares problem (least squares: one solve), with
 * non-negativity where the parameter is declared positive (nnls.ts). With a robust loss the inner
 * problem min_c Σ w_i ½δ²ρ(r_i²/δ²) is solved by damped Newton steps: the quadratic model with
 * gradient weights w ρ'(z) and curvature weights w ψ'(r) = w (ρ' + 2zρ''), floored at 1e-3 w ρ',
 * minimised under the bounds by nnls.ts, then a backtracking line search on the true cost, so no
 * step raises it (the problem is convex in c for Huber and soft-L1; for Cauchy and arctan this
 * finds a local minimum). Plain IRLS (curvature weights = ρ') converged only linearly here: with
 * Huber δ = 1e-3 most loss-curve residuals lie beyond δ. What remains is the reduced cost
 * φ(θ) = cost(θ, c*(θ)), minimised by lm.ts's own trust-region LM over θ alone:
 *
 *   gradient:  ∇φ = -Σ w_i ρ'(z_i) r_i ∂f_i/∂θ at c = c*  (exact: ∂cost/∂c = 0 on the free
 *              coefficients, and held coefficients do not move)
 *   matrix:    Kaufman's J_K = -P⊥ Ω^½ ∂f/∂θ with P⊥ the projector off the free columns of
 *              Ω^½ G (Ω the curvature weights), so J_K'J_K = J'ΩJ - (G'ΩJ)'(G'ΩG)^-1(G'ΩJ): the
 *              Schur complement of the full Gauss–Newton matrix, accumulated as small sums, no
 *              n × p storage.
 *
 * EVALUATION. g_k and h come from the law's own float64 evaluator (no extra generated code): with
 * every linear coefficient at 0 (u_k = -∞ for a positive one, exp(-∞) = 0) the prediction is h;
 * with every linear u_k = 0, ∂f/∂u_k = g_k exactly (p_k = u_k, or p_k = exp(u_k) with slope 1).
 *
 * The caller (batch.ts) finishes with the full LM from the projected optimum, so statuses,
 * covariance and statistics are those of the full problem, and the polish can only lower the cost.
 */
import type { CompiledLaw } from '../../law/compile.js';
import { choleskyInPlace, choleskySolveInPlace } from '../linalg.js';
import { lossInfo } from '../losses.js';
import type { LmOptions } from '../options.js';
import { levenbergMarquardt, LmWorkspace, type LmData } from './lm.js';
import type { NormalEquations } from './normal-equations.js';
import { nnlsNormal } from './nnls.js';

export interface ProjectedOutcome {
  /** Full internal vector at the projected optimum (positive coefficients at 0 become log(1e-300)). */
  u: Float64Array;
  cost: number;
  iterations: number;
  /** Coefficients (indices into law.free) held at their bound 0 at the optimum. */
  held: number[];
}

/** Does the law have coefficients to project, and are they not turned off? */
export function projectionApplies(law: CompiledLaw, opt: LmOptions): boolean {
  return (opt.projection ?? 'auto') !== 'off' && law.linear !== undefined && law.linear.projectable.length > 0;
}

/**
 * Whether a batch runs projected. 'on': whenever it applies. 'auto', by measurement
 * (bench/results/projection.md): with least squares the inner solve is one linear solve and the
 * projected runs are 2-6x faster per start; with a robust loss each inner solve is an iterative
 * one, and from distinct starts (Sobol over Chinchilla's ranges) the full LM was faster and
 * reached the best more often (half of those starts put alpha < 0, where the best A is 0 and the
 * reduced cost is flat in alpha); but a design that repeats the nonlinear coordinates (a grid
 * over every parameter: Hoffmann's 4,500 starts hold 25 distinct (alpha, beta) pairs, 180
 * copies each) is solved once per distinct pair, far faster, and from every start. Below 32
 * copies (vit's grid: 15, downstream-sigmoid's: 4) the robust projected runs were slower.
 */
/** 'auto' with a robust loss: project when the starts hold at least this many copies of each (θ) on average. */
export const AUTO_REPEATS = 32;

export function projectionDecision(law: CompiledLaw, opt: LmOptions, starts: Float64Array, nStarts: number): boolean {
  if (!projectionApplies(law, opt)) return false;
  if (opt.projection === 'on' || opt.loss.kind === 'linear') return true;
  const p = law.free.length;
  const keys = new Set<string>();
  for (let s = 0; s < nStarts; s++) keys.add(law.linear.nonlinear.map((j) => starts[s * p + j]).join(','));
  return keys.size * AUTO_REPEATS <= nStarts;
}

interface Inner {
  c: Float64Array;
  passive: Uint8Array;
  cost: number;
}

/** Projected LM from the nonlinear coordinates of u0 (its linear coordinates are ignored). */
export function projectedSolve(law: CompiledLaw, data: LmData, u0: ArrayLike<number>, opt: LmOptions): ProjectedOutcome | undefined {
  const lin = law.linear.projectable;
  const nonNeg = law.linear.nonNegative;
  const non = law.linear.nonlinear;
  const K = lin.length;
  const q = non.length;
  const p = law.free.length;
  const { n, X, yt, w, wOffset } = data;
  const nF = law.js.nFeatures;
  const info = lossInfo(opt.loss.kind);
  const delta = opt.loss.delta;
  const d2 = delta * delta;
  const linearLoss = opt.loss.kind === 'linear';
  const pointCost = (wi: number, r: number): number => (linearLoss ? 0.5 * wi * r * r : 0.5 * wi * d2 * info.rho((r * r) / d2));
  const G = new Float64Array(n * K);
  const t = new Float64Array(n);
  const grad = new Float64Array(p);
  const uh = new Float64Array(p);
  const ug = new Float64Array(p);
  const uc = new Float64Array(p);
  const theta = Float64Array.from(non, (j) => u0[j]!);

  // G and t = y - h at θ; false when anything is not finite on a used row.
  const basis = (th: Float64Array): boolean => {
    non.forEach((j, a) => (uh[j] = ug[j] = th[a]!));
    lin.forEach((j, a) => {
      uh[j] = nonNeg[a] ? -Infinity : 0;
      ug[j] = 0;
    });
    for (let i = 0; i < n; i++) {
      if (w[wOffset + i] === 0) continue;
      const h = law.js.value(uh, X, i * nF);
      law.js.valueGrad(ug, X, i * nF, grad);
      t[i] = yt[i]! - h;
      if (!Number.isFinite(t[i]!)) return false;
      for (let a = 0; a < K; a++) {
        const gk = grad[lin[a]!]!;
        if (!Number.isFinite(gk)) return false;
        G[i * K + a] = gk;
      }
    }
    return true;
  };
  const M = new Float64Array(K * K);
  const v = new Float64Array(K);
  const costAt = (c: Float64Array): number => {
    let cost = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[wOffset + i]!;
      if (wi === 0) continue;
      let r = t[i]!;
      for (let a = 0; a < K; a++) r -= G[i * K + a]! * c[a]!;
      cost += pointCost(wi, r);
    }
    return cost;
  };
  const trialC = new Float64Array(K);
  /**
   * c*(θ) for the basis in G, t, warm-started from `prev`. Least squares: one (non-negative)
   * solve. Robust losses: damped Newton steps on the convex-in-c cost, each the bounded quadratic
   * model solved by nnls.ts, with a backtracking line search on the true cost (descent is
   * guaranteed, so the result is never worse than the start). The model's curvature per point is
   * ψ'(r) = ρ'(z) + 2zρ''(z) (0 beyond δ for Huber), floored at 1e-3 ρ'(z) so the system stays
   * definite with few inliers: far fewer passes than plain IRLS, which converges only linearly
   * when most residuals lie beyond a small δ (Huber 1e-3 on loss curves).
   */
  const coefficients = (prev: Float64Array | undefined): Inner | undefined => {
    let c: Float64Array | undefined = prev;
    let cost = c === undefined ? Infinity : costAt(c);
    let passive: Uint8Array = new Uint8Array(K);
    for (let it = 0; it < 60; it++) {
      M.fill(0);
      v.fill(0);
      for (let i = 0; i < n; i++) {
        const wi = w[wOffset + i]!;
        if (wi === 0) continue;
        let omH = wi;
        let hc = 0;
        if (c !== undefined) for (let a = 0; a < K; a++) hc += G[i * K + a]! * c[a]!;
        const r = t[i]! - hc;
        let omG = wi;
        if (!linearLoss && c !== undefined) {
          const z = (r * r) / d2;
          const r1 = info.rho1(z);
          omG = wi * r1;
          omH = wi * Math.max(r1 + 2 * z * info.rho2(z), 1e-3 * r1);
        }
        // Model: minimise 0.5 (c'-c)'H(c'-c) - gvec'(c'-c), i.e. 0.5 c''Hc' - (gvec + Hc)'c'.
        const rhs = omG * r + omH * hc;
        for (let a = 0; a < K; a++) {
          const ga = G[i * K + a]!;
          v[a] = v[a]! + ga * rhs;
          for (let b = 0; b <= a; b++) M[a * K + b] = M[a * K + b]! + omH * ga * G[i * K + b]!;
        }
      }
      for (let a = 0; a < K; a++) for (let b = 0; b < a; b++) M[b * K + a] = M[a * K + b]!;
      const sol = nnlsNormal(M, v, K, nonNeg);
      if (sol === undefined) break;
      let step = 1;
      let next = Infinity;
      for (let ls = 0; ls < 40; ls++) {
        for (let a = 0; a < K; a++) trialC[a] = c === undefined ? sol.c[a]! : c[a]! + step * (sol.c[a]! - c[a]!);
        next = costAt(trialC);
        if (next < cost || c === undefined) break;
        step *= 0.5;
      }
      if (!Number.isFinite(next) || (c !== undefined && !(next < cost))) break;
      const rel = cost - next;
      c = trialC.slice();
      passive = step === 1 ? sol.passive : Uint8Array.from(c, (x, a) => (!nonNeg[a] || x > 0 ? 1 : 0));
      cost = next;
      if (linearLoss || rel <= 1e-15 * next) break;
    }
    if (c === undefined || !Number.isFinite(cost)) return undefined;
    return { c, passive, cost };
  };

  const full = (th: Float64Array, c: Float64Array, out: Float64Array): void => {
    non.forEach((j, a) => (out[j] = th[a]!));
    lin.forEach((j, a) => (out[j] = nonNeg[a] ? Math.log(Math.max(c[a]!, 1e-300)) : c[a]!));
  };
  const finish = (th: Float64Array, cur: Inner, iterations: number): ProjectedOutcome => {
    const u = new Float64Array(p);
    full(th, cur.c, u);
    const held = lin.filter((_, a) => nonNeg[a] && !(cur.c[a]! > 0));
    return { u, cost: cur.cost, iterations, held };
  };

  if (!basis(theta)) return undefined;
  let cur = coefficients(undefined);
  if (cur === undefined) return undefined;
  if (q === 0) return finish(theta, cur, 1);

  const A = new Float64Array(q * q);
  const b = new Float64Array(q);
  const GG = new Float64Array(K * K);
  const GJ = new Float64Array(K * q);
  const Ared = new Float64Array(q * q);
  const J = new Float64Array(q);
  // Kaufman's normal equations at (θ, c*): Ared h = b. Returns |r~|^2 (NaN if not finite).
  const normal = (th: Float64Array, inner: Inner): number => {
    A.fill(0);
    b.fill(0);
    GG.fill(0);
    GJ.fill(0);
    let rr = 0;
    for (let a = 0; a < K; a++) uc[lin[a]!] = 0;
    non.forEach((j, a) => (uc[j] = th[a]!));
    for (let i = 0; i < n; i++) {
      const wi = w[wOffset + i]!;
      if (wi === 0) continue;
      // ∂f/∂θ at c* by the chain: f = h + G c, so evaluate at the natural c* (log coordinates).
      lin.forEach((j, a) => (uc[j] = nonNeg[a] ? Math.log(inner.c[a]!) : inner.c[a]!));
      law.js.valueGrad(uc, X, i * nF, grad);
      let r = t[i]!;
      for (let a = 0; a < K; a++) r -= G[i * K + a]! * inner.c[a]!;
      // Gradient weight w ρ'(z); curvature weight w ψ'(r) = w (ρ' + 2zρ''), floored at 1e-3 ρ'
      // as in the inner solve: with Huber's δ far below the residuals, ρ' alone (the Triggs
      // correction) overstates the curvature of every outlier and the steps crawl.
      let om = wi;
      let omH = wi;
      if (!linearLoss) {
        const z = (r * r) / d2;
        const r1 = info.rho1(z);
        om = wi * r1;
        omH = wi * Math.max(r1 + 2 * z * info.rho2(z), 1e-3 * r1);
      }
      rr += om * r * r;
      for (let a = 0; a < q; a++) J[a] = grad[non[a]!]!;
      for (let a = 0; a < q; a++) {
        b[a] = b[a]! + om * J[a]! * r;
        const oj = omH * J[a]!;
        for (let c = 0; c <= a; c++) A[a * q + c] = A[a * q + c]! + oj * J[c]!;
      }
      for (let a = 0; a < K; a++) {
        if (!inner.passive[a]) continue;
        const og = omH * G[i * K + a]!;
        for (let c = 0; c < q; c++) GJ[a * q + c] = GJ[a * q + c]! + og * J[c]!;
        for (let c = 0; c <= a; c++) GG[a * K + c] = GG[a * K + c]! + og * G[i * K + c]!;
      }
    }
    for (let a = 0; a < q; a++) for (let c = 0; c < a; c++) A[c * q + a] = A[a * q + c]!;
    // Schur complement over the free coefficients.
    const idx: number[] = [];
    for (let a = 0; a < K; a++) if (inner.passive[a] && GG[a * K + a]! > 0) idx.push(a);
    const m = idx.length;
    Ared.set(A);
    if (m > 0) {
      const L = new Float64Array(m * m);
      for (let a = 0; a < m; a++) for (let c = 0; c <= a; c++) L[a * m + c] = L[c * m + a] = GG[idx[a]! * K + idx[c]!]!;
      if (choleskyInPlace(L, m)) {
        const col = new Float64Array(m);
        const Y = new Float64Array(m * q);
        for (let c = 0; c < q; c++) {
          for (let a = 0; a < m; a++) col[a] = GJ[idx[a]! * q + c]!;
          choleskySolveInPlace(L, m, col);
          for (let a = 0; a < m; a++) Y[a * q + c] = col[a]!;
        }
        for (let a = 0; a < q; a++) {
          for (let c = 0; c < q; c++) {
            let s = 0;
            for (let e = 0; e < m; e++) s += GJ[idx[e]! * q + a]! * Y[e * q + c]!;
            Ared[a * q + c] = A[a * q + c]! - s;
          }
        }
      }
    }
    let ok = Number.isFinite(rr);
    for (let k = 0; k < q * q && ok; k++) ok = Number.isFinite(Ared[k]!);
    for (let k = 0; k < q && ok; k++) ok = Number.isFinite(b[k]!);
    return ok ? rr : NaN;
  };

  // LM over θ: the reference algorithm of lm.ts (Moré's trust region, MINPACK's tests), its
  // normal-equations pass replaced by the reduced cost and Kaufman's normal equations.
  let last: Inner = cur;
  const evaluate = (th: Float64Array, out: NormalEquations): void => {
    const inner = basis(th) ? coefficients(last.c) : undefined;
    const rr = inner === undefined ? NaN : normal(th, inner);
    if (inner === undefined || !Number.isFinite(rr)) {
      out.cost = NaN;
      out.rr = NaN;
      return;
    }
    last = inner;
    out.cost = inner.cost;
    out.rr = rr;
    out.A.set(Ared);
    out.b.set(b);
  };
  const ws = new LmWorkspace(q);
  const r = levenbergMarquardt(law, data, theta, opt, ws, evaluate);
  if (!Number.isFinite(r.cost)) return undefined;
  // θ is the last accepted point; its coefficients, recomputed (the last pass may be a rejected trial).
  if (!basis(theta)) return undefined;
  cur = coefficients(last.c) ?? cur;
  // The basis buffers may hold a rejected trial: the answer is (θ, c*) of the last accepted state.
  return finish(theta, cur, r.iterations);
}
