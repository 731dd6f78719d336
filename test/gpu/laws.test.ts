/**
 * Every built-in law, GPU against float64 on the same problem and the same starts (64 Sobol
 * points), on the real data each law was made for. The GPU's best fit, finished in float64, must
 * be as good as the float64 engine's: no worse than 1e-6 relative. (A landscape with several
 * minima may let one engine find a better one; the test prints both.)
 */
import { afterAll, describe, expect, test } from 'vitest';
import { loadDataset, type DataSpec } from '../../src/data/index.js';
import { compileLaw } from '../../src/law/compile.js';
import { BUILTIN_LAWS, findLaw } from '../../src/laws/index.js';
import { fitLaw } from '../../src/fit/fit.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { releaseGpu } from '../../src/gpu/device.js';
import { sharedFile } from '../support/shared-data.js';
import { gpuOrSkip } from '../support/gpu.js';

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
};

suite('every built-in law: GPU (finished in float64) against the float64 engine', () => {
  test('the table covers every built-in law', () => {
    expect(Object.keys(PROBLEMS).sort()).toEqual(BUILTIN_LAWS.map((d) => d.name).sort());
  });
  const engine = webgpuEngine({ sources: nodeShaderSources(), ...(gpu.ctx !== undefined ? { context: gpu.ctx } : {}) });
  for (const [name, { file, spec }] of Object.entries(PROBLEMS)) {
    test(name, async () => {
      const law = compileLaw(findLaw(name));
      const ds = await loadDataset(sharedFile(file), spec, law.inputNames);
      const starts = { kind: 'sobol', count: 64 } as const;
      const cpu = await fitLaw(law, ds, { starts });
      const g = await fitLaw(law, ds, { starts, engine });
      console.log(`${name}: cpu ${cpu.statistics.objective.toExponential(9)} (${cpu.status.name}), gpu ${g.statistics.objective.toExponential(9)} (${g.status.name}); f32 before polish ${g.polish?.costBefore.toExponential(6)}`);
      expect(g.status.usable).toBe(true);
      expect(g.statistics.objective).toBeLessThanOrEqual(cpu.statistics.objective * (1 + 1e-6) + 1e-300);
    }, 120_000);
  }
});
