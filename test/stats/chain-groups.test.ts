/**
 * A chain whose stage 1 has per-group parameters (law/groups.ts): a synthetic ladder of three
 * groups with known truth, L = E[g] + A·(N/1e8)^(−α) (E per group, A and α shared) feeding
 * Err(L) = ε − k·exp(−γ·L). Checks: the noiseless chain recovers every parameter and the true
 * prediction at a new point for the group asked; the joint bootstrap pushes each replicate's own
 * stage-1 draw (with the group's E) into its own stage-2 draw; the point's group is required and
 * must be a fitted one; through the CLI, shards merge to the single run byte for byte and
 * `lawfit report` reprints the run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readTable } from '../../src/data/index.js';
import { compileLaw } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { compileGroupedLaw } from '../../src/law/groups.js';
import { findLaw } from '../../src/laws/index.js';
import { fitChain, predictChain, type ChainStage } from '../../src/stats/chain.js';
import { runCliCaptured } from '../support/cli.js';

const TRUE_E: Record<string, number> = { a: 2.0, b: 2.3, c: 1.8 };
const A = 1.5;
const ALPHA = 0.3;
const EPS = 0.9;
const K = 2.0;
const GAMMA = 0.8;
const loss = (g: string, N: number): number => TRUE_E[g]! + A * Math.pow(N / 1e8, -ALPHA);
const err = (L: number): number => EPS - K * Math.exp(-GAMMA * L);
const SIZES = [1e7, 2e7, 5e7, 1e8, 2e8, 5e8];

/** The ladder as CSV; `noise` scales a fixed deterministic wiggle on both targets. */
function ladderCsv(noise: number): string {
  const lines = ['N,g,loss,err'];
  let i = 0;
  for (const g of Object.keys(TRUE_E)) {
    for (const N of SIZES) {
      const L = loss(g, N) + noise * 0.01 * Math.sin(7.3 * i + 1);
      lines.push(`${N},${g},${L},${err(L) + noise * 0.005 * Math.cos(3.1 * i + 2)}`);
      i++;
    }
  }
  return lines.join('\n') + '\n';
}

const LADDER: LawDeclaration = {
  name: 'ladder',
  formula: 'E + A*exp(-alpha*log(N/1e8))',
  inputs: [{ name: 'N' }],
  params: [
    { name: 'E', start: [1, 2, 3] },
    { name: 'A', transform: { kind: 'log' }, start: [0.5, 1, 3] },
    { name: 'alpha', transform: { kind: 'log' }, start: [0.1, 0.3, 0.6] },
  ],
  space: 'linear',
};

const stages = (): ChainStage[] => [
  { law: compileGroupedLaw(compileLaw(LADDER), { column: 'g', params: ['E'] }, ['a', 'b', 'c']), spec: { inputs: { N: 'N' }, target: 'loss' } },
  { law: compileLaw(findLaw('downstream-exp')), spec: { inputs: { L: '@' }, target: 'err' } },
];

const value = (params: ReadonlyArray<{ name: string; value: number }>, name: string): number => params.find((q) => q.name === name)!.value;

describe('a chain with a grouped stage 1 (E per group)', () => {
  test('noiseless: recovers E[a], E[b], E[c], A, alpha and the downstream law, and the true prediction for the group asked', async () => {
    const chain = await fitChain(readTable(ladderCsv(0), 'ladder.csv'), stages());
    const [s1, s2] = chain.stages;
    expect(s1!.fit.params.map((q) => q.name)).toEqual(['E[a]', 'E[b]', 'E[c]', 'A', 'alpha']);
    for (const [g, e] of Object.entries(TRUE_E)) expect(value(s1!.fit.params, `E[${g}]`)).toBeCloseTo(e, 7);
    expect(value(s1!.fit.params, 'A')).toBeCloseTo(A, 7);
    expect(value(s1!.fit.params, 'alpha')).toBeCloseTo(ALPHA, 7);
    expect(value(s2!.fit.params, 'epsilon')).toBeCloseTo(EPS, 6);
    expect(value(s2!.fit.params, 'k')).toBeCloseTo(K, 5);
    expect(value(s2!.fit.params, 'gamma')).toBeCloseTo(GAMMA, 6);
    for (const g of ['a', 'c']) {
      const p = predictChain(chain, { N: 1e10 }, 0, g);
      expect(p.group).toBe(g);
      expect(p.stages[0]!.estimate).toBeCloseTo(loss(g, 1e10), 7);
      expect(p.stages[1]!.estimate).toBeCloseTo(err(loss(g, 1e10)), 7);
    }
  });

  test("joint bootstrap: each replicate's band value is its own stage-2 draw at its own stage-1 draw with the group's E; the band holds the truth", async () => {
    const R = 60;
    const chain = await fitChain(readTable(ladderCsv(1), 'ladder.csv'), stages(), { bootstrap: { replicates: R, seed: 5, design: { kind: 'bayes' } } });
    expect(chain.bootstrap!.failed).toEqual([]);
    const p = predictChain(chain, { N: 1e10 }, 0, 'b');
    const [d1, d2] = [chain.stages[0]!.draws!, chain.stages[1]!.draws!];
    const names1 = chain.stages[0]!.law.free.map((f) => f.name);
    const [iE, iA, iAlpha] = ['E[b]', 'A', 'alpha'].map((n) => names1.indexOf(n));
    for (let r = 0; r < R; r++) {
      const th1 = d1.subarray(r * 5, r * 5 + 5);
      const v1 = th1[iE!]! + th1[iA!]! * Math.pow(100, -th1[iAlpha!]!);
      expect(p.replicateValues!.stages[0]![r]).toBeCloseTo(v1, 9);
      const [eps, k, gamma] = d2.subarray(r * 3, r * 3 + 3);
      expect(p.replicateValues!.stages[1]![r]).toBeCloseTo(eps! - k! * Math.exp(-gamma! * v1), 9);
    }
    const truth = err(loss('b', 1e10));
    const band = p.stages[1]!.confidence!;
    expect(band[1]).toBeGreaterThan(band[0]);
    expect(band[0]).toBeLessThanOrEqual(truth);
    expect(band[1]).toBeGreaterThanOrEqual(truth);
    // Group c's E is lower, and so is its predicted loss, replicate by replicate.
    const pc = predictChain(chain, { N: 1e10 }, 0, 'c');
    for (let r = 0; r < R; r++) expect(pc.replicateValues!.stages[0]![r]).toBeLessThan(p.replicateValues!.stages[0]![r]!);
  });

  test('the point must name a fitted group: none, an unknown one, or one for an ungrouped chain are one-line errors', async () => {
    const chain = await fitChain(readTable(ladderCsv(0), 'ladder.csv'), stages());
    expect(() => predictChain(chain, { N: 1e10 })).toThrow(/^[^\n]*has per-group parameters \(E per g\); give the group[^\n]*groups: a, b, c\)$/);
    expect(() => predictChain(chain, { N: 1e10 }, 0, 'z')).toThrow(/^[^\n]*group 'z' of column 'g' was not in the fit, so it has no E \(groups: a, b, c\)$/);
    const plain = await fitChain(readTable(ladderCsv(0), 'ladder.csv'), [{ law: compileLaw(LADDER), spec: { inputs: { N: 'N' }, target: 'loss' } }, stages()[1]!]);
    expect(() => predictChain(plain, { N: 1e10 }, 0, 'b')).toThrow(/^--group b: no stage of the chain has per-group parameters$/);
  });
});

