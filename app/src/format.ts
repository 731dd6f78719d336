/** Number formatting for the page's tables: significant digits, exponents for very large or small values. */

/** `v` to `digits` significant digits: 477.8, 2143, 0.3473, 1.4e12; '—' for null or non-finite. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

/** A share in percent: 0.00712 -> '0.712 %'. */
export function formatPercent(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '—' : `${formatNumber(100 * v, digits)} %`;
}

/** A duration for an ETA or an elapsed time: '8 s', '2 min 5 s'. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
