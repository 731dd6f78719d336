/**
 * A float64 interpreter for the formula language's expression tree, for data work: derived
 * columns (`D_tokens / N_params`) and row filters (`excluded_outlier == 0`). Laws go through the
 * expression graph and its derivatives; data expressions are evaluated once per row, directly and
 * in double precision, so they need nothing but this walk over the tree.
 *
 * Every intermediate value must be finite. The first operation that produces NaN or ±Infinity
 * stops the evaluation with a NonFiniteValue naming the operation, its offset in the expression
 * and the operand values (division by zero, log of a negative number, ...), because a derived
 * column that silently becomes Infinity would poison a fit far from its cause. Comparisons and
 * logic give 1 (true) or 0 (false); `&&` and `||` short-circuit, so `N > 0 && log(N) > 20` never
 * evaluates `log(0)`.
 */
import { lookupFunction } from '../law/functions.js';
import { leftChain, printExpr, type Expr } from '../law/syntax.js';

/** Raised by `evaluateExpression` when an operation's result is not a finite number. */
export class NonFiniteValue extends Error {
  override name = 'NonFiniteValue';
  constructor(
    /** 0-based offset of the failing operation in the expression text. */
    readonly offset: number,
    /** What went wrong, e.g. "division by zero in a/b (3 / 0)". */
    readonly detail: string,
  ) {
    super(detail);
  }
}

type F64Function = (args: readonly number[]) => number;

const arg0 = (a: readonly number[]): number => a[0] ?? NaN;
const arg1 = (a: readonly number[]): number => a[1] ?? NaN;

/** The law language's functions, evaluated directly in float64 (stable forms where it matters). */
const F64_FUNCTIONS: ReadonlyMap<string, F64Function> = new Map<string, F64Function>([
  ['exp', (a) => Math.exp(arg0(a))],
  ['log', (a) => Math.log(arg0(a))],
  ['log1p', (a) => Math.log1p(arg0(a))],
  ['sqrt', (a) => Math.sqrt(arg0(a))],
  ['abs', (a) => Math.abs(arg0(a))],
  ['sin', (a) => Math.sin(arg0(a))],
  ['cos', (a) => Math.cos(arg0(a))],
  ['atan', (a) => Math.atan(arg0(a))],
  [
    'softplus',
    (a) => {
      const x = arg0(a);
      return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    },
  ],
  [
    'sigmoid',
    (a) => {
      const x = arg0(a);
      if (x >= 0) return 1 / (1 + Math.exp(-x));
      const e = Math.exp(x);
      return e / (1 + e);
    },
  ],
  ['pow', (a) => Math.pow(arg0(a), arg1(a))],
  ['min', (a) => Math.min(...a)],
  ['max', (a) => Math.max(...a)],
  [
    'logsumexp',
    (a) => {
      const m = Math.max(...a);
      if (!Number.isFinite(m)) return m;
      let s = 0;
      for (const x of a) s += Math.exp(x - m);
      return m + Math.log(s);
    },
  ],
]);

/** Names of the functions a data expression may call (those of the law language that have a float64 form here). */
export function dataFunctionNames(): string[] {
  return [...F64_FUNCTIONS.keys()].filter((f) => lookupFunction(f) !== undefined);
}

/** The float64 implementation of a function, if the data evaluator supports it. */
export function dataFunction(name: string): F64Function | undefined {
  return lookupFunction(name) === undefined ? undefined : F64_FUNCTIONS.get(name);
}

const show = (v: number): string => String(v);

function powerReason(base: number, exponent: number): string {
  if (base < 0 && !Number.isInteger(exponent)) return 'a negative number raised to a fractional power';
  if (base === 0 && exponent < 0) return 'zero raised to a negative power';
  return 'overflow beyond the float64 range';
}

function binaryReason(e: Expr & { kind: 'binary' }, l: number, r: number): string {
  const values = `(${show(l)} ${e.op} ${show(r)})`;
  if (e.op === '/' && r === 0) return `division by zero in ${printExpr(e)} ${values}`;
  if (e.op === '^') return `${powerReason(l, r)} in ${printExpr(e)} ${values}`;
  return `overflow beyond the float64 range in ${printExpr(e)} ${values}`;
}

function callReason(e: Expr & { kind: 'call' }, args: readonly number[]): string {
  const x = args[0] ?? NaN;
  const values = `(${e.fn}(${args.map(show).join(', ')}))`;
  let why = 'overflow beyond the float64 range';
  if (e.fn === 'log') why = x === 0 ? 'log of zero' : 'log of a negative number';
  else if (e.fn === 'log1p') why = x === -1 ? 'log1p of -1' : 'log1p of a number below -1';
  else if (e.fn === 'sqrt') why = 'square root of a negative number';
  else if (e.fn === 'pow') why = powerReason(x, args[1] ?? NaN);
  return `${why} in ${printExpr(e)} ${values}`;
}

