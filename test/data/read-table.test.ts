/**
 * Table readers: CSV/TSV quoting, BOM, CRLF, blank lines and physical row numbers; JSON records and
 * column arrays; JSONL line numbers; and every structural error with its exact file/row/column message.
 */
import { describe, expect, test } from 'vitest';
import { decodeText, detectFormat, findJsonSyntaxError, readTable, tableFromRecords } from '../../src/data/index.js';
import { asDataError, thrown } from './helpers.js';

describe('CSV', () => {
  test('header, rows and physical row numbers (header is row 1)', () => {
    const t = readTable('a,b\n1,2\n3,4\n', 'runs.csv');
    expect(t.format).toBe('csv');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(t.rowNumbers).toEqual([2, 3]);
  });

  test('quoted fields: embedded commas, doubled quotes and newlines; row numbers stay physical lines', () => {
    const text = 'name,x\n"a, b",1\n"say ""hi""",2\n"multi\nline",3\nlast,4\n';
    const t = readTable(text, 'q.csv');
    expect(t.rows).toEqual([
      ['a, b', '1'],
      ['say "hi"', '2'],
      ['multi\nline', '3'],
      ['last', '4'],
    ]);
    // The record "multi\nline" starts on line 4 and ends on line 5, so "last" is on line 6.
    expect(t.rowNumbers).toEqual([2, 3, 4, 6]);
  });

  test('BOM, CRLF and trailing blank lines', () => {
    const t = readTable('\uFEFFa,b\r\n1,2\r\n3,4\r\n\r\n\r\n', 'bom.csv');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(t.rowNumbers).toEqual([2, 3]);
  });

  test('BOM given as bytes is removed too', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('x,y\n1,2\n')]);
    const t = readTable(bytes, 'bytes.csv');
    expect(t.columns).toEqual(['x', 'y']);
  });

  test('blank lines in the middle are skipped but still counted', () => {
    const t = readTable('a,b\n1,2\n\n   \n3,4', 'gap.csv');
    expect(t.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(t.rowNumbers).toEqual([2, 5]);
  });

  test('leading blank lines: the header is the first non-blank line, row numbers stay physical', () => {
    const t = readTable('\n\na,b\n1,2\n', 'lead.csv');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rowNumbers).toEqual([4]);
  });

  test('header names are trimmed', () => {
    expect(readTable(' a , b \n1,2\n', 'sp.csv').columns).toEqual(['a', 'b']);
    expect(readTable(' a ,"b "\n1,2\n', 'sp.csv').columns).toEqual(['a', 'b']);
  });

  test('bare-CR line endings count as lines', () => {
    const t = readTable('a,b\r1,2\r3,4\r', 'mac.csv');
    expect(t.rowNumbers).toEqual([2, 3]);
  });
});

describe('TSV', () => {
  test('by extension', () => {
    const t = readTable('a\tb\n1,5\t2\n', 'runs.tsv');
    expect(t.format).toBe('tsv');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['1,5', '2']]);
    expect(t.rowNumbers).toEqual([2]);
  });

  test('sniffed from a tab in the header, whatever the extension', () => {
    for (const name of ['runs.txt', 'runs.csv', 'runs']) {
      const t = readTable('a\tb\n1\t2\n', name);
      expect(t.format).toBe('tsv');
      expect(t.rows).toEqual([['1', '2']]);
    }
  });

  test('quoted TSV field containing a tab', () => {
    expect(readTable('a\tb\n"x\ty"\t2\n', 'q.tsv').rows).toEqual([['x\ty', '2']]);
  });
});

describe('JSON', () => {
  test('array of records: union of keys, missing keys are undefined, row = record index', () => {
    const t = readTable('[{"a": 1, "b": "x"}, {"a": 2}, {"b": true, "c": null}]', 'r.json');
    expect(t.format).toBe('json');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([
      [1, 'x', undefined],
      [2, undefined, undefined],
      [undefined, true, null],
    ]);
    expect(t.rowNumbers).toEqual([1, 2, 3]);
  });

  test('object of column arrays', () => {
    const t = readTable('{"N": [1e9, 2e9], "loss": [2.5, 2.25]}', 'c.json');
    expect(t.columns).toEqual(['N', 'loss']);
    expect(t.rows).toEqual([
      [1e9, 2.5],
      [2e9, 2.25],
    ]);
    expect(t.rowNumbers).toEqual([1, 2]);
  });

  test('nested values are kept as their JSON text', () => {
    expect(readTable('[{"a": [1, 2]}]', 'n.json').rows).toEqual([['[1,2]']]);
  });
});

