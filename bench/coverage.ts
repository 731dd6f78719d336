/**
 * Coverage of lawfit's bootstrap intervals on synthetic designs with a known truth
 * (`npm run bench:coverage`): for each design below, S datasets are simulated from the truth with
 * Gaussian noise in the law's residual space, each is fitted and bootstrapped under every design
 * (rows, bayes, residuals, residuals:leverage, wild, wild:leverage), and the share of 95 % percentile and BCa
 * intervals that hold the truth is counted per parameter (coverageCheck, src/stats/coverage.ts,
 * with the truth and the noise given).
 *
 *   isoflop   chinchilla, 6 budgets (1e18..1e21 FLOPs) x 9 model sizes around each optimum, 1 % noise
 *   power     power law E + A x^-alpha, 14 points over 5 decades, noise sd 0.01 (about 0.4 % of y)
 *   tied      chinchilla-tied (alpha = beta), 4 sizes x 6 token ratios (over-training grid), 1 % noise
 *
 * Protocol per dataset: full fit from 64 Sobol starts (the laws' 4,500-point grid costs 14 s a fit
 * on this machine), replicates from its best 4 basins, rescue as bootstrapFit does. Writes
 * bench/results/coverage.md and .json. Float64 worker pool, 2 threads by default.
 *
 * Run: npm run bench:coverage [-- --sets 100 --replicates 200 --threads 2]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dataset } from '../src/data/dataset.js';
import { poolEngine } from '../src/fit/cpu/pool.js';
import { compileLaw, type CompiledLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { HOFFMANN_TRUTH } from '../src/examples/chinchilla-ladder.js';
import { optimalAllocation } from '../src/stats/derived.js';
import { coverageCheck, type CoverageResult } from '../src/stats/coverage.js';
import { describeDesign, parseDesign, type BootstrapDesign } from '../src/stats/resample.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SETS = arg('--sets', 100);
const REPLICATES = arg('--replicates', 200);
const THREADS = arg('--threads', 2);
const DESIGNS = ['rows', 'bayes', 'residuals', 'residuals:leverage', 'wild', 'wild:leverage'];

function table(name: string, inputs: string[], rows: number[][], y: number[]): Dataset {
  return {
    source: `synthetic:${name}`,
    inputNames: inputs,
    inputExpressions: inputs,
    targetExpression: 'loss',
    n: rows.length,
    inputs: Float64Array.from(rows.flat()),
    y: Float64Array.from(y),
    rowNumbers: Int32Array.from(rows.map((_, i) => i + 2)),
  };
}

interface Case {
  name: string;
  law: CompiledLaw;
  ds: Dataset;
  truth: number[];
  sigma: number;
  describe: string;
}

function cases(): Case[] {
  const ch = compileLaw(findLaw('chinchilla'));
  const t = HOFFMANN_TRUTH;
  const chTruth = ch.free.map((f) => t[f.name as keyof typeof t]);
  const chLoss = (N: number, D: number) => t.E + t.A / N ** t.alpha + t.B / D ** t.beta;
  const iso: number[][] = [];
  for (const C of [1e18, 3e18, 1e19, 3e19, 1e20, 1e21]) {
    const opt = optimalAllocation(t, C).N;
    for (let k = -4; k <= 4; k++) {
      const N = opt * 10 ** (k / 4);
      iso.push([N, C / (6 * N)]);
    }
  }
  const pw = compileLaw(findLaw('power'));
  const pwTruth = [1.8, 60, 0.3];
  const xs = Array.from({ length: 14 }, (_, i) => 1e3 * 10 ** ((5 * i) / 13));
  const tied = compileLaw(findLaw('chinchilla-tied'));
  const tiedTruth = tied.free.map((f) => ({ A: 400, B: 1200, E: 1.7, alpha: 0.31 })[f.name as 'A']!);
  const grid: number[][] = [];
  for (const N of [50e6, 200e6, 800e6, 3.2e9]) for (const r of [5, 10, 20, 40, 80, 160]) grid.push([N, r * N]);
  const tiedLoss = (N: number, D: number) => 1.7 + 400 / N ** 0.31 + 1200 / D ** 0.31;
  return [
    { name: 'isoflop', law: ch, ds: table('isoflop', ['N', 'D'], iso, iso.map(([N, D]) => chLoss(N!, D!))), truth: chTruth, sigma: 0.01, describe: 'chinchilla, 6 budgets x 9 sizes (54 runs), 1 % log-space noise' },
    { name: 'power', law: pw, ds: table('power', ['x'], xs.map((x) => [x]), xs.map((x) => 1.8 + 60 * x ** -0.3)), truth: pwTruth, sigma: 0.01, describe: 'power, 14 points over 5 decades, noise sd 0.01' },
    { name: 'tied', law: tied, ds: table('tied', ['N', 'D'], grid, grid.map(([N, D]) => tiedLoss(N!, D!))), truth: tiedTruth, sigma: 0.01, describe: 'chinchilla-tied, 4 sizes x 6 ratios (24 runs), 1 % log-space noise' },
  ];
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}` : '–');

async function main(): Promise<void> {
  const engine = poolEngine({ threads: THREADS });
  const designs = DESIGNS.map((text) => ({ label: text, design: parseDesign(text) as BootstrapDesign }));
  const out: Record<string, CoverageResult & { describe: string }> = {};
  const md: string[] = [
    `# Bootstrap coverage on synthetic designs (bench/coverage.ts)`,
    '',
    `${SETS} datasets per design, ${REPLICATES} replicates each, 95 % intervals; full fits from 64 Sobol starts, replicates from the best 4 basins; float64 pool, ${THREADS} threads; noise Gaussian in residual space at the stated sd. Cells: % of datasets whose percentile / BCa interval held the truth (binomial se about ${(100 * Math.sqrt(0.95 * 0.05 / SETS)).toFixed(1)} points at 95 %); sd ratio = mean bootstrap sd / sd of the estimates.`,
    '',
  ];
  const t0 = performance.now();
  for (const c of cases()) {
    const tc = performance.now();
    const r = await coverageCheck(c.law, c.ds, { sets: SETS, seed: 20260101, designs, replicates: REPLICATES, starts: { kind: 'sobol', count: 64 }, truth: c.truth, noise: { kind: 'normal', sigma: c.sigma }, engine });
    out[c.name] = { ...r, describe: c.describe };
    md.push(`## ${c.name}: ${c.describe} (${((performance.now() - tc) / 1000).toFixed(0)} s)`, '');
    const params = c.law.free.map((f) => f.name);
    md.push(`| design | ${params.map((p) => `${p} pct / BCa`).join(' | ')} | ${params.map((p) => `sd ratio ${p}`).join(' | ')} |`);
    md.push(`|---|${params.map(() => '---').join('|')}|${params.map(() => '---').join('|')}|`);
    for (const d of r.designs) {
      const q = d.quantities.filter((x) => x.kind === 'parameter');
      md.push(`| ${d.design} | ${q.map((x) => `${pct(x.percentile.share)} / ${pct(x.bca?.share ?? NaN)}`).join(' | ')} | ${q.map((x) => x.sdRatio.toFixed(2)).join(' | ')} |`);
    }
    md.push('');
    const derived = r.designs.map((d) => `${d.design}: ${d.quantities.filter((x) => x.kind === 'derived').map((x) => `${x.name} ${pct(x.percentile.share)}/${pct(x.bca?.share ?? NaN)}`).join(', ')}`);
    md.push(`Derived quantities (pct / BCa %): ${derived.join('; ')}.`, '');
    console.log(md.slice(-r.designs.length - 5).join('\n'));
  }
  md.push(`Total wall time ${((performance.now() - t0) / 1000).toFixed(0)} s. Designs: ${designs.map((d) => describeDesign(d.design as never)).join(', ')}.`);
  const dir = resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'coverage.md'), md.join('\n') + '\n');
  writeFileSync(resolve(dir, 'coverage.json'), JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote bench/results/coverage.md, coverage.json (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

await main();
