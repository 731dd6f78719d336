/**
 * Small helpers for writing start-grid axes the way the papers wrote them (numpy's `linspace`,
 * `arange`, values given as logs), so each law's axis can be read against its source.
 */
import type { LawDeclaration } from '../law/declaration.js';
import type { Transform } from '../law/transforms.js';

export const LOG: Transform = Object.freeze({ kind: 'log' });

/** `numpy.linspace(start, stop, n)`: n evenly spaced values, both ends included (the last exactly). */
export function linspace(start: number, stop: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`internal: linspace needs n >= 1, got ${n}`);
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  const out: number[] = [];
  for (let i = 0; i < n - 1; i++) out.push(start + i * step);
  out.push(stop);
  return out;
}

/**
 * `start, start + step, ...` strictly below `stop` (numpy.arange), each value computed as
 * `start + i * step` so no rounding error accumulates.
 */
export function arange(start: number, stop: number, step: number): number[] {
  if (!(step > 0)) throw new Error(`internal: arange needs step > 0, got ${step}`);
  const n = Math.ceil((stop - start) / step - 1e-9);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(start + i * step);
  return out;
}

/** e^v for each v: an axis the paper wrote in log coordinates (a = log A), given in natural units. */
export function expOf(values: readonly number[]): number[] {
  return values.map((v) => Math.exp(v));
}

/** Number of points in a declaration's default start grid: the product of its free parameters' axes. */
export function defaultGridSize(decl: LawDeclaration): number {
  let n = 1;
  for (const p of decl.params) {
    if (p.fixed !== undefined) continue;
    n *= p.start?.length ?? 1;
  }
  return n;
}

/** Freeze a declaration and everything in it: the catalogue is shared, read-only data. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
