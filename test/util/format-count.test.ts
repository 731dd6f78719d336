import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCount } from '../../src/util/format-count.js';

describe('formatCount', () => {
  it('groups digits by three as en-US does', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1_000_000)).toBe('1,000,000');
    expect(formatCount(-12345)).toBe('-12,345');
    expect(formatCount(1234.6)).toBe('1,235');
  });
  it('agrees with toLocaleString("en-US") on whole numbers of any size', () => {
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ min: -1e22, max: 1e22, noNaN: true }).map(Math.round)), (n) => {
      expect(formatCount(n)).toBe(Math.round(n).toLocaleString('en-US', { maximumFractionDigits: 0 }).replace(/^-0$/, '0'));
    }));
  });
  it('writes non-finite values as Intl does', () => {
    expect(formatCount(Infinity)).toBe((Infinity).toLocaleString('en-US'));
    expect(formatCount(-Infinity)).toBe((-Infinity).toLocaleString('en-US'));
    expect(formatCount(NaN)).toBe((NaN).toLocaleString('en-US'));
  });
});
