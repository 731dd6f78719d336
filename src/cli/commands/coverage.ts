/**
 * `lawfit coverage RESULT.json --sets S [--designs rows,residuals,wild] [--noise M]`: check the
 * fit's bootstrap intervals on its own design (stats/coverage.ts). The protocol is the artifact's:
 * law (with its overrides), loss and solver options, start set and screening, bootstrap size,
 * level, design, replicate starts and generator; the data are read again (digest-checked) for
 * their inputs and weights. Prints a table and, with --out, writes the fit artifact again with the
 * coverage check in it, which `lawfit report` prints next to the intervals.
 */
import { dirname, resolve } from 'node:path';
import { LawfitError } from '../../errors.js';
import { readArtifactFile } from '../../report/artifact-file.js';
import { serializeArtifact } from '../../report/artifact.js';
import { formatNumber } from '../../report/text.js';
import { coverageCheck, type CoverageResult } from '../../stats/coverage.js';
import { DESIGN_SYNTAX } from '../../stats/resample.js';
import { parseFlags } from '../parse-flags.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import type { Io } from '../io.js';
import { ENGINE_PARSE_OPTIONS, ENGINE_USAGE, withEngine } from '../engine-flag.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl } from '../run-control.js';
import { reloadFitData } from './plot.js';
import { coverageProtocol } from '../coverage-flags.js';

export const COVERAGE_USAGE = `usage: lawfit coverage RESULT.json --sets S [options]

Check a fit's bootstrap intervals on its own design: simulate S datasets from the fitted law at the
fit's inputs and weights, rerun the artifact's protocol (law, loss, starts, bootstrap design and
size) on each, and report per parameter and derived quantity (N_opt, D_opt for Chinchilla-type
laws; a held-out prediction) the share of intervals that held the simulated truth, with its
binomial standard error, and the median width. RESULT.json must come from 'lawfit fit --bootstrap'
or 'lawfit demo --bootstrap'.

  --sets S                datasets to simulate (required, >= 2)
  --designs D,D,...       bootstrap designs to check side by side (default: the artifact's);
                          each ${DESIGN_SYNTAX.replace(', clusters:COL', '')}
  --replicates N          replicates per dataset (default: the artifact's --bootstrap N)
  --noise M               how the simulated noise is drawn, in the law's residual space:
                          residuals (default: the fit's centred, leverage-adjusted residuals,
                          resampled), wild (each row's own residual, random sign), normal
                          (Gaussian at the fit's residual scale) or normal:SIGMA
  --compute C             budget for N_opt and D_opt (default: 10x the largest 6 N D in the data)
  --at IN=V,...           the held-out point of the prediction (default: every input at 4x its max)
  --no-bca                percentile intervals only (skips the jackknife: n fewer fits per dataset)
  --seed S                seed of the simulated datasets (default 0)
${ENGINE_USAGE}  --out FILE              write the fit artifact again with this coverage check in it
  --json                  print the result as JSON instead of the table
${PROGRESS_USAGE}`;

export async function coverageCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      sets: { type: 'string' },
      designs: { type: 'string' },
      replicates: { type: 'string' },
      noise: { type: 'string' },
      compute: { type: 'string' },
      at: { type: 'string' },
      'no-bca': { type: 'boolean', default: false },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...ENGINE_PARSE_OPTIONS,
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(COVERAGE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `coverage takes one artifact file\n\n${COVERAGE_USAGE}`);
  const path = positionals[0]!;
  const art = await readArtifactFile(path);
  const s = art.summary;
  const { law, options } = coverageProtocol(art, values, path);
  // The artifact and the data it names are inputs: --out may not be written over either, and is
  // checked before the data are read and the datasets simulated (outputs.ts).
  const source = s.data.source;
  const outputs = await checkOutputs([{ flag: '--out', path: values.out, kind: 'file' }], [path, source, resolve(dirname(path), source)], { command: 'coverage', io });
  const dataset = await reloadFitData(art, path);

  const result = await withEngine(values, io, (engine) =>
    runWithControl('coverage', values, io, (control) =>
      coverageCheck(law, dataset, {
        ...options,
        engine,
        control,
      }),
    ),
  );
  io.out(values.json ? JSON.stringify(result, null, 2) + '\n' : renderCoverage(result, s.law.name, dataset.source));
  if (values.out !== undefined) {
    await writeOutputSet(outputs, 'coverage', io, (put) => put('--out', serializeArtifact({ ...art, summary: { ...s, coverage: result } })));
    io.out(`wrote ${values.out}\n`);
  }
  return 0;
}

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '–');

/** The coverage table: one block per design, one row per quantity. */
export function renderCoverage(r: CoverageResult, lawName: string, source: string): string {
  const lines: string[] = [];
  lines.push(`coverage of ${Math.round(100 * r.level)} % bootstrap intervals: law '${lawName}' on the design of ${source}`);
  lines.push(`  ${r.sets} simulated datasets (noise: ${r.noise}, seed ${r.seed}), ${r.replicates} replicates each; truth = the fit (${Object.entries(r.truth).map(([k, v]) => `${k} = ${formatNumber(v, 5)}`).join(', ')}); ${(r.elapsedMs / 1000).toFixed(1)} s`);
  for (const d of r.designs) {
    lines.push(`[[design ${d.design}]] (${(d.elapsedMs / 1000).toFixed(1)} s${d.failedSets > 0 ? `; ${d.failedSets} datasets without intervals` : ''}${d.failedReplicateShare > 0 ? `; ${pct(d.failedReplicateShare)} of replicates failed` : ''})`);
    const w = Math.max(...d.quantities.map((q) => q.name.length));
    lines.push(`    ${'quantity'.padEnd(w)}  ${'truth'.padStart(11)}  ${'percentile'.padStart(16)}  ${'BCa'.padStart(16)}  ${'median width'.padStart(12)}  sd ratio`);
    for (const q of d.quantities) {
      const cell = (c: { share: number; se: number } | undefined): string => (c === undefined ? '–' : `${pct(c.share)} ± ${(100 * c.se).toFixed(1)}`);
      lines.push(`    ${q.name.padEnd(w)}  ${formatNumber(q.truth, 5).padStart(11)}  ${cell(q.percentile).padStart(16)}  ${cell(q.bca).padStart(16)}  ${formatNumber(q.percentile.medianWidth, 3).padStart(12)}  ${Number.isFinite(q.sdRatio) ? q.sdRatio.toFixed(2) : '–'}`);
    }
  }
  lines.push('  (share of datasets whose interval held the truth ± its binomial standard error; sd ratio = mean bootstrap sd / sd of the estimates)');
  return lines.join('\n') + '\n';
}
