/**
 * The built-in laws against the numbers their papers (or faithful re-runs) published, evaluated with
 * the compiled float64 evaluators on the shared reference data (../shared/data; see each SOURCE.md).
 */
import { describe, expect, test } from 'vitest';
import { compileLaw, internalFromNatural, targetInSpace, type CompiledLaw } from '../../src/law/compile.js';
import { DATABLATIONS_BASE, DATABLATIONS_DECAY, findLaw } from '../../src/laws/index.js';
import { huber, readCsv } from './helpers.js';
import { SYNTHETIC } from './synthetic.js';
import { loadDataset } from '../../src/data/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { sharedFile } from '../support/shared-data.js';

/** Internal point from natural values given by name (every free parameter must be given). */
function internal(law: CompiledLaw, values: Readonly<Record<string, number>>): Float64Array {
  const natural = law.free.map((fp) => {
    const v = values[fp.name];
    if (v === undefined) throw new Error(`no value for '${fp.name}'`);
    return v;
  });
  return internalFromNatural(law, natural);
}

function predictions(law: CompiledLaw, u: ArrayLike<number>, rows: readonly (readonly number[])[]): number[] {
  const nIn = law.inputNames.length;
  const X = law.js.features(new Float64Array(rows.flat()), nIn, rows.length);
  return rows.map((_, i) => law.js.prediction(u, X, i * law.js.nFeatures));
}

/** Σ huber_δ(S(y) − m) with m from law.js.value: the objective a fit minimises, from scratch. */
function huberObjective(law: CompiledLaw, u: ArrayLike<number>, rows: readonly (readonly number[])[], y: readonly number[], delta: number): number {
  const X = law.js.features(new Float64Array(rows.flat()), law.inputNames.length, rows.length);
  let sum = 0;
  rows.forEach((_, i) => (sum += huber(targetInSpace(law.space, y[i]!) - law.js.value(u, X, i * law.js.nFeatures), delta)));
  return sum;
}

describe('data-constrained (Muennighoff et al. 2023)', () => {
  const law = compileLaw(findLaw('data-constrained'));
  const u = internal(law, DATABLATIONS_DECAY);

  test('only R*_D and R*_N are free by default; the base is the published C4 fit', () => {
    expect(law.free.map((f) => f.name)).toEqual(['RDstar', 'RNstar']);
    expect(law.fixed.get('A')).toBe(Math.exp(DATABLATIONS_BASE.a));
    expect(law.fixed.get('B')).toBe(Math.exp(DATABLATIONS_BASE.b));
    expect(law.fixed.get('E')).toBe(Math.exp(DATABLATIONS_BASE.e));
    expect(law.fixed.get('alpha')).toBe(DATABLATIONS_BASE.alpha);
    expect(law.declaration.defaultLoss).toBe('huber:1e-3');
    expect(law.space).toBe('log');
  });

  test('README sanity values at the published R*_D, R*_N', () => {
    const [a, b] = predictions(law, u, [
      [6.34e9, 242e9, 25e9],
      [8.67e9, 178e9, 25e9],
    ]);
    // README: 2.2256440889984477 and 2.2269634075087867 (numpy float64).
    expect(Math.abs(a! - 2.2256440889984477)).toBeLessThan(1e-9);
    expect(Math.abs(b! - 2.2269634075087867)).toBeLessThan(1e-9);
    // The ranking the README comments on: the smaller model with more epochs is better.
    expect(a!).toBeLessThan(b!);
  });

  test('agrees with a direct transcription of the README code on all 182 runs', () => {
    const csv = readCsv('datablations/datablations_c4_182runs_final_val_loss.csv');
    const N = csv.num('N_params');
    const D = csv.num('D_tokens_total');
    const U = csv.num('U_unique_tokens');
    const { a, b, e, alpha } = DATABLATIONS_BASE;
    const beta = alpha;
    const [A, B, E] = [Math.exp(a), Math.exp(b), Math.exp(e)];
    const G = Math.pow((alpha * A) / (beta * B), 1 / (alpha + beta));
    const { RDstar: rd, RNstar: rn } = DATABLATIONS_DECAY;
    const readme = (n: number, d: number, uu: number): number => {
      const RD = Math.max(d / uu - 1, 0);
      const UN = Math.min(n, Math.pow(uu * G, beta / alpha) * G);
      const RN = Math.max(n / UN - 1, 0);
      return E + A / Math.pow(UN + UN * rn * (1 - Math.exp(-RN / rn)), alpha) + B / Math.pow(uu + uu * rd * (1 - Math.exp(-RD / rd)), beta);
    };
    const rows = N.map((n, i) => [n, D[i]!, U[i]!]);
    const got = predictions(law, u, rows);
    expect(rows.length).toBe(182);
    rows.forEach(([n, d, uu], i) => expect(Math.abs(got[i]! - readme(n!, d!, uu!)) / got[i]!).toBeLessThan(1e-13));
    // Both regimes of U_N occur in the data.
    expect(rows.some(([n, , uu]) => n! < G * G * uu!)).toBe(true);
    expect(rows.some(([n, , uu]) => n! > G * G * uu!)).toBe(true);
  });

  test('Huber objective on the 182 runs at the published optimum', () => {
    const csv = readCsv('datablations/datablations_c4_182runs_final_val_loss.csv');
    const N = csv.num('N_params');
    const D = csv.num('D_tokens_total');
    const U = csv.num('U_unique_tokens');
    const y = csv.num('final_val_loss_c4');
    const rows = N.map((n, i) => [n, D[i]!, U[i]!]);
    const f = huberObjective(law, u, rows, y, 1e-3);
    // SOURCE.md: 0.015825935258 in float64 (published 0.0158259366 was float32 torch).
    expect(Math.abs(f - 0.015825935258)).toBeLessThan(1e-11);
  });
});

