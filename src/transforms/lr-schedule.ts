/**
 * Learning-rate schedules and their areas, the inputs of the `lr-annealing` law (Tissue et al.
 * 2024, "Scaling Law with Learning Rate Annealing", arXiv:2408.11029, §3; the same sums as the
 * public reproduction github.com/zkshan2002/ScalingLaw, main.py `_mtl_prepare`, λ = 0.999):
 *
 *   S1(s) = Σ_{i=1..s} η_i                         forward area
 *   m_i   = λ·m_{i−1} + (η_{i−1} − η_i),  m_1 = 0     momentum of the decreases of η
 *   S2(s) = Σ_{i=1..s} m_i                         annealing area
 *
 * (The reproduction starts the momentum at m_1 = η_1; that adds η_1·(1 − λ^s)/(1 − λ) to S2, a
 * warm-up artefact with no decrease behind it, so here m_1 = 0: a constant schedule has S2 = 0.)
 * A warmup's rising learning rate would enter m as negative annealing (a 500-step warmup to the
 * peak outweighs a whole cosine decay in S2), so `warmup: W` starts both sums after the first W
 * steps; `lawfit lr-areas --schedule` does this by default for the schedule's own warmup.
 *
 * Named schedules, step i = 1..T: linear warmup η = peak·i/W for i ≤ W, then
 * `constant` η = peak; `cosine` η = min + (peak − min)(1 + cos(π t))/2, t = (i − W)/(T − W);
 * `wsd` (warmup–stable–decay) η = peak until the last ⌈decay·T⌉ steps, then linearly to min at T.
 */
import { LawfitError } from '../errors.js';

/** Tissue et al.'s decay factor of the annealing momentum. */
export const DEFAULT_ANNEALING_LAMBDA = 0.999;

export interface ScheduleAreas {
  S1: Float64Array;
  S2: Float64Array;
}

export interface AreaOptions {
  /** Decay factor λ of the annealing momentum, in [0, 1). Default 0.999. */
  lambda?: number;
  /** Leave the first `warmup` steps out of both sums (their areas are 0). Default 0. */
  warmup?: number;
}

/** S1 and S2 at every step of a per-step learning-rate sequence (one value per optimiser step). */
export function scheduleAreas(lr: ArrayLike<number>, options: AreaOptions = {}): ScheduleAreas {
  const lambda = options.lambda ?? DEFAULT_ANNEALING_LAMBDA;
  const warmup = options.warmup ?? 0;
  if (!(lambda >= 0 && lambda < 1)) throw new LawfitError('bad-option', `lr areas: λ must be in [0, 1), got ${lambda}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new LawfitError('bad-option', `lr areas: warmup must be a whole number of steps >= 0, got ${warmup}`);
  const n = lr.length;
  for (let i = 0; i < n; i++) {
    const v = lr[i]!;
    if (!Number.isFinite(v) || v < 0) throw new LawfitError('data-value', `lr areas: the learning rate at step ${i + 1} is ${v}; it must be a finite number >= 0`);
  }
  const S1 = new Float64Array(n);
  const S2 = new Float64Array(n);
  let s1 = 0;
  let s2 = 0;
  let m = 0;
  for (let i = warmup; i < n; i++) {
    if (i > warmup) m = lambda * m + (lr[i - 1]! - lr[i]!);
    s1 += lr[i]!;
    s2 += m;
    S1[i] = s1;
    S2[i] = s2;
  }
  return { S1, S2 };
}

export const SCHEDULE_KINDS = ['constant', 'cosine', 'wsd'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export interface Schedule {
  kind: ScheduleKind;
  /** Total optimiser steps T. */
  steps: number;
  peak: number;
  /** Final learning rate (cosine, wsd). Default 0. */
  min?: number;
  /** Linear warmup steps W from 0 to peak. Default 0. */
  warmup?: number;
  /** wsd: fraction of the T steps spent decaying, in (0, 1]. Default 0.2. */
  decay?: number;
}

export const SCHEDULE_SYNTAX = 'KIND:peak=P[,min=M][,warmup=W][,decay=F] with KIND constant, cosine or wsd';

/** Parse `cosine:peak=3e-4,min=3e-5,warmup=500` (the steps come separately). */
export function parseSchedule(text: string, steps: number): Schedule {
  const [kindText, rest = ''] = text.split(':', 2) as [string, string?];
  const kind = kindText.trim() as ScheduleKind;
  if (!SCHEDULE_KINDS.includes(kind)) throw new LawfitError('bad-option', `--schedule: unknown schedule '${kindText}' (expected ${SCHEDULE_SYNTAX})`);
  const fields: Record<string, number> = {};
  for (const part of rest.split(',').filter((p) => p.trim() !== '')) {
    const [key, value] = part.split('=', 2).map((x) => x.trim()) as [string, string?];
    if (!['peak', 'min', 'warmup', 'decay'].includes(key)) throw new LawfitError('bad-option', `--schedule: unknown field '${key}' in '${text}' (expected ${SCHEDULE_SYNTAX})`);
    const v = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(v)) throw new LawfitError('bad-option', `--schedule: ${key} needs a number, got '${value ?? ''}' in '${text}'`);
    fields[key] = v;
  }
  if (fields.peak === undefined) throw new LawfitError('bad-option', `--schedule: '${text}' has no peak (expected ${SCHEDULE_SYNTAX})`);
  const s: Schedule = { kind, steps, peak: fields.peak };
  if (fields.min !== undefined) s.min = fields.min;
  if (fields.warmup !== undefined) s.warmup = fields.warmup;
  if (fields.decay !== undefined) s.decay = fields.decay;
  return s;
}

/** The learning rate at steps 1..T of a named schedule. */
export function scheduleLr(s: Schedule): Float64Array {
  const T = s.steps;
  const W = s.warmup ?? 0;
  const min = s.min ?? 0;
  const decay = s.decay ?? 0.2;
  if (!Number.isInteger(T) || T < 1) throw new LawfitError('bad-option', `schedule: steps must be a whole number >= 1, got ${T}`);
  if (!(s.peak > 0) || !Number.isFinite(s.peak)) throw new LawfitError('bad-option', `schedule: peak must be a finite number > 0, got ${s.peak}`);
  if (!(min >= 0 && min <= s.peak)) throw new LawfitError('bad-option', `schedule: min must be in [0, peak], got ${min}`);
  if (!Number.isInteger(W) || W < 0 || W >= T) throw new LawfitError('bad-option', `schedule: warmup must be a whole number in [0, steps), got ${W}`);
  if (!(decay > 0 && decay <= 1)) throw new LawfitError('bad-option', `schedule: decay must be a fraction in (0, 1], got ${decay}`);
  const lr = new Float64Array(T);
  const decaySteps = Math.ceil(decay * T);
  const decayStart = Math.max(W, T - decaySteps);
  for (let i = 1; i <= T; i++) {
    let v: number;
    if (i <= W) v = (s.peak * i) / W;
    else if (s.kind === 'constant') v = s.peak;
    else if (s.kind === 'cosine') v = min + ((s.peak - min) * (1 + Math.cos((Math.PI * (i - W)) / (T - W)))) / 2;
    else v = i <= decayStart ? s.peak : s.peak - ((s.peak - min) * (i - decayStart)) / (T - decayStart);
    lr[i - 1] = v;
  }
  return lr;
}
