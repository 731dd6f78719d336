/**
 * Start ranges for a typed formula's parameters from the scale of the data, instead of the
 * engine's fallback −1…1 (which puts every start of `E + A / N^alpha` at |E| ≤ 1 whatever the
 * losses are). Two rules, by where a parameter appears in the formula:
 * - an exponent (a name in the right-hand side of `^`, e.g. `alpha` in `N^-alpha`): 0…1, the
 *   range of every published scaling-law exponent (Kaplan et al. 2020 ≈ 0.05–0.1, Hoffmann et al.
 *   2022 ≈ 0.3; Epoch's replication ≈ 0.35);
 * - any other parameter (an offset or a coefficient) scales the target: −S…S where S is the
 *   largest |target| over the fitted rows, rounded up to two significant digits; a parameter kept
 *   positive (fitted as log) spans S/1000…1000·S, since coefficients of power terms are often
 *   orders of magnitude above the target (Chinchilla's A ≈ 400 for losses ≈ 2–4).
 * The page shows these ranges, editable, and passes them on as `--range`, so the command line it
 * prints starts where the page did.
 */
import { freeNames, parseProgram, type Expr } from '../../../src/law/syntax.js';

/** Names that occur anywhere inside an exponent of `^`. */
export function exponentNames(formula: string): Set<string> {
  const program = parseProgram(formula);
  const out = new Set<string>();
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'binary':
        if (e.op === '^') for (const n of freeNames(e.right).keys()) out.add(n);
        visit(e.left);
        visit(e.right);
        return;
      case 'unary':
        visit(e.arg);
        return;
      case 'call':
        e.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  for (const b of program.bindings) visit(b.expr);
  visit(program.result);
  return out;
}

/** `v` rounded up to two significant digits (3.94 -> 4, 0.123 -> 0.13). */
export function roundUp2(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Number((Math.ceil(v / p - 1e-9) * p).toPrecision(2));
}

/** The start range of `name` in `formula`, given the target's scale S (largest |target|). */
export function scaledRange(name: string, exponents: ReadonlySet<string>, positive: boolean, targetScale: number): [number, number] {
  if (exponents.has(name) && !positive) return [0, 1];
  const s = roundUp2(targetScale);
  if (exponents.has(name)) return [1e-3, 1];
  return positive ? [Number((s / 1000).toPrecision(2)), s * 1000] : [-s, s];
}