describe('chinchilla (Hoffmann et al. 2022) on the Epoch data', () => {
  const csv = readCsv('chinchilla-epoch/chinchilla_epoch_245.csv');
  const keep = csv.num('excluded_outlier').map((v) => v === 0);
  const N = csv.num('N_params').filter((_, i) => keep[i]);
  const D = csv.num('D_tokens').filter((_, i) => keep[i]);
  const L = csv.num('loss').filter((_, i) => keep[i]);
  const rows = N.map((n, i) => [n, D[i]!]);
  const epoch = { A: 477.84171, B: 2143.86379, E: 1.8172355, alpha: 0.3473127, beta: 0.3671826 };

  test('240 rows after dropping the 5 flagged outliers', () => {
    expect(rows.length).toBe(240);
  });

  test('Huber objective at Epoch’s grid optimum ≈ 1.018274e−3', () => {
    const law = compileLaw(findLaw('chinchilla'));
    const f = huberObjective(law, internal(law, epoch), rows, L, 1e-3);
    // Published 0.0010182740346154362 at the unrounded parameters; these are rounded to 8 digits.
    expect(Math.abs(f - 1.018274e-3)).toBeLessThan(5e-10);
  });

  test('Huber objective at Epoch’s unrounded (a, b, e, α, β) = 0.0010182740346154362 (published)', () => {
    const law = compileLaw(findLaw('chinchilla'));
    // data_analysis.ipynb cell 18: [6.16927953, 7.67036499, 0.59731639, 0.34731266, 0.36718262] in
    // internal coordinates (a = log A, ...), which is what the law's solver moves in.
    const u = new Float64Array([6.16927953, 7.67036499, 0.59731639, 0.34731266, 0.36718262]);
    expect(law.free.map((f) => f.name)).toEqual(['A', 'B', 'E', 'alpha', 'beta']);
    const f = huberObjective(law, u, rows, L, 1e-3);
    expect(Math.abs(f - 0.0010182740346154362)).toBeLessThan(2e-12);
  });

  test('the prediction is E + A/N^α + B/D^β', () => {
    const law = compileLaw(findLaw('chinchilla'));
    const got = predictions(law, internal(law, epoch), rows);
    rows.forEach(([n, d], i) => {
      const want = epoch.E + epoch.A / Math.pow(n!, epoch.alpha) + epoch.B / Math.pow(d!, epoch.beta);
      expect(Math.abs(got[i]! - want) / want).toBeLessThan(1e-14);
    });
  });

  test('chinchilla-tied equals chinchilla with β = α', () => {
    const tied = compileLaw(findLaw('chinchilla-tied'));
    const full = compileLaw(findLaw('chinchilla'));
    const p = { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34 };
    const a = predictions(tied, internal(tied, p), rows);
    const b = predictions(full, internal(full, { ...p, beta: 0.34 }), rows);
    a.forEach((v, i) => expect(v).toBe(b[i]));
  });
});

