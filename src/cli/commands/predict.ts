/** `lawfit predict RESULT.json --at N=7e10,D=1.4e12 [--at ...]`: the law at new inputs, with bands. */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { readArtifactFile } from '../../report/artifact-file.js';
import { formatNumber } from '../../report/text.js';
import { outsideFittedRange, predictAt } from '../../stats/predict.js';
import { parseAtFlag } from '../at-flag.js';
import type { Io } from '../io.js';

export const PREDICT_USAGE = `usage: lawfit predict RESULT.json --at IN=VALUE,... [--at ...]

The fitted law at new inputs: the estimate, the confidence band (the spread over the bootstrap
draws) and the prediction band (plus the fit's residual scatter), when the fit was bootstrapped,
and how many decades each input lies outside the fitted range.

  --group VALUE   for a fit with per-group parameters (--per COL:...): the group whose parameters
                  to use; it must be one of the fitted groups. Default: every fitted group, one
                  line each (each group's own law and its own bands)
`;

export async function predictCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({ args: argv, allowPositionals: true, strict: true, options: { at: { type: 'string', multiple: true, default: [] }, group: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.out(PREDICT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `predict takes one artifact file\n\n${PREDICT_USAGE}`);
  if (values.at.length === 0) throw new LawfitError('bad-option', `--at is required, e.g. --at N=7e10,D=1.4e12`);
  const art = await readArtifactFile(positionals[0]!);
  const groups = art.summary.law.groups;
  const inputs = Object.keys(art.summary.data.inputs).filter((k) => groups === undefined || !groups.indicatorInputs.includes(k));
  if (groups === undefined && values.group !== undefined) throw new LawfitError('bad-option', `--group: this fit has no per-group parameters`);
  const bs = art.summary.bootstrap;
  io.out(`${art.summary.law.name} at new inputs${bs === undefined ? ' (no bootstrap in this artifact: estimates only; refit with --bootstrap N for bands)' : ` (${Math.round(100 * bs.level)} % bands from ${bs.succeeded} bootstrap draws)`}\n`);
  // A grouped fit without --group: every group, each with its own law and bands.
  const perGroup: Array<string | undefined> = groups === undefined ? [undefined] : values.group !== undefined ? [values.group] : groups.levels;
  for (const text of values.at) {
    const given = parseAtFlag(text, inputs, art.summary.law.name);
    for (const group of perGroup) {
      const p = predictAt(art.summary, given, 0, group);
      const where = inputs.map((k) => `${k} = ${formatNumber(given[k]!, 4)}`).join(', ') + (groups !== undefined ? `, ${groups.column} = ${group}` : '');
      const bands = p.confidence !== undefined ? `   confidence [${formatNumber(p.confidence[0], 6)}, ${formatNumber(p.confidence[1], 6)}]   prediction [${formatNumber(p.prediction![0], 6)}, ${formatNumber(p.prediction![1], 6)}]` : '';
      io.out(`  ${where}:  ${formatNumber(p.estimate, 7)}${bands}\n`);
    }
    const out = Object.entries(outsideFittedRange(art.summary, given));
    if (out.length > 0) {
      io.out(`    warning: outside the fitted range by ${out.map(([k, d]) => `${Math.abs(d).toFixed(2)} decades of ${k} (${d > 0 ? 'above' : 'below'})`).join(', ')}\n`);
    }
  }
  return 0;
}
