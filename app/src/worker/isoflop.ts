/**
 * The app's IsoFLOP mode (Chinchilla Approach 2): the page's form gives a typed run specification
 * (IsoflopRequest.spec, src/run-spec), checked here by the rows' own parsers (a bad value gets the
 * CLI's one-line error naming its flag) and resolved by the CLI's resolver (src/cli/isoflop-flags.ts),
 * so the analysis is the CLI's for the same options; the printed command line is the spec through
 * the rows' printers, every default the analysis used written out. The data are read with the
 * CLI's readers and the analysis is the library's analyzeIsoflop, all here in the worker (the
 * page's main thread only shows the result). Approach 3 beside it (`--also LAW`) is the CLI's too
 * (stats/isoflop-approach3.ts), fitted on the worker's float64 engine: the CLI's `--engine cpu`
 * (its thread pool gives the same fits), which the printed command line names.
 */
import { datasetFromTable, readTable, sha256Hex } from '../../../src/data/index.js';
import { completeIsoflopSpec, isoflopData, isoflopInputs, resolveIsoflop } from '../../../src/cli/isoflop-flags.js';
import { checkSpec, printSpec } from '../../../src/run-spec/argv.js';
import { runRecord } from '../../../src/run-spec/record.js';
import type { RunSpec } from '../../../src/run-spec/run-options.js';
import { LawfitError } from '../../../src/errors.js';
import { makeIsoflopArtifact } from '../../../src/report/isoflop-artifact.js';
import { renderIsoflop } from '../../../src/report/isoflop-text.js';
import { singleThreadEngine } from '../../../src/fit/engine.js';
import { analyzeIsoflop, isoflopRunsFromDataset } from '../../../src/stats/isoflop.js';
import { approach3ForGroups, approach3Laws } from '../../../src/stats/isoflop-approach3.js';
import type { IsoflopRequest, IsoflopRunResult } from './protocol.js';

/** The run the request describes, complete: the form's spec, the file's format, and every default the analysis used. */
export function isoflopRunSpec(req: IsoflopRequest): RunSpec {
  const format = req.file.format !== undefined && req.file.format !== 'auto' ? { format: req.file.format } : {};
  return completeIsoflopSpec({ ...req.spec, ...format });
}

/** `lawfit isoflop FILE ...` for the request (argv words; the page shell-quotes them). */
export function isoflopCommandLine(req: IsoflopRequest): string[] {
  return ['lawfit', 'isoflop', req.file.name, ...printSpec('isoflop', isoflopRunSpec(req))];
}

export async function runIsoflop(req: IsoflopRequest): Promise<IsoflopRunResult> {
  const spec = isoflopRunSpec(req);
  checkSpec('isoflop', spec);
  const { budget, y: target } = spec;
  if (budget === undefined || spec.x === undefined || target === undefined) throw new LawfitError('bad-option', '--budget, --x and --y are required');
  const x = isoflopInputs(spec.x);
  const options = resolveIsoflop(spec);
  const laws = approach3Laws(spec.also ?? []);
  const table = readTable(req.file.content, req.file.name, req.file.format ?? 'auto');
  const { dataSpec, record } = isoflopData(spec, budget, target, x);
  const dataset = datasetFromTable(table, dataSpec, ['N', 'D', 'budget']);
  const digest = await sha256Hex(req.file.content);
  dataset.digest = digest;
  const result = analyzeIsoflop(isoflopRunsFromDataset(dataset), options);
  const approach3 = await approach3ForGroups(laws, dataset, result, singleThreadEngine, options.at);
  const command = isoflopCommandLine(req);
  const artifact = makeIsoflopArtifact({
    command,
    run: runRecord('isoflop', spec),
    data: record(req.file.name, digest),
    result,
    approach3,
  });
  return { result, approach3, report: renderIsoflop(result, approach3), artifact: JSON.stringify(artifact, null, 2) + '\n', command, rows: table.rows.length };
}