describe('overtrain and downstream-exp (Gadre et al. 2024), RedPajama fit', () => {
  const csv = readCsv('gadre-overtraining/gadre_104_models.csv');
  const name = csv.str('name');
  const trainSet = csv.str('train_dataset');
  const Ncol = csv.num('N_params');
  const Mcol = csv.num('token_multiplier_M');
  const loss = csv.num('loss_c4_val');
  const err17 = csv.num('err_avg_17');
  const find = (n: number, m: number): number => {
    const idx = name.findIndex((_, i) => trainSet[i] === 'rpj' && Ncol[i] === n && Mcol[i] === m);
    if (idx < 0) throw new Error(`no rpj row with N = ${n}, M = ${m}`);
    return idx;
  };
  const targets = [
    { what: '1.4B at M = 640', N: 1439795200, M: 640, loss: 2.5198, lossRel: 0.7103, err: 0.4925, errRel: 3.6365 },
    { what: '6.9B at M = 20', N: 6889410560, M: 20, loss: 2.4427, lossRel: 0.732, err: 0.4719, errRel: 0.0464 },
  ];
  const overtrain = compileLaw(findLaw('overtrain'));
  const uLoss = internal(overtrain, { a: 166.21097448, c: 366.68714689, b: -0.27285069846, E: 1.83664834513 });
  const downstream = compileLaw(findLaw('downstream-exp'));
  const uErr = internal(downstream, { k: 2.20648995, gamma: 0.714590526, epsilon: 0.856991933 });

  for (const t of targets) {
    test(`${t.what}: predicted loss ${t.loss}, relative error ${t.lossRel} % (published)`, () => {
      const [pred] = predictions(overtrain, uLoss, [[t.N, t.M]]);
      expect(Math.abs(pred! - t.loss)).toBeLessThan(1e-4);
      const actual = loss[find(t.N, t.M)]!;
      // Published to 4 decimals in percent.
      expect(Math.abs((100 * Math.abs(pred! - actual)) / actual - t.lossRel)).toBeLessThan(5e-5);
    });

    test(`${t.what}: predicted 17-task error ${t.err}, relative error ${t.errRel} % (published)`, () => {
      const [predLoss] = predictions(overtrain, uLoss, [[t.N, t.M]]);
      const [predErr] = predictions(downstream, uErr, [[predLoss!]]);
      expect(Math.abs(predErr! - t.err)).toBeLessThan(1e-4);
      const actual = err17[find(t.N, t.M)]!;
      expect(Math.abs((100 * Math.abs(predErr! - actual)) / actual - t.errRel)).toBeLessThan(5e-5);
    });
  }

  test('the overtrain law is Chinchilla with tied exponents in (N, M = D/N)', () => {
    const p = { a: 166.21097448, c: 366.68714689, b: -0.27285069846, E: 1.83664834513 };
    for (const [n, m] of [[10569312, 20], [411616256, 320], [6889410560, 20]] as const) {
      const [got] = predictions(overtrain, uLoss, [[n, m]]);
      const D = m * n;
      // c 6^(b/2) (M N)^b = c (6 M N²)^(b/2) · ... written as Chinchilla: E + a N^b + c' D^b with c' = c 6^(b/2).
      const want = p.E + p.a * Math.pow(n, p.b) + p.c * Math.pow(6, p.b / 2) * Math.pow(D, p.b);
      expect(Math.abs(got! - want) / want).toBeLessThan(1e-14);
    }
  });

  test('the default grid includes scipy curve_fit’s default p0 = (1, 1, 1) for downstream-exp', () => {
    const d = findLaw('downstream-exp');
    for (const p of d.params) expect(p.start, p.name).toContain(1);
  });
});

