/**
 * Downstream chains (src/stats/chain.ts): the joint bootstrap weighs a run the same in every stage
 * (checked against closed-form weighted least squares), replicates whose runs do not identify a
 * stage are counted, bad stage mappings and points are refused, and on synthetic chains with a
 * known truth the chain band covers the true downstream value where the last-stage-alone band
 * often does not.
 */
import { describe, expect, test } from 'vitest';
import { readTable } from '../../src/data/index.js';
import { chinchillaLadder, HOFFMANN_TRUTH as H } from '../../src/examples/chinchilla-ladder.js';
import type { Progress } from '../../src/fit/control.js';
import { compileLaw } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import { findLaw } from '../../src/laws/index.js';
import { fitChain, predictChain, type ChainStage } from '../../src/stats/chain.js';
import { summarizeChain } from '../../src/report/chain-summary.js';
import { resampleWeights } from '../../src/stats/resample.js';
import { fixedDesignBasis, replicateTargets } from '../../src/stats/fixed-design.js';
import { createRng, nextNormal } from '../../src/util/rng.js';

const line: LawDeclaration = { name: 'line', formula: 'a + b*x', inputs: [{ name: 'x' }], params: [{ name: 'a', start: [0, 1] }, { name: 'b', start: [0, 1] }], space: 'linear' };
const scale: LawDeclaration = { name: 'scale', formula: 'c*L', inputs: [{ name: 'L' }], params: [{ name: 'c', start: [0.5, 2] }], space: 'linear' };

// Eight runs: stage 1 uses runs 0-5, stage 2 runs 2-7 (runs 2-5 feed both).
const xs = [1, 2, 3, 4, 5, 6, 7, 8];
const y1 = xs.map((x, i) => 1 + 0.5 * x + 0.1 * Math.sin(3 * i));
const y2 = y1.map((v, i) => 2 * v + 0.05 * Math.cos(5 * i));
const tiny = readTable(['id,x,y1,y2', ...xs.map((x, i) => `${i},${x},${y1[i]},${y2[i]}`)].join('\n'), 'tiny.csv', 'csv');
const tinyStages: ChainStage[] = [
  { law: compileLaw(line), spec: { inputs: { x: 'x' }, target: 'y1', where: 'id <= 5' } },
  { law: compileLaw(scale), spec: { inputs: { L: '@' }, target: 'y2', where: 'id >= 2' } },
];

/** Weighted least squares of y on (1, x): [a, b], or undefined when fewer than 2 distinct x have weight. */
function wlsLine(x: number[], y: number[], w: number[]): [number, number] | undefined {
  const distinct = new Set(x.filter((_, i) => w[i]! > 0));
  if (distinct.size < 2) return undefined;
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  x.forEach((xi, i) => {
    sw += w[i]!; sx += w[i]! * xi; sy += w[i]! * y[i]!; sxx += w[i]! * xi * xi; sxy += w[i]! * xi * y[i]!;
  });
  const b = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
  return [(sy - b * sx) / sw, b];
}

