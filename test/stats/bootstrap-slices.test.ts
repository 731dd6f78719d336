/**
 * bootstrapFit over slices of the replicates, assembled (assembleBootstrap), equals one call over
 * all of them, exactly: draws, statuses, shares, failures, both rescue steps and their
 * description, intervals (BCa from the one slice that ran the jackknife) and covariance.
 */
import { describe, expect, test } from 'vitest';
import { assembleBootstrap, bootstrapFit, type BootstrapOptions, type BootstrapPart } from '../../src/stats/bootstrap.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { chinchillaLadder } from '../../src/examples/chinchilla-ladder.js';

describe('bootstrap slices', () => {
  const law = compileLaw(findLaw('chinchilla'));
  const ds = chinchillaLadder();

  test('assembled slices equal the whole run, rescues included', async () => {
    // An iteration cap of 4 makes replicates fail from the basins, and some still fail with the
    // 10x cap: both rescue steps run, the second from the full fit's own 64 Sobol starts.
    const o: BootstrapOptions = { replicates: 8, seed: 11, starts: { kind: 'sobol', count: 64 }, lm: { maxIterations: 4 } };
    const whole = await bootstrapFit(law, ds, o);
    expect(whole.rescued.length).toBeGreaterThan(0);
    expect(whole.rescueStarts).toMatch(/^the same starts with 40 iterations, then \d+ from /);
    const slices = [
      { from: 0, to: 3 },
      { from: 3, to: 4 },
      { from: 4, to: 8 },
    ];
    const parts: BootstrapPart[] = [];
    let jackknife: Float64Array | undefined;
    for (const [k, slice] of slices.entries()) {
      const b = await bootstrapFit(law, ds, { ...o, slice, jackknife: k === 1 });
      parts.push(b.part!);
      if (b.jackknife !== undefined) jackknife = b.jackknife;
      // Each slice counts the few-rows replicates over its own range only (it draws only that
      // range): its part carries the whole run's set restricted to the slice, in global numbers,
      // and its own summary the same numbered from the slice's start. assembleBootstrap joins them.
      const inSlice = whole.fewRows.replicates.filter((r) => r >= slice.from && r < slice.to);
      expect(b.part!.fewRows.replicates).toEqual(inSlice);
      expect(b.fewRows.replicates).toEqual(inSlice.map((r) => r - slice.from));
    }
    const estimates = whole.fit.params.filter((q) => !q.fixed).map((q) => ({ name: q.name, value: q.value }));
    const got = assembleBootstrap({ replicates: 8, level: 0.95, n: ds.n, estimates, parts: parts.reverse(), jackknife: jackknife! });
    const { fit: _fit, part: _part, jackknife: _jack, ...want } = whole;
    expect(got.parameters.every((q) => q.bca !== undefined)).toBe(true);
    expect(JSON.stringify({ ...got, draws: Array.from(got.draws), shareReachedBest: Array.from(got.shareReachedBest), status: Array.from(got.status), covariance: Array.from(got.covariance) })).toBe(
      JSON.stringify({ ...want, draws: Array.from(want.draws), shareReachedBest: Array.from(want.shareReachedBest), status: Array.from(want.status), covariance: Array.from(want.covariance) }),
    );
    expect(() => assembleBootstrap({ replicates: 8, level: 0.95, n: ds.n, estimates, parts: [parts[0]!, parts[2]!] })).toThrow(/replicates 4\.\.7 are in no part|replicates 0\.\.3 are in no part|in no part/);
  }, 120_000);
});
