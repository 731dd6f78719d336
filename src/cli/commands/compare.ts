/**
 * `lawfit compare FILE --laws a,b,... --x ... --y COL --holdout EXPR|top:K:EXPR`: which law
 * extrapolates best to held-out runs (src/stats/compare.ts).
 */
import { parseArgs } from 'node:util';
import { LawfitError } from '../../errors.js';
import { parseColumnMap, readTableFile, type DataSpec } from '../../data/index.js';
import type { FormatChoice } from '../../data/read-table.js';
import { poolEngine } from '../../fit/cpu/pool.js';
import { compileLaw } from '../../law/compile.js';
import { findLaw } from '../../laws/index.js';
import { formatNumber } from '../../report/text.js';
import { compareLaws, type Holdout } from '../../stats/compare.js';
import { parsePositiveInt } from '../args.js';
import type { Io } from '../io.js';
import { formulaDeclaration } from '../law-flags.js';

export const COMPARE_USAGE = `usage: lawfit compare FILE --laws NAME,NAME,... --x IN=COL,... --y COL --holdout H [options]

Fit each law on the kept runs (its own start grid and default loss) and rank the laws by mean
absolute relative error of their predictions on the held-out runs; AIC and BIC beside it.

  --laws A,B,...      built-in laws; --formula TEXT (repeatable) adds your own (inputs from --x)
  --x IN=COL,...      every input any of the laws takes
  --y COL             the target
  --where EXPR        runs to consider at all
  --holdout H         EXPR (held-out runs are those where it holds), or top:K:EXPR (the K runs
                      with the largest EXPR, e.g. top:2:N_params*D_tokens)
  --format F          csv, tsv, json or jsonl
  --threads N         CPU threads
`;

export function parseHoldout(text: string): Holdout {
  const m = /^top:(\d+):(.+)$/s.exec(text.trim());
  if (m !== null) return { kind: 'top', k: parsePositiveInt('--holdout', m[1]!), expression: m[2]! };
  return { kind: 'filter', expression: text };
}

export async function compareCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      laws: { type: 'string' },
      formula: { type: 'string', multiple: true, default: [] },
      x: { type: 'string' },
      y: { type: 'string' },
      where: { type: 'string' },
      holdout: { type: 'string' },
      format: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `compare takes one data file\n\n${COMPARE_USAGE}`);
  if (values.x === undefined || values.y === undefined) throw new LawfitError('bad-option', '--x and --y are required');
  if (values.holdout === undefined) throw new LawfitError('bad-option', "--holdout is required, e.g. --holdout 'top:2:N_params*D_tokens'");
  const inputs = parseColumnMap(values.x, '--x');
  const names = (values.laws ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const laws = [
    ...names.map((n) => compileLaw(findLaw(n))),
    ...values.formula.map((f, i) => compileLaw({ ...formulaDeclaration(f, Object.keys(inputs), 'linear', []), name: `formula-${i + 1}` })),
  ];
  if (laws.length < 1) throw new LawfitError('bad-option', '--laws or --formula: give at least one law to compare');
  const table = await readTableFile(positionals[0]!, (values.format ?? 'auto') as FormatChoice);
  const spec: DataSpec = { inputs, target: values.y, ...(values.where !== undefined ? { where: values.where } : {}) };
  const threads = values.threads !== undefined ? parsePositiveInt('--threads', values.threads) : undefined;
  const results = await compareLaws(laws, table, spec, parseHoldout(values.holdout), { engine: poolEngine(threads !== undefined ? { threads } : {}) });

  const heldRows = results.find((r) => r.heldOut.length > 0)?.heldOut.map((h) => h.row) ?? [];
  io.out(`${table.source}: ${laws.length} laws, fitted on the kept runs, judged on ${heldRows.length} held-out run${heldRows.length === 1 ? '' : 's'} (rows ${heldRows.join(', ')})\n\n`);
  const w = Math.max(...results.map((r) => r.law.length));
  io.out(`  rank  ${'law'.padEnd(w)}  mean |rel. error|  per held-out run                 AIC        BIC       best-fit status\n`);
  results.forEach((r, i) => {
    if (r.error !== undefined) {
      io.out(`  ${String(i + 1).padStart(4)}  ${r.law.padEnd(w)}  not fitted: ${r.error.split('\n')[0]}\n`);
      return;
    }
    const per = r.heldOut.map((h) => `${(100 * h.absRelError).toFixed(4)} %`).join(', ');
    io.out(
      `  ${String(i + 1).padStart(4)}  ${r.law.padEnd(w)}  ${`${(100 * r.meanAbsRelError).toFixed(4)} %`.padStart(16)}  ${per.padEnd(32)} ${formatNumber(r.aic, 5).padStart(10)} ${formatNumber(r.bic, 5).padStart(10)}   ${r.fit!.status.name}\n`,
    );
  });
  return 0;
}
