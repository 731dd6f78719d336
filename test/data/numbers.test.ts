/**
 * Which cell texts count as numbers: the accept/reject lists researchers' files actually contain
 * (exponents, padding, NaN/inf spellings, thousands separators, decimal commas, empty cells).
 */
import { describe, expect, test } from 'vitest';
import { parseNumericCell, type Cell } from '../../src/data/index.js';

const value = (c: Cell): number => {
  const r = parseNumericCell(c);
  if (!r.ok) throw new Error(`expected ${String(c)} to parse, got: ${r.problem}`);
  return r.value;
};
const problem = (c: Cell): string => {
  const r = parseNumericCell(c);
  if (r.ok) throw new Error(`expected ${String(c)} to be refused, got ${r.value}`);
  return `${r.problem}; ${r.fix}`;
};

describe('parseNumericCell', () => {
  test('accepts decimal numbers with sign, fraction, exponent and surrounding spaces', () => {
    expect(value('1e9')).toBe(1e9);
    expect(value('1.5E+10')).toBe(1.5e10);
    expect(value(' 2.0 ')).toBe(2);
    expect(value('-3')).toBe(-3);
    expect(value('+.5')).toBe(0.5);
    expect(value('5.')).toBe(5);
    expect(value('0')).toBe(0);
    expect(value('6795600349.289497')).toBe(6795600349.289497);
    expect(value('9.993852799709755e+18')).toBe(9.993852799709755e18);
    expect(value('1e-320')).toBe(1e-320);
  });

  test('accepts JSON numbers and booleans (as 1/0), and true/false text', () => {
    expect(value(2.5)).toBe(2.5);
    expect(value(true)).toBe(1);
    expect(value(false)).toBe(0);
    expect(value('True')).toBe(1);
    expect(value('FALSE')).toBe(0);
  });

  test('refuses non-finite spellings', () => {
    for (const t of ['NaN', 'nan', 'inf', '-inf', 'Infinity', '+Infinity', '-INF']) {
      expect(problem(t)).toBe(`'${t}' is not a finite number; correct the cell or exclude the row with a where filter`);
    }
    expect(problem(NaN)).toMatch(/^NaN is not a finite number/);
    expect(problem(Infinity)).toMatch(/^Infinity is not a finite number/);
    expect(problem('1e400')).toMatch(/^'1e400' is outside the float64 range/);
  });

  test('refuses thousands separators and decimal commas with a specific fix', () => {
    expect(problem('1,000')).toBe("'1,000' is not a number; remove the thousands separators (write 1000)");
    expect(problem('12,345,678.5')).toBe("'12,345,678.5' is not a number; remove the thousands separators (write 12345678.5)");
    expect(problem('2,5')).toBe("'2,5' is not a number; use '.' as the decimal separator (write 2.5)");
  });

  test('refuses empty, missing and non-numeric cells', () => {
    expect(problem('')).toMatch(/^the cell is empty/);
    expect(problem('   ')).toMatch(/^the cell is empty/);
    expect(problem(null)).toMatch(/^the value is null/);
    expect(problem(undefined)).toMatch(/^the record has no value for this column/);
    for (const t of ['abc', '0x10', '1.2.3', '1e', '--1', '1_000', '5%', '1 000', '.', 'e5']) {
      expect(problem(t)).toBe(`'${t}' is not a number; correct the cell or exclude the row with a where filter`);
    }
  });

  test('long cell texts are shortened in messages', () => {
    expect(problem('x'.repeat(100))).toBe(`'${'x'.repeat(37)}...' is not a number; correct the cell or exclude the row with a where filter`);
  });
});