describe('JSONL', () => {
  test('one object per line; blank lines skipped; row = line number', () => {
    const t = readTable('{"a": 1, "b": 2}\n\n{"a": 3, "b": 4}\r\n', 'r.jsonl');
    expect(t.format).toBe('jsonl');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(t.rowNumbers).toEqual([1, 3]);
  });
});

describe('format detection', () => {
  test('by extension, then by content', () => {
    expect(detectFormat('a.CSV', 'x,y\n')).toBe('csv');
    expect(detectFormat('a.tab', 'x\ty\n')).toBe('tsv');
    expect(detectFormat('a.ndjson', '{}')).toBe('jsonl');
    expect(detectFormat('dir.v2/a.json', '[]')).toBe('json');
    expect(detectFormat('data', '  [{"a":1}]')).toBe('json');
    expect(detectFormat('data', '{"a":[1,2]}')).toBe('json');
    expect(detectFormat('data', '{"a":1}\n{"a":2}\n')).toBe('jsonl');
    expect(detectFormat('data', 'a,b\n1,2')).toBe('csv');
    expect(detectFormat('data', 'a\tb\n1\t2')).toBe('tsv');
  });

  test('an explicit format wins, except that tab-separated "CSV" is read as TSV', () => {
    expect(detectFormat('a.txt', '{"a":1}\n{"a":2}', 'json')).toBe('json');
    expect(detectFormat('a.json', 'a\tb', 'csv')).toBe('tsv');
  });
});

