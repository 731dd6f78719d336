/**
 * The progress bar's formatting (pure functions) and drawing policy, the --progress flags, and a
 * command run with --progress in-process: the bar goes to stderr, the report to stdout.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import {
  BAR_WIDTH,
  formatCount,
  formatDuration,
  formatEta,
  formatPercent,
  formatRate,
  fitsPerSecond,
  LOG_MS,
  progressLine,
  ProgressBar,
  REDRAW_MS,
  renderBar,
} from '../../src/cli/progress.js';
import { cancelledMessage, progressWanted } from '../../src/cli/run-control.js';

describe('formatting', () => {
  test('counts, durations and percentages', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(40000)).toBe('40,000');
    expect(formatCount(7)).toBe('7');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(0.2)).toBe('0:01');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3600 + 2 * 60 + 3)).toBe('1:02:03');
    expect(formatPercent(0, 10)).toBe('  0%');
    expect(formatPercent(999, 1000)).toBe(' 99%');
    expect(formatPercent(1000, 1000)).toBe('100%');
    expect(formatPercent(0, 0)).toBe('  0%');
  });

  test('rate: fits per second over the run, with sensible digits', () => {
    expect(fitsPerSecond(0, 1000)).toBeUndefined();
    expect(fitsPerSecond(10, 0)).toBeUndefined();
    expect(fitsPerSecond(500, 2000)).toBe(250);
    expect(formatRate(1234.4)).toBe('1,234 fits/s');
    expect(formatRate(12.34)).toBe('12.3 fits/s');
    expect(formatRate(50)).toBe('50 fits/s');
    expect(formatRate(0.42)).toBe('0.42 fits/s');
    expect(formatRate(undefined)).toBe('- fits/s');
  });

  test('ETA: the remaining fits at the average rate so far', () => {
    expect(formatEta(0, 100, 5000)).toBe('ETA -:--');
    expect(formatEta(25, 100, 10_000)).toBe('ETA 0:30'); // 2.5 fits/s, 75 to go
    expect(formatEta(1, 3601, 1000)).toBe('ETA 1:00:00');
    expect(formatEta(100, 100, 10_000)).toBe('ETA 0:00');
  });

  test('bar: cells in proportion, clamped', () => {
    expect(renderBar(0, 10)).toBe('[..........]');
    expect(renderBar(0.5, 10)).toBe('[#####.....]');
    expect(renderBar(0.99, 10)).toBe('[#########.]');
    expect(renderBar(1, 10)).toBe('[##########]');
    expect(renderBar(1.5, 4)).toBe('[####]');
    expect(renderBar(Number.NaN, 4)).toBe('[....]');
  });

  test('the line fits the terminal: the bar takes the room left, within its bounds, and goes when there is none', () => {
    const p = { phase: 'bootstrap replicates', done: 20480, total: 40000 };
    const wide = progressLine(p, 16_000, 200);
    expect(wide).toBe(`bootstrap replicates [${'#'.repeat(20)}${'.'.repeat(20)}]  51%  20,480/40,000 fits  1,280 fits/s  ETA 0:16`);
    expect(wide.length).toBeLessThan(200);
    for (const columns of [120, 100, 80, 60, 40, 20]) {
      const line = progressLine(p, 16_000, columns);
      expect(line.length).toBeLessThanOrEqual(columns - 1);
      const bar = /\[([#.]+)\]/.exec(line)?.[1];
      if (bar !== undefined) expect(bar.length).toBeGreaterThanOrEqual(BAR_WIDTH.min);
    }
    // 80 columns: the rate gives way to the bar; 60: the bar goes too, and the text is cut.
    expect(progressLine(p, 16_000, 80)).toBe(`bootstrap replicates [${'#'.repeat(10)}${'.'.repeat(11)}]  51%  20,480/40,000 fits  ETA 0:16`);
    expect(progressLine(p, 16_000, 60)).toBe('bootstrap replicates  51%  20,480/40,000 fits  1,280 fits/s');
  });
});

describe('ProgressBar', () => {
  test('on a terminal: redrawn in place at most every REDRAW_MS, a new phase at once, cleared at the end', () => {
    let t = 0;
    const out: string[] = [];
    const bar = new ProgressBar((s) => out.push(s), { tty: true, columns: () => 100, now: () => t });
    bar.update({ phase: 'fits', done: 0, total: 100 });
    t = REDRAW_MS / 2;
    bar.update({ phase: 'fits', done: 10, total: 100 }); // too soon
    t = REDRAW_MS;
    bar.update({ phase: 'fits', done: 20, total: 100 });
    bar.update({ phase: 'float64 polish', done: 21, total: 100 }); // new phase: drawn at once
    expect(out).toHaveLength(3);
    expect(out.every((s) => s.startsWith('\r\x1b[2K') && !s.includes('\n'))).toBe(true);
    expect(out[1]).toContain('20/100 fits');
    bar.clear();
    expect(out.at(-1)).toBe('\r\x1b[2K');
  });

  test('in a log: whole lines, at most one per LOG_MS, nothing to clear', () => {
    let t = 0;
    const out: string[] = [];
    const bar = new ProgressBar((s) => out.push(s), { tty: false, now: () => t });
    for (let k = 0; k <= 30; k++) {
      t = k * 100;
      bar.update({ phase: 'fits', done: k, total: 30 });
    }
    expect(out).toHaveLength(Math.floor(3000 / LOG_MS) + 1);
    expect(out.every((s) => s.endsWith('\n') && !s.includes('\r'))).toBe(true);
    bar.clear();
    expect(out).toHaveLength(4);
  });
});

describe('flags and the cancel line', () => {
  test('shown on a terminal or with --progress; never with --no-progress or --quiet', () => {
    expect(progressWanted({}, { isTTY: true })).toBe(true);
    expect(progressWanted({}, { isTTY: false })).toBe(false);
    expect(progressWanted({}, {})).toBe(false);
    expect(progressWanted({ progress: true }, { isTTY: false })).toBe(true);
    expect(progressWanted({ 'no-progress': true }, { isTTY: true })).toBe(false);
    expect(progressWanted({ quiet: true, progress: true }, { isTTY: true })).toBe(false);
  });

  test('the cancel line says how far the run got', () => {
    expect(cancelledMessage({ phase: 'fits', done: 12345, total: 40000 })).toBe('cancelled after 12,345 of 40,000 fits; nothing written');
    expect(cancelledMessage(undefined)).toBe('cancelled before the first fit finished; nothing written');
  });
});

describe('a command with --progress', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lawfit-progress-'));
  const xs = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
  const data = join(dir, 'power.csv');
  writeFileSync(data, 'x,loss\n' + xs.map((x) => `${x},${2 + 5 * x ** -0.3}`).join('\n') + '\n');

  const run = runCliCaptured;

  test('the bar goes to stderr and ends at the total; the report to stdout; --no-progress and --quiet silence it', async () => {
    const args = ['fit', data, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--threads', '1', '--starts', 'sobol:64'];
    const r = await run(...args, '--progress');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^fits \[[#.]+\]\s+\d+%  \d+\/64 fits/m);
    expect(r.out).toContain('[[Variables]]');
    expect(r.out).not.toContain('fits/s');
    // Stderr is not a terminal here: no bar unless asked for.
    expect((await run(...args)).err).toBe('');
    expect((await run(...args, '--progress', '--no-progress')).err).toBe('');
    expect((await run(...args, '--progress', '--quiet')).err).toBe('');
  }, 60_000);

  test('--help lists the flags', async () => {
    expect((await run('fit', '--help')).out).toContain('--no-progress');
    expect((await run('demo', '--help')).out).toContain('--progress');
  });
});
