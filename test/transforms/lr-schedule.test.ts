/**
 * Learning-rate areas S1, S2 (Tissue et al. 2024) against their definitions written out by hand,
 * closed forms for simple schedules, and the named schedules' shapes.
 */
import { describe, expect, test } from 'vitest';
import { parseSchedule, scheduleAreas, scheduleLr } from '../../src/transforms/lr-schedule.js';

describe('scheduleAreas', () => {
  test('a constant schedule: S1 = s·η, S2 = 0', () => {
    const { S1, S2 } = scheduleAreas(new Array(1000).fill(2e-4));
    expect(S1[999]).toBeCloseTo(0.2, 14);
    expect(S1[0]).toBeCloseTo(2e-4, 18);
    expect(Math.max(...S2.map(Math.abs))).toBe(0);
  });

  test('one drop of Δ at step j: m_i = Δ λ^(i−j), S2 a geometric sum', () => {
    const lr = [...new Array(10).fill(1), ...new Array(90).fill(0.5)];
    const lambda = 0.9;
    const { S1, S2 } = scheduleAreas(lr, { lambda });
    expect(S1[99]).toBeCloseTo(10 + 45, 12);
    expect(S2[9]).toBe(0);
    // Steps 11..100 (indices 10..99): m = 0.5 λ^(i−10), S2 = 0.5 (1 − λ^(i−9)) / (1 − λ).
    for (const i of [10, 11, 50, 99]) expect(S2[i]).toBeCloseTo((0.5 * (1 - Math.pow(lambda, i - 9))) / (1 - lambda), 12);
  });

  test('equals the recurrence written out, on a cosine schedule with λ = 0.999', () => {
    const lr = scheduleLr({ kind: 'cosine', steps: 500, peak: 1e-3, min: 1e-4, warmup: 50 });
    const { S1, S2 } = scheduleAreas(lr, { lambda: 0.999 });
    let s1 = 0;
    let s2 = 0;
    let m = 0;
    for (let i = 0; i < lr.length; i++) {
      if (i > 0) m = 0.999 * m + (lr[i - 1]! - lr[i]!);
      s1 += lr[i]!;
      s2 += m;
      expect(S1[i]).toBeCloseTo(s1, 15);
      expect(S2[i]).toBeCloseTo(s2, 15);
    }
  });

  test('warmup: the first W steps are left out of both sums', () => {
    const lr = scheduleLr({ kind: 'wsd', steps: 100, peak: 1, warmup: 10, decay: 0.5 });
    const { S1, S2 } = scheduleAreas(lr, { warmup: 10 });
    expect(S1[9]).toBe(0);
    expect(S1[10]).toBe(1);
    // Without the option the rising warmup enters m as negative annealing.
    expect(scheduleAreas(lr).S2[20]).toBeLessThan(0);
    expect(S2[20]).toBe(0);
  });

  test('bad input: a negative or non-finite learning rate names its step; λ outside [0, 1)', () => {
    expect(() => scheduleAreas([1, 2, -1])).toThrow(/learning rate at step 3 is -1/);
    expect(() => scheduleAreas([1, NaN])).toThrow(/step 2 is NaN/);
    expect(() => scheduleAreas([1], { lambda: 1 })).toThrow(/λ must be in \[0, 1\)/);
  });
});

describe('named schedules', () => {
  test('cosine: warmup to the peak, min at the last step, the midpoint halfway', () => {
    const lr = scheduleLr({ kind: 'cosine', steps: 1100, peak: 1e-3, min: 1e-4, warmup: 100 });
    expect(lr[0]).toBeCloseTo(1e-5, 18);
    expect(lr[99]).toBeCloseTo(1e-3, 18);
    expect(lr[599]).toBeCloseTo(5.5e-4, 15);
    expect(lr[1099]).toBeCloseTo(1e-4, 18);
  });

  test('wsd: stable at the peak, then linear to min over the last 20 %', () => {
    const lr = scheduleLr({ kind: 'wsd', steps: 1000, peak: 2e-4, min: 0 });
    expect(lr[799]).toBe(2e-4);
    expect(lr[899]).toBeCloseTo(1e-4, 18);
    expect(lr[999]).toBe(0);
  });

  test('parseSchedule: fields by name; unknown kinds and fields are clear errors', () => {
    expect(parseSchedule('cosine:peak=3e-4,min=3e-5,warmup=500', 10_000)).toEqual({ kind: 'cosine', steps: 10_000, peak: 3e-4, min: 3e-5, warmup: 500 });
    expect(parseSchedule('constant:peak=1e-3', 5)).toEqual({ kind: 'constant', steps: 5, peak: 1e-3 });
    expect(() => parseSchedule('linear:peak=1', 5)).toThrow(/unknown schedule 'linear'/);
    expect(() => parseSchedule('cosine:peak=1,lr=2', 5)).toThrow(/unknown field 'lr'/);
    expect(() => parseSchedule('cosine:min=1', 5)).toThrow(/has no peak/);
    expect(() => parseSchedule('cosine:peak=x', 5)).toThrow(/peak needs a number, got 'x'/);
    expect(() => scheduleLr({ kind: 'cosine', steps: 10, peak: 1, warmup: 10 })).toThrow(/warmup must be a whole number in \[0, steps\)/);
  });
});
