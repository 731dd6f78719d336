/**
 * The bootstrap's few-rows flag under per-group parameters (stats/bootstrap.ts FewRowsCounter): a
 * replicate is flagged when one group has no more distinct rows with positive weight than its own
 * parameters (that group's copies interpolate its rows), even when the replicate as a whole has
 * plenty; the report says so.
 */
import { describe, expect, test } from 'vitest';
import { FewRowsCounter, bootstrapFit } from '../../src/stats/bootstrap.js';
import { fewRowsWarning } from '../../src/report/text.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { perGroup } from '../../src/law/groups.js';
import { groupedLadder } from '../../src/examples/grouped-ladder.js';
import { singleThreadEngine } from '../../src/fit/engine.js';

describe('few rows per group', () => {
  test('a group with no more rows than its own parameters flags the replicate; every group above it does not', () => {
    // 12 rows, groups 0 0 0 0 1 1 1 1 2 2 2 2; p = 5 (threshold 6), 2 own parameters per group.
    const of = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    const c = new FewRowsCounter(12, 5, { of, count: 3, own: 2 });
    const w = new Float64Array(3 * 12);
    // Replicate 0: all rows. Replicate 1: group 2 down to two rows (8 + 2 = 10 rows > 6). Replicate 2: three rows per group.
    w.fill(1, 0, 12);
    w.fill(1, 12, 12 + 10);
    for (let i = 0; i < 12; i++) w[24 + i] = i % 4 === 3 ? 0 : 2;
    c.add(w, 3, 0);
    expect(c.result().replicates).toEqual([1]);
    expect(c.result().minEffectiveRows).toBe(9);
    // Without groups, the same replicates pass.
    const plain = new FewRowsCounter(12, 5);
    plain.add(w, 3, 0);
    expect(plain.result().replicates).toEqual([]);
  });

  test('bootstrapFit flags them on a grouped law (not the whole replicate: one small group), and the report names the group column', async () => {
    // Group g0: 30 runs; group g1: 3 runs for its 1 own parameter (E). The replicates never come
    // near p + 1 = 7 distinct rows overall, but some draw at most one distinct g1 row.
    const lad = groupedLadder({ groups: 2, sizes: [5e7, 1e8, 2e8, 4e8, 8e8], tokensPerParam: [5, 10, 20, 40, 80, 160], seed: 2 });
    const full = lad.dataset;
    const keep = Array.from({ length: full.n }, (_, i) => i).filter((i) => full.groups![i] === 'g0' || i % 10 === 0);
    const ds = {
      ...full,
      n: keep.length,
      inputs: Float64Array.from(keep.flatMap((i) => [full.inputs[2 * i]!, full.inputs[2 * i + 1]!])),
      y: Float64Array.from(keep, (i) => full.y[i]!),
      rowNumbers: Int32Array.from(keep, (i) => full.rowNumbers[i]!),
      groups: keep.map((i) => full.groups![i]!),
    };
    expect(ds.groups.filter((g) => g === 'g1')).toHaveLength(3);
    const { law, dataset } = perGroup(compileLaw(findLaw('chinchilla')), ds, { column: 'group', params: ['E'] });
    const b = await bootstrapFit(law, dataset, { replicates: 60, seed: 3, starts: { kind: 'sobol', count: 4 }, engine: singleThreadEngine, bca: false });
    expect(b.fewRows.minEffectiveRows).toBeGreaterThan(law.free.length + 1);
    expect(b.fewRows.replicates.length).toBeGreaterThan(0);
    expect(b.fewRows.replicates.length).toBeLessThan(30);
    const text = fewRowsWarning(b.fewRows, 60, law.free.length, { column: 'group', params: ['E'] });
    expect(text).toMatch(/, or a group group with no more such rows than its 1 own parameter: their fits \(nearly\) interpolate/);
  }, 120_000);
});