describe('lawfit chain with --per / E[COL] on stage 1', () => {
  const root = mkdtempSync(join(tmpdir(), 'lawfit-chain-groups-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const csv = join(root, 'ladder.csv');
  writeFileSync(csv, ladderCsv(1));
  const argv = ['chain', csv, '--formula', 'E[g] + A*exp(-alpha*log(N/1e8))', '--positive', 'A,alpha', '--x', 'N=N', '--y', 'loss', '--then', 'downstream-exp', '--then-x', 'L=@', '--then-y', 'err', '--at', 'N=1e10', '--group', 'b', '--bootstrap', '16', '--design', 'bayes', '--seed', '2', '--threads', '1'];

  async function inDir(dir: string, ...args: string[]) {
    mkdirSync(dir, { recursive: true });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      return await runCliCaptured(...args);
    } finally {
      process.chdir(cwd);
    }
  }
  const noTiming = (t: string) => t.split('\n').filter((l) => !/^\s*"(createdAt|elapsedMs)": /.test(l)).join('\n');

  test('prints the per-group parameters and the group of the point; the artifact reprints; shards merge to the single run', async () => {
    const single = join(root, 'single');
    const one = await inDir(single, ...argv, '--out', 'chain.json');
    expect(one.code, one.err).toBe(0);
    expect(one.out).toMatch(/E\[a\] +\S+ +bootstrap sd/);
    expect(one.out).toMatch(/at N = 1\.000e\+10, g = b \(95 % bands from 16 replicates\)/);
    const report = await runCliCaptured('report', join(single, 'chain.json'));
    expect(report.out).toBe(one.out.replace(/wrote chain\.json\n$/, ''));
    const art = JSON.parse(readFileSync(join(single, 'chain.json'), 'utf8'));
    expect(art.summary.predictions[0].group).toBe('b');
    expect(art.summary.stages[0].summary.law.groups).toMatchObject({ column: 'g', levels: ['a', 'b', 'c'], params: ['E'] });

    const dir = join(root, 'shards');
    for (let k = 0; k < 2; k++) {
      const r = await inDir(dir, ...argv, '--out', 'chain.json', '--shard', `${k}/2`);
      expect(r.code, r.err).toBe(0);
    }
    expect((await inDir(dir, 'merge', '.')).code).toBe(0);
    expect(noTiming(readFileSync(join(dir, 'chain.json'), 'utf8'))).toBe(noTiming(readFileSync(join(single, 'chain.json'), 'utf8')));
  });

  test('bad input, one line each, before any fit: no --group, an unknown group, --group without groups, a grouped stage 2, clusters over the group column', async () => {
    const base = argv.filter((a, i) => a !== '--group' && argv[i - 1] !== '--group');
    const cases: Array<[string[], RegExp]> = [
      [base, /--group is required: stage 1 has per-group parameters \(E per g\); name the group to predict, e\.g\. --group a \(groups: a, b, c\)/],
      [[...base, '--group', 'z'], /--group: group 'z' of column 'g' was not in the fit, so it has no E \(groups: a, b, c\)/],
      [[...base.map((a) => (a === 'E[g] + A*exp(-alpha*log(N/1e8))' ? 'E + A*exp(-alpha*log(N/1e8))' : a)), '--group', 'b'], /--group b: stage 1 has no per-group parameters/],
      [[...base.map((a) => (a === 'downstream-exp' ? 'e[g] - k*exp(-gamma*L)' : a === '--then' ? '--then-formula' : a)), '--group', 'b'], /--then-formula: per-group parameters \(e\[g\]\) are supported in stage 1 only/],
      [[...base.map((a) => (a === 'bayes' ? 'clusters:g' : a)), '--group', 'b'], /--design clusters:g: resampling whole groups of the per-group column 'g'/],
    ];
    for (const [args, message] of cases) {
      const r = await runCliCaptured(...args);
      expect(r.code, r.out).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    }
  });
});
