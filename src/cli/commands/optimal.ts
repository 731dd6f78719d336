/** `lawfit optimal RESULT.json --compute C [--flops-per-token K] [--target-loss L]`: compute-optimal planning. */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { readArtifactFile } from '../../report/artifact-file.js';
import { formatNumber } from '../../report/text.js';
import { DEFAULT_FLOPS_PER_TOKEN_PER_PARAM } from '../../stats/derived.js';
import { computeOptimal, computeOptimalByGroup, type OptimalPlan, type PlannedQuantity } from '../../stats/optimal.js';
import { groupedName } from '../../law/groups.js';
import { artifactHeader } from '../../report/artifact.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';

/** The format of `lawfit optimal --out`: the plans, one per group of a grouped fit. */
export const OPTIMAL_FORMAT = 'lawfit-optimal';
import { parseNumber } from '../args.js';
import type { Io } from '../io.js';

export const OPTIMAL_USAGE = `usage: lawfit optimal RESULT.json --compute C [--compute C ...] [--flops-per-token K] [--target-loss L] [--group VALUE] [--out PLAN.json]

For a fitted Chinchilla-type law (parameters A, B, E, alpha, beta): the compute-optimal exponents,
and at each budget C = K N D (K = ${DEFAULT_FLOPS_PER_TOKEN_PER_PARAM} unless given) the optimal model size, tokens, tokens per parameter and loss;
with --target-loss, the budget that reaches it. Intervals come from the artifact's bootstrap draws.

  --group VALUE   for a fit with per-group parameters (--per COL:...): plan for this group only
                  (its own law: the shared parameters and its copies); default: every group
  --out FILE      also write the plans as JSON ({"format": "lawfit-optimal", "plans": [...]}, one
                  plan per group, each with its group), as the library's computeOptimal returns them
`;

export async function optimalCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { compute: { type: 'string', multiple: true, default: [] }, group: { type: 'string' }, out: { type: 'string' }, 'flops-per-token': { type: 'string' }, 'target-loss': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.out(OPTIMAL_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `optimal takes one artifact file\n\n${OPTIMAL_USAGE}`);
  if (values.compute.length === 0 && values['target-loss'] === undefined) throw new LawfitError('bad-option', '--compute C or --target-loss L is required');
  const k = values['flops-per-token'] !== undefined ? parseNumber('--flops-per-token', values['flops-per-token']) : DEFAULT_FLOPS_PER_TOKEN_PER_PARAM;
  const compute = values.compute.map((text) => {
    const C = parseNumber('--compute', text);
    if (!(C > 0)) throw new LawfitError('bad-option', `--compute: expected a positive number of FLOPs, got '${text}'`);
    return C;
  });
  const targetLoss = values['target-loss'] !== undefined ? parseNumber('--target-loss', values['target-loss']) : undefined;
  const outputs = await checkOutputs([{ flag: '--out', path: values.out, kind: 'file' }], [positionals[0]!], { command: 'optimal', io });
  const art = await readArtifactFile(positionals[0]!);
  const opts = { compute, flopsPerToken: k, ...(targetLoss !== undefined ? { targetLoss } : {}) };
  const plans = values.group !== undefined ? [computeOptimal(art.summary, { ...opts, group: values.group })] : computeOptimalByGroup(art.summary, opts);
  const first = plans[0]!;
  io.out(`${first.law}: compute-optimal allocation (C = ${k} N D)${first.draws === 0 ? '; no bootstrap draws in this artifact, so no intervals' : `; intervals from ${first.draws} bootstrap draws`}\n`);
  for (const plan of plans) printPlan(plan, art.summary.law.groups?.params ?? [], io);
  if (values.out !== undefined) {
    const doc = { ...artifactHeader(OPTIMAL_FORMAT, 1), fit: positionals[0]!, plans };
    const written = await writeOutputSet(outputs, 'optimal', io, async (put) => put('--out', JSON.stringify(doc, null, 2) + '\n'));
    for (const w of written) io.out(`wrote ${w.path}\n`);
  }
  return 0;
}

/** One plan; a group's quantities are labelled as its parameters are (`N_opt[pile]`). */
function printPlan(plan: OptimalPlan, perParams: readonly string[], io: Io): void {
  const g = plan.group;
  // `plain`: the label of an ungrouped fit's quantity; `name`, `what`: a group's (name[group] what).
  const show = (plain: string, name: string, what: string, q: PlannedQuantity, digits = 5): void => {
    const l = g === undefined ? plain : `${groupedName(name, g.value)}${what}`;
    if (q.sd === undefined || q.interval === undefined) {
      io.out(`  ${l.padEnd(26)} ${formatNumber(q.estimate, digits)}\n`);
      return;
    }
    io.out(`  ${l.padEnd(26)} ${formatNumber(q.estimate, digits).padStart(12)}   sd ${formatNumber(q.sd, 3).padEnd(10)} ${Math.round(100 * plan.level)} % [${formatNumber(q.interval[0], 4)}, ${formatNumber(q.interval[1], 4)}]\n`);
  };
  if (g !== undefined) io.out(`group ${g.column} = ${g.value} (its own law: ${perParams.map((p) => groupedName(p, g.value)).join(', ')} with the shared parameters):\n`);
  show('a = beta/(alpha+beta)', 'a', ' = beta/(alpha+beta)', plan.a, 4);
  show('b = alpha/(alpha+beta)', 'b', ' = alpha/(alpha+beta)', plan.b, 4);
  for (const b of plan.budgets) {
    io.out(`${g === undefined ? '' : '  '}at C = ${formatNumber(b.compute, 4)} FLOPs:\n`);
    show('N_opt (parameters)', 'N_opt', ' (parameters)', b.N, 4);
    show('D_opt (tokens)', 'D_opt', ' (tokens)', b.D, 4);
    show('tokens per parameter', 'D_opt/N_opt', '', b.tokensPerParam, 4);
    show('L_opt', 'L_opt', '', b.loss, 5);
  }
  if (plan.target !== undefined) {
    io.out(`${g === undefined ? '' : '  '}to reach L = ${plan.target.loss}:\n`);
    show('budget C (FLOPs)', 'C', ' (FLOPs)', plan.target.compute, 4);
  }
}
