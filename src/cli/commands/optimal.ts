/** `lawfit optimal RESULT.json --compute C [--flops-per-token K] [--target-loss L]`: compute-optimal planning. */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { readArtifactFile } from '../../report/artifact-file.js';
import { formatNumber } from '../../report/text.js';
import { budgetForLoss, chinchillaDraws, DEFAULT_FLOPS_PER_TOKEN_PER_PARAM, optimalAllocation, optimalExponents, overDraws, type ChinchillaParams } from '../../stats/derived.js';
import { parseNumber } from '../args.js';
import type { Io } from '../io.js';

export const OPTIMAL_USAGE = `usage: lawfit optimal RESULT.json --compute C [--compute C ...] [--flops-per-token K] [--target-loss L]

For a fitted Chinchilla-type law (parameters A, B, E, alpha, beta): the compute-optimal exponents,
and at each budget C = K N D (K = ${DEFAULT_FLOPS_PER_TOKEN_PER_PARAM} unless given) the optimal model size, tokens, tokens per parameter and loss;
with --target-loss, the budget that reaches it. Intervals come from the artifact's bootstrap draws.
`;

export async function optimalCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { compute: { type: 'string', multiple: true, default: [] }, 'flops-per-token': { type: 'string' }, 'target-loss': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.out(OPTIMAL_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `optimal takes one artifact file\n\n${OPTIMAL_USAGE}`);
  if (values.compute.length === 0 && values['target-loss'] === undefined) throw new LawfitError('bad-option', '--compute C or --target-loss L is required');
  const art = await readArtifactFile(positionals[0]!);
  const s = art.summary;
  const k = values['flops-per-token'] !== undefined ? parseNumber('--flops-per-token', values['flops-per-token']) : DEFAULT_FLOPS_PER_TOKEN_PER_PARAM;
  const { best, draws } = chinchillaDraws(s);
  const show = (label: string, f: (p: ChinchillaParams) => number, digits = 5): void => {
    const est = f(best);
    if (draws.length < 2) {
      io.out(`  ${label.padEnd(26)} ${formatNumber(est, digits)}\n`);
      return;
    }
    const q = overDraws(est, draws.map(f), s.bootstrap!.level);
    io.out(`  ${label.padEnd(26)} ${formatNumber(est, digits).padStart(12)}   sd ${formatNumber(q.sd, 3).padEnd(10)} ${Math.round(100 * q.level)} % [${formatNumber(q.interval[0], 4)}, ${formatNumber(q.interval[1], 4)}]\n`);
  };
  io.out(`${s.law.name}: compute-optimal allocation (C = ${k} N D)${draws.length < 2 ? '; no bootstrap draws in this artifact, so no intervals' : `; intervals from ${draws.length} bootstrap draws`}\n`);
  show('a = beta/(alpha+beta)', (p) => optimalExponents(p).a, 4);
  show('b = alpha/(alpha+beta)', (p) => optimalExponents(p).b, 4);
  for (const text of values.compute) {
    const C = parseNumber('--compute', text);
    if (!(C > 0)) throw new LawfitError('bad-option', `--compute: expected a positive number of FLOPs, got '${text}'`);
    io.out(`at C = ${formatNumber(C, 4)} FLOPs:\n`);
    show('N_opt (parameters)', (p) => optimalAllocation(p, C, k).N, 4);
    show('D_opt (tokens)', (p) => optimalAllocation(p, C, k).D, 4);
    show('tokens per parameter', (p) => optimalAllocation(p, C, k).tokensPerParam, 4);
    show('L_opt', (p) => optimalAllocation(p, C, k).loss, 5);
  }
  if (values['target-loss'] !== undefined) {
    const L = parseNumber('--target-loss', values['target-loss']);
    io.out(`to reach L = ${L}:\n`);
    show('budget C (FLOPs)', (p) => budgetForLoss(p, L, k), 4);
  }
  return 0;
}