describe('bnsl-1 (Caballero et al. 2023), 4-digit addition', () => {
  const csv = readCsv('bnsl/four_digit_addition_bnsl.csv');
  const x = csv.num('train_dataset_size');
  const y = csv.num('test_cross_entropy');
  const split = csv.str('split');
  const law = compileLaw(findLaw('bnsl-1'));
  // The noiseless-simulation ground truth, which equals the re-run fit to 6–7 digits (SOURCE.md).
  const gt = {
    a: 0.41388453071629455,
    b: 2.2772722897737556,
    c0: 0.055077348404973955,
    c1: 5.662903816010331,
    d1: 612.5836172918001,
    f1: 0.059193036393742314,
  };
  const u = internal(law, gt);
  const pred = predictions(law, u, x.map((v) => [v]));

  test('matches the textbook form a + b x^(−c0) (1 + (x/d1)^(1/f1))^(−c1 f1)', () => {
    x.forEach((xi, i) => {
      const want = gt.a + gt.b * Math.pow(xi, -gt.c0) * Math.pow(1 + Math.pow(xi / gt.d1, 1 / gt.f1), -gt.c1 * gt.f1);
      expect(Math.abs(pred[i]! - want) / want).toBeLessThan(1e-12);
    });
  });

  test('extrapolations at x = 800, 864, 928 and the RMSLEs of the published re-run', () => {
    const extrap = split.map((s, i) => (s === 'extrapolate' ? i : -1)).filter((i) => i >= 0);
    expect(extrap.map((i) => x[i])).toEqual([800, 864, 928]);
    const want = [0.76019, 0.6375, 0.5626];
    extrap.forEach((i, k) => expect(Math.abs(pred[i]! - want[k]!)).toBeLessThan(1e-5));
    const rmsle = (idx: number[]): number => Math.sqrt(idx.reduce((s, i) => s + (Math.log(pred[i]!) - Math.log(y[i]!)) ** 2, 0) / idx.length);
    const fit = split.map((s, i) => (s === 'fit' ? i : -1)).filter((i) => i >= 0);
    expect(fit.length).toBe(14);
    expect(Math.abs(rmsle(fit) - 5.98487e-4) / 5.98487e-4).toBeLessThan(1e-3);
    expect(Math.abs(rmsle(extrap) - 1.09157e-2) / 1.09157e-2).toBeLessThan(1e-3);
  });

  test('the residual space is log1p: the model is log(1 + ŷ)', () => {
    const X = law.js.features(new Float64Array(x), 1, x.length);
    x.forEach((_, i) => expect(law.js.value(u, X, i * law.js.nFeatures)).toBeCloseTo(Math.log1p(pred[i]!), 14));
  });
});

describe('parscale (Chen et al. 2025): the per-corpus reference fits of ../shared/data/parscale/SOURCE.md', () => {
  // SOURCE.md: an independent refit with the authors' protocol (scipy L-BFGS-B, 300 starts).
  const REFERENCE: Record<string, Record<string, number>> = {
    'stack-v2-python': { E: 0.6912, A: 0.01134, alpha: 0.1894, k: 0.3935 },
    pile: { E: 1.2888, A: 0.1974, alpha: 0.1963, k: 0.3345 },
  };
  const law = compileLaw(findLaw('parscale'));
  const csv = readCsv('parscale/parscale_48.csv');

  for (const [corpus, ref] of Object.entries(REFERENCE)) {
    test(`${corpus}: the default fit's objective is no higher than the reference's, parameters agree to 0.5 %`, async () => {
      const ds = await loadDataset(sharedFile('parscale/parscale_48.csv'), { inputs: { N: 'N_params', P: 'P_streams' }, target: 'loss', where: `corpus == '${corpus}'` }, law.inputNames);
      expect(ds.n).toBe(24);
      const fit = await fitLaw(law, ds, {});
      // The reference objective, from scratch on the same 24 rows (Huber δ = 1e−3 on log L, summed).
      const mine = csv.rows.map((_, i) => i).filter((i) => csv.str('corpus')[i] === corpus);
      const rows = mine.map((i) => [csv.num('N_params')[i]!, csv.num('P_streams')[i]!]);
      const y = mine.map((i) => csv.num('loss')[i]!);
      const refObjective = huberObjective(law, internal(law, ref), rows, y, 1e-3);
      console.log(`parscale ${corpus}: lawfit ${fit.statistics.objective.toExponential(6)}, reference ${refObjective.toExponential(6)}; ${fit.params.map((p) => `${p.name} ${p.value.toPrecision(5)}`).join(', ')}`);
      expect(fit.statistics.objective).toBeLessThanOrEqual(refObjective);
      for (const p of fit.params) expect(Math.abs(p.value / ref[p.name]! - 1), `${corpus}.${p.name}`).toBeLessThan(5e-3);
    }, 60_000);
  }
});

