/**
 * "Check these intervals" (issue 15): a coverage check of one law's fit from the page, as
 * `lawfit coverage RESULT.json --sets S --seed K`: the protocol is read from the law's artifact by
 * the CLI's own reader (src/cli/coverage-flags.ts), the data are the page's file (its digest must
 * be the artifact's), and stats/coverage.ts simulates S datasets at the fit's design and reruns
 * the fit and its bootstrap on each, on the run's engine, here in the worker.
 */
import { LawfitError } from '../../../src/errors.js';
import { datasetFromTable, readTable, sha256Hex, type DataSpec } from '../../../src/data/index.js';
import { coverageProtocol } from '../../../src/cli/coverage-flags.js';
import { parseArtifact } from '../../../src/report/artifact-read.js';
import { coverageCheck } from '../../../src/stats/coverage.js';
import type { FormatChoice } from '../../../src/data/index.js';
import { chooseEngine } from './engines.js';
import type { CoverageRequest, CoverageRunResult } from './protocol.js';
import type { RunEnvironment } from './run.js';

export async function runCoverage(req: CoverageRequest, env: RunEnvironment = {}): Promise<CoverageRunResult> {
  const art = parseArtifact(req.artifact, `${req.law}.lawfit.json`);
  const d = art.summary.data;
  const digest = await sha256Hex(req.file.content);
  if (d.digest !== undefined && digest !== d.digest) throw new LawfitError('data-file', `${req.file.name}: not the file ${req.law} was fitted on (SHA-256 ${digest.slice(0, 12)}… now, ${d.digest.slice(0, 12)}… recorded); run the fit again`);
  const { law, options } = coverageProtocol(art, { sets: String(req.sets), seed: String(req.seed ?? 0), ...(req.bca === false ? { 'no-bca': true } : {}) }, `${req.law}'s fit`);
  const spec: DataSpec = { inputs: d.inputs, target: d.target, ...(d.weights !== undefined ? { weights: d.weights } : {}), ...(d.where !== undefined ? { where: d.where } : {}) };
  const format = (req.file.format ?? 'auto') as FormatChoice;
  const dataset = datasetFromTable(readTable(req.file.content, req.file.name, format), spec, Object.keys(d.inputs));
  const chosen = await chooseEngine(req.engine ?? 'auto', env.acquireGpu);
  const result = await coverageCheck(law, dataset, {
    ...options,
    engine: chosen.engine,
    control: { ...(env.signal !== undefined ? { signal: env.signal } : {}), ...(env.onProgress !== undefined ? { onProgress: (p) => env.onProgress!({ ...p, law: req.law, step: 1, steps: 1 }) } : {}) },
  });
  const command = ['lawfit', 'coverage', `${req.law}.lawfit.json`, '--sets', String(req.sets), '--seed', String(req.seed ?? 0), ...(req.bca === false ? ['--no-bca'] : []), ...(chosen.report.used === 'webgpu' ? ['--engine', 'webgpu'] : [])];
  return { result, engine: chosen.report, command };
}
