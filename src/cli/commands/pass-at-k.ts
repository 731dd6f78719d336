/**
 * `lawfit pass-at-k`: per-problem sample counts (n drawn, c correct) to coverage at each k, the
 * mean unbiased pass@k (Chen et al. 2021; src/transforms/pass-at-k.ts), the target of the
 * `coverage` law. With --by, one curve per value of a column (a model, a temperature, ...).
 */
import { LawfitError } from '../../errors.js';
import { readTableFile } from '../../data/index.js';
import { coverageCurve, powersOfTwoUpTo, type ProblemCounts } from '../../transforms/pass-at-k.js';
import type { Io } from '../io.js';
import { columnIndex, numericColumn } from '../table-columns.js';
import { oneInputFile, runTransformCommand } from '../transform-command.js';

export const PASS_AT_K_USAGE = `usage: lawfit pass-at-k FILE --n COLUMN --c COLUMN [options]

Coverage at k (the mean over problems of the unbiased pass@k, 1 − C(n−c, k)/C(n, k)) from one row
per problem: n samples drawn, c of them correct. Output: CSV with columns [BY,] k, coverage,
problems; fit it with --law coverage --x k=k --y coverage.

  --n COLUMN      samples per problem
  --c COLUMN      correct samples per problem
  --k LIST        the values of k, e.g. 1,2,4,8 (each at most the smallest n); default 1, 2, 4, ...
                  up to the smallest n
  --by COLUMN     one curve per value of this column
  --out FILE.csv  write there instead of stdout
`;

function parseKs(text: string): number[] {
  const ks = text.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new LawfitError('bad-option', `--k needs whole numbers >= 1 separated by commas, got '${text}'`);
  return ks;
}

export function passAtKCommand(argv: string[], io: Io): Promise<number> {
  return runTransformCommand(argv, io, {
    usage: PASS_AT_K_USAGE,
    flags: ['n', 'c', 'k', 'by'],
    async run(values, positionals) {
      const file = oneInputFile(positionals, 'pass-at-k: give one FILE (lawfit pass-at-k --help)');
      if (values.n === undefined || values.c === undefined) throw new LawfitError('bad-option', 'pass-at-k: needs --n COLUMN and --c COLUMN (samples drawn and correct, per problem)');
      const table = await readTableFile(file);
      const n = numericColumn(table, values.n, '--n');
      const c = numericColumn(table, values.c, '--c');
      const byIndex = values.by !== undefined ? columnIndex(table, values.by, '--by') : undefined;
      const groups = new Map<string, ProblemCounts[]>();
      table.rows.forEach((row, i) => {
        const key = byIndex !== undefined ? String(row[byIndex] ?? '') : '';
        const list = groups.get(key) ?? [];
        list.push({ n: n[i]!, c: c[i]!, where: `${table.source}: row ${table.rowNumbers[i]}` });
        groups.set(key, list);
      });
      const header = [...(values.by !== undefined ? [values.by] : []), 'k', 'coverage', 'problems'];
      const rows: unknown[][] = [];
      for (const [key, problems] of groups) {
        const ks = values.k !== undefined ? parseKs(values.k) : powersOfTwoUpTo(Math.min(...problems.map((p) => p.n)));
        for (const pt of coverageCurve(problems, ks)) rows.push([...(values.by !== undefined ? [key] : []), pt.k, pt.coverage, pt.problems]);
      }
      return { header, rows };
    },
  });
}