const truth = (b: boolean): number => (b ? 1 : 0);

/**
 * Evaluate an expression in float64. `valueOf` supplies the value of each name (it may throw, for
 * instance on a non-numeric cell). Functions must be ones `dataFunction` knows; callers check
 * names and arity before evaluating (see `compileDataExpression`). Throws NonFiniteValue at the
 * first non-finite intermediate result.
 *
 * Text comparisons (`train_dataset == 'rpj'`) read the named cell as text through `textOf`;
 * `compileDataExpression` only lets quoted text stand beside == or != with a column on the other side.
 */
export function evaluateExpression(
  e: Expr,
  valueOf: (name: string, offset: number) => number,
  textOf: (name: string, offset: number) => string = (name) => {
    throw new Error(`internal: no text reader for '${name}'`);
  },
): number {
  switch (e.kind) {
    case 'string':
      throw new Error('internal: quoted text outside a text comparison');
    case 'number':
      if (!Number.isFinite(e.value)) throw new NonFiniteValue(e.pos, `the number ${printExpr(e)} is outside the float64 range`);
      return e.value;
    case 'name': {
      const v = valueOf(e.name, e.pos);
      if (!Number.isFinite(v)) throw new NonFiniteValue(e.pos, `'${e.name}' is ${show(v)}`);
      return v;
    }
    case 'unary': {
      const a = evaluateExpression(e.arg, valueOf, textOf);
      if (e.op === '-') return -a;
      if (e.op === '+') return a;
      return truth(a === 0);
    }
    case 'binary': {
      // A long left-associative chain (`a + b + c + ...`) is folded with a loop (leftChain), so it
      // costs no stack depth; the left operand of the first link is evaluated lazily (a text
      // comparison reads it as text).
      const ev = (x: Expr): number => evaluateExpression(x, valueOf, textOf);
      const { first, links } = e.op === '^' ? { first: e.left, links: [e] } : leftChain(e);
      let value = 0;
      links.forEach((l, k) => {
        value = binaryStep(l, k === 0 ? first : undefined, value, ev, textOf);
      });
      return value;
    }
    case 'call': {
      const f = dataFunction(e.fn);
      if (f === undefined) throw new Error(`internal: function '${e.fn}' reached the data evaluator unchecked`);
      const args = e.args.map((a) => evaluateExpression(a, valueOf, textOf));
      const v = f(args);
      if (!Number.isFinite(v)) throw new NonFiniteValue(e.pos, callReason(e, args));
      return v;
    }
  }
}

/**
 * One binary operation: its left operand is `leftExpr` when given (evaluated here, lazily), else
 * the number `leftValue` already computed by the chain below it.
 */
function binaryStep(
  e: Expr & { kind: 'binary' },
  leftExpr: Expr | undefined,
  leftValue: number,
  ev: (x: Expr) => number,
  textOf: (name: string, offset: number) => string,
): number {
  const left = (): number => (leftExpr === undefined ? leftValue : ev(leftExpr));
  if (e.op === '&&') return truth(left() !== 0 && ev(e.right) !== 0);
  if (e.op === '||') return truth(left() !== 0 || ev(e.right) !== 0);
  if ((e.op === '==' || e.op === '!=') && (leftExpr?.kind === 'string' || e.right.kind === 'string')) {
    const text = (x: Expr): string => (x.kind === 'string' ? x.value : x.kind === 'name' ? textOf(x.name, x.pos) : String(ev(x)));
    const leftText = leftExpr === undefined ? String(leftValue) : text(leftExpr);
    return truth((leftText === text(e.right)) === (e.op === '=='));
  }
  const l = left();
  const r = ev(e.right);
  let v: number;
  switch (e.op) {
    case '+':
      v = l + r;
      break;
    case '-':
      v = l - r;
      break;
    case '*':
      v = l * r;
      break;
    case '/':
      v = l / r;
      break;
    case '^':
      v = Math.pow(l, r);
      break;
    case '==':
      return truth(l === r);
    case '!=':
      return truth(l !== r);
    case '<':
      return truth(l < r);
    case '<=':
      return truth(l <= r);
    case '>':
      return truth(l > r);
    case '>=':
      return truth(l >= r);
  }
  if (!Number.isFinite(v)) throw new NonFiniteValue(e.pos, binaryReason(e, l, r));
  return v;
}
