/**
 * `lawfit report RESULT.json`: print a saved result's report again, without refitting. It reads
 * the artifacts the CLI writes: a fit (`lawfit fit|demo --out`), a comparison (`lawfit compare
 * --out`), a chain (`lawfit chain --out`) and an IsoFLOP analysis (`lawfit isoflop --out`), each
 * printed as its command printed it.
 */
import { readFile } from 'node:fs/promises';
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { ARTIFACT_FORMAT } from '../../report/artifact.js';
import { parseArtifact } from '../../report/artifact-read.js';
import { chainArtifactProblems, chainArtifactSchema, comparisonArtifactProblems, comparisonArtifactSchema, validateArtifact } from '../../report/artifact-schema.js';
import { renderTextReport } from '../../report/text.js';
import { LAWFIT_VERSION } from '../../version.js';
import type { Io } from '../io.js';
import { CHAIN_ARTIFACT_FORMAT, CHAIN_ARTIFACT_FORMAT_VERSION, renderChainFits, renderChainPrediction, type ChainArtifact } from './chain.js';
import { COMPARISON_FORMAT, COMPARISON_FORMAT_VERSION, renderComparison } from './compare.js';
import type { Comparison } from '../../stats/compare.js';
import { renderIsoflop } from '../../report/isoflop-text.js';
import { ISOFLOP_FORMAT, ISOFLOP_FORMAT_VERSION, type IsoflopArtifact } from './isoflop.js';

export const REPORT_USAGE = `usage: lawfit report RESULT.json

Print the report of a result saved with --out: a fit ('lawfit fit' or 'lawfit demo'), a law
comparison ('lawfit compare'), a chain ('lawfit chain') or an IsoFLOP analysis ('lawfit isoflop'),
as the command printed it.
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
  let data: { formatVersion?: unknown; comparison?: unknown; summary?: unknown } = {};
  try {
    data = JSON.parse(text) as typeof data;
    format = (data as { format?: unknown }).format;
  } catch {
    // parseArtifact below says what is wrong with it.
  }
  const version = (expected: number): void => {
    if (data.formatVersion !== expected) throw new LawfitError('artifact', `${path}: ${String(format)} format version ${String(data.formatVersion)} is not supported by lawfit ${LAWFIT_VERSION} (reads version ${expected})`);
  };
  if (format === COMPARISON_FORMAT) {
    version(COMPARISON_FORMAT_VERSION);
    if (typeof data.comparison !== 'object' || data.comparison === null) throw new LawfitError('artifact', `${path}: comparison artifact has no "comparison"`);
    validateArtifact(comparisonArtifactSchema, data, path, comparisonArtifactProblems);
    io.out(renderComparison(data.comparison as Comparison));
    return 0;
  }
  if (format === CHAIN_ARTIFACT_FORMAT) {
    version(CHAIN_ARTIFACT_FORMAT_VERSION);
    const chain = (data as ChainArtifact).summary;
    if (typeof chain !== 'object' || chain === null) throw new LawfitError('artifact', `${path}: chain artifact has no "summary"`);
    validateArtifact(chainArtifactSchema, data, path, chainArtifactProblems);
    io.out(renderChainFits(chain));
    for (const p of chain.predictions) io.out(`\n${renderChainPrediction(chain, p)}`);
    return 0;
  }
  if (format === ISOFLOP_FORMAT) {
    version(ISOFLOP_FORMAT_VERSION);
    const a = data as unknown as IsoflopArtifact;
    if (typeof a.result !== 'object' || a.result === null) throw new LawfitError('artifact', `${path}: isoflop artifact has no "result"`);
    io.out(renderIsoflop(a.result, a.approach3 ?? []));
    return 0;
  }
  if (format !== ARTIFACT_FORMAT && format !== undefined) {
    throw new LawfitError('artifact', `${path}: not a lawfit artifact ("format": ${JSON.stringify(format)}; expected ${ARTIFACT_FORMAT}, ${COMPARISON_FORMAT}, ${CHAIN_ARTIFACT_FORMAT} or ${ISOFLOP_FORMAT})`);
  }
  io.out(renderTextReport(parseArtifact(text, path).summary));
  return 0;
}
