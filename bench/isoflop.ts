/**
 * The IsoFLOP bootstrap (`npm run bench:isoflop`): every experiment of Open-Athena's isoflops.csv,
 * all rows, lawfit's default QC, R replicates (default 10,000) in each design (runs within budgets,
 * whole budgets, and the fixed designs: residuals of each budget's parabola resampled within the
 * budget, plain and leverage-adjusted, and the wild bootstrap), parabolas, QC and frontier redone on every replicate (float64, closed form, one
 * thread; wall time and this process's CPU time, which differ on a loaded machine). Prints a markdown table of a and b with their percentile intervals, failed replicates and
 * wall time, and writes it to bench/results/isoflop.md.
 *
 * Run: npm run bench:isoflop [-- --replicates 10000 --seed 0]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { datasetFromText } from '../src/data/index.js';
import { analyzeIsoflop, isoflopRunsFromDataset } from '../src/stats/isoflop.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const R = arg('--replicates', 10_000);
const seed = arg('--seed', 0);
const here = import.meta.dirname;
const file = resolve(here, '../../shared/data/isoflops/isoflops.csv');
const bytes = readFileSync(file);
const EXPERIMENTS = [
  'epochai_chinchilla__massivetext__chinchilla',
  'ml_scalefit__massivetext__chinchilla',
  'llama_3__exp_loss',
  'llama_3__raw_loss',
  'marin_202603__comma__llama_2',
  'marin_202603__dclm__llama_2',
  'marin_202603__nemotron__llama_2',
  'misfitting__fineweb_c4__transformer',
];
/** The designs measured: the IsoFLOP bootstrap's own two and one of each fixed kind (ISOFLOP_DESIGNS lists all ten). */
const DESIGNS = ['runs', 'budgets', 'residuals', 'residuals:leverage', 'wild'];
const f4 = (v: number): string => v.toFixed(4);
const lines = [
  `IsoFLOP bootstrap, ${R} replicates per design, seed ${seed}, lawfit's default QC on all rows; ${new Date().toISOString()}`,
  '',
  '| experiment | design | budgets | a | a 95 % | b | b 95 % | a+b 95 % | failed | wall s | CPU s |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const e of EXPERIMENTS) {
  const ds = await datasetFromText(bytes, file, 'csv', { inputs: { N: 'params', D: 'tokens', budget: 'budget' }, target: 'loss', where: `experiment == '${e}'` }, ['N', 'D', 'budget']);
  const runs = isoflopRunsFromDataset(ds);
  for (const design of DESIGNS) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const g = analyzeIsoflop(runs, { bootstrap: { replicates: R, seed, design } }).groups[0]!;
    const wall = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuS = (used.user + used.system) / 1e6;
    const b = g.bootstrap!;
    const row = `| ${e} | ${design} | ${g.frontier!.budgets} | ${f4(b.a.estimate)} | [${f4(b.a.interval[0])}, ${f4(b.a.interval[1])}] | ${f4(b.b.estimate)} | [${f4(b.b.interval[0])}, ${f4(b.b.interval[1])}] | [${f4(b.sum.interval[0])}, ${f4(b.sum.interval[1])}] | ${b.failed.length} | ${wall.toFixed(2)} | ${cpuS.toFixed(2)} |`;
    console.log(row);
    lines.push(row);
  }
}
mkdirSync(resolve(here, 'results'), { recursive: true });
writeFileSync(resolve(here, 'results/isoflop.md'), lines.join('\n') + '\n');
