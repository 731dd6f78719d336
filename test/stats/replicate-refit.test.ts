/**
 * One replicate refit (src/stats/replicate-refit.ts) behind every bootstrap: a replicate that
 * needs the rescue is rescued by a fit's bootstrap, by `compare --bootstrap` and by a chain's
 * joint bootstrap, and a failed replicate fails for the same reason, status and detail in all
 * three. Each path is given the same problem: the same rows in the same order, the same seed and
 * replicate numbers (each replicate's draws depend on (seed, index) only, resample.ts).
 */
import { describe, expect, test } from 'vitest';
import { readTable } from '../../src/data/index.js';
import { chinchillaLadder, HOFFMANN_TRUTH as H } from '../../src/examples/chinchilla-ladder.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { fitLaw } from '../../src/fit/fit.js';
import { compileLaw } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { findLaw } from '../../src/laws/index.js';
import { bootstrapFit } from '../../src/stats/bootstrap.js';
import { fitChain } from '../../src/stats/chain.js';
import { compareLaws } from '../../src/stats/compare.js';
import { describeFailure, ReplicateRefits } from '../../src/stats/replicate-refit.js';
import { inlineDataset } from '../support/datasets.js';

/** Stage 2 of the test chains: a scale of stage 1's quantity, fitted on the same runs (so the chain's runs are stage 1's rows, in order). */
const scale: LawDeclaration = { name: 'scale', formula: 'c*L', inputs: [{ name: 'L' }], params: [{ name: 'c', start: [0.5, 2] }], space: 'linear' };

describe('the rescue, in every path', () => {
  // On the demo's synthetic ladder (seed 20221129), replicate 172 stops at the iteration cap from
  // the full-data optimum (test/stats/bootstrap.test.ts); replicates 160-189 are refitted, 172 is
  // the 13th of them.
  const law = compileLaw(findLaw('chinchilla'));
  const ds = chinchillaLadder();
  const seed = 20221129;
  const slice = { from: 160, to: 190 };
  const at = 172 - 160;
  // The ladder as a table, plus one held-out run for compare (a filter fold fits on the others).
  const big = { N: 6.4e9, D: 1.28e11 };
  const heldLoss = H.E + H.A / big.N ** H.alpha + H.B / big.D ** H.beta;
  const rows = Array.from({ length: ds.n }, (_, i) => `${ds.inputs[2 * i]},${ds.inputs[2 * i + 1]},${ds.y[i]},${2 * ds.y[i]!},0`);
  const table = readTable(['N,D,loss,y2,held', ...rows, `${big.N},${big.D},${heldLoss},${2 * heldLoss},1`].join('\n'), 'ladder.csv', 'csv');

  test('bootstrapFit, compare and chain all rescue replicate 172, to the same draw', async () => {
    const engine = poolEngine({ threads: 2 });
    const fit = await fitLaw(law, ds, { keepStarts: true, engine });
    const common = { replicates: slice.to, seed, slice, bca: false, fit, engine } as const;
    const plain = await bootstrapFit(law, ds, { ...common, rescue: false });
    expect(plain.failed).toContain(at);
    expect(plain.failures.find((f) => f.replicate === at)).toMatchObject({ reason: 'fit-failed', status: 'max-iterations' });
    const boot = await bootstrapFit(law, ds, common);
    expect(boot.rescued).toContain(at);
    expect(boot.failed).not.toContain(at);
    const p = law.free.length;
    const rescuedDraw = Array.from(boot.draws.subarray(at * p, at * p + p));

    // The chain's stage 1 is the same fit of the same runs under the same weights.
    const chain = await fitChain(
      table,
      [
        { law, spec: { inputs: { N: 'N', D: 'D' }, target: 'loss', where: 'held == 0' } },
        { law: compileLaw(scale), spec: { inputs: { L: '@' }, target: 'y2', where: 'held == 0' } },
      ],
      { engine, bootstrap: { replicates: slice.to, seed }, replicateSlice: slice },
    );
    expect(chain.runs.n).toBe(ds.n);
    expect(chain.bootstrap!.failures.filter((f) => f.stage === 0 && f.replicate === at)).toEqual([]);
    expect(Array.from(chain.stages[0]!.draws!.subarray(at * p, at * p + p))).toEqual(rescuedDraw);

    // compare's fold 0 bootstraps the fold's fitting runs (the ladder) with seed + 0.
    const c = await compareLaws([law], table, { inputs: { N: 'N', D: 'D' }, target: 'loss' }, { kind: 'filter', expression: 'held == 1' }, { engine, bootstrap: { replicates: slice.to, seed }, replicateSlice: slice });
    const fold = c.laws[0]!.folds[0]!;
    expect(fold.outcome).toBe('scored');
    expect(fold.replicateErrors).toHaveLength(slice.to - slice.from);
    expect(fold.replicateErrors![at]).not.toBeNull();
    expect(fold.replicateFailures!.map((f) => f.replicate)).not.toContain(at);
    expect(c.laws[0]!.bootstrap!.failed).not.toContain(at);
  }, 180_000);
});

