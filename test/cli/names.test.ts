/**
 * Issue 14: parameter and input names that are also members of Object.prototype (`constructor`,
 * `__proto__`, `toString`, ...) behave like any other name: every name table has no prototype
 * (src/util/names.ts) and every lookup is an own-key lookup.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nameTable, own } from '../../src/util/names.js';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const csv = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const NAME_SETS: Array<[string, string, string]> = [
  ['constructor', 'toString', '__proto__'],
  ['hasOwnProperty', 'valueOf', 'prototype'],
];

describe('name tables', () => {
  test('nameTable stores __proto__ as a key; own() never returns inherited members', () => {
    const t = nameTable<number>([['__proto__', 1]]);
    expect(Object.keys(t)).toEqual(['__proto__']);
    expect(own(t, '__proto__')).toBe(1);
    expect(own(t, 'constructor')).toBeUndefined();
    expect(own({} as Record<string, number>, 'toString')).toBeUndefined();
  });
});

describe('Object.prototype names as parameters and inputs, through the CLI', () => {
  for (const [a, b, c] of NAME_SETS) {
    test(`parameters ${a}, ${b} and input ${c}: fit, --fix, --grid, --bootstrap, report, predict`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lawfit-names-'));
      const out = join(dir, 'fit.json');
      const common = ['--formula', `E + ${a}*${c}^-${b}`, '--positive', `E,${a}`, '--x', `${c}=N_params`, '--y', 'loss'];
      const r = await runCliCaptured('fit', csv, ...common, '--starts', 'sobol:8', '--bootstrap', '20', '--seed', '3', '--out', out);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`\\n\\s+${a}:\\s+[\\d.]+ \\+/- [\\d.]+ \\(`));
      expect(r.out).toMatch(new RegExp(`\\n\\s+${b}:\\s+[\\d.]+ \\+/- [\\d.]+ \\(`));
      expect(r.out).toContain(`inputs ${c} = N_params`);

      const fixed = await runCliCaptured('fit', csv, ...common, '--starts', 'sobol:8', '--fix', `${b}=0.4`);
      expect(fixed.err).toBe('');
      expect(fixed.out).toMatch(new RegExp(`${b}:\\s+0.4\\b`));
      const grid = await runCliCaptured('fit', csv, ...common, '--grid', `${a}=10,100,1000`, '--grid', `${b}=0.2,0.4`);
      expect(grid.err).toBe('');
      expect(grid.out).toContain('6 ');

      const rep = await runCliCaptured('report', out);
      expect(rep.code).toBe(0);
      expect(rep.out).toContain(`${a}:`);
      const pred = await runCliCaptured('predict', out, '--at', `${c}=1e10`);
      expect(pred.err).toBe('');
      expect(pred.code).toBe(0);
      expect(pred.out).toMatch(new RegExp(`${c} = 1.000e\\+10:\\s+[\\d.]+`));
      const missing = await runCliCaptured('predict', out, '--at', `x=1`);
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/has no input 'x'/);
    }, 120_000);
  }
});
