/**
 * The IsoFLOP mode's settings (app/src/isoflop-settings.ts), kept with the page's other settings:
 * the defaults are the CLI's (QC_THRESHOLDS, ISOFLOP_DESIGNS, FRONTIER_WEIGHTS); any well-formed
 * settings come back unchanged through the page's one reader (share.ts settingsFrom, the same for
 * local storage and the share link); anything else, field by field, keeps its default and never
 * throws (a property over arbitrary JSON).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_ISOFLOP_SETTINGS, readIsoflopSettings, type IsoflopSettings } from '../../app/src/isoflop-settings.js';
import { DEFAULT_SETTINGS } from '../../app/src/settings.js';
import { settingsFrom, settingsFromHash, shareUrl } from '../../app/src/share.js';
import { ISOFLOP_DESIGNS } from '../../src/stats/isoflop.js';
import { FRONTIER_WEIGHTS } from '../../src/stats/isoflop-frontier.js';
import { QC_THRESHOLDS } from '../../src/stats/isoflop-qc.js';

const settingsArb: fc.Arbitrary<IsoflopSettings> = fc.record({
  active: fc.boolean(),
  budget: fc.string(),
  group: fc.string(),
  weights: fc.string(),
  qc: fc.boolean(),
  thresholds: fc.record(Object.fromEntries(QC_THRESHOLDS.map((t) => [t.flag, fc.string()]))) as fc.Arbitrary<Record<string, string>>,
  frontierWeights: fc.constantFrom(...FRONTIER_WEIGHTS),
  replicates: fc.nat(100_000),
  design: fc.constantFrom(...ISOFLOP_DESIGNS),
  level: fc.double({ min: 1, max: 99.9, noNaN: true }),
  seed: fc.integer({ min: -1e9, max: 1e9 }),
  at: fc.string(),
  also: fc.string(),
});

describe('IsoFLOP settings', () => {
  test("the defaults are the CLI's: every QC threshold at its default, the first design and frontier weighting", () => {
    expect(DEFAULT_ISOFLOP_SETTINGS.thresholds).toEqual(Object.fromEntries(QC_THRESHOLDS.map((t) => [t.flag, String(t.toFlag(t.default))])));
    expect(DEFAULT_ISOFLOP_SETTINGS.design).toBe(ISOFLOP_DESIGNS[0]);
    expect(DEFAULT_ISOFLOP_SETTINGS.frontierWeights).toBe('equal');
    expect(DEFAULT_SETTINGS.isoflop).toEqual(DEFAULT_ISOFLOP_SETTINGS);
    expect(readIsoflopSettings(undefined)).toEqual(DEFAULT_ISOFLOP_SETTINGS);
  });

  test('well-formed settings come back unchanged through local storage (JSON) and a share link (property)', () => {
    fc.assert(
      fc.property(settingsArb, (iso) => {
        const s = { ...DEFAULT_SETTINGS, isoflop: iso };
        expect(settingsFrom(JSON.parse(JSON.stringify(s))).isoflop).toEqual(iso);
        expect(settingsFromHash(new URL(shareUrl(s, 'https://example.org/lawfit/')).hash)!.isoflop).toEqual(iso);
      }),
      { numRuns: 200 },
    );
  });

  test('malformed fields keep their defaults, field by field; unknown thresholds are dropped; never throws (property)', () => {
    const r = readIsoflopSettings({ budget: 3, qc: 'yes', frontierWeights: 'bogus', design: 'rows', replicates: -4, level: 'x', thresholds: { 'min-points': '9', 'no-such-flag': '1', 'outlier-z': 5 }, also: 'chinchilla', active: true });
    expect(r.budget).toBe(DEFAULT_ISOFLOP_SETTINGS.budget);
    expect(r.qc).toBe(true);
    expect(r.frontierWeights).toBe('equal');
    expect(r.design).toBe('runs');
    expect(r.replicates).toBe(DEFAULT_ISOFLOP_SETTINGS.replicates);
    expect(r.level).toBe(95);
    expect(r.thresholds['min-points']).toBe('9');
    expect(r.thresholds['outlier-z']).toBe(DEFAULT_ISOFLOP_SETTINGS.thresholds['outlier-z']);
    expect(Object.keys(r.thresholds).sort()).toEqual(QC_THRESHOLDS.map((t) => t.flag).sort());
    expect([r.also, r.active]).toEqual(['chinchilla', true]);
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        const s = readIsoflopSettings(raw);
        expect(typeof s.active).toBe('boolean');
        expect(FRONTIER_WEIGHTS).toContain(s.frontierWeights);
        expect(ISOFLOP_DESIGNS).toContain(s.design);
        expect(Number.isInteger(s.replicates) && s.replicates >= 0).toBe(true);
        expect(Object.keys(s.thresholds).sort()).toEqual(QC_THRESHOLDS.map((t) => t.flag).sort());
      }),
      { numRuns: 300 },
    );
  });
});
