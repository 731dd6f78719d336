/**
 * Text widths for Vega's layout when it has no canvas to measure with (Node, a worker). Vega then
 * estimates every string as 0.8 em per character, which is about 45 % wider than Helvetica/Arial
 * text, so titles, legends and axis labels claim far too much room: plots came out with a wide
 * blank margin on the right. This estimate sums Helvetica's advance widths (Adobe's AFM metrics,
 * in 1/1000 em; Arial and Liberation Sans share them) and is installed through Vega's documented
 * hook, `textMetrics.width` (the one vl-convert uses), only while Vega is estimating: where a
 * canvas measures real text (the browser app), it is left alone.
 */
import * as vega from 'vega';

// Helvetica advance widths for the printable ASCII range, 32 (space) to 126 (~).
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
/** Anything outside ASCII (α, Δ, −, ∝, ·): a typical glyph's width. */
const OTHER = 600;
/** Bold Helvetica runs about 8 % wider. */
const BOLD = 1.08;

export function helveticaWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c <= 126 ? HELVETICA[c - 32]! : OTHER;
  }
  return (units / 1000) * fontSize * (bold ? BOLD : 1);
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}

interface TextMetrics {
  width: (item: TextItem, text?: unknown) => number;
  estimateWidth: (item: TextItem, text?: unknown) => number;
}

function itemWidth(item: TextItem, text?: unknown): number {
  const t = text ?? item.text;
  const s = Array.isArray(t) ? t.join(' ') : t === undefined || t === null ? '' : String(t);
  const w = item.fontWeight;
  return helveticaWidth(s, item.fontSize ?? 11, w === 'bold' || (typeof w === 'number' && w >= 600));
}

/** Use Helvetica metrics for Vega's layout if Vega is estimating widths (no canvas). */
export function useHelveticaMetricsWithoutCanvas(): void {
  const metrics = (vega as unknown as { textMetrics?: TextMetrics }).textMetrics;
  if (metrics !== undefined && metrics.width === metrics.estimateWidth) metrics.width = itemWidth;
}
