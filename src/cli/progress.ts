/**
 * The CLI's progress bar: one line on stderr with the phase, a bar, the percentage, fits done of
 * the total, the rate and the ETA, e.g.
 *
 *   bootstrap replicates [##########..........]  51%  20,480/40,000 fits  1,234 fits/s  ETA 0:16
 *
 * On a terminal the line is redrawn in place (carriage return, erase line) at most every
 * REDRAW_MS; written to a log (`--progress` on a non-terminal) it is a new line at most every
 * LOG_MS. The formatting is pure functions (tested in test/cli/progress.test.ts); ProgressBar only
 * decides when to draw.
 *
 * Rate and ETA are over the whole run (done / elapsed), which is what a progress count across
 * phases of different speeds supports: the ETA assumes the remaining fits cost what the finished
 * ones did on average.
 */
import type { Progress } from '../fit/control.js';
import { formatCount } from '../util/format-count.js';

/** At most ~10 redraws a second on a terminal: smooth to the eye, negligible to the run. */
export const REDRAW_MS = 100;
/** At most one line a second in a log. */
export const LOG_MS = 1000;
/** The bar's cells: at least this many, or it is left out; at most this many, or it dominates. */
export const BAR_WIDTH = { min: 10, max: 40 } as const;

const ERASE_LINE = '\r\x1b[2K';

/** 12345 -> "12,345" (fixed locale: output must not depend on the machine's settings). */
export { formatCount };

/** Seconds as m:ss or h:mm:ss (rounded up: an ETA of 0.2 s is "0:01", not "0:00"). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Fits per second over the run so far; undefined before anything finished or any time passed. */
export function fitsPerSecond(done: number, elapsedMs: number): number | undefined {
  return done > 0 && elapsedMs > 0 ? (done * 1000) / elapsedMs : undefined;
}

/** "1,234 fits/s", "12.3 fits/s", "0.42 fits/s" (three significant digits below 100). */
export function formatRate(perSecond: number | undefined): string {
  if (perSecond === undefined || !Number.isFinite(perSecond)) return '- fits/s';
  if (perSecond >= 100) return `${formatCount(perSecond)} fits/s`;
  return `${perSecond.toPrecision(3).replace(/\.?0+$/, '')} fits/s`;
}

/** "ETA 0:16"; "ETA -:--" while there is no rate to extrapolate from; "ETA 0:00" when done. */
export function formatEta(done: number, total: number, elapsedMs: number): string {
  if (done >= total) return 'ETA 0:00';
  const rate = fitsPerSecond(done, elapsedMs);
  return rate === undefined ? 'ETA -:--' : `ETA ${formatDuration((total - done) / rate)}`;
}

/** `[#####.....]` with `width` cells inside the brackets. */
export function renderBar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.floor(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** Percentage, floored so 100 % means finished: "  0%", " 51%", "100%". */
export function formatPercent(done: number, total: number): string {
  const pct = total > 0 ? Math.floor((100 * Math.min(done, total)) / total) : 0;
  return `${String(pct).padStart(3)}%`;
}

/**
 * The whole line, at most `columns - 1` characters (a line as wide as the terminal wraps on
 * some terminals and breaks the redraw). The bar takes the room the text leaves, between
 * BAR_WIDTH.min and .max cells; when a terminal is too narrow the rate goes first (the ETA says
 * more), then the bar, and the text is cut last.
 */
export function progressLine(p: Progress, elapsedMs: number, columns: number): string {
  const pct = formatPercent(p.done, p.total);
  const counts = `${formatCount(p.done)}/${formatCount(p.total)} fits`;
  const rate = formatRate(fitsPerSecond(p.done, elapsedMs));
  const eta = formatEta(p.done, p.total, elapsedMs);
  const fraction = p.total > 0 ? p.done / p.total : 0;
  for (const tail of [`${pct}  ${counts}  ${rate}  ${eta}`, `${pct}  ${counts}  ${eta}`]) {
    const room = columns - 1 - p.phase.length - tail.length - 4; // the spaces and brackets around the bar
    if (room >= BAR_WIDTH.min) return `${p.phase} ${renderBar(fraction, Math.min(BAR_WIDTH.max, room))} ${tail}`;
  }
  const line = `${p.phase} ${pct}  ${counts}  ${rate}  ${eta}`;
  return line.slice(0, Math.max(0, columns - 1));
}

export interface ProgressBarOptions {
  /** A terminal: redraw in place. Otherwise (a log): one line per draw. */
  tty: boolean;
  /** The terminal's width now (it may be resized). Default 80. */
  columns?: () => number;
  /** Clock in ms (tests). Default performance.now. */
  now?: () => number;
}

/** Draws Progress reports to `write` (stderr), throttled; `clear()` before anything else is printed. */
export class ProgressBar {
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastPhase: string | undefined;
  private drawn = false;
  private readonly now: () => number;

  constructor(
    private readonly write: (text: string) => void,
    private readonly opts: ProgressBarOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
  }

  update(p: Progress): void {
    const t = this.now();
    const interval = this.opts.tty ? REDRAW_MS : LOG_MS;
    // A new phase is drawn at once, so a short phase is not skipped over unseen.
    if (t - this.lastDraw < interval && p.phase === this.lastPhase) return;
    this.lastDraw = t;
    this.lastPhase = p.phase;
    const line = progressLine(p, t - this.start, this.opts.columns?.() ?? 80);
    this.write(this.opts.tty ? `${ERASE_LINE}${line}` : `${line}\n`);
    this.drawn = true;
  }

  /** Remove the bar from a terminal (a log keeps its lines). */
  clear(): void {
    if (this.opts.tty && this.drawn) this.write(ERASE_LINE);
    this.drawn = false;
  }
}
