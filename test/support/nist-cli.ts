/**
 * The NIST StRD suite as a user runs it: each problem written to a CSV (in a temporary folder,
 * never the repository), its model as a --formula, its official start as a one-point --grid, and
 * `lawfit fit ... --out` through the in-process CLI at the options given (none: the defaults).
 * The estimates are read back from the artifact (the report prints 7 digits; the artifact all 17).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from './cli.js';
import { lre, nistLaw, type NistProblem, type NistRun } from './nist.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-nist-cli-'));

function csvOf(p: NistProblem): string {
  const file = join(dir, `${p.name}.csv`);
  const nx = p.predictors.length;
  const rows = Array.from({ length: p.n }, (_, i) => [String(p.y[i]!), ...Array.from({ length: nx }, (_, k) => String(p.x[i * nx + k]!))].join(','));
  writeFileSync(file, `${['y', ...p.predictors].join(',')}\n${rows.join('\n')}\n`);
  return file;
}

/** One official start of one problem through `lawfit fit`, with `flags` added (e.g. --damping marquardt). */
export async function runNistCli(p: NistProblem, start: 1 | 2, flags: readonly string[] = []): Promise<NistRun & { exitCode: number; error: string }> {
  const law = nistLaw(p.name);
  const values = start === 1 ? p.start1 : p.start2;
  const out = join(dir, `${p.name}-${start}-${flags.join('_').replace(/[^A-Za-z0-9_.-]/g, '')}.json`);
  const args = [
    'fit', csvOf(p),
    '--formula', law.formula,
    '--x', p.predictors.map((x) => `${x}=${x}`).join(','),
    '--y', 'y',
    ...(law.space !== 'linear' ? ['--space', law.space] : []),
    ...values.flatMap((v, j) => ['--grid', `b${j + 1}=${v}`]),
    '--quiet',
    '--out', out,
    ...flags,
  ];
  const r = await runCliCaptured(...args);
  const failed = { problem: p.name, start, estimate: [], lre: p.certified.map(() => 0), minLre: 0, status: 'error', iterations: 0, rss: NaN, certifiedRss: p.certifiedRss, exitCode: r.code, error: r.err.trim() };
  if (r.code !== 0) return failed;
  const art = JSON.parse(readFileSync(out, 'utf8'));
  // By name: a --formula law lists its parameters in order of first use (MGH17 uses b4 before b3).
  const byName = new Map<string, number>(art.summary.params.map((q: { name: string; value: number | null }) => [q.name, q.value ?? NaN]));
  const estimate = p.certified.map((_, j) => byName.get(`b${j + 1}`) ?? NaN);
  const lres = estimate.map((v, j) => lre(v, p.certified[j]!));
  return {
    problem: p.name,
    start,
    estimate,
    lre: lres,
    minLre: Math.min(...lres),
    status: art.summary.status.name,
    iterations: art.summary.iterations,
    rss: 2 * art.summary.statistics.objective,
    certifiedRss: p.certifiedRss,
    exitCode: r.code,
    error: '',
  };
}
