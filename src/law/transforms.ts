/**
 * Parameter transforms: how a law's natural parameter p relates to the unconstrained coordinate u
 * the solvers move in. Bounds are enforced by the map, never by clipping, so Levenberg–Marquardt
 * stays an unconstrained method:
 *
 *   none            p = u
 *   log             p = exp(u)                         (p > 0)
 *   bounded [l, h]  p = l + (h - l) * sigmoid(u)       (l < p < h)
 *
 * The map is substituted into the formula before differentiation (see compile.ts), so every
 * Jacobian the engines see is exact in u. Standard errors are carried back to p by the delta method
 * with dp/du from `transformSlope`.
 */
import { sigmoid, type Graph } from './graph.js';

export type Transform = { kind: 'none' } | { kind: 'log' } | { kind: 'bounded'; lower: number; upper: number };

export const NO_TRANSFORM: Transform = { kind: 'none' };

/** p from u. */
export function toNatural(t: Transform, u: number): number {
  switch (t.kind) {
    case 'none':
      return u;
    case 'log':
      return Math.exp(u);
    case 'bounded':
      return t.lower + (t.upper - t.lower) * sigmoid(u);
  }
}

/** u from p; NaN where p is outside the transform's domain (a start that cannot be used). */
export function toInternal(t: Transform, p: number): number {
  switch (t.kind) {
    case 'none':
      return p;
    case 'log':
      return p > 0 ? Math.log(p) : NaN;
    case 'bounded': {
      const s = (p - t.lower) / (t.upper - t.lower);
      return s > 0 && s < 1 ? Math.log(s) - Math.log1p(-s) : NaN;
    }
  }
}

/** dp/du at u. */
export function transformSlope(t: Transform, u: number): number {
  switch (t.kind) {
    case 'none':
      return 1;
    case 'log':
      return Math.exp(u);
    case 'bounded': {
      const s = sigmoid(u);
      return (t.upper - t.lower) * s * (1 - s);
    }
  }
}

/** The node p(u) for a parameter node u. */
export function buildTransform(g: Graph, t: Transform, u: number): number {
  switch (t.kind) {
    case 'none':
      return u;
    case 'log':
      return g.exp(u);
    case 'bounded':
      return g.add(g.constant(t.lower), g.mul(g.constant(t.upper - t.lower), g.sigmoid(u)));
  }
}

export function describeTransform(t: Transform): string {
  switch (t.kind) {
    case 'none':
      return 'free';
    case 'log':
      return 'positive (log)';
    case 'bounded':
      return `bounded (${t.lower}, ${t.upper})`;
  }
}

/** Parse `none`, `log`, `positive`, or `bounded:LO:HI` / `[LO,HI]`. */
export function parseTransform(text: string): Transform | undefined {
  const s = text.trim();
  if (s === 'none' || s === 'free') return NO_TRANSFORM;
  if (s === 'log' || s === 'positive') return { kind: 'log' };
  const m = /^(?:bounded:|\[)\s*([^,:\]]+)\s*[,:]\s*([^\]]+?)\s*\]?$/.exec(s);
  if (m) {
    const lower = Number(m[1]);
    const upper = Number(m[2]);
    if (Number.isFinite(lower) && Number.isFinite(upper) && lower < upper) return { kind: 'bounded', lower, upper };
  }
  return undefined;
}
