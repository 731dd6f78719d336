/** `lawfit report RESULT.json`: print the report of a saved fit again, without refitting. */
import { parseArgs } from 'node:util';
import { LawfitError } from '../../errors.js';
import { readArtifactFile } from '../../report/artifact-file.js';
import { renderTextReport } from '../../report/text.js';
import type { Io } from '../io.js';

export const REPORT_USAGE = `usage: lawfit report RESULT.json

Print the report of a fit saved with 'lawfit fit ... --out RESULT.json'.
`;

export async function reportCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.out(REPORT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `report takes one artifact file\n\n${REPORT_USAGE}`);
  const artifact = await readArtifactFile(positionals[0]!);
  io.out(renderTextReport(artifact.summary));
  return 0;
}
