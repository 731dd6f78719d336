/**
 * The formula language: tokens, syntax tree and a recursive-descent parser.
 *
 * Grammar (lowest precedence first; `^` is right-associative and binds tighter than unary minus,
 * so `-x^2` is `-(x^2)` and `2^-3` is `2^(-3)`, as in mathematics):
 *
 *   program    := { binding (';' | newline) } expr
 *   binding    := NAME '=' expr
 *   expr       := or
 *   or         := and { '||' and }
 *   and        := cmp { '&&' cmp }
 *   cmp        := sum [ ('==' | '!=' | '<' | '<=' | '>' | '>=') sum ]
 *   sum        := product { ('+' | '-') product }
 *   product    := unary { ('*' | '/') unary }
 *   unary      := ('-' | '+' | '!') unary | power
 *   power      := atom [ '^' unary ]
 *   atom       := NUMBER | STRING | NAME | NAME '(' [ expr { ',' expr } ] ')' | '(' expr ')'
 *
 * Comments run from `#` to the end of the line. Comparisons, logic and quoted text (`'rpj'` or
 * `"rpj"`) exist for data filters (`--where "excluded_outlier == 0 && train_dataset == 'rpj'"`);
 * the law checker rejects them inside laws, which are numeric and differentiable.
 *
 * Size limits (why: every pass over a formula must finish without exhausting the call stack, so
 * hostile or generated text gets a FormulaError with its position, never a RangeError):
 * - nesting depth at most MAX_NESTING: each '(' (grouping or a call), unary operator and '^'
 *   opens a level, and the parser and the tree walkers recurse once per level;
 * - at most MAX_NODES tree nodes in all. Chains of left-associative operators (a sum of thousands
 *   of terms) do not nest: every walker follows such a chain with a loop (`leftChain`).
 */
import { FormulaError, type SourcePosition } from '../errors.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
export type UnaryOp = '-' | '+' | '!';

export type Expr =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'unary'; op: UnaryOp; arg: Expr; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { kind: 'call'; fn: string; args: Expr[]; pos: number };

export interface Binding {
  name: string;
  expr: Expr;
  pos: number;
}

/** A parsed formula: optional named intermediate results, then the result expression. */
export interface Program {
  source: string;
  bindings: Binding[];
  result: Expr;
}

type TokenKind = 'number' | 'string' | 'name' | 'op' | '(' | ')' | ',' | 'sep' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  value?: number;
}

/** Deepest nesting of parentheses, calls, unary operators and '^' a formula may have. */
export const MAX_NESTING = 200;
/** Most syntax-tree nodes (numbers, names, operators, calls) one formula may have. */
export const MAX_NODES = 50_000;

const TWO_CHAR_OPS = ['==', '!=', '<=', '>=', '&&', '||', '**'];
const ONE_CHAR_OPS = '+-*/^<>=!';

export function positionOf(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, col: offset - lineStart + 1 };
}

