/**
 * The app's IsoFLOP mode (Chinchilla Approach 2): the page's form becomes the flag text of
 * `lawfit isoflop`, which is parsed by the CLI's own parsers (src/cli/isoflop-flags.ts), so the
 * analysis is the CLI's for the same options and the printed command line reproduces it. The data
 * are read with the CLI's readers and the analysis is the library's analyzeIsoflop, all here in
 * the worker (the page's main thread only shows the result).
 */
import { datasetFromTable, readTable, sha256Hex, type DataSpec } from '../../../src/data/index.js';
import { ISOFLOP_FORMAT, ISOFLOP_FORMAT_VERSION, parseIsoflopInputs, resolveIsoflopFlags, type IsoflopArtifact, type IsoflopFlagValues } from '../../../src/cli/isoflop-flags.js';
import { artifactHeader } from '../../../src/report/artifact.js';
import { renderIsoflop } from '../../../src/report/isoflop-text.js';
import { analyzeIsoflop, isoflopRunsFromDataset } from '../../../src/stats/isoflop.js';
import type { IsoflopRequest, IsoflopRunResult } from './protocol.js';

/** The request as `lawfit isoflop` flags, in the order the command line shows them. */
export function isoflopFlags(req: IsoflopRequest): [string, string][] {
  const f: [string, string][] = [['budget', req.budget], ['x', req.x], ['y', req.y]];
  if (req.where !== undefined) f.push(['where', req.where]);
  if (req.group !== undefined) f.push(['group', req.group]);
  if (req.file.format !== undefined && req.file.format !== 'auto') f.push(['format', req.file.format]);
  f.push(['qc', req.qc ?? 'all']);
  for (const [flag, value] of Object.entries(req.thresholds ?? {})) f.push([flag, value]);
  if (req.at !== undefined && req.at.trim() !== '') f.push(['at', req.at.trim()]);
  f.push(['ci', String(req.ci ?? 95)]);
  if (req.bootstrap !== undefined) {
    f.push(['bootstrap', String(req.bootstrap.replicates)]);
    f.push(['design', req.bootstrap.design ?? 'runs']);
  }
  f.push(['seed', String(req.seed ?? 0)]);
  return f;
}

/** `lawfit isoflop FILE ...` for the request: every option it used, defaults included. */
export function isoflopCommandLine(req: IsoflopRequest): string[] {
  return ['lawfit', 'isoflop', req.file.name, ...isoflopFlags(req).flatMap(([k, v]) => [`--${k}`, v])];
}

export async function runIsoflop(req: IsoflopRequest): Promise<IsoflopRunResult> {
  const flags = isoflopFlags(req);
  const values: IsoflopFlagValues = {};
  for (const [k, v] of flags) values[k] = k === 'at' ? [v] : v;
  const x = parseIsoflopInputs(req.x);
  const options = resolveIsoflopFlags(values);
  const table = readTable(req.file.content, req.file.name, req.file.format ?? 'auto');
  const spec: DataSpec = {
    inputs: { N: x.N, D: x.D, budget: req.budget },
    target: req.y,
    ...(req.where !== undefined ? { where: req.where } : {}),
    ...(req.group !== undefined ? { group: req.group } : {}),
  };
  const dataset = datasetFromTable(table, spec, ['N', 'D', 'budget']);
  const digest = await sha256Hex(req.file.content);
  dataset.digest = digest;
  const result = analyzeIsoflop(isoflopRunsFromDataset(dataset), options);
  const command = isoflopCommandLine(req);
  const artifact: IsoflopArtifact = {
    ...artifactHeader(ISOFLOP_FORMAT, ISOFLOP_FORMAT_VERSION),
    command,
    data: {
      source: req.file.name,
      digest,
      budget: req.budget,
      inputs: { N: x.N, D: x.D },
      target: req.y,
      ...(req.where !== undefined ? { where: req.where } : {}),
      ...(req.group !== undefined ? { group: req.group } : {}),
    },
    result,
    approach3: [],
  };
  return { result, report: renderIsoflop(result), artifact: JSON.stringify(artifact, null, 2) + '\n', command, rows: table.rows.length };
}
