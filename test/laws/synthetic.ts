/**
 * Synthetic ladders for the laws added from the seed papers: a design of inputs per law, a true
 * parameter set, and the law's textbook form (a direct transcription of its `display`, in plain
 * Math, independent of the law language) that draws the target. Shared by the truth-recovery test
 * (test/laws/recovery.test.ts), the rewrite-equals-textbook test and the GPU parity test.
 */
import { scheduleAreas, scheduleLr } from '../../src/transforms/lr-schedule.js';
import { rng } from './helpers.js';

export type Natural = Record<string, number>;

export interface SyntheticLaw {
  /** Input rows in the law's input order. */
  rows: number[][];
  truth: Natural;
  textbook: (p: Natural, x: number[]) => number;
}

function product<T>(...axes: T[][]): T[][] {
  return axes.reduce<T[][]>((acc, axis) => acc.flatMap((r) => axis.map((v) => [...r, v])), [[]]);
}

function logspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (n - 1)));
}

/** Two training runs (cosine and warmup–stable–decay), every 250th step: the (S1, S2) columns. */
function annealingRows(): number[][] {
  const rows: number[][] = [];
  for (const s of [
    { kind: 'cosine' as const, steps: 20_000, peak: 3e-4, min: 3e-5 },
    { kind: 'wsd' as const, steps: 20_000, peak: 3e-4, min: 0, decay: 0.2 },
  ]) {
    const { S1, S2 } = scheduleAreas(scheduleLr(s));
    for (let i = 249; i < s.steps; i += 250) rows.push([S1[i]!, S2[i]!]);
  }
  return rows;
}

/** Each precision lowered alone (so each γ is identified), and all three together. */
const PRECISIONS = [
  [16, 16, 16],
  [3, 16, 16],
  [4, 16, 16],
  [6, 16, 16],
  [16, 3, 16],
  [16, 4, 16],
  [16, 6, 16],
  [16, 16, 3],
  [16, 16, 4],
  [16, 16, 6],
  [4, 4, 4],
];

const saturate = (bits: number, gamma: number): number => 1 - Math.exp(-bits / gamma);

export const SYNTHETIC: Record<string, SyntheticLaw> = {
  parscale: {
    rows: product([1e8, 3e8, 1e9, 3e9, 1e10], [1, 2, 4, 8]),
    truth: { E: 1.0, A: 0.05, alpha: 0.2, k: 0.4 },
    textbook: (p, [n, P]) => p.E! + Math.pow((p.A! * 1e9) / (n! * (p.k! * Math.log(P!) + 1)), p.alpha!),
  },
  precision: {
    rows: product([3e7, 1e8, 3e8], [1.5e9, 6e9, 2.6e10]).flatMap(([n, d]) => PRECISIONS.map((bits) => [n!, d!, ...bits])),
    truth: { A: Math.exp(6), B: Math.exp(7), E: Math.exp(0.5), alpha: 0.35, beta: 0.3, gw: 2.7, ga: 2.2, gkv: 1.8 },
    textbook: (p, [n, d, pw, pa, pkv]) => {
      const neff = n! * saturate(pw!, p.gw!) * saturate(pa!, p.ga!) * saturate(pkv!, p.gkv!);
      return p.A! * Math.pow(neff, -p.alpha!) + p.B! * Math.pow(d!, -p.beta!) + p.E!;
    },
  },
  'downstream-sigmoid-compute': {
    rows: logspace(1e19, 1e25, 13).map((c) => [c]),
    truth: { a: 0.6, k: 0.8, C0: 1e22, b: 0.25 },
    textbook: (p, [c]) => p.b! + p.a! / (1 + Math.exp(-p.k! * (Math.log(c!) - Math.log(p.C0!)))),
  },
  'kaplan-steps': {
    rows: product([1e7, 3e7, 1e8, 3e8, 1e9], [1e3, 3e3, 1e4, 3e4, 1e5]),
    truth: { Nc: 6.5e13, Sc: 2.1e3, alphaN: 0.077, alphaS: 0.76 },
    textbook: (p, [n, s]) => Math.pow(p.Nc! / n!, p.alphaN!) + Math.pow(p.Sc! / s!, p.alphaS!),
  },
  'lr-annealing': {
    rows: annealingRows(),
    truth: { L0: 2.5, A: 0.6, alpha: 0.55, C: 0.3 },
    textbook: (p, [s1, s2]) => p.L0! + p.A! * Math.pow(s1!, -p.alpha!) - p.C! * s2!,
  },
  coverage: {
    rows: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024].map((k) => [k]),
    truth: { a: -1.5, b: -0.35 },
    textbook: (p, [k]) => Math.exp(p.a! * Math.pow(k!, p.b!)),
  },
  moe: {
    rows: product([1.5e7, 1.3e8, 3.7e8, 1.3e9], [1, 8, 32, 128, 512]),
    truth: { a: -0.08, b: -0.03, c: 0.001, d: 2.5 },
    textbook: (p, [n, e]) => Math.exp(p.a! * Math.log(n!) + p.b! * Math.log(e!) + p.c! * Math.log(n!) * Math.log(e!) + p.d!),
  },
};

/** Input names of each synthetic law, in order (the law's own). */
export function syntheticTargets(name: string, noise = 0, seed = 1): number[] {
  const s = SYNTHETIC[name];
  if (s === undefined) throw new Error(`no synthetic ladder for '${name}'`);
  const next = rng(seed);
  // Multiplicative noise, uniform in ±noise: the shape of measured losses and accuracies.
  return s.rows.map((x) => s.textbook(s.truth, x) * (1 + noise * (2 * next() - 1)));
}

/** The ladder as CSV text: the law's inputs by `inputNames`, then `y`. */
export function syntheticCsv(name: string, inputNames: readonly string[], noise = 0, seed = 1): string {
  const s = SYNTHETIC[name]!;
  const y = syntheticTargets(name, noise, seed);
  return [[...inputNames, 'y'].join(','), ...s.rows.map((x, i) => [...x.map(String), String(y[i])].join(','))].join('\n') + '\n';
}