describe('every stable rewrite equals its textbook form', () => {
  // Direct transcriptions of each law's `display`, in plain Math, natural parameters by name.
  type P = Record<string, number>;
  const TEXTBOOK: Record<string, { rows: number[][]; f: (p: P, x: number[]) => number }> = {
    power: { rows: [[10], [1e4], [1e9]], f: (p, [x]) => p.E! + p.A! * Math.pow(x!, -p.alpha!) },
    'power-no-offset': { rows: [[10], [1e4], [1e9]], f: (p, [x]) => p.A! * Math.pow(x!, -p.alpha!) },
    chinchilla: { rows: [[7e7, 1.4e9], [7e10, 1.4e12]], f: (p, [n, d]) => p.E! + p.A! / Math.pow(n!, p.alpha!) + p.B! / Math.pow(d!, p.beta!) },
    'chinchilla-tied': { rows: [[7e7, 1.4e9], [7e10, 1.4e12]], f: (p, [n, d]) => p.E! + p.A! / Math.pow(n!, p.alpha!) + p.B! / Math.pow(d!, p.alpha!) },
    kaplan: {
      rows: [[7e7, 1.4e9], [1e9, 2e10], [7e10, 1.4e12]],
      f: (p, [n, d]) => Math.pow(Math.pow(p.Nc! / n!, p.alphaN! / p.alphaD!) + p.Dc! / d!, p.alphaD!),
    },
    overtrain: {
      rows: [[10569312, 20], [6889410560, 640]],
      f: (p, [n, m]) => p.E! + p.a! * Math.pow(n!, p.b!) + p.c! * Math.pow(6, p.b! / 2) * Math.pow(m! * n!, p.b!),
    },
    'downstream-exp': { rows: [[2.2], [4.5]], f: (p, [l]) => p.epsilon! - p.k! * Math.exp(-p.gamma! * l!) },
    'downstream-sigmoid': { rows: [[0.6], [2.2], [4.5]], f: (p, [l]) => p.a! / (1 + Math.exp(-p.k! * (l! - p.L0!))) + p.b! },
    'bnsl-1': {
      rows: [[20], [612], [4000]],
      f: (p, [x]) => p.a! + p.b! * Math.pow(x!, -p.c0!) * Math.pow(1 + Math.pow(x! / p.d1!, 1 / p.f1!), -p.c1! * p.f1!),
    },
    'bnsl-2': {
      rows: [[20], [612], [4000]],
      f: (p, [x]) =>
        p.a! +
        p.b! *
          Math.pow(x!, -p.c0!) *
          Math.pow(1 + Math.pow(x! / p.d1!, 1 / p.f1!), -p.c1! * p.f1!) *
          Math.pow(1 + Math.pow(x! / p.d2!, 1 / p.f2!), -p.c2! * p.f2!),
    },
    vit: { rows: [[0.01], [3], [1e4]], f: (p, [c]) => p.E! + p.A! * Math.pow(c! + p.C0!, -p.alpha!) },
    // The laws added from the seed papers: their textbook forms live with their synthetic ladders.
    ...Object.fromEntries(Object.entries(SYNTHETIC).map(([n, s]) => [n, { rows: s.rows.slice(0, 6), f: s.textbook }])),
  };

  for (const [name, t] of Object.entries(TEXTBOOK)) {
    test(name, () => {
      const law = compileLaw(findLaw(name));
      const next = (() => {
        let s = 12345 + name.length;
        return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
      })();
      let compared = 0;
      for (let k = 0; k < 20; k++) {
        // Natural values spread over each parameter's range (log-uniformly for log-positive ones).
        const p: P = {};
        for (const fp of law.free) {
          const [lo, hi] = law.declaration.params[fp.declIndex]!.range!;
          const r = next();
          p[fp.name] = fp.transform.kind === 'log' ? Math.exp(Math.log(lo) + r * (Math.log(hi) - Math.log(lo))) : lo + r * (hi - lo);
        }
        const got = predictions(law, internal(law, p), t.rows);
        t.rows.forEach((x, i) => {
          const want = t.f(p, x);
          // The textbook form overflows or underflows where the rewrite does not; compare where it is normal.
          if (!Number.isFinite(want) || Math.abs(want) < 1e-200) return;
          compared++;
          expect(Math.abs(got[i]! - want), `${name} at ${JSON.stringify(p)}, x = ${x}`).toBeLessThanOrEqual(1e-10 * Math.abs(want) + 1e-300);
        });
      }
      expect(compared).toBeGreaterThan(10 * t.rows.length);
    });
  }
});
