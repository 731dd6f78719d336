/**
 * Every built-in law, GPU against float64 on the same problem and the same starts (64 Sobol
 * points), on the real data each law was made for, or, for the laws from the seed papers whose
 * data is not public, on their synthetic ladders with 0.3 % noise (test/laws/synthetic.ts). The GPU's best fit, finished in float64, must
 * be as good as the float64 engine's: no worse than 1e-6 relative. (A landscape with several
 * minima may let one engine find a better one; the test prints both.)
 */
import { afterAll, describe, expect, test } from 'vitest';
import { datasetFromText, loadDataset, type DataSpec } from '../../src/data/index.js';
import { compileLaw } from '../../src/law/compile.js';
import { BUILTIN_LAWS, findLaw } from '../../src/laws/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { sharedFile } from '../support/shared-data.js';
import { gpuOrSkip } from '../support/gpu.js';
import { SYNTHETIC, syntheticCsv } from '../laws/synthetic.js';

const gpu = await gpuOrSkip();
const suite = gpu.ctx === undefined ? describe.skip : describe;
afterAll(releaseGpu);

const EPOCH = 'chinchilla-epoch/chinchilla_epoch_245.csv';
const GADRE = 'gadre-overtraining/gadre_104_models.csv';
const BNSL = 'bnsl/four_digit_addition_bnsl.csv';
const DATABLATIONS = 'datablations/datablations_c4_182runs_final_val_loss.csv';
const epochWhere = 'excluded_outlier == 0';
const rpj = "train_dataset == 'rpj'";

/** Which data each law is fitted to. */
const PROBLEMS: Record<string, { file: string; spec: DataSpec }> = {
  power: { file: EPOCH, spec: { inputs: { x: 'C_flop' }, target: 'loss', where: epochWhere } },
  'power-no-offset': { file: BNSL, spec: { inputs: { x: 'train_dataset_size' }, target: 'test_cross_entropy' } },
  chinchilla: { file: EPOCH, spec: { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: epochWhere } },
  'chinchilla-tied': { file: EPOCH, spec: { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: epochWhere } },
  kaplan: { file: EPOCH, spec: { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: epochWhere } },
  overtrain: { file: GADRE, spec: { inputs: { N: 'N_params', M: 'D_tokens / N_params' }, target: 'loss_c4_val', where: rpj } },
  'downstream-exp': { file: GADRE, spec: { inputs: { L: 'loss_c4_val' }, target: 'err_avg_17', where: rpj } },
  'downstream-sigmoid': { file: GADRE, spec: { inputs: { L: 'loss_c4_val' }, target: '1 - err_avg_17', where: rpj } },
  'bnsl-1': { file: BNSL, spec: { inputs: { x: 'train_dataset_size' }, target: 'test_cross_entropy' } },
  'bnsl-2': { file: BNSL, spec: { inputs: { x: 'train_dataset_size' }, target: 'test_cross_entropy' } },
  'data-constrained': { file: DATABLATIONS, spec: { inputs: { N: 'N_params', D: 'D_tokens_total', U: 'U_unique_tokens' }, target: 'final_val_loss_c4' } },
  vit: { file: EPOCH, spec: { inputs: { C: 'C_flop' }, target: 'loss', where: epochWhere } },
  parscale: { file: 'parscale/parscale_48.csv', spec: { inputs: { N: 'N_params', P: 'P_streams' }, target: 'loss', where: "corpus == 'pile'" } },
};

/** Laws fitted to a synthetic ladder instead (no public data with published numbers). */
const SYNTHETIC_ONLY = Object.keys(SYNTHETIC).filter((n) => PROBLEMS[n] === undefined);

suite('every built-in law: GPU (finished in float64) against the float64 engine', () => {
  test('the table covers every built-in law', () => {
    expect([...Object.keys(PROBLEMS), ...SYNTHETIC_ONLY].sort()).toEqual(BUILTIN_LAWS.map((d) => d.name).sort());
  });
  const engine = webgpuEngine({ sources: nodeShaderSources(), ...(gpu.ctx !== undefined ? { context: gpu.ctx } : {}) });
  const cases = [...Object.keys(PROBLEMS).map((n) => [n, 'real'] as const), ...SYNTHETIC_ONLY.map((n) => [n, 'synthetic'] as const)];
  for (const [name, kind] of cases) {
    test(`${name} (${kind} data)`, async () => {
      const law = compileLaw(findLaw(name));
      const problem = PROBLEMS[name];
      const ds =
        problem !== undefined
          ? await loadDataset(sharedFile(problem.file), problem.spec, law.inputNames)
          : await datasetFromText(syntheticCsv(name, law.inputNames, 3e-3), `${name}.csv`, 'csv', { inputs: Object.fromEntries(law.inputNames.map((n) => [n, n])), target: 'y' }, law.inputNames);
      const starts = { kind: 'sobol', count: 64 } as const;
      const cpu = await fitLaw(law, ds, { starts });
      const g = await fitLaw(law, ds, { starts, engine });
      console.log(`${name}: cpu ${cpu.statistics.objective.toExponential(9)} (${cpu.status.name}), gpu ${g.statistics.objective.toExponential(9)} (${g.status.name}); f32 before polish ${g.polish?.costBefore.toExponential(6)}`);
      expect(g.status.usable).toBe(true);
      expect(g.statistics.objective).toBeLessThanOrEqual(cpu.statistics.objective * (1 + 1e-6) + 1e-300);
    }, 120_000);
  }
});

suite('the laws from the seed papers recover their synthetic truth on the GPU (default grid, finished in float64)', () => {
  const engine = webgpuEngine({ sources: nodeShaderSources(), ...(gpu.ctx !== undefined ? { context: gpu.ctx } : {}) });
  for (const name of Object.keys(SYNTHETIC)) {
    test(name, async () => {
      const law = compileLaw(findLaw(name));
      const spec = { inputs: Object.fromEntries(law.inputNames.map((n) => [n, n])), target: 'y' };
      const ds = await datasetFromText(syntheticCsv(name, law.inputNames, 0), `${name}.csv`, 'csv', spec, law.inputNames);
      const g = await fitLaw(law, ds, { engine });
      expect(g.status.usable).toBe(true);
      const truth = SYNTHETIC[name]!.truth;
      for (const p of g.params) expect(Math.abs(p.value - truth[p.name]!) / Math.max(Math.abs(truth[p.name]!), 1e-3), `${name}.${p.name}: ${p.value} vs ${truth[p.name]}`).toBeLessThan(1e-6);
    }, 120_000);
  }
});
