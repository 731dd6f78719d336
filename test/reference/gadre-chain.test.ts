/**
 * Gadre et al. 2024 (RedPajama) as one chain: the over-training law on the 5 small runs feeding the
 * downstream law Err(L) fitted on those 5 plus the 1.4B run at M = 20. The chain's point
 * predictions of the 17-task error at the two held-out runs reproduce the published relative errors
 * (3.6365 % for 1.4B at M = 640, 0.0464 % for 6.9B at M = 20, as test/reference/gadre.test.ts gets
 * them by hand); the joint bootstrap gives bands that contain those predictions, are at least as
 * wide as the stage-2-alone bands at both extrapolated points, and are reproduced by their seed.
 * The same protocol through `lawfit chain` at the end.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readTableFile } from '../../src/data/index.js';
import type { Table } from '../../src/data/table.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { fitChain, predictChain, type ChainDesign, type ChainStage } from '../../src/stats/chain.js';
import { sharedFile } from '../support/shared-data.js';
import { runCliCaptured } from '../support/cli.js';

const SMALL = "(model_config == 'd=96_l=8_h=4' || model_config == 'd=512_l=8_h=4' || model_config == 'd=576_l=24_h=8' || model_config == 'd=1024_l=24_h=8')";
const LOSS_RUNS = `(${SMALL} && token_multiplier_M == 20) || (model_config == 'd=96_l=8_h=4' && token_multiplier_M == 320)`;
const GADRE_LOSS_WHERE = `train_dataset == 'rpj' && (${LOSS_RUNS})`;
const GADRE_DOWNSTREAM_WHERE = `train_dataset == 'rpj' && (${LOSS_RUNS} || (model_config == 'open_lm_1b' && token_multiplier_M == 20))`;

const stages = (): ChainStage[] => [
  { law: compileLaw(findLaw('overtrain')), spec: { inputs: { N: 'N_params', M: 'D_tokens / N_params' }, target: 'loss_c4_val', where: GADRE_LOSS_WHERE } },
  { law: compileLaw(findLaw('downstream-exp')), spec: { inputs: { L: '@' }, target: 'err_avg_17', where: GADRE_DOWNSTREAM_WHERE } },
];

function run(t: Table, config: string, M: number): { N: number; M: number; loss: number; err: number } {
  const col = (name: string) => t.columns.indexOf(name);
  const row = t.rows.find((r) => r[col('train_dataset')] === 'rpj' && r[col('model_config')] === config && Number(r[col('token_multiplier_M')]) === M)!;
  return { N: Number(row[col('N_params')]), M, loss: Number(row[col('loss_c4_val')]), err: Number(row[col('err_avg_17')]) };
}

const relErr = (pred: number, actual: number): number => (100 * Math.abs(pred - actual)) / actual;

describe('Gadre et al. 2024 as a chain: over-training law -> downstream law', async () => {
  const table = await readTableFile(sharedFile('gadre-overtraining/gadre_104_models.csv'));
  const b1 = run(table, 'open_lm_1b', 640);
  const b7 = run(table, 'open_lm_7b', 20);
  const bayes = (seed: number) => fitChain(table, stages(), { bootstrap: { replicates: 1000, seed, design: { kind: 'bayes' } } });

  test('the point predictions reproduce the published relative errors (loss 0.7103 %, 0.7320 %; 17-task error 3.6365 %, 0.0464 %)', async () => {
    const chain = await fitChain(table, stages());
    expect(chain.stages.map((s) => s.dataset.n)).toEqual([5, 6]);
    expect(chain.runs.n).toBe(6);
    const p1 = predictChain(chain, { N: b1.N, M: b1.M });
    const p7 = predictChain(chain, { N: b7.N, M: b7.M });
    expect(Math.abs(relErr(p1.stages[0]!.estimate, b1.loss) - 0.7103)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(relErr(p7.stages[0]!.estimate, b7.loss) - 0.732)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(relErr(p1.stages[1]!.estimate, b1.err) - 3.6365)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(relErr(p7.stages[1]!.estimate, b7.err) - 0.0464)).toBeLessThanOrEqual(0.01);
    // Both big runs lie beyond the fitted model sizes.
    expect(p7.stages[0]!.outside.N).toBeGreaterThan(1);
  });

  test('joint Bayesian bootstrap: no replicate fails; the chain band holds the prediction and is wider than stage 2 alone; the seed reproduces it', async () => {
    const chain = await bayes(0);
    expect(chain.bootstrap!.failed).toEqual([]);
    const widths: Record<string, number> = {};
    for (const [name, r] of [['1.4B M=640', b1], ['6.9B M=20', b7]] as const) {
      const p = predictChain(chain, { N: r.N, M: r.M });
      const final = p.stages[1]!;
      const band = final.confidence!;
      const alone = p.lastStageOnly!;
      expect(band[0]).toBeLessThanOrEqual(final.estimate);
      expect(band[1]).toBeGreaterThanOrEqual(final.estimate);
      expect(band[1] - band[0]).toBeGreaterThanOrEqual(alone[1] - alone[0]);
      expect(final.prediction![1] - final.prediction![0]).toBeGreaterThan(0);
      widths[`${name} chain`] = band[1] - band[0];
      widths[`${name} stage 2 alone`] = alone[1] - alone[0];
      widths[`${name} stage 1 (loss)`] = p.stages[0]!.confidence![1] - p.stages[0]!.confidence![0];
    }
    console.log('gadre chain, 95 % band widths of the 17-task error (1000 Bayesian replicates, seed 0):', widths);

    const again = predictChain(await bayes(0), { N: b7.N, M: b7.M });
    const other = predictChain(await bayes(1), { N: b7.N, M: b7.M });
    const first = predictChain(chain, { N: b7.N, M: b7.M });
    expect(again.stages[1]!.confidence).toEqual(first.stages[1]!.confidence);
    expect(again.lastStageOnly).toEqual(first.lastStageOnly);
    expect(other.stages[1]!.confidence).not.toEqual(first.stages[1]!.confidence);
  });

  test('rows resampling of 6 runs leaves many replicates unidentified: they are counted by stage and reason, and kept out of the bands', async () => {
    const design: ChainDesign = { kind: 'rows' };
    const chain = await fitChain(table, stages(), { bootstrap: { replicates: 400, seed: 0, design } });
    const b = chain.bootstrap!;
    expect(b.failed.length).toBeGreaterThan(40);
    expect(b.succeeded + b.failed.length).toBe(400);
    // Stage 1 needs the one run off M = 20 to separate a from c; (5/6)^6 = 33 % of draws miss it.
    const stage1 = new Set(b.failures.filter((f) => f.stage === 0 && f.reason === 'not-identified').map((f) => f.replicate));
    expect(stage1.size / 400).toBeGreaterThan(0.25);
    const p = predictChain(chain, { N: b7.N, M: b7.M });
    expect(p.draws).toBe(b.succeeded);
    for (const r of b.failed) expect(Number.isNaN(p.replicateValues!.stages[1]![r]!)).toBe(true);
  });
});

describe('lawfit chain on the Gadre data', () => {
  const file = sharedFile('gadre-overtraining/gadre_104_models.csv');
  const base = ['chain', file, '--law', 'overtrain', '--x', 'N=N_params,M=D_tokens/N_params', '--y', 'loss_c4_val', '--where', GADRE_LOSS_WHERE, '--then', 'downstream-exp', '--then-y', 'err_avg_17', '--then-where', GADRE_DOWNSTREAM_WHERE, '--threads', '1'];
  const cli = runCliCaptured;

  test('both fits, a table per point with the chain, stage-2-alone and prediction bands, a warning, and the artifact', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lawfit-chain-')), 'chain.json');
    const r = await cli(...base, '--then-x', 'L=@', '--at', 'N=1439795200,M=640', '--at', 'N=6.9e9,M=20', '--bootstrap', '300', '--design', 'bayes', '--seed', '0', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stage 1: overtrain/);
    expect(r.out).toMatch(/stage 2: downstream-exp/);
    expect(r.out).toMatch(/L = loss_c4_val \(observed; stage 1's prediction at new points\)/);
    expect(r.out).toMatch(/joint bootstrap: 300 replicates over the 6 runs \(bayes, seed 0\): 300 usable, 0 failed/);
    expect(r.out).toMatch(/stage 2 err_avg_17\s+0\.49249\d*\s+\[[\d.]+, [\d.]+\]\s+[\d.]+\s+\[[\d.]+, [\d.]+\]\s+chain: every stage resampled/);
    expect(r.out).toMatch(/stage 2 alone: stage 1's prediction taken as exact/);
    expect(r.out).toMatch(/warning: outside the fitted range: stage 1 by 1\.22 decades of N \(above\)/);
    // lawfit report prints the saved chain as chain printed it.
    const again = await cli('report', out);
    expect(again.code).toBe(0);
    expect(again.out).toBe(r.out.replace(`wrote ${out}\n`, ''));
    const art = JSON.parse(readFileSync(out, 'utf8'));
    expect(art.format).toBe('lawfit-chain');
    expect(art.seed).toBe(0);
    expect(art.options.bootstrap).toMatchObject({ replicates: 300, design: 'bayes', level: 0.95 });
    expect(art.summary.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(art.summary.stages).toHaveLength(2);
    expect(art.summary.stages[0].summary.bootstrap.draws).toHaveLength(300);
    expect(art.summary.predictions[1].replicateValues.stages[1]).toHaveLength(300);
    expect(art.summary.predictions[1].at).toEqual({ N: 6.9e9, M: 20 });
  });

  test('rows resampling: the failed replicates are counted by stage and reason, with the advice to use bayes', async () => {
    const r = await cli(...base, '--then-x', 'L=@', '--at', 'N=6.9e9,M=20', '--bootstrap', '200');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/left out of the bands: \d+ stage 1: parameters not identified by the runs drawn/);
    expect(r.out).toMatch(/--design bayes keeps every run in every replicate/);
  });

  test.each([
    ['no @ in --then-x', ['--then-x', 'L=loss_c4_val', '--at', 'N=1e9,M=20'], /stage 2 \(law 'downstream-exp'\): map exactly one input to '@'/],
    ['unknown input at --at', ['--then-x', 'L=@', '--at', 'N=1e9,T=20'], /--at: law 'overtrain → downstream-exp' has no input 'T'/],
    ['@ given at --at', ['--then-x', 'L=@', '--at', 'N=1e9,M=20,L=2'], /has no input 'L'/],
    ['no --at', ['--then-x', 'L=@'], /--at is required/],
    ['design without bootstrap', ['--then-x', 'L=@', '--at', 'N=1e9,M=20', '--design', 'bayes'], /--design needs --bootstrap N/],
    ['stage 2 loss misspelt', ['--then-x', 'L=@', '--at', 'N=1e9,M=20', '--then-loss', 'hubber:1'], /error: --then-loss: expected linear, huber:DELTA/],
    ['stage 2 fix without a value', ['--then-x', 'L=@', '--at', 'N=1e9,M=20', '--then-fix', 'E'], /--then-fix: expected NAME=VALUE, got 'E'/],
  ])('%s: exit 2 and one clear line', async (_name, extra, message) => {
    const r = await cli(...base, ...extra);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test('--help documents the chain, the @ token and why the Bayesian bootstrap suits tiny ladders', async () => {
    const r = await cli('chain', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/'@' stands for stage 1's quantity/);
    expect(r.out).toMatch(/Bayesian bootstrap/);
  });
});
