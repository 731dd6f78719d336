/**
 * A column reference or expression from a data spec (`N_params`, `D_tokens / N_params`,
 * `excluded_outlier == 0`), resolved against a table's columns before any row is read. All the
 * mistakes that do not depend on the data (syntax, unknown columns, unknown functions, wrong
 * argument counts) are reported here, once, with the column position in the expression text and
 * a suggestion; per-row problems are left to the row loop.
 *
 * Resolution rules:
 * - text that is exactly a column name (after trimming) is that column, whatever characters it
 *   contains (`loss_paloma_falcon-refinedweb`);
 * - otherwise the text is parsed with the formula language's `parseExpression`; a column whose
 *   name is not an identifier can be used inside an expression by quoting it in backticks
 *   (`` `loss_paloma_falcon-refinedweb` * 2 ``). Backticked names are swapped for placeholder
 *   identifiers of the same length before parsing, so every reported column is still right.
 */
import { DataError, FormulaError, type LawfitErrorCode } from '../errors.js';
import { lookupFunction } from '../law/functions.js';
import { leftChain, parseExpression, positionOf, type Expr } from '../law/syntax.js';
import { dataFunction, dataFunctionNames, evaluateExpression } from './evaluate.js';
import { closeMatch, listColumns } from './messages.js';

/** A spec entry resolved against a table's columns. */
export interface DataExpression {
  /** The entry as written (trimmed). */
  text: string;
  /** How messages name this entry, e.g. `input M = 'D_tokens / N_params'`. */
  label: string;
  /** Set when the text is exactly a column name: that column's index. */
  column?: number;
  /** Set when the text is an expression: its tree (backticked names appear as placeholders). */
  expr?: Expr;
  /** For an expression: every name in the tree → its column index. */
  names: ReadonlyMap<string, number>;
  /** Indices of the columns the entry reads, in order of first use. */
  columns: readonly number[];
  /** Replace placeholder identifiers in a message with the backticked names they stand for. */
  restore(message: string): string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `col 7`, or `line 2, col 3` for multi-line text. */
export function describeOffset(text: string, offset: number): string {
  const p = positionOf(text, offset);
  return p.line > 1 ? `line ${p.line}, col ${p.col}` : `col ${p.col}`;
}

interface Quoted {
  /** The text with each backticked name replaced by a same-length placeholder. */
  text: string;
  /** placeholder → column name */
  placeholders: Map<string, string>;
}

/** Swap `` `name` `` for same-length identifiers that collide with nothing in the text or the columns. */
function replaceBackticks(text: string, label: string, source: string, columns: readonly string[]): Quoted {
  const placeholders = new Map<string, string>();
  if (!text.includes('`')) return { text, placeholders };
  const taken = new Set<string>(columns);
  for (const m of text.replace(/`[^`]*`/g, ' ').matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) taken.add(m[0]);
  let out = '';
  let i = 0;
  let counter = 0;
  while (i < text.length) {
    const open = text.indexOf('`', i);
    if (open < 0) {
      out += text.slice(i);
      break;
    }
    const close = text.indexOf('`', open + 1);
    if (close < 0) {
      throw new DataError('formula-syntax', { file: source }, `${label}, ${describeOffset(text, open)}: this '\`' is never closed; quote a column name as \`name\``);
    }
    const name = text.slice(open + 1, close);
    if (name === '') throw new DataError('formula-syntax', { file: source }, `${label}, ${describeOffset(text, open)}: empty column name '\`\`'`);
    const width = close - open + 1;
    let placeholder: string | undefined;
    while (placeholder === undefined) {
      const candidate = `_${counter.toString(36)}`.padEnd(width, '_');
      counter++;
      if (candidate.length > width) {
        throw new DataError('formula-syntax', { file: source }, `${label}: too many backticked column names; give the columns longer names or fewer references`);
      }
      if (!taken.has(candidate)) placeholder = candidate;
    }
    taken.add(placeholder);
    placeholders.set(placeholder, name);
    out += text.slice(i, open) + placeholder;
    i = close + 1;
  }
  return { text: out, placeholders };
}

interface Problem {
  offset: number;
  error: (at: string) => DataError;
}

/**
 * Resolve a spec entry against `columns`. Throws DataError for an empty entry, a syntax error
 * (code 'formula-syntax'), an unknown column ('data-column', with "did you mean" and the column
 * list), an unknown function ('formula-unknown-name') or a wrong number of arguments
 * ('formula-arity'). `label` names the entry in messages; `source` is the file name.
 */
export function compileDataExpression(rawText: string, label: string, columns: readonly string[], source: string): DataExpression {
  const text = rawText.trim();
  const plain = (s: string): string => s;
  if (text === '') throw new DataError('data-column', { file: source }, `${label} is empty; give a column name or an expression`);
  const direct = columns.indexOf(text);
  if (direct >= 0) return { text, label, column: direct, names: new Map(), columns: [direct], restore: plain };

  const quoted = replaceBackticks(text, label, source, columns);
  const restore = (message: string): string =>
    quoted.placeholders.size === 0
      ? message
      : message.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (w) => {
          const name = quoted.placeholders.get(w);
          return name === undefined ? w : `\`${name}\``;
        });

