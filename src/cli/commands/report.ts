/**
 * `lawfit report RESULT.json`: print a saved result's report again, without refitting. It reads
 * the artifacts the CLI writes: a fit (`lawfit fit|demo --out`), a comparison (`lawfit compare
 * --out`), a chain (`lawfit chain --out`) and an IsoFLOP analysis (`lawfit isoflop --out`), each
 * printed as its command printed it.
 */
import { readFile } from 'node:fs/promises';
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { ARTIFACT_FORMAT, checkArtifactHeader } from '../../report/artifact.js';
import { parseArtifact } from '../../report/artifact-read.js';
import { renderTextReport } from '../../report/text.js';
import type { Io } from '../io.js';
import { CHAIN_ARTIFACT_FORMAT, readChainArtifact } from '../../report/chain-artifact.js';
import { renderChainFits, renderChainPrediction } from '../../report/chain-text.js';
import { COMPARISON_FORMAT, readComparisonArtifact } from '../../report/compare-artifact.js';
import { renderComparison } from '../../report/compare-text.js';
import { ISOFLOP_FORMAT, readIsoflopArtifact } from '../../report/isoflop-artifact.js';
import { renderIsoflop } from '../../report/isoflop-text.js';
import { renderHpopt } from '../../report/hpopt-text.js';
import { HPOPT_FORMAT, HPOPT_FORMAT_VERSION, type HpoptArtifact } from './hpopt.js';

export const REPORT_USAGE = `usage: lawfit report RESULT.json

Print the report of a result saved with --out: a fit ('lawfit fit' or 'lawfit demo'), a law
comparison ('lawfit compare'), a chain ('lawfit chain'), an IsoFLOP analysis ('lawfit isoflop')
or a hyperparameter-optimum law ('lawfit hpopt'), as the command printed it.
`;

export async function reportCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({ args: argv, allowPositionals: true, strict: true, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.out(REPORT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `report takes one artifact file\n\n${REPORT_USAGE}`);
  const path = positionals[0]!;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LawfitError('artifact', `${path}: cannot read the artifact (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let format: unknown;
  let data: unknown;
  try {
    data = JSON.parse(text);
    format = (data as { format?: unknown } | null)?.format;
  } catch {
    // parseArtifact below says what is wrong with it.
  }
  if (format === COMPARISON_FORMAT) {
    io.out(renderComparison(readComparisonArtifact(data, path).comparison));
    return 0;
  }
  if (format === CHAIN_ARTIFACT_FORMAT) {
    const chain = readChainArtifact(data, path).summary;
    io.out(renderChainFits(chain));
    for (const p of chain.predictions) io.out(`\n${renderChainPrediction(chain, p)}`);
    return 0;
  }
  if (format === ISOFLOP_FORMAT) {
    const a = readIsoflopArtifact(data, path);
    io.out(renderIsoflop(a.result, a.approach3 ?? []));
    return 0;
  }
  if (format === HPOPT_FORMAT) {
    checkArtifactHeader(data, HPOPT_FORMAT, HPOPT_FORMAT_VERSION, path, 'hpopt', 'result');
    const a = data as unknown as HpoptArtifact;
    for (const key of ['inputs', 'cells', 'laws'] as const) if (!Array.isArray(a.result[key])) throw new LawfitError('artifact', `${path}: hpopt artifact's "result" has no "${key}" list (not written by lawfit hpopt, or edited)`);
    io.out(renderHpopt(a.result));
    return 0;
  }
  if (format !== ARTIFACT_FORMAT && format !== undefined) {
    throw new LawfitError('artifact', `${path}: not a lawfit artifact ("format": ${JSON.stringify(format)}; expected ${ARTIFACT_FORMAT}, ${COMPARISON_FORMAT}, ${CHAIN_ARTIFACT_FORMAT}, ${ISOFLOP_FORMAT} or ${HPOPT_FORMAT})`);
  }
  io.out(renderTextReport(parseArtifact(text, path).summary));
  return 0;
}
