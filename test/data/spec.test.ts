/**
 * The `--x N=N_params,M=D_tokens/N_params` parser (top-level comma splitting, malformed entries) and
 * the check that a spec maps exactly the law's inputs.
 */
import { describe, expect, test } from 'vitest';
import { checkSpec, parseColumnMap, splitTopLevel } from '../../src/data/index.js';
import { asDataError, thrown } from './helpers.js';

describe('parseColumnMap (--x)', () => {
  test('simple and derived entries', () => {
    expect(parseColumnMap('N=N_params,M=D_tokens/N_params')).toEqual({ N: 'N_params', M: 'D_tokens/N_params' });
  });

  test('spaces around names, = and commas', () => {
    expect(parseColumnMap(' N = N_params , D = D_tokens ')).toEqual({ N: 'N_params', D: 'D_tokens' });
  });

  test('commas inside function calls do not split', () => {
    expect(parseColumnMap('M=max(D_tokens, 1)/N_params,N=N_params')).toEqual({ M: 'max(D_tokens, 1)/N_params', N: 'N_params' });
    expect(parseColumnMap('X=min(max(a,b),c),Y=logsumexp(a,b,c)')).toEqual({ X: 'min(max(a,b),c)', Y: 'logsumexp(a,b,c)' });
  });

  test('commas inside backticks do not split', () => {
    expect(parseColumnMap('X=`tokens, total`/2,N=n')).toEqual({ X: '`tokens, total`/2', N: 'n' });
  });

  test('comparison operators on the right-hand side are kept', () => {
    expect(parseColumnMap('F=a==b,G=a>=b')).toEqual({ F: 'a==b', G: 'a>=b' });
  });

  test('a single entry', () => {
    expect(parseColumnMap('C=C_flop')).toEqual({ C: 'C_flop' });
  });

  test('malformed entries name the option, the column and the fix', () => {
    const msg = (text: string) => asDataError(thrown(() => parseColumnMap(text)), 'bad-option').message;
    expect(msg('')).toBe("--x '', col 1: is empty; expected NAME=COLUMN entries separated by commas, e.g. N=N_params,D=D_tokens");
    expect(msg('N=N_params,,D=D_tokens')).toBe("--x 'N=N_params,,D=D_tokens', col 12: empty entry (two commas in a row, or a comma at the start or end)");
    expect(msg('N=N_params,')).toBe("--x 'N=N_params,', col 12: empty entry (two commas in a row, or a comma at the start or end)");
    expect(msg('N=N_params,D_tokens')).toBe("--x 'N=N_params,D_tokens', col 12: entry 'D_tokens' has no '='; write LAW_INPUT=COLUMN or LAW_INPUT=EXPRESSION");
    expect(msg('N=N_params, 1D=x')).toBe(
      "--x 'N=N_params, 1D=x', col 13: '1D' is not a valid law input name; names are letters, digits and '_' (not starting with a digit)",
    );
    expect(msg('N=')).toBe("--x 'N=', col 1: 'N=' has nothing after '='; give a column name or an expression");
    expect(msg('N=a,N=b')).toBe("--x 'N=a,N=b', col 5: law input 'N' is mapped twice");
  });

  test('the flag name in messages can be changed', () => {
    expect(asDataError(thrown(() => parseColumnMap('N', '--inputs')), 'bad-option').message).toMatch(/^--inputs 'N', col 1:/);
  });

  test('__proto__ is an ordinary key', () => {
    const m = parseColumnMap('__proto__=x');
    expect(Object.keys(m)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });
});

describe('splitTopLevel', () => {
  test('offsets point into the original text', () => {
    expect(splitTopLevel('a,f(b,c),d')).toEqual([
      { text: 'a', offset: 0 },
      { text: 'f(b,c)', offset: 2 },
      { text: 'd', offset: 9 },
    ]);
  });

  test('an unmatched ) does not make later commas nested', () => {
    expect(splitTopLevel('a),b').map((p) => p.text)).toEqual(['a)', 'b']);
  });
});

describe('checkSpec', () => {
  const spec = { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss' };

  test('a spec that maps every input passes', () => {
    expect(() => checkSpec(spec, ['N', 'D'], 'runs.csv')).not.toThrow();
  });

  test('an unmapped law input', () => {
    const e = asDataError(thrown(() => checkSpec({ inputs: { N: 'N_params' }, target: 'loss' }, ['N', 'D'], 'runs.csv')), 'data-column');
    expect(e.message).toBe("runs.csv: law input 'D' is not mapped; use --x D=COLUMN");
  });

  test('a name that is not an input of the law', () => {
    const e = asDataError(thrown(() => checkSpec({ inputs: { N: 'N_params', D: 'D_tokens', C: 'C_flop' }, target: 'loss' }, ['N', 'D'], 'runs.csv')), 'data-column');
    expect(e.message).toBe("runs.csv: 'C' is mapped (--x C=...) but is not an input of the law; the law's inputs are: N, D");
    const e2 = asDataError(thrown(() => checkSpec({ inputs: { Nn: 'N_params', D: 'D_tokens' }, target: 'loss' }, ['Nx', 'D'])), 'data-column');
    expect(e2.message).toBe("'Nn' is mapped (--x Nn=...) but is not an input of the law; did you mean 'Nx'? the law's inputs are: Nx, D");
  });

  test('empty entries', () => {
    expect(asDataError(thrown(() => checkSpec({ inputs: { N: ' ' }, target: 'loss' }, ['N'])), 'data-column').message).toBe(
      "law input 'N' is mapped to an empty column name; use --x N=COLUMN",
    );
    expect(asDataError(thrown(() => checkSpec({ inputs: { N: 'n' }, target: '' }, ['N'])), 'data-column').message).toBe(
      'no target given; name the column to fit (e.g. loss)',
    );
    expect(asDataError(thrown(() => checkSpec({ inputs: { N: 'n' }, target: 'y', where: '' }, ['N'])), 'data-column').message).toBe(
      'the where entry is empty; give a column name or an expression, or leave it out',
    );
  });
});
