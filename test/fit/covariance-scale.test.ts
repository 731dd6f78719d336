/**
 * Issue 14: standard errors are scale-safe. Multiplying the target by 1e-300 or 1e+300 scales the
 * fitted A, B, E by the same factor and must leave every relative standard error as it was; the
 * old `covU * slope_i * slope_j` underflowed to exactly 0 at 1e-300 (already at 1e-160) and J'WJ
 * under- or overflowed for linear-space laws.
 */
import { describe, expect, test } from 'vitest';
import { compileLaw, type CompiledLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { chinchillaLadder, HOFFMANN_TRUTH } from '../../src/examples/chinchilla-ladder.js';
import { fitLaw } from '../../src/fit/fit.js';
import { uncertaintyAt } from '../../src/fit/covariance.js';
import { prepareData } from '../../src/fit/problem.js';
import type { LossSpec } from '../../src/fit/losses.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const scaled = (ds: Dataset, s: number): Dataset => ({ ...ds, y: ds.y.map((v) => v * s) });

/** Relative SEs at the optimum of `ds`, and at the same optimum moved to the data scaled by s. */
const fits = new Map<CompiledLaw, Awaited<ReturnType<typeof fitLaw>>>();
async function relativeSes(law: CompiledLaw, ds: Dataset, loss: LossSpec, s: number): Promise<{ base: number[]; scaledSe: number[] }> {
  const truth = law.free.map((fp) => HOFFMANN_TRUTH[fp.name as keyof typeof HOFFMANN_TRUTH] as number);
  const fit = fits.get(law) ?? (await fitLaw(law, ds, { starts: { kind: 'points', points: [truth] }, lm: { loss } }));
  fits.set(law, fit);
  expect(fit.status.usable).toBe(true);
  const base = fit.params.filter((q) => !q.fixed).map((q) => q.stdError / Math.abs(q.value));
  // The optimum of the scaled problem: positive (log) parameters that carry the scale shift by
  // log s; a linear-space scale parameter (E) multiplies by s; exponents stay.
  const u = Float64Array.from(fit.bestInternal);
  law.free.forEach((fp, j) => {
    if (['A', 'B', 'E'].includes(fp.name)) u[j] = fp.transform.kind === 'log' ? u[j]! + Math.log(s) : u[j]! * s;
  });
  const sds = scaled(ds, s);
  const unc = uncertaintyAt(law, prepareData(law, sds), prepareData(law, sds).baseWeights, loss, u);
  const values = law.free.map((fp, j) => (fp.transform.kind === 'log' ? Math.exp(u[j]!) : u[j]!));
  return { base, scaledSe: Array.from(unc.stdErrors, (v, j) => v / Math.abs(values[j]!)) };
}

const linearLaw: LawDeclaration = {
  name: 'power-linear',
  formula: 'E + A*N^-alpha + B*D^-beta',
  inputs: [{ name: 'N' }, { name: 'D' }],
  params: [
    { name: 'E', transform: { kind: 'log' } },
    { name: 'A', transform: { kind: 'log' } },
    { name: 'B', transform: { kind: 'log' } },
    { name: 'alpha' },
    { name: 'beta' },
  ],
  space: 'linear',
};

describe('relative standard errors do not depend on the scale of the data', () => {
  const ladder = chinchillaLadder({ seed: 3 });
  const cases: Array<[string, CompiledLaw, LossSpec]> = [
    ['chinchilla (log space, Huber 1e-3, sandwich)', compileLaw(findLaw('chinchilla')), { kind: 'huber', delta: 1e-3 }],
    ['E + A N^-alpha + B D^-beta (linear space, least squares)', compileLaw(linearLaw), { kind: 'linear', delta: 1 }],
  ];
  for (const [name, law, loss] of cases) {
    for (const s of [1e-300, 1e-160, 1e160, 1e300]) {
      test(`${name} at ${s}`, async () => {
        const { base, scaledSe } = await relativeSes(law, ladder, loss, s);
        base.forEach((b, j) => {
          expect(Number.isFinite(b) && b > 0).toBe(true);
          expect(scaledSe[j]! / b, `${law.free[j]!.name}: relative SE ${scaledSe[j]} at scale ${s}, ${b} unscaled`).toBeCloseTo(1, 6);
        });
      }, 60_000);
    }
  }
});

describe('repro through the CLI: the Epoch ladder with its loss scaled by 1e-300 and 1e-160', () => {
  const csv = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
  const percentages = (out: string): string[] =>
    out
      .split('\n')
      .filter((l) => /^\s+(A|B|E|alpha|beta):/.test(l))
      .map((l) => /\(([-\d.e+]+)%\)/.exec(l)?.[1] ?? 'none');
  test('A +/- ... (%) is the unscaled problem\'s, not 0.00 %', async () => {
    const run = (y: string) => runCliCaptured('fit', csv, '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', y, '--starts', 'sobol:8');
    const base = await run('loss');
    expect(base.code).toBe(0);
    const want = percentages(base.out);
    expect(want).toHaveLength(5);
    expect(want).not.toContain('0.00');
    for (const y of ['loss*1e-300', 'loss*1e-160']) {
      const r = await run(y);
      expect(r.code).toBe(0);
      expect(percentages(r.out), y).toEqual(want);
    }
  }, 120_000);
});
