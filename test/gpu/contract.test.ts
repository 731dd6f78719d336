/**
 * The host–WGSL contract, declared once: the bindings table is the only source of `@binding`
 * declarations and of the bind group; the uniform block's size and padding follow from its
 * fields; the loss switch is generated from the loss table, and a loss code the table does not
 * have ends every problem with status unknown-loss, on the GPU (both kernel layouts) and on the
 * CPU, instead of running as some other loss.
 */
import { describe, expect, test } from 'vitest';
import { singleThreadEngine } from '../../src/fit/engine.js';
import { LOSSES, type LossKind } from '../../src/fit/losses.js';
import { resolveLmOptions } from '../../src/fit/options.js';
import { prepareData, type BatchProblem } from '../../src/fit/problem.js';
import { makeStarts } from '../../src/fit/starts.js';
import { STATUS, statusInfo } from '../../src/fit/status.js';
import { LM_BINDINGS, bindingsWgsl } from '../../src/gpu/bindings.js';
import { webgpuEngine } from '../../src/gpu/engine.js';
import { composeLmModule } from '../../src/gpu/kernels.js';
import { PARAMS_FIELDS, PARAMS_SIZE, packParams, paramsWgsl, type ParamsValues } from '../../src/gpu/layout.js';
import { gpuLossCode, lossesWgsl, UNKNOWN_LOSS_CODE } from '../../src/gpu/losses-wgsl.js';
import { nodeShaderSources } from '../../src/gpu/shaders-node.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { inlineDataset } from '../support/datasets.js';
import { gpuOrSkip } from '../support/gpu.js';

const law = compileLaw(findLaw('chinchilla'));

describe('the contract, generated', () => {
  test('every @binding of the composed module comes from the bindings table, each index once, in table order', () => {
    const { code } = composeLmModule(law, nodeShaderSources(), 64);
    const decls = [...code.matchAll(/@group\((\d+)\) @binding\((\d+)\) var<([^>]+)> (\w+): ([^;]+);/g)].map((m) => ({ group: Number(m[1]), binding: Number(m[2]), space: m[3], name: m[4], type: m[5] }));
    expect(decls.map((d) => d.name)).toEqual(LM_BINDINGS.map((b) => b.name));
    expect(decls.map((d) => d.binding)).toEqual(LM_BINDINGS.map((_, i) => i));
    expect(new Set(decls.map((d) => d.group))).toEqual(new Set([0]));
    expect(code.match(/@binding/g)).toHaveLength(LM_BINDINGS.length);
    // The templates declare none themselves: the generated block is the only one.
    const { lmThread, lmGroup } = nodeShaderSources();
    expect(`${lmThread}\n${lmGroup}`).not.toMatch(/@binding|fn point_loss/);
    expect(bindingsWgsl()).toContain('var<uniform> prm: Params;');
    expect(bindingsWgsl()).toContain('var<storage, read_write> running_count: atomic<u32>;');
  });

  test('the uniform block: size, padding and packing follow from the fields', () => {
    expect(PARAMS_SIZE % 16).toBe(0);
    expect(PARAMS_SIZE).toBeGreaterThanOrEqual(PARAMS_FIELDS.length * 4);
    expect(PARAMS_SIZE - PARAMS_FIELDS.length * 4).toBeLessThan(16);
    const struct = paramsWgsl();
    const members = [...struct.matchAll(/^ {2}(\w+): (u32|f32),/gm)].map((m) => m[1]);
    // Every field in order, then the padding words that bring the struct to PARAMS_SIZE bytes.
    expect(members.slice(0, PARAMS_FIELDS.length)).toEqual(PARAMS_FIELDS.map(([k]) => k));
    expect(members.length * 4).toBe(PARAMS_SIZE);
    const values = Object.fromEntries(PARAMS_FIELDS.map(([k], i) => [k, i + 0.5])) as ParamsValues;
    for (const [k, t] of PARAMS_FIELDS) if (t === 'u32') values[k] = 1000 + PARAMS_FIELDS.findIndex(([x]) => x === k);
    const dv = new DataView(packParams(values));
    expect(dv.byteLength).toBe(PARAMS_SIZE);
    PARAMS_FIELDS.forEach(([k, t], i) => {
      expect(t === 'u32' ? dv.getUint32(4 * i, true) : dv.getFloat32(4 * i, true), k).toBe(values[k]);
    });
  });

  test("the loss switch has exactly the table's codes; any other code is unknown", () => {
    const wgsl = lossesWgsl();
    const pointLoss = wgsl.slice(wgsl.indexOf('fn point_loss'));
    const codes = [...pointLoss.matchAll(/case (\d+)u: \{ \/\/ (\w+):/g)].map((m) => [Number(m[1]), m[2]]);
    expect(codes).toEqual(LOSSES.map((l) => [l.code, l.kind]));
    const known = /case ([\du, ]+): \{ return true; \}/.exec(wgsl)![1]!.split(',').map((c) => Number(c.trim().replace('u', '')));
    expect(known).toEqual(LOSSES.map((l) => l.code));
    for (const l of LOSSES) expect(gpuLossCode(l.kind)).toBe(l.code);
    expect(gpuLossCode('sixth')).toBe(UNKNOWN_LOSS_CODE);
    expect(LOSSES.map((l) => l.code)).not.toContain(UNKNOWN_LOSS_CODE);
    expect(new Set(LOSSES.map((l) => l.code)).size).toBe(LOSSES.length);
    expect(statusInfo(STATUS.UNKNOWN_LOSS)).toMatchObject({ name: 'unknown-loss', usable: false });
  });
});

/** Sixteen problems of a small law (quick to compile on lavapipe) under a loss the table does not have. */
function unknownLossProblem(): BatchProblem {
  const power = compileLaw(findLaw('power'));
  const x = [1, 2, 4, 8, 16, 32, 64, 128];
  const data = prepareData(power, inlineDataset(x, x.map((v) => 1.5 + 4 * v ** -0.4)));
  const starts = makeStarts(power, { kind: 'sobol', count: 16 });
  const options = { ...resolveLmOptions({}), loss: { kind: 'sixth' as LossKind, delta: 1 } };
  return { law: power, data, starts: starts.u, nStarts: starts.count, weights: new Float64Array(data.n).fill(1), nWeightSets: 1, options };
}

const gpu = await gpuOrSkip();

describe('an unknown loss code is trapped, not run as another loss', () => {
  test('the float64 engine: every problem unknown-loss, cost NaN, no iteration', async () => {
    const r = await singleThreadEngine.solve(unknownLossProblem());
    expect(new Set(r.status)).toEqual(new Set([STATUS.UNKNOWN_LOSS]));
    expect(Array.from(r.cost).every(Number.isNaN)).toBe(true);
    expect(new Set(r.iterations)).toEqual(new Set([0]));
  });

  for (const variant of ['thread', 'group'] as const) {
    test.skipIf(gpu.ctx === undefined)(`the WebGPU kernels (${variant} layout): every problem unknown-loss, cost NaN, no iteration`, async () => {
      const engine = webgpuEngine({ sources: nodeShaderSources(), context: gpu.ctx!, variant });
      const r = await engine.solve(unknownLossProblem());
      expect(new Set(r.status)).toEqual(new Set([STATUS.UNKNOWN_LOSS]));
      expect(Array.from(r.cost).every(Number.isNaN)).toBe(true);
      expect(new Set(r.iterations)).toEqual(new Set([0]));
    }, 120_000);
  }
});