  let expr: Expr;
  try {
    expr = parseExpression(quoted.text);
  } catch (e) {
    if (e instanceof FormulaError) {
      throw new DataError(e.code, { file: source }, `${label}, ${describeOffset(text, e.position.offset)}: ${restore(e.detail)}`);
    }
    throw e;
  }

  const unknownColumn = (name: string, offset: number, at: string): DataError => {
    // `loss_paloma_falcon-refinedweb` parses as a subtraction; point at the backticks instead.
    const spelled = columns.find((c) => !IDENTIFIER.test(c) && text.startsWith(c, offset));
    let hint: string;
    if (spelled !== undefined) hint = `; to use column '${spelled}' in an expression, quote it in backticks: \`${spelled}\``;
    else if (lookupFunction(name) !== undefined) hint = `; '${name}' is a function, call it as ${name}(...)`;
    else hint = closeMatch(name, columns);
    const where = expr.kind === 'name' ? '' : `, ${at}`;
    return new DataError('data-column', { file: source, column: name }, `no such column (${label}${where})${hint}${hint.endsWith('?') ? '' : ';'} columns: ${listColumns(columns)}`);
  };

  const names = new Map<string, number>();
  const used: number[] = [];
  const problems: Problem[] = [];
  const functions = dataFunctionNames();
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'number':
        if (!Number.isFinite(e.value)) {
          problems.push({ offset: e.pos, error: (at) => new DataError('formula-syntax', { file: source }, `${label}, ${at}: the number is outside the float64 range`) });
        }
        return;
      case 'name': {
        if (names.has(e.name)) return;
        const column = quoted.placeholders.get(e.name) ?? e.name;
        const index = columns.indexOf(column);
        if (index >= 0) {
          names.set(e.name, index);
          if (!used.includes(index)) used.push(index);
          return;
        }
        problems.push({ offset: e.pos, error: (at) => unknownColumn(column, e.pos, at) });
        return;
      }
      case 'string':
        problems.push({
          offset: e.pos,
          error: (at) => new DataError('formula-syntax', { file: source }, `${label}, ${at}: quoted text can only be compared with == or != to a column, as in train_dataset == 'rpj'`),
        });
        return;
      case 'unary':
        walk(e.arg);
        return;
      case 'binary': {
        // A long left-associative chain is followed with a loop (leftChain), not recursion.
        const { first, links } = e.op === '^' ? { first: e.left, links: [e] } : leftChain(e);
        links.forEach((l, k) => {
          if ((l.op === '==' || l.op === '!=') && (l.left.kind === 'string' || l.right.kind === 'string')) {
            // A text comparison: the other side must be a column (compared as its cell text) or text.
            for (const side of [l.left, l.right]) {
              if (side.kind === 'name') walk(side);
              else if (side.kind !== 'string') {
                problems.push({
                  offset: side.pos,
                  error: (at) => new DataError('formula-syntax', { file: source }, `${label}, ${at}: quoted text can only be compared to a column name, as in train_dataset == 'rpj'`),
                });
              }
            }
            return;
          }
          if (k === 0) walk(first);
          walk(l.right);
        });
        return;
      }
      case 'call': {
        const spec = lookupFunction(e.fn);
        if (spec === undefined || dataFunction(e.fn) === undefined) {
          const code: LawfitErrorCode = 'formula-unknown-name';
          const isColumn = columns.includes(e.fn);
          const hint = isColumn ? `; '${e.fn}' is a column, not a function (write '*' to multiply)` : closeMatch(e.fn, functions);
          problems.push({
            offset: e.pos,
            error: (at) => new DataError(code, { file: source }, `${label}, ${at}: unknown function '${e.fn}'${hint}${hint.endsWith('?') ? '' : ';'} functions: ${functions.join(', ')}`),
          });
        } else if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
          const wanted = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
          problems.push({
            offset: e.pos,
            error: (at) =>
              new DataError('formula-arity', { file: source }, `${label}, ${at}: ${e.fn}() takes ${wanted} argument${wanted === '1' ? '' : 's'} but is given ${e.args.length}`),
          });
        }
        for (const a of e.args) walk(a);
        return;
      }
    }
  };

  walk(expr);
  const first = problems.sort((a, b) => a.offset - b.offset)[0];
  if (first !== undefined) throw first.error(describeOffset(text, first.offset));
  return { text, label, expr, names, columns: used, restore };
}

/**
 * Evaluate a resolved entry for one row. `read(column)` returns the numeric value of a cell (and
 * throws on a bad one). Throws NonFiniteValue (from `evaluateExpression`) on a non-finite result.
 */
export function evaluateDataExpression(de: DataExpression, read: (column: number) => number, readText?: (column: number) => string): number {
  if (de.column !== undefined) return read(de.column);
  if (de.expr === undefined) throw new Error('internal: data expression has neither a column nor a tree');
  const columnOf = (name: string): number => {
    const column = de.names.get(name);
    if (column === undefined) throw new Error(`internal: name '${name}' was not resolved`);
    return column;
  };
  return evaluateExpression(
    de.expr,
    (name) => read(columnOf(name)),
    (name) => {
      if (readText === undefined) throw new Error('internal: no text reader');
      return readText(columnOf(name));
    },
  );
}