describe('the joint bootstrap', () => {
  test('every replicate weighs a run the same in both stages: draws match closed-form weighted least squares', async () => {
    const R = 40;
    const chain = await fitChain(tiny, tinyStages, { bootstrap: { replicates: R, seed: 25, design: { kind: 'rows' } } });
    expect(chain.runs.n).toBe(8);
    expect(Array.from(chain.stages[0]!.runIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(chain.stages[1]!.runIndex)).toEqual([2, 3, 4, 5, 6, 7]);
    // The stage-2 input on its runs is stage 1's observed target.
    expect(Array.from(chain.stages[1]!.dataset.inputs)).toEqual(y1.slice(2));

    const W = resampleWeights(8, { replicates: R, seed: 25, design: { kind: 'rows' } });
    const at = { x: 12 };
    const p = predictChain(chain, at);
    const [a0, b0] = [chain.stages[0]!.fit.params[0]!.value, chain.stages[0]!.fit.params[1]!.value];
    let expectedFailures = 0;
    for (let r = 0; r < R; r++) {
      const w = Array.from(W.subarray(r * 8, r * 8 + 8));
      const ab = wlsLine(xs.slice(0, 6), y1.slice(0, 6), w.slice(0, 6));
      const L = y1.slice(2);
      const w2 = w.slice(2);
      const den = L.reduce((s, v, i) => s + w2[i]! * v * v, 0);
      const c = den > 0 ? L.reduce((s, v, i) => s + w2[i]! * v * y2[i + 2]!, 0) / den : undefined;
      const failed = chain.bootstrap!.failed.includes(r);
      expect(failed).toBe(ab === undefined || c === undefined);
      if (failed) {
        expectedFailures++;
        expect(Number.isNaN(p.replicateValues!.stages[1]![r]!)).toBe(true);
        continue;
      }
      const d1 = chain.stages[0]!.draws!;
      expect(d1[2 * r]).toBeCloseTo(ab![0], 7);
      expect(d1[2 * r + 1]).toBeCloseTo(ab![1], 7);
      expect(chain.stages[1]!.draws![r]).toBeCloseTo(c!, 7);
      // Pushed through: stage 2 of this replicate at stage 1 of this replicate.
      expect(p.replicateValues!.stages[0]![r]).toBeCloseTo(ab![0] + ab![1] * 12, 6);
      expect(p.replicateValues!.stages[1]![r]).toBeCloseTo(c! * (ab![0] + ab![1] * 12), 6);
      expect(p.replicateValues!.lastStageOnly[r]).toBeCloseTo(c! * (a0 + b0 * 12), 6);
    }
    // Rows resampling of 6 runs for a 2-parameter line leaves some replicates without 2 distinct x.
    expect(expectedFailures).toBeGreaterThan(0);
    expect(chain.bootstrap!.failed.length).toBe(expectedFailures);
    expect(chain.bootstrap!.succeeded).toBe(R - expectedFailures);
    expect(chain.bootstrap!.failures.every((f) => f.reason === 'not-identified' && f.stage === 0)).toBe(true);
    expect(p.draws).toBe(R - expectedFailures);
  });

  test('--design residuals: every stage keeps its runs and refits to its own targets (stage k from stream k): draws match closed-form least squares', async () => {
    const R = 30;
    const design = { kind: 'residuals', centre: true, leverage: false } as const;
    const chain = await fitChain(tiny, tinyStages, { bootstrap: { replicates: R, seed: 8, design } });
    expect(chain.bootstrap!.failed).toEqual([]);
    const [s1, s2] = chain.stages;
    const t1 = replicateTargets(fixedDesignBasis(s1!.law, s1!.dataset, s1!.fit.params.map((q) => q.value), design), design, 8, 0, R, 0);
    const t2 = replicateTargets(fixedDesignBasis(s2!.law, s2!.dataset, s2!.fit.params.map((q) => q.value), design), design, 8, 0, R, 1);
    const L = Array.from(s2!.dataset.inputs);
    for (let r = 0; r < R; r++) {
      const ab = wlsLine(xs.slice(0, 6), Array.from(t1.subarray(r * 6, r * 6 + 6)), [1, 1, 1, 1, 1, 1])!;
      expect(s1!.draws![2 * r]).toBeCloseTo(ab[0], 7);
      expect(s1!.draws![2 * r + 1]).toBeCloseTo(ab[1], 7);
      const c = L.reduce((a, v, i) => a + v * t2[r * 6 + i]!, 0) / L.reduce((a, v) => a + v * v, 0);
      expect(s2!.draws![r]).toBeCloseTo(c, 7);
    }
    expect(summarizeChain(chain, []).bootstrap?.design).toBe('residuals');
  });

  test('generator numpy-legacy: the replicates draw their run weights from numpy\'s generator (as fit --bootstrap --generator does)', async () => {
    const R = 20;
    const chain = await fitChain(tiny, tinyStages, { bootstrap: { replicates: R, seed: 3, design: { kind: 'rows' }, generator: 'numpy-legacy' } });
    const W = resampleWeights(8, { replicates: R, seed: 3, design: { kind: 'rows' }, generator: 'numpy-legacy' });
    expect(Array.from(W)).not.toEqual(Array.from(resampleWeights(8, { replicates: R, seed: 3, design: { kind: 'rows' } })));
    let checked = 0;
    for (let r = 0; r < R; r++) {
      if (chain.bootstrap!.failed.includes(r)) continue;
      const w2 = Array.from(W.subarray(r * 8 + 2, r * 8 + 8));
      const L = y1.slice(2);
      const c = L.reduce((s, v, i) => s + w2[i]! * v * y2[i + 2]!, 0) / L.reduce((s, v, i) => s + w2[i]! * v * v, 0);
      expect(chain.stages[1]!.draws![r]).toBeCloseTo(c, 7);
      checked++;
    }
    expect(checked).toBeGreaterThan(R / 2);
  });

  test('the Bayesian bootstrap keeps every run, so no replicate fails; the artifact data serialise with nulls for nothing', async () => {
    const chain = await fitChain(tiny, tinyStages, { bootstrap: { replicates: 50, seed: 1, design: { kind: 'bayes' } } });
    expect(chain.bootstrap!.failed).toEqual([]);
    const p = predictChain(chain, { x: 12 });
    const s = JSON.parse(JSON.stringify(summarizeChain(chain, [p], 'abc')));
    expect(s.digest).toBe('abc');
    expect(s.bootstrap.design).toBe('bayes');
    expect(s.stages[1].chainedInput).toBe('L');
    expect(s.stages[0].summary.bootstrap.draws).toHaveLength(50);
    expect(s.predictions[0].replicateValues.stages[1].every((v: number | null) => typeof v === 'number')).toBe(true);
  });

  test('clusters: runs sharing a label get the same weight in every replicate', async () => {
    const grouped = readTable(['id,x,y1,y2,g', ...xs.map((x, i) => `${i},${x},${y1[i]},${y2[i]},g${Math.floor(i / 2)}`)].join('\n'), 'grouped.csv', 'csv');
    const chain = await fitChain(grouped, tinyStages, { bootstrap: { replicates: 30, seed: 2, design: { kind: 'clusters', column: 'g' } } });
    expect(chain.runs.groups).toEqual(['g0', 'g0', 'g1', 'g1', 'g2', 'g2', 'g3', 'g3']);
    expect(chain.bootstrap!.succeeded + chain.bootstrap!.failed.length).toBe(30);
  });

  test('progress is reported in fits, and neither the count nor the total goes backwards; an aborted signal stops the run', async () => {
    const seen: Progress[] = [];
    await fitChain(tiny, tinyStages, { bootstrap: { replicates: 10, seed: 0, design: { kind: 'bayes' } }, control: { onProgress: (q) => seen.push(q) } });
    expect(seen.every((q, i) => i === 0 || (q.done >= seen[i - 1]!.done && q.total >= seen[i - 1]!.total))).toBe(true);
    // Every phase reports, and the last report has every fit done.
    expect(new Set(seen.map((q) => q.phase))).toEqual(new Set(['stage 1 (line): fit', 'stage 2 (scale): fit', 'stage 1 (line): bootstrap replicates', 'stage 2 (scale): bootstrap replicates']));
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    const ac = new AbortController();
    ac.abort();
    await expect(fitChain(tiny, tinyStages, { control: { signal: ac.signal } })).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('stages and points are checked', () => {
  test('the first stage cannot use @, every later stage must use it exactly once, and a chain has 2 stages', async () => {
    const first = { ...tinyStages[0]!, spec: { inputs: { x: '@' }, target: 'y1' } };
    await expect(fitChain(tiny, [first, tinyStages[1]!])).rejects.toThrow(/stage 1 \(law 'line'\): the first stage has no previous stage/);
    const second = { ...tinyStages[1]!, spec: { inputs: { L: 'y1' }, target: 'y2' } };
    await expect(fitChain(tiny, [tinyStages[0]!, second])).rejects.toThrow(/stage 2 \(law 'scale'\): map exactly one input to '@'/);
    await expect(fitChain(tiny, [tinyStages[0]!])).rejects.toThrow(/at least 2 stages/);
  });

  test('a point must give every non-chained input and nothing else; without a bootstrap there are no bands', async () => {
    const chain = await fitChain(tiny, tinyStages);
    expect(() => predictChain(chain, {})).toThrow(/give a value for input 'x'/);
    expect(() => predictChain(chain, { x: 1, L: 2 })).toThrow(/the chain has no input 'L'/);
    const p = predictChain(chain, { x: 12 });
    expect(p.stages[1]!.inputs.L).toBe(p.stages[0]!.estimate);
    expect(p.stages[1]!.confidence).toBeUndefined();
    expect(p.stages[0]!.outside.x).toBeCloseTo(Math.log10(12 / 6), 12);
  });
});

describe('synthetic chains with a known truth', () => {
  // Loss from Hoffmann et al.'s law (1 % noise, chinchillaLadder), error from a known downstream
  // law at each run's observed loss plus 0.003 noise; stage 2 fitted on the runs with D/N >= 20.
  const DOWN = { epsilon: 0.85, k: 2.2, gamma: 0.7 };
  const errorAt = (L: number): number => DOWN.epsilon - DOWN.k * Math.exp(-DOWN.gamma * L);
  const at = { N: 7e10, D: 1.4e12 };
  const truth = errorAt(H.E + H.A / at.N ** H.alpha + H.B / at.D ** H.beta);

  test('the 95 % chain band covers the true error at Chinchilla-70B in at least 9 of 10 ladders; the stage-2-alone band covers fewer', async () => {
    let chainCovers = 0;
    let aloneCovers = 0;
    for (let s = 0; s < 10; s++) {
      const ds = chinchillaLadder({ seed: 100 + s });
      const rng = createRng(7000 + s);
      const rows = Array.from({ length: ds.n }, (_, i) => `${ds.inputs[2 * i]},${ds.inputs[2 * i + 1]},${ds.y[i]},${errorAt(ds.y[i]!) + 0.003 * nextNormal(rng)}`);
      const table = readTable(['N,D,loss,err', ...rows].join('\n'), `synthetic-${s}`, 'csv');
      const chain = await fitChain(
        table,
        [
          { law: compileLaw(findLaw('chinchilla')), spec: { inputs: { N: 'N', D: 'D' }, target: 'loss' }, starts: { kind: 'sobol', count: 256 } },
          { law: compileLaw(findLaw('downstream-exp')), spec: { inputs: { L: '@' }, target: 'err', where: 'D / N >= 20' } },
        ],
        { bootstrap: { replicates: 200, seed: s, design: { kind: 'bayes' } } },
      );
      const p = predictChain(chain, at);
      const band = p.stages[1]!.confidence!;
      const alone = p.lastStageOnly!;
      if (band[0] <= truth && truth <= band[1]) chainCovers++;
      if (alone[0] <= truth && truth <= alone[1]) aloneCovers++;
      expect(band[0]).toBeLessThanOrEqual(p.stages[1]!.estimate);
      expect(band[1]).toBeGreaterThanOrEqual(p.stages[1]!.estimate);
      // The prediction band adds scatter to the same replicates, so it is no narrower.
      const pb = p.stages[1]!.prediction!;
      expect(pb[1] - pb[0]).toBeGreaterThanOrEqual(0.95 * (band[1] - band[0]));
    }
    console.log(`synthetic chains: the chain band covers the true error in ${chainCovers}/10 ladders, the stage-2-alone band in ${aloneCovers}/10`);
    expect(chainCovers).toBeGreaterThanOrEqual(9);
    expect(aloneCovers).toBeLessThan(chainCovers);
  }, 120_000);
});
