/**
 * Where malformed JSON goes wrong. `JSON.parse` reports positions inconsistently (Node 20 gives an
 * offset for some errors and none for others; browsers differ again), so when it fails this small
 * syntax checker walks the text by the JSON grammar and reports the line and column of the first
 * error in words a person can act on. It is only run after `JSON.parse` has already failed.
 */

export interface JsonSyntaxProblem {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based line and column. */
  line: number;
  col: number;
  detail: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {}
}

function describeChar(c: string | undefined): string {
  if (c === undefined) return 'the end of the text';
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  return `'${c}'`;
}

/**
 * Line and column (both 1-based) of an offset. A line ends at \n, \r\n or a bare \r, so a file
 * saved with classic-Mac line endings is not reported as one long line 1.
 */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Find the first syntax error in `text` (one JSON value surrounded by optional whitespace), or
 * undefined if the text is valid JSON.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const value = (depth: number): void => {
    ws();
    if (depth > 500) throw new Stop(i, 'nesting is too deep');
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === undefined) throw new Stop(i, 'unexpected end of the text; a value is missing');
    if (c === "'") throw new Stop(i, "strings must use double quotes '\"', not single quotes");
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 32))?.[0];
    if (word === 'NaN' || word === 'Infinity') throw new Stop(i, `${word} is not valid JSON; write null or a finite number`);
    if (word !== undefined) throw new Stop(i, `unexpected word '${word}'; strings must be in double quotes`);
    if (c === ']' || c === '}') throw new Stop(i, `unexpected '${c}'; a value is missing (trailing comma?)`);
    throw new Stop(i, `unexpected ${describeChar(c)}; expected a value`);
  };
  const object = (depth: number): void => {
    const open = i;
    i++; // '{'
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        if (text[i] === '}') throw new Stop(i, "unexpected '}' after ','; remove the trailing comma");
        if (text[i] === undefined) throw new Stop(i, `unexpected end of the text; the '{' at ${at(open)} is never closed`);
        throw new Stop(i, `expected a property name in double quotes, found ${describeChar(text[i])}`);
      }
      string();
      ws();
      if (text[i] !== ':') throw new Stop(i, `expected ':' after the property name, found ${describeChar(text[i])}`);
      i++;
      value(depth + 1);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      if (text[i] === undefined) throw new Stop(i, `unexpected end of the text; the '{' at ${at(open)} is never closed`);
      throw new Stop(i, `expected ',' or '}' after a property value, found ${describeChar(text[i])}`);
    }
  };
  const array = (depth: number): void => {
    const open = i;
    i++; // '['
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') throw new Stop(i, "unexpected ']' after ','; remove the trailing comma");
      value(depth + 1);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      if (text[i] === undefined) throw new Stop(i, `unexpected end of the text; the '[' at ${at(open)} is never closed`);
      throw new Stop(i, `expected ',' or ']' after an array element, found ${describeChar(text[i])}`);
    }
  };
  const string = (): void => {
    const open = i;
    i++; // '"'
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Stop(open, 'this string is never closed; add the closing \'"\'');
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'malformed \\u escape; expected four hex digits');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Stop(i, `invalid escape '\\${e ?? ''}' in a string`);
        i += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) throw new Stop(i, `${describeChar(c)} inside a string must be escaped (\\n, \\t, ...)`);
      i++;
    }
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '-') throw new Stop(i, 'malformed number');
    const after = text[i + m[0].length];
    if (after !== undefined && /[0-9.eE]/.test(after)) throw new Stop(i, `malformed number '${m[0]}${after}'`);
    i += m[0].length;
  };
  const at = (offset: number): string => {
    const p = lineColOf(text, offset);
    return `line ${p.line}, col ${p.col}`;
  };

  try {
    value(0);
    ws();
    if (i < n) throw new Stop(i, `unexpected ${describeChar(text[i])} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { offset: e.offset, ...lineColOf(text, e.offset), detail: e.detail };
  }
}
