/**
 * 12345 -> "12,345": a whole number with en-US digit grouping, the same on every machine.
 *
 * Written out rather than `toLocaleString('en-US')` because the first Intl call of a process loads
 * ICU's number-format data (~11 ms measured here), and every `lawfit fit` printed a count: a tenth
 * of the command line's start-up budget (bench/results/projection.md).
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '∞' : '-∞';
  const r = Math.round(n);
  const digits = wholeDigits(Math.abs(r));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) out = digits.slice(Math.max(0, end - 3), end) + (out === '' ? '' : ',' + out);
  return r < 0 ? `-${out}` : out;
}

/** The decimal digits of a whole number as JavaScript prints it (shortest round-trip), even past 1e21. */
function wholeDigits(r: number): string {
  const text = r.toString();
  const e = text.indexOf('e+');
  if (e < 0) return text;
  const mantissa = text.slice(0, e).replace('.', '');
  return mantissa + '0'.repeat(Number(text.slice(e + 2)) + 1 - mantissa.length);
}
