/**
 * The app's IsoFLOP mode (Chinchilla Approach 2): the page's form becomes the flag text of
 * `lawfit isoflop`, which is parsed by the CLI's own parsers (src/cli/isoflop-flags.ts), so the
 * analysis is the CLI's for the same options and the printed command line reproduces it. The data
 * are read with the CLI's readers and the analysis is the library's analyzeIsoflop, all here in
 * the worker (the page's main thread only shows the result). Approach 3 beside it (`--also LAW`)
 * is the CLI's too (stats/isoflop-approach3.ts), fitted on the worker's float64 engine: the CLI's
 * `--engine cpu` (its thread pool gives the same fits), which the printed command line names.
 */
import { datasetFromTable, readTable, sha256Hex, type DataSpec } from '../../../src/data/index.js';
import { parseIsoflopInputs, resolveIsoflopFlags, type IsoflopFlagValues } from '../../../src/cli/isoflop-flags.js';
import { makeIsoflopArtifact } from '../../../src/report/isoflop-artifact.js';
import { renderIsoflop } from '../../../src/report/isoflop-text.js';
import { singleThreadEngine } from '../../../src/fit/engine.js';
import { analyzeIsoflop, isoflopRunsFromDataset } from '../../../src/stats/isoflop.js';
import { approach3ForGroups, approach3Laws } from '../../../src/stats/isoflop-approach3.js';
import type { IsoflopRequest, IsoflopRunResult } from './protocol.js';

/** The request as `lawfit isoflop` flags, in the order the command line shows them. */
export function isoflopFlags(req: IsoflopRequest): [string, string][] {
  const f: [string, string][] = [['budget', req.budget], ['x', req.x], ['y', req.y]];
  if (req.weights !== undefined) f.push(['weights', req.weights]);
  if (req.where !== undefined) f.push(['where', req.where]);
  if (req.group !== undefined) f.push(['group', req.group]);
  if (req.file.format !== undefined && req.file.format !== 'auto') f.push(['format', req.file.format]);
  f.push(['qc', req.qc ?? 'all']);
  for (const [flag, value] of Object.entries(req.thresholds ?? {})) f.push([flag, value]);
  f.push(['frontier-weights', req.frontierWeights ?? 'equal']);
  if (req.at !== undefined && req.at.trim() !== '') f.push(['at', req.at.trim()]);
  f.push(['ci', String(req.ci ?? 95)]);
  if (req.bootstrap !== undefined) {
    f.push(['bootstrap', String(req.bootstrap.replicates)]);
    f.push(['design', req.bootstrap.design ?? 'runs']);
  }
  f.push(['seed', String(req.seed ?? 0)]);
  for (const law of req.also ?? []) f.push(['also', law]);
  if ((req.also ?? []).length > 0) f.push(['engine', 'cpu']);
  return f;
}

/** `lawfit isoflop FILE ...` for the request: every option it used, defaults included. */
export function isoflopCommandLine(req: IsoflopRequest): string[] {
  return ['lawfit', 'isoflop', req.file.name, ...isoflopFlags(req).flatMap(([k, v]) => [`--${k}`, v])];
}

export async function runIsoflop(req: IsoflopRequest): Promise<IsoflopRunResult> {
  const flags = isoflopFlags(req);
  const values: IsoflopFlagValues = {};
  // --at and --also are repeatable flags: parseArgs gives them as lists.
  for (const [k, v] of flags) values[k] = k === 'at' || k === 'also' ? [...((values[k] as string[] | undefined) ?? []), v] : v;
  const x = parseIsoflopInputs(req.x);
  const options = resolveIsoflopFlags(values);
  const laws = approach3Laws(req.also ?? []);
  const table = readTable(req.file.content, req.file.name, req.file.format ?? 'auto');
  const spec: DataSpec = {
    inputs: { N: x.N, D: x.D, budget: req.budget },
    target: req.y,
    ...(req.weights !== undefined ? { weights: req.weights } : {}),
    ...(req.where !== undefined ? { where: req.where } : {}),
    ...(req.group !== undefined ? { group: req.group } : {}),
  };
  const dataset = datasetFromTable(table, spec, ['N', 'D', 'budget']);
  const digest = await sha256Hex(req.file.content);
  dataset.digest = digest;
  const result = analyzeIsoflop(isoflopRunsFromDataset(dataset), options);
  const approach3 = await approach3ForGroups(laws, dataset, result, singleThreadEngine, options.at);
  const command = isoflopCommandLine(req);
  const artifact = makeIsoflopArtifact({
    command,
    data: {
      source: req.file.name,
      digest,
      budget: req.budget,
      inputs: { N: x.N, D: x.D },
      target: req.y,
      ...(req.weights !== undefined ? { weights: req.weights } : {}),
      ...(req.where !== undefined ? { where: req.where } : {}),
      ...(req.group !== undefined ? { group: req.group } : {}),
    },
    result,
    approach3,
  });
  return { result, approach3, report: renderIsoflop(result, approach3), artifact: JSON.stringify(artifact, null, 2) + '\n', command, rows: table.rows.length };
}
