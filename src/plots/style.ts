/**
 * The look every lawfit plot shares, in one place: panel sizes, the colours of the estimate, the
 * interval and the truth, number formats for log axes (1e9, not 1000000000 or 1G), and the titles
 * that say what is plotted and from how many draws. Vega-Lite fragments only; no Node imports.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FitSummary } from '../report/summary.js';

export const PANEL = { width: 420, height: 300 } as const;
export const SMALL_PANEL = { width: 150, height: 120 } as const;

export const COLOR = {
  data: '#4c78a8',
  estimate: '#222222',
  interval: '#e45756',
  truth: '#54a24b',
  band: '#4c78a8',
  muted: '#9d9d9d',
} as const;

/** Continuous colour scale for a model-size-like series (the same on points and curves). */
export const SERIES_SCHEME = 'viridis';

/**
 * Tick labels for log axes, 2 significant digits: 1e9, 2.5e7, 0.001, 3 (d3's ~g switches to an
 * exponent only where it is shorter). Vega's log-scale formatter thins the labels itself
 * (datum.label is '' for the ticks it hides); the expression only writes 1e+9 as 1e9.
 */
export const EXPONENT_LABEL = "replace(datum.label, 'e+', 'e')";
export const LOG_AXIS = { format: '.2~g', labelExpr: EXPONENT_LABEL, labelOverlap: true } as const;

/**
 * On a log axis spanning two decades or more, ticks at the powers of ten only: Vega would add a
 * grid line at every 2..9 multiple, which buries the data on wide ranges.
 */
export function logTicks(values: readonly number[], log: boolean): { values?: number[] } {
  if (!log) return {};
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  if (hi - lo < 3) return {};
  return { values: Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)) };
}

/** Linear axes in the plots' units: up to 4 significant digits, SI-free (researchers read 1e-3, not 1m). */
export const LINEAR_AXIS = { format: '~r', labelOverlap: true } as const;

/** Axis settings for a scale type. */
export function axisFor(log: boolean): typeof LOG_AXIS | typeof LINEAR_AXIS {
  return log ? LOG_AXIS : LINEAR_AXIS;
}

/** Tooltip number format: 4 significant digits, exponent when needed. */
export const TOOLTIP_FORMAT = '.4~g';

/** True when every value is positive and finite, so a log scale can show them. */
export function allPositive(values: Iterable<number>): boolean {
  for (const v of values) if (!(v > 0 && Number.isFinite(v))) return false;
  return true;
}

/** A short name for the data source, for titles (the file name, not its directory). */
export function sourceLabel(summary: FitSummary): string {
  const s = summary.data.source;
  if (s.startsWith('synthetic:')) return 'synthetic ladder';
  const parts = s.split(/[\\/]/);
  return parts[parts.length - 1] ?? s;
}

/** Successful bootstrap draws of the free parameters (natural units, law.freeNames order). */
export function successfulDraws(summary: FitSummary): number[][] {
  return (summary.bootstrap?.draws ?? []).filter((d): d is number[] => d !== null);
}

/** "95 %" for a level of 0.95. */
export function percent(level: number): string {
  return `${Math.round(100 * level)} %`;
}

/** The parts of a top-level spec every lawfit plot carries. */
export function topLevel(title: string, subtitle: string | readonly string[]): Pick<TopLevelSpec, '$schema' | 'title' | 'config' | 'background' | 'padding'> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: typeof subtitle === 'string' ? subtitle : [...subtitle], anchor: 'start', fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555' },
    background: 'white',
    padding: 12,
    config: {
      font: 'Helvetica, Arial, Liberation Sans, sans-serif',
      axis: { titleFontSize: 12, labelFontSize: 11, titleFontWeight: 'normal', grid: true, gridColor: '#eee', labelSeparation: 6 },
      legend: { titleFontSize: 12, labelFontSize: 11, titleFontWeight: 'normal' },
      view: { stroke: '#ccc' },
    },
  };
}