export function formulaError(
  code: ConstructorParameters<typeof FormulaError>[0],
  source: string,
  offset: number,
  detail: string,
): FormulaError {
  return new FormulaError(code, positionOf(source, offset), detail, source);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  let depth = 0;
  while (i < n) {
    const c = source[i]!;
    if (c === '#') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    // A line break inside parentheses, or after an operator or a comma, continues the expression:
    // long laws can be wrapped the way people write them.
    const last = tokens[tokens.length - 1];
    if (c === '\n' && (depth > 0 || last?.kind === 'op' || last?.kind === ',')) {
      i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      tokens.push({ kind: 'sep', text: c, pos: i });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '.' && !/[0-9]/.test(source[i + 1] ?? '')) {
      // `process.exit(1)`, `Math.PI`: not a malformed number but a dot the language has no use for.
      const last = tokens[tokens.length - 1];
      const after = last?.kind === 'name' && last.pos + last.text.length === i ? ` after '${last.text}'` : '';
      throw formulaError('formula-syntax', source, i, `unexpected '.'${after}: the formula language has no member access or method calls; '.' appears only in numbers such as 1.5`);
    }
    if (/[0-9.]/.test(c)) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (m === null) throw formulaError('formula-syntax', source, i, `malformed number`);
      // A number immediately followed by a letter (e.g. `2x`, `1e`) is a typo, not implicit multiplication.
      const after = source[i + m[0].length];
      if (after !== undefined && /[A-Za-z_]/.test(after)) {
        throw formulaError('formula-syntax', source, i, `malformed number '${m[0]}${after}'; write multiplication as '*'`);
      }
      tokens.push({ kind: 'number', text: m[0], pos: i, value: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const close = source.indexOf(c, i + 1);
      const nl = source.indexOf('\n', i + 1);
      if (close < 0 || (nl >= 0 && nl < close)) throw formulaError('formula-syntax', source, i, `this ${c} is never closed`);
      tokens.push({ kind: 'string', text: source.slice(i + 1, close), pos: i });
      i = close + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'name', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      if (c === '(') depth++;
      if (c === ')') depth = Math.max(0, depth - 1);
      tokens.push({ kind: c, text: c, pos: i });
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (TWO_CHAR_OPS.includes(two)) {
      tokens.push({ kind: 'op', text: two === '**' ? '^' : two, pos: i });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.includes(c)) {
      tokens.push({ kind: 'op', text: c, pos: i });
      i++;
      continue;
    }
    throw formulaError('formula-syntax', source, i, `unexpected character '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '', pos: n });
  return tokens;
}

class Parser {
  private i = 0;
  private depth = 0;
  private nodes = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  /** Open one nesting level at token t (see MAX_NESTING). */
  private enter(t: Token): void {
    if (++this.depth > MAX_NESTING) {
      throw formulaError('formula-too-large', this.source, t.pos, `nesting deeper than ${MAX_NESTING} levels (parentheses, calls, unary operators and '^' each open one)`);
    }
  }
  private leave(): void {
    this.depth--;
  }
  /** Count one tree node made at token t (see MAX_NODES). */
  private made<E extends Expr>(e: E): E {
    if (++this.nodes > MAX_NODES) throw formulaError('formula-too-large', this.source, e.pos, `more than ${MAX_NODES} terms (numbers, names, operators and calls)`);
    return e;
  }
  private fail(t: Token, detail: string): never {
    throw formulaError('formula-syntax', this.source, t.pos, detail);
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of formula';
    if (t.kind === 'sep') return t.text === ';' ? "';'" : 'end of line';
    if (t.kind === 'string') return `the text '${t.text}'`;
    return `'${t.text}'`;
  }

  parseProgram(): Program {
    const bindings: Binding[] = [];
    this.skipSeps();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'name' && this.peek(1).kind === 'op' && this.peek(1).text === '=') {
        this.next();
        this.next();
        const expr = this.parseExpr();
        bindings.push({ name: t.text, expr, pos: t.pos });
        const sep = this.peek();
        if (sep.kind !== 'sep') this.fail(sep, `expected ';' or a new line after the definition of '${t.text}', found ${this.describe(sep)}`);
        this.skipSeps();
        continue;
      }
      if (t.kind === 'eof') {
        if (bindings.length > 0) this.fail(t, 'the formula ends with a definition; the last line must be the result expression');
        this.fail(t, 'empty formula');
      }
      const result = this.parseExpr();
      this.skipSeps();
      const end = this.peek();
      if (end.kind !== 'eof') this.fail(end, `unexpected ${this.describe(end)} after the result expression`);
      return { source: this.source, bindings, result };
    }
  }

  /** Parse a single expression (no bindings), e.g. a data filter or a derived column. */
  parseSingle(): Expr {
    const e = this.parseExpr();
    const end = this.peek();
    if (end.kind !== 'eof') this.fail(end, `unexpected ${this.describe(end)}`);
    return e;
  }

  private skipSeps(): void {
    while (this.peek().kind === 'sep') this.next();
  }

  private parseExpr(): Expr {
    return this.parseOr();
  }

  private parseBinaryLevel(ops: readonly string[], sub: () => Expr, single = false): Expr {
    let left = sub();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && ops.includes(t.text)) {
        this.next();
        const right = sub();
        left = this.made({ kind: 'binary', op: t.text as BinaryOp, left, right, pos: t.pos });
        if (single) {
          const again = this.peek();
          if (again.kind === 'op' && ops.includes(again.text)) this.fail(again, 'comparisons cannot be chained; use && between them');
          return left;
        }
      } else {
        return left;
      }
    }
  }

  private parseOr(): Expr {
    return this.parseBinaryLevel(['||'], () => this.parseAnd());
  }
  private parseAnd(): Expr {
    return this.parseBinaryLevel(['&&'], () => this.parseCmp());
  }
  private parseCmp(): Expr {
    const e = this.parseBinaryLevel(['==', '!=', '<', '<=', '>', '>='], () => this.parseSum(), true);
    const t = this.peek();
    if (t.kind === 'op' && t.text === '=') this.fail(t, "unexpected '='; use '==' to compare");
    return e;
  }
  private parseSum(): Expr {
    return this.parseBinaryLevel(['+', '-'], () => this.parseProduct());
  }
  private parseProduct(): Expr {
    return this.parseBinaryLevel(['*', '/'], () => this.parseUnary());
  }
  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '!')) {
      this.next();
      this.enter(t);
      const arg = this.parseUnary();
      this.leave();
      return this.made({ kind: 'unary', op: t.text as UnaryOp, arg, pos: t.pos });
    }
    return this.parsePower();
  }
  private parsePower(): Expr {
    const base = this.parseAtom();
    const t = this.peek();
    if (t.kind === 'op' && t.text === '^') {
      this.next();
      this.enter(t);
      const exponent = this.parseUnary();
      this.leave();
      return this.made({ kind: 'binary', op: '^', left: base, right: exponent, pos: t.pos });
    }
    return base;
  }
  private parseAtom(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return this.made({ kind: 'number', value: t.value!, pos: t.pos });
      case 'string':
        return this.made({ kind: 'string', value: t.text, pos: t.pos });
      case 'name': {
        if (this.peek().kind === '(') {
          this.enter(this.next());
          const args: Expr[] = [];
          if (this.peek().kind !== ')') {
            for (;;) {
              args.push(this.parseExpr());
              const sep = this.peek();
              if (sep.kind === ',') {
                this.next();
                continue;
              }
              if (sep.kind === ')') break;
              this.fail(sep, `expected ',' or ')' in the arguments of '${t.text}', found ${this.describe(sep)}`);
            }
          }
          this.next();
          this.leave();
          return this.made({ kind: 'call', fn: t.text, args, pos: t.pos });
        }
        return this.made({ kind: 'name', name: t.text, pos: t.pos });
      }
      case '(': {
        this.enter(t);
        const inner = this.parseExpr();
        this.leave();
        const close = this.peek();
        if (close.kind !== ')') this.fail(close, `expected ')' to close the '(' at col ${positionOf(this.source, t.pos).col}, found ${this.describe(close)}`);
        this.next();
        return inner;
      }
      default:
        this.fail(t, `expected a number, a name or '(', found ${this.describe(t)}`);
    }
  }
}

/** Parse a law formula (bindings allowed). Throws FormulaError with the position on bad syntax. */
export function parseProgram(source: string): Program {
  return new Parser(source, tokenize(source)).parseProgram();
}

/** Parse one expression (no bindings): data filters and derived columns. */
export function parseExpression(source: string): Expr {
  return new Parser(source, tokenize(source)).parseSingle();
}

type BinaryExpr = Extract<Expr, { kind: 'binary' }>;

/**
 * A chain of left-associative binary operators, `((x0 op1 y1) op2 y2) ...`, unrolled: `first` is
 * x0 (not itself such a chain) and `links` the operator nodes from the innermost out. Walkers
 * loop over the links and recurse only into `first` and each link's right operand, so a sum of
 * thousands of terms costs no stack depth; only real nesting does (bounded by MAX_NESTING).
 */
export function leftChain(e: BinaryExpr): { first: Expr; links: BinaryExpr[] } {
  const links: BinaryExpr[] = [];
  let x: Expr = e;
  while (x.kind === 'binary' && x.op !== '^') {
    links.push(x);
    x = x.left;
  }
  return { first: x, links: links.reverse() };
}

/** Every name referenced by an expression (not function names), with the offset of its first use. */
export function freeNames(e: Expr, out: Map<string, number> = new Map()): Map<string, number> {
  if (e.kind === 'binary' && e.op !== '^') {
    const { first, links } = leftChain(e);
    freeNames(first, out);
    for (const l of links) freeNames(l.right, out);
    return out;
  }
  switch (e.kind) {
    case 'number':
    case 'string':
      break;
    case 'name':
      if (!out.has(e.name)) out.set(e.name, e.pos);
      break;
    case 'unary':
      freeNames(e.arg, out);
      break;
    case 'binary':
      freeNames(e.left, out);
      freeNames(e.right, out);
      break;
    case 'call':
      for (const a of e.args) freeNames(a, out);
      break;
  }
  return out;
}

/** Print an expression back as formula text (fully parenthesised where precedence requires). */
export function printExpr(e: Expr): string {
  const prec = (x: Expr): number => {
    if (x.kind === 'binary') {
      switch (x.op) {
        case '||':
          return 1;
        case '&&':
          return 2;
        case '+':
        case '-':
          return 4;
        case '*':
        case '/':
          return 5;
        case '^':
          return 7;
        default:
          return 3;
      }
    }
    if (x.kind === 'unary') return 6;
    return 8;
  };
  const wrap = (x: Expr, min: number): string => (prec(x) < min ? `(${printExpr(x)})` : printExpr(x));
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return e.value.includes("'") ? `"${e.value}"` : `'${e.value}'`;
    case 'name':
      return e.name;
    case 'unary':
      return `${e.op}${wrap(e.arg, 6)}`;
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'binary': {
      if (e.op === '^') return `${wrap(e.left, 8)}^${wrap(e.right, 6)}`;
      // Left-associative chains printed with a loop (see leftChain): the text of each link wraps
      // the text so far when the link binds tighter than what is below it.
      const { first, links } = leftChain(e);
      let text = printExpr(first);
      let below = prec(first);
      for (const l of links) {
        const p = prec(l);
        const rightMin = l.op === '-' || l.op === '/' ? p + 1 : p;
        const sp = l.op === '*' || l.op === '/' ? '' : ' ';
        text = `${below < p ? `(${text})` : text}${sp}${l.op}${sp}${wrap(l.right, rightMin)}`;
        below = p;
      }
      return text;
    }
  }
}