describe('failure reasons, the same in every path', () => {
  // A power law (3 parameters) on 6 rows: with seed 2, rows resampling draws only 2 distinct runs
  // in replicates 11 and 38, which cannot identify 3 parameters.
  const power = compileLaw(findLaw('power'));
  const xs = [4, 16, 64, 256, 1024, 4096];
  const ys = xs.map((x, k) => (2 + 10 * x ** -0.5) * (1 + 0.01 * Math.sin(k)));
  const ds = inlineDataset(xs, ys);
  const table = readTable(['x,y,y2,held', ...xs.map((x, i) => `${x},${ys[i]},${2 * ys[i]!},0`), `16384,${2 + 10 * 16384 ** -0.5},0,1`].join('\n'), 'power.csv', 'csv');
  const stages = (lm: { maxIterations?: number }) => [
    { law: power, spec: { inputs: { x: 'x' }, target: 'y', where: 'held == 0' }, lm },
    { law: compileLaw(scale), spec: { inputs: { L: '@' }, target: 'y2', where: 'held == 0' } },
  ];
  const R = 40;
  const seed = 2;

  test('not identified: bootstrapFit, compare and chain name the same replicates, reason, status and detail', async () => {
    const boot = await bootstrapFit(power, ds, { replicates: R, seed, bca: false });
    expect(boot.failures.map((f) => f.replicate)).toEqual([11, 38]);
    for (const f of boot.failures) {
      expect(f).toEqual({ replicate: f.replicate, reason: 'not-identified', status: expect.stringMatching(/^converged-/), detail: '2 of 6 runs drawn for 3 parameters' });
      expect(describeFailure(f)).toBe('parameters not identified by the runs drawn');
    }
    expect(boot.failed).toEqual([11, 38]);
    expect(boot.succeeded).toBe(R - 2);

    const chain = await fitChain(table, stages({}), { bootstrap: { replicates: R, seed } });
    expect(chain.bootstrap!.failures.filter((f) => f.stage === 0).map(({ stage: _s, ...f }) => f)).toEqual(boot.failures);

    const c = await compareLaws([power], table, { inputs: { x: 'x' }, target: 'y' }, { kind: 'filter', expression: 'held == 1' }, { bootstrap: { replicates: R, seed } });
    const fold = c.laws[0]!.folds[0]!;
    expect(fold.replicateFailures!.filter((f) => f.reason !== 'prediction-not-finite')).toEqual(boot.failures);
    expect(c.laws[0]!.bootstrap!.failures.filter((f) => f.reason !== 'prediction-not-finite').map(({ fold: _f, ...f }) => f)).toEqual(boot.failures);
  }, 60_000);

  test('fit failed: a 4-iteration cap fails the same replicates, with the same status, in bootstrapFit and in a chain, after the same rescue', async () => {
    const boot = await bootstrapFit(power, ds, { replicates: R, seed, bca: false, lm: { maxIterations: 4 } });
    expect(boot.rescued.length).toBeGreaterThan(0);
    const chain = await fitChain(table, stages({ maxIterations: 4 }), { bootstrap: { replicates: R, seed } });
    expect(chain.bootstrap!.failures.filter((f) => f.stage === 0).map(({ stage: _s, ...f }) => f)).toEqual(boot.failures);
    const p = power.free.length;
    expect(Array.from(chain.stages[0]!.draws!)).toEqual(Array.from(boot.draws.subarray(0, R * p)));
  }, 60_000);
});

describe('ReplicateRefits', () => {
  test('judges each replicate once: a draw, or one failure with its reason; the rescue refits fit failures only', async () => {
    const power = compileLaw(findLaw('power'));
    const xs = [4, 16, 64, 256, 1024, 4096];
    const ds = inlineDataset(xs, xs.map((x) => 2 + 10 * x ** -0.5));
    // Replicate 0 keeps every run; replicate 1 keeps two (not identified); replicate 2 every run.
    const w = Float64Array.from([1, 1, 1, 1, 1, 1, 3, 3, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    const set = new ReplicateRefits(power, ds, 3, true);
    await set.fit(0, w, undefined, { starts: { kind: 'points', points: [[1, 10, 0.3]] }, lm: { maxIterations: 1 } });
    const failedFirst = set.failureList();
    expect(failedFirst.find((f) => f.replicate === 0)).toMatchObject({ reason: 'fit-failed', status: 'max-iterations' });
    const report = await set.rescue({ starts: { kind: 'points', points: [[1, 10, 0.3]] }, lm: { maxIterations: 1 }, fullStarts: { kind: 'default' } });
    expect(report.rescued).toEqual(failedFirst.filter((f) => f.reason === 'fit-failed').map((f) => f.replicate));
    expect(report.longerIterations).toBe(10);
    // Every replicate is either drawn or failed, never both.
    for (let r = 0; r < 3; r++) {
      const drawn = Number.isFinite(set.draws[r * 3]!);
      expect(drawn).toBe(!set.failed().includes(r));
    }
    expect(set.failureList().find((f) => f.replicate === 1)).toMatchObject({ reason: 'not-identified', detail: '2 of 6 runs drawn for 3 parameters' });
  });
});