describe('reading errors name the file, row and column', () => {
  test('empty file', () => {
    for (const [name, text] of [
      ['e.csv', ''],
      ['e.csv', '\n  \n'],
      ['e.json', ' '],
      ['e.jsonl', '\n'],
    ] as const) {
      const e = asDataError(thrown(() => readTable(text, name)), 'data-file');
      expect(e.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: the file is empty`));
    }
  });

  test('header without data rows', () => {
    const e = asDataError(thrown(() => readTable('a,b\n\n', 'h.csv')), 'data-too-few');
    expect(e.message).toBe('h.csv, row 1: the CSV file has a header but no data rows');
  });

  test('ragged row: too few fields', () => {
    const e = asDataError(thrown(() => readTable('a,b,c\n1,2,3\n4,5\n', 'r.csv')), 'data-parse');
    expect(e.location).toEqual({ file: 'r.csv', row: 3 });
    expect(e.message).toBe(
      'r.csv, row 3: row has 2 fields but the header (row 1) has 3; add the missing field (every row needs one field per column, even an empty one)',
    );
  });

  test('ragged row: too many fields, after a multi-line quoted field', () => {
    const e = asDataError(thrown(() => readTable('a,b\n"x\ny",1\n2,3\n4,5,6\n', 'r.csv')), 'data-parse');
    expect(e.message).toBe("r.csv, row 5: row has 3 fields but the header (row 1) has 2; quote any value that contains a ','");
  });

  test('ragged TSV row', () => {
    const e = asDataError(thrown(() => readTable('a\tb\n1\t2\t3\n', 'r.tsv')), 'data-parse');
    expect(e.message).toBe('r.tsv, row 2: row has 3 fields but the header (row 1) has 2; quote any value that contains a tab');
  });

  test('duplicated column names', () => {
    const e = asDataError(thrown(() => readTable('loss,N,loss\n1,2,3\n', 'd.csv')), 'data-parse');
    expect(e.location).toEqual({ file: 'd.csv', row: 1, column: 'loss' });
    expect(e.message).toBe("d.csv, row 1, column 'loss': column name appears twice in the header (fields 1 and 3); rename one of them");
  });

  test('duplicates are detected after trimming', () => {
    const e = asDataError(thrown(() => readTable('N, N\n1,2\n', 'd.csv')), 'data-parse');
    expect(e.location.column).toBe('N');
  });

  test('unterminated quoted field', () => {
    const e = asDataError(thrown(() => readTable('a,b\n1,2\n3,"4\n5,6\n', 'q.csv')), 'data-parse');
    expect(e.location).toEqual({ file: 'q.csv', row: 3 });
    expect(e.message).toContain('never closed');
  });

  test('text after a closing quote', () => {
    const e = asDataError(thrown(() => readTable('a,b\n1,2\n"ab"c,d\n', 'q.csv')), 'data-parse');
    expect(e.location).toEqual({ file: 'q.csv', row: 3 });
    expect(e.message).toContain('text after its closing');
  });

  test('malformed JSON gives line and column', () => {
    const e = asDataError(thrown(() => readTable('[{"a": 1},\n {"a": 2,}]', 'm.json')), 'data-parse');
    expect(e.message).toBe("m.json: malformed JSON at line 2, col 10: unexpected '}' after ','; remove the trailing comma");
  });

  test('truncated JSON', () => {
    const e = asDataError(thrown(() => readTable('[{"a": 1},\n {"a": 2}', 'm.json')), 'data-parse');
    expect(e.message).toBe("m.json: malformed JSON at line 2, col 10: unexpected end of the text; the '[' at line 1, col 1 is never closed");
  });

  test('JSON record that is not an object', () => {
    const e = asDataError(thrown(() => readTable('[{"a": 1}, 5]', 'm.json')), 'data-parse');
    expect(e.location).toEqual({ file: 'm.json', row: 2 });
    expect(e.message).toMatch(/^m\.json, row 2: record is a number, expected an object/);
  });

  test('JSON column arrays of different lengths', () => {
    const e = asDataError(thrown(() => readTable('{"N": [1, 2, 3], "loss": [1, 2]}', 'c.json')), 'data-parse');
    expect(e.message).toBe("c.json, column 'loss': column has 2 values but column 'N' has 3; all column arrays must have the same length");
  });

  test('JSON of the wrong shape', () => {
    expect(asDataError(thrown(() => readTable('42', 's.json')), 'data-parse').message).toMatch(/^s\.json: the JSON value is a number; expected an array of records/);
    expect(asDataError(thrown(() => readTable('{"N": 5}', 's.json')), 'data-parse').message).toMatch(/^s\.json, column 'N': the value of this key is a number, not an array/);
    expect(asDataError(thrown(() => readTable('[]', 's.json')), 'data-too-few').message).toBe('s.json: the JSON array is empty (no data rows)');
  });

  test('malformed JSONL line gives the line as the row', () => {
    const e = asDataError(thrown(() => readTable('{"a": 1}\n\n{"a": x}\n', 'l.jsonl')), 'data-parse');
    expect(e.location).toEqual({ file: 'l.jsonl', row: 3 });
    expect(e.message).toBe("l.jsonl, row 3: malformed JSON at col 7: unexpected word 'x'; strings must be in double quotes");
  });

  test('JSONL line that is not an object', () => {
    const e = asDataError(thrown(() => readTable('{"a": 1}\n[1, 2]\n', 'l.jsonl')), 'data-parse');
    expect(e.location).toEqual({ file: 'l.jsonl', row: 2 });
  });

  test('UTF-16 files are refused with a fix', () => {
    const e = asDataError(thrown(() => decodeText(new Uint8Array([0xff, 0xfe, 0x61, 0x00]), 'u.csv')), 'data-file');
    expect(e.message).toMatch(/^u\.csv: the file is encoded as UTF-16; save it as UTF-8/);
  });

  test('in-memory records get the same checks', () => {
    const e = asDataError(thrown(() => tableFromRecords([{ a: 1 }, null], 'mem')), 'data-parse');
    expect(e.message).toMatch(/^mem, row 2: record is null/);
  });
});

describe('findJsonSyntaxError', () => {
  test('valid JSON has no error', () => {
    for (const t of ['[]', '{}', ' {"a": [1, -2.5e-3, true, null, "x\\n\\u00e9"]} ', '0']) expect(findJsonSyntaxError(t)).toBeUndefined();
  });

  test('locates common mistakes', () => {
    expect(findJsonSyntaxError('{"a": NaN}')).toEqual({ offset: 6, line: 1, col: 7, detail: 'NaN is not valid JSON; write null or a finite number' });
    expect(findJsonSyntaxError("{'a': 1}")?.detail).toBe("expected a property name in double quotes, found '''");
    expect(findJsonSyntaxError('[1 2]')).toMatchObject({ col: 4, detail: "expected ',' or ']' after an array element, found '2'" });
    expect(findJsonSyntaxError('{"a": 1}\n{"a": 2}')).toMatchObject({ line: 2, col: 1 });
    expect(findJsonSyntaxError('["abc')).toMatchObject({ col: 2, detail: `this string is never closed; add the closing '"'` });
    expect(findJsonSyntaxError('[01]')?.detail).toBe("malformed number '01'");
  });
});
