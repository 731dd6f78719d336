/**
 * Progress recording for run-control tests (test/fit/control.test.ts, test/gpu/control.test.ts):
 * a RunControl that checks the Progress contract on every report (monotone, done <= total, whole
 * numbers) and keeps the reports, and the checks a finished or aborted run must pass.
 */
import { expect } from 'vitest';
import type { Progress, RunControl } from '../../src/fit/control.js';

export interface Recording {
  control: RunControl;
  seen: Progress[];
}

/** A control that records every report; with `abortWhen`, it aborts its own signal once that holds. */
export function recordProgress(opts: { signal?: boolean; abortWhen?: (p: Progress) => boolean } = {}): Recording {
  const seen: Progress[] = [];
  const ac = opts.signal === true || opts.abortWhen !== undefined ? new AbortController() : undefined;
  const control: RunControl = {
    onProgress: (p) => {
      expect(p.done).toBeGreaterThanOrEqual(seen.at(-1)?.done ?? 0);
      expect(p.done).toBeLessThanOrEqual(p.total);
      expect(Number.isInteger(p.done) && Number.isInteger(p.total)).toBe(true);
      seen.push({ ...p });
      if (opts.abortWhen?.(p) === true) ac!.abort();
    },
  };
  if (ac !== undefined) control.signal = ac.signal;
  return { control, seen };
}

/** The run reported more than once and ended at done === total (=== `total` when given). */
export function expectFinished(seen: Progress[], total?: number): void {
  expect(seen.length).toBeGreaterThan(1);
  const last = seen.at(-1)!;
  expect(last.done).toBe(last.total);
  expect(last.total).toBeGreaterThan(0);
  if (total !== undefined) expect(last.total).toBe(total);
}

/** The phases reported, in order of first appearance. */
export const phasesOf = (seen: Progress[]): string[] => [...new Set(seen.map((p) => p.phase))];
