/**
 * A comparison's verdict in words: which law leads, and whether that is settled. A ranking table
 * orders laws even when their errors are equal or their intervals overlap; a reader then takes
 * the order for a finding. So the page says: which laws tie (equal errors to four significant
 * digits), which intervals overlap the leader's (the data do not separate those laws), and which
 * do not; without intervals, that a bootstrap would tell.
 */
import { formatPercent } from './format.js';
import type { Comparison } from './worker/protocol.js';

export function comparisonVerdict(c: Comparison): string | undefined {
  const scored = c.laws.filter((l) => l.error === undefined && Number.isFinite(l.meanAbsRelError));
  if (scored.length === 0) return undefined;
  const best = scored[0]!;
  const rest = scored.slice(1);
  const parts: string[] = [`${best.law} has the lowest held-out error (${formatPercent(best.meanAbsRelError)}).`];
  const same = (a: number, b: number): boolean => Number(a.toPrecision(4)) === Number(b.toPrecision(4));
  const tied = rest.filter((l) => same(l.meanAbsRelError, best.meanAbsRelError));
  if (tied.length > 0) parts.push(`It ties with ${tied.map((l) => l.law).join(', ')} (equal errors to four significant digits): the order between them means nothing.`);
  const others = rest.filter((l) => !tied.includes(l));
  const iv = best.interval;
  if (iv !== undefined) {
    const overlap = others.filter((l) => l.interval !== undefined && l.interval[0] <= iv[1] && iv[0] <= l.interval[1]);
    const apart = others.filter((l) => l.interval !== undefined && !overlap.includes(l));
    if (overlap.length > 0) parts.push(`Its interval overlaps ${overlap.length === 1 ? 'that' : 'those'} of ${overlap.map((l) => l.law).join(', ')}: the data do not separate ${overlap.length === 1 ? 'the two' : 'these laws'}.`);
    if (apart.length > 0) parts.push(`Its interval does not overlap ${apart.length === 1 ? 'that' : 'those'} of ${apart.map((l) => l.law).join(', ')}.`);
  } else if (others.length > 0) parts.push('Run with bootstrap replicates for intervals that say whether the differences are settled.');
  return parts.join(' ');
}
