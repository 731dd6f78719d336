/**
 * How a table maps onto a law: which column (or expression over columns) feeds each law input,
 * the target, optional weights, a row filter and a group column; plus the parser for the CLI's
 * `--x N=N_params,M=D_tokens/N_params` syntax and the check that a spec fits a law's inputs.
 * Kept apart from the file readers so the CLI and the browser app build specs the same way.
 */
import { DataError } from '../errors.js';
import { closeMatch } from './messages.js';

export interface DataSpec {
  /** Law input name → column name or expression, e.g. `{ N: 'N_params', M: 'D_tokens / N_params' }`. */
  inputs: Readonly<Record<string, string>>;
  /** Target column or expression. */
  target: string;
  /** Optional weights column or expression; values must be finite, >= 0 and not all zero. */
  weights?: string;
  /** Optional row filter: rows where this expression is non-zero are kept (`excluded_outlier == 0`). */
  where?: string;
  /** Optional group column; its cells (as text) label the rows for grouped resampling. */
  group?: string;
}

export interface TopLevelPart {
  text: string;
  /** 0-based offset of `text` in the whole string. */
  offset: number;
}

/**
 * Split on `separator` outside parentheses and backticks, so `a=max(x,y),b=z` gives
 * `a=max(x,y)` and `b=z`. Parentheses are not checked for balance here (the expression parser
 * reports that with a position) except that a ')' with no '(' ends nothing and is kept as text.
 */
export function splitTopLevel(text: string, separator = ','): TopLevelPart[] {
  const parts: TopLevelPart[] = [];
  let depth = 0;
  let inBackticks = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`') inBackticks = !inBackticks;
    else if (inBackticks) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === separator && depth === 0) {
      parts.push({ text: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  parts.push({ text: text.slice(start), offset: start });
  return parts;
}

const ENTRY = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/;

/**
 * Parse `N=N_params,M=D_tokens/N_params` (the value of a `--x` option) into
 * `{ N: 'N_params', M: 'D_tokens/N_params' }`. Commas inside parentheses or backticks do not
 * split. Throws DataError('bad-option') for an empty entry, an entry without `NAME=`, an empty
 * right-hand side or a name given twice. `flag` names the option in messages.
 */
export function parseColumnMap(text: string, flag = '--x'): Record<string, string> {
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  function fail(offset: number, detail: string): never {
    throw new DataError('bad-option', {}, `${flag} '${text}', col ${offset + 1}: ${detail}`);
  }
  if (text.trim() === '') fail(0, 'is empty; expected NAME=COLUMN entries separated by commas, e.g. N=N_params,D=D_tokens');
  for (const part of splitTopLevel(text)) {
    const lead = part.text.length - part.text.trimStart().length;
    const at = part.offset + lead;
    if (part.text.trim() === '') fail(part.offset, 'empty entry (two commas in a row, or a comma at the start or end)');
    const m = ENTRY.exec(part.text);
    if (m === null) {
      const name = /^\s*([^=]*?)\s*=(?!=)/.exec(part.text)?.[1];
      if (name !== undefined) fail(at, `'${name}' is not a valid law input name; names are letters, digits and '_' (not starting with a digit)`);
      fail(at, `entry '${part.text.trim()}' has no '='; write LAW_INPUT=COLUMN or LAW_INPUT=EXPRESSION`);
    }
    const name = m[1]!;
    const value = part.text.slice(m[0].length).trim();
    if (value === '') fail(at, `'${name}=' has nothing after '='; give a column name or an expression`);
    if (seen.has(name)) fail(at, `law input '${name}' is mapped twice`);
    seen.add(name);
    entries.push([name, value]);
  }
  return Object.fromEntries(entries);
}

/**
 * Check that `spec` maps exactly the law's inputs and that its entries are non-empty text.
 * Throws DataError('data-column') for an unmapped input ("law input 'D' is not mapped; use --x
 * D=COLUMN") or a mapping for a name the law does not have. `source` names the file in messages.
 */
export function checkSpec(spec: DataSpec, inputNames: readonly string[], source?: string): void {
  const loc = source === undefined ? {} : { file: source };
  const laws = inputNames.join(', ');
  if (typeof spec !== 'object' || spec === null || typeof spec.inputs !== 'object' || spec.inputs === null) {
    throw new DataError('data-column', loc, 'the data spec has no inputs mapping; use --x NAME=COLUMN for each law input');
  }
  for (const name of Object.keys(spec.inputs)) {
    if (!inputNames.includes(name)) {
      throw new DataError(
        'data-column',
        loc,
        `'${name}' is mapped (--x ${name}=...) but is not an input of the law${closeMatch(name, inputNames) || ';'} the law's inputs are: ${laws}`,
      );
    }
  }
  for (const name of inputNames) {
    const v = Object.hasOwn(spec.inputs, name) ? spec.inputs[name] : undefined;
    if (v === undefined) throw new DataError('data-column', loc, `law input '${name}' is not mapped; use --x ${name}=COLUMN`);
    if (typeof v !== 'string' || v.trim() === '') throw new DataError('data-column', loc, `law input '${name}' is mapped to an empty column name; use --x ${name}=COLUMN`);
  }
  const optional: [string, unknown][] = [
    ['target', spec.target],
    ['weights', spec.weights],
    ['where', spec.where],
    ['group', spec.group],
  ];
  for (const [field, value] of optional) {
    if (field !== 'target' && value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new DataError('data-column', loc, field === 'target' ? 'no target given; name the column to fit (e.g. loss)' : `the ${field} entry is empty; give a column name or an expression, or leave it out`);
    }
  }
}
