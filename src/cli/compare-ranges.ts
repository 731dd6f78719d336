/**
 * `lawfit compare --range [LAW:]P=LO:HI` (its row: src/run-spec/run-options.ts): start ranges for
 * the compared laws. A law given ranges is compiled with them and starts from Sobol points over
 * them, as the app runs a typed formula with its ranges, so the app's ranking has a command line.
 */
import { LawfitError } from '../errors.js';
import type { LawDeclaration } from '../law/declaration.js';
import type { RangeEntry } from '../run-spec/run-options.js';
import { nameTable } from '../util/names.js';

/**
 * compare's --range entries by law: `LAW:P=LO:HI` for that law, `P=LO:HI` for every law with a
 * parameter P. An entry that reaches no law is refused, naming the laws and their parameters.
 */
export function rangesByLaw(entries: readonly RangeEntry[], laws: readonly LawDeclaration[]): Map<string, Record<string, readonly [number, number]>> {
  const out = new Map<string, Record<string, readonly [number, number]>>();
  for (const e of entries) {
    const targets = laws.filter((d) => (e.law === undefined || d.name === e.law) && d.params.some((p) => p.name === e.name));
    if (targets.length === 0) {
      const where = e.law !== undefined ? (laws.some((d) => d.name === e.law) ? `law '${e.law}' has no parameter '${e.name}'` : `'${e.law}' is not among the compared laws (${laws.map((d) => d.name).join(', ')})`) : `no compared law has a parameter '${e.name}'`;
      throw new LawfitError('bad-option', `--range ${e.law !== undefined ? `${e.law}:` : ''}${e.name}: ${where}`);
    }
    for (const d of targets) {
      const r = out.get(d.name) ?? nameTable<readonly [number, number]>();
      r[e.name] = e.range;
      out.set(d.name, r);
    }
  }
  return out;
}

