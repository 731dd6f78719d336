/**
 * Duplicate keys in JSON. `JSON.parse` keeps the last of `{"loss": 2.1, "loss": 3.4}` without a
 * word (RFC 8259 leaves it to the parser), so a record edited by hand, or two columns that a tool
 * wrote under one name, would silently lose a value. This scan finds the first key that repeats
 * within one object and says where both are.
 *
 * It runs only on text `JSON.parse` has accepted, so it can trust the grammar: it tracks just
 * strings (keys are the strings right after `{` or `,` inside an object) and nesting, with an
 * explicit stack rather than recursion, so any depth the parser accepted is scanned.
 */
import { lineColOf } from './json-error.js';

export interface DuplicateKey {
  key: string;
  /** 0-based offsets of the first and the repeated key's opening quote. */
  first: number;
  offset: number;
  line: number;
  col: number;
  firstLine: number;
  firstCol: number;
}

/** The end (index after the closing quote) of the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    // A quote is escaped when an odd number of backslashes precede it.
    let b = q - 1;
    while (b > start && text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** The first repeated key in valid JSON text, or undefined. */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  // One entry per open container: the keys seen so far (objects) or null (arrays).
  const stack: (Map<string, number> | null)[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const raw = text.slice(i, end);
        // Decode escapes so "a" and "\u0061" are the same key, as they are to JSON.parse.
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const first = top.get(key);
        if (first !== undefined) {
          const at = lineColOf(text, i);
          const was = lineColOf(text, first);
          return { key, first, offset: i, line: at.line, col: at.col, firstLine: was.line, firstCol: was.col };
        }
        top.set(key, i);
        expectKey = false;
      }
      i = end - 1;
    } else if (c === 123 /* { */) {
      stack.push(new Map());
      expectKey = true;
    } else if (c === 91 /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return undefined;
}
