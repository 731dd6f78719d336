/**
 * Number formats shared by the analysis reports (isoflop-text.ts, hpopt-text.ts), so that an
 * exponent, an interval or a failure tally reads the same in both. They read artifact JSON, where
 * NaN arrives as null: anything not a finite number prints as 'n/a'.
 */
import { formatNumber } from './text.js';

/** Fixed 4 decimals (exponents, their standard errors). */
export const f4 = (v: number | null | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : 'n/a');

/** 3 significant digits (budgets, sizes, token counts). */
export const g3 = (v: number | null | undefined): string => formatNumber(v, 3);

/** An interval as [lo, hi], each end in `fmt` (default f4). */
export const range = (r: readonly (number | null)[] | undefined, fmt: (v: number | null) => string = f4): string => (r === undefined ? 'n/a' : `[${fmt(r[0] ?? null)}, ${fmt(r[1] ?? null)}]`);

/** A confidence level (0.95) as '95 %'. */
export const pct = (level: number): string => `${formatNumber(100 * level, 4)} %`;

/** Failed bootstrap replicates counted by reason: '3× singular; 1× too few budgets'. */
export function summarizeFailures(failed: readonly { reason: string }[]): string {
  const by = new Map<string, number>();
  for (const f of failed) by.set(f.reason, (by.get(f.reason) ?? 0) + 1);
  return [...by.entries()].map(([r, n]) => `${n}× ${r}`).join('; ');
}
