/**
 * The bootstrap workload (`npm run bench:bootstrap`): the Epoch Chinchilla data, 4,000 row
 * resamples x 64 Sobol starts each (256,000 fits), Huber delta = 1e-3; wall time per backend,
 * and against the Huber / L-BFGS-B protocol of Besiroglu et al. (scipy) on the same resamples and
 * starts. Where a full run would take tens of minutes on this machine (the float64 engine, scipy),
 * a subset of replicates is timed and the full wall time extrapolated linearly; the table says
 * which figures are measured and which extrapolated.
 *
 * Run: npm run bench:bootstrap [-- --replicates 4000 --starts 64]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadDataset } from '../src/data/index.js';
import { poolEngine } from '../src/fit/cpu/pool.js';
import type { Engine } from '../src/fit/engine.js';
import { fitBatch } from '../src/fit/fit.js';
import { prepareData } from '../src/fit/problem.js';
import { makeStarts } from '../src/fit/starts.js';
import { compileLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { releaseGpu } from '../src/gpu/device.js';
import { webgpuEngine } from '../src/gpu/engine.js';
import { nodeShaderSources } from '../src/gpu/shaders-node.js';
import { resampleWeights } from '../src/stats/resample.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const R = arg('--replicates', 4000);
const S = arg('--starts', 64);
const here = import.meta.dirname;
const law = compileLaw(findLaw('chinchilla'));
const ds = await loadDataset(
  resolve(here, '../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv'),
  { inputs: { N: 'N_params', D: 'D_tokens' }, target: 'loss', where: 'excluded_outlier == 0' },
  law.inputNames,
);
const n = ds.n;
const weights = resampleWeights(n, { replicates: R, seed: 42, design: { kind: 'rows' }, generator: 'numpy-legacy' });
const starts = { kind: 'sobol', count: S } as const;
const huber = { kind: 'huber', delta: 1e-3 } as const;

interface Row {
  engine: string;
  replicatesTimed: number;
  seconds: number;
  fullSeconds: number;
  measured: boolean;
}
const rows: Row[] = [];

async function time(name: string, engine: Engine, replicates: number): Promise<void> {
  const t0 = performance.now();
  await fitBatch(law, ds, { starts, engine, lm: { loss: huber }, weightSets: weights.subarray(0, replicates * n) });
  const s = (performance.now() - t0) / 1000;
  rows.push({ engine: name, replicatesTimed: replicates, seconds: s, fullSeconds: (s * R) / replicates, measured: replicates === R });
  console.error(`${name}: ${replicates} replicates x ${S} starts in ${s.toFixed(1)} s`);
}

const gpu = webgpuEngine({ sources: nodeShaderSources() });
await fitBatch(law, ds, { starts: { kind: 'sobol', count: 1 }, engine: gpu, lm: { loss: huber } }); // compile
await time('lawfit webgpu (f32 + float64 polish)', gpu, R);
await time('lawfit float64 CPU, 2 threads', poolEngine(), Math.min(R, 250));

// scipy's protocol on the first replicates' resamples, from the same starts.
const scipyReplicates = Math.min(R, 4);
const data = prepareData(law, ds);
const st = makeStarts(law, starts);
const u = Array.from({ length: S }, (_, s) => Array.from(st.u.subarray(s * 5, s * 5 + 5)));
let scipySeconds = 0;
let scipyRan = true;
for (let r = 0; r < scipyReplicates; r++) {
  // Expand the replicate's counts into repeated rows, as np.random.choice resampling does.
  const logN: number[] = [];
  const logD: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < weights[r * n + i]!; c++) {
      logN.push(Math.log(ds.inputs[2 * i]!));
      logD.push(Math.log(ds.inputs[2 * i + 1]!));
      y.push(data.yt[i]!);
    }
  }
  const py = spawnSync('python3', [resolve(here, 'peers/scipy_chinchilla.py')], { input: JSON.stringify({ logN, logD, y, starts: u, method: 'huber-lbfgsb', delta: 1e-3 }), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (py.status !== 0) {
    scipyRan = false;
    break;
  }
  scipySeconds += (JSON.parse(py.stdout) as { seconds: number }).seconds;
}
if (scipyRan) rows.push({ engine: 'scipy Huber / L-BFGS-B (Besiroglu et al.), 1 core', replicatesTimed: scipyReplicates, seconds: scipySeconds, fullSeconds: (scipySeconds * R) / scipyReplicates, measured: scipyReplicates === R });

const gpuFull = rows[0]!.fullSeconds;
const md = [
  `Bootstrap workload: Epoch Chinchilla data (${n} rows), ${R.toLocaleString('en-US')} row resamples x ${S} Sobol starts = ${(R * S).toLocaleString('en-US')} Huber fits (${new Date().toISOString().slice(0, 10)}; ${(await gpu.device()) ?? 'no GPU'})`,
  '',
  '| engine | replicates timed | seconds timed | wall time for the full workload | vs webgpu |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.engine} | ${r.replicatesTimed} | ${r.seconds.toFixed(1)} | ${r.fullSeconds < 120 ? `${r.fullSeconds.toFixed(0)} s` : `${(r.fullSeconds / 60).toFixed(1)} min`} (${r.measured ? 'measured' : 'extrapolated'}) | ${(r.fullSeconds / gpuFull).toFixed(1)}x |`),
].join('\n');
mkdirSync(resolve(here, 'results'), { recursive: true });
writeFileSync(resolve(here, 'results/bootstrap.md'), md + '\n');
console.log(md);
await releaseGpu();
