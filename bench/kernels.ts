/**
 * A/B of the WebGPU driver's kernel-side changes (issue 12, item 2), side by side in one run:
 * each change is a set of engine variants, timed interleaved (A B A B ...) on the same batches so
 * that the ratio survives a noisy machine; the median of the repeats is reported.
 *
 * Workloads (Chinchilla, Epoch's 240 rows, Huber delta 1e-3, the bootstrap's shapes):
 *   solve R x S      engine.solve alone on R bootstrap replicates x S Sobol starts (no polish):
 *                    what the device does for one batched call, uploads and round trips included;
 *                    'one LM step' caps LM at one step, so the per-replicate rows weigh the most
 *   bootstrapFit R   the whole bootstrap (full fit, replicates from 4 basins, float64 polish)
 *
 * Run: node --import tsx bench/kernels.ts --change draws|rounds|reuse [--repeats 3] [--quick]
 * Writes the change's section of bench/results/kernels.md (other sections are kept).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { BatchProblem } from '../src/fit/problem.js';
import { prepareData } from '../src/fit/problem.js';
import { makeStarts } from '../src/fit/starts.js';
import { resolveLmOptions } from '../src/fit/options.js';
import { compileLaw } from '../src/law/compile.js';
import { findLaw } from '../src/laws/index.js';
import { acquireGpu, isGpuContext, releaseGpu } from '../src/gpu/device.js';
import { webgpuEngine, type WebGpuEngineOptions } from '../src/gpu/engine.js';
import { nodeShaderSources } from '../src/gpu/shaders-node.js';
import { resampleWeights, type BootstrapDesign } from '../src/stats/resample.js';
import { fixedDesignBasis, replicateTargets } from '../src/stats/fixed-design.js';
import { bootstrapFit } from '../src/stats/bootstrap.js';
import { fitLaw } from '../src/fit/fit.js';
import { EPOCH_HUBER, ladder, loadEpoch } from './workloads.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const change = arg('--change') ?? 'draws';
const repeats = Number(arg('--repeats') ?? 3);
const quick = process.argv.includes('--quick');

type Variants = Record<string, Partial<WebGpuEngineOptions>>;
/** Per change: the variants compared, baseline first. */
const CHANGES: Record<string, { what: string; variants: Variants; /** Only the workloads whose names contain one of these (default: all). */ only?: string[] }> = {
  draws: { what: 'replicate rows drawn on the device vs uploaded from the host', variants: { uploaded: { deviceDraws: false }, 'device draws': { deviceDraws: true } } },
  rounds: {
    what: 'host round trips: the running count read with the next round already queued, and more steps per submission',
    variants: {
      'count read, then next round (before)': { pipelinedCount: false },
      'next round queued, then count read': { pipelinedCount: true },
      'queued + 8 dispatches per round': { pipelinedCount: true, dispatchesPerRound: 8 },
    },
  },
  reuse: {
    what: 'device buffers taken from a pool of the batch shape vs created per call',
    variants: { 'created per call': { reuseBuffers: false }, pooled: { reuseBuffers: true } },
    // Pooling acts between calls: the bootstrap (one call per replicate chunk) and back-to-back solves.
    only: ['bootstrapFit', '1 LM step'],
  },
  layout: {
    what: "kernel layout per batch shape: one thread per fit vs one workgroup (64 threads) per fit (the 'auto' probe's two candidates)",
    variants: { thread: { variant: 'thread' }, group: { variant: 'group' } },
  },
  all: {
    what: 'the driver before these changes (uploads, count read then next round, buffers per call) vs after (the defaults)',
    variants: { before: { deviceDraws: false, pipelinedCount: false, reuseBuffers: false }, after: {} },
  },
};

const spec = CHANGES[change];
if (spec === undefined) throw new Error(`--change: one of ${Object.keys(CHANGES).join(', ')}`);

const ctx = await acquireGpu();
if (!isGpuContext(ctx)) throw new Error(`no WebGPU adapter: ${ctx.reason}`);
const law = compileLaw(findLaw('chinchilla'));
const ds = await loadEpoch(law);
const n = ds.n;
const data = prepareData(law, ds);
const lmOptions = resolveLmOptions({ loss: EPOCH_HUBER });
const full = await fitLaw(law, ds, { lm: { loss: EPOCH_HUBER } });
const natural = full.params.filter((q) => !q.fixed).map((q) => q.value);

function batch(design: BootstrapDesign & { kind: 'rows' | 'residuals' | 'wild' }, R: number, S: number, maxIterations = lmOptions.maxIterations): BatchProblem {
  const options = { ...lmOptions, maxIterations };
  const starts = makeStarts(law, { kind: 'sobol', count: S });
  const weights = resampleWeights(n, { replicates: R, seed: 42, design });
  if (design.kind === 'rows') return { law, data, starts: starts.u, nStarts: S, weights, nWeightSets: R, options, recipe: { seed: 42, first: 0, stream: 0, design, base: data.baseWeights } };
  const basis = fixedDesignBasis(law, ds, natural, design);
  const targets = replicateTargets(basis, design, 42, 0, R);
  return { law, data, starts: starts.u, nStarts: S, weights, nWeightSets: R, targets, options, recipe: { seed: 42, first: 0, stream: 0, design, base: data.baseWeights, basis } };
}

interface Workload {
  name: string;
  fits: number;
  run: (o: Partial<WebGpuEngineOptions>) => Promise<void>;
}
const R = quick ? 1024 : 4096;
const SHORT = 1;
const rows = { kind: 'rows' } as const;
const wild = { kind: 'wild', weights: 'rademacher', leverage: false } as const;
const solveOf = (name: string, p: BatchProblem, extra: Partial<WebGpuEngineOptions> = {}): Workload => ({
  name,
  fits: p.nStarts * p.nWeightSets,
  run: async (o) => {
    await webgpuEngine({ sources: nodeShaderSources(), context: ctx, variant: 'thread', ...extra, ...o }).solve(p);
  },
});
const BR = quick ? 250 : 1000;
const workloads: Workload[] = [
  solveOf(`solve ${4 * R} rows replicates x 1 start, ${SHORT} LM step`, batch(rows, 4 * R, 1, SHORT)),
  solveOf(`solve ${R} rows replicates x 4 starts`, batch(rows, R, 4)),
  solveOf(`solve ${R} wild replicates x 4 starts`, batch(wild, R, 4)),
  solveOf(`solve ${R} rows replicates x 4 starts in chunks of 2,048 problems`, batch(rows, R, 4), { maxProblemsPerChunk: 2048 }),
  {
    name: `bootstrapFit ${BR} rows replicates (4 basins, polish; ${Math.floor(BR / 4)} replicates per call)`,
    fits: BR * 4,
    run: async (o) => {
      await bootstrapFit(law, ds, { replicates: BR, seed: 42, lm: { loss: EPOCH_HUBER }, fit: full, bca: false, replicateChunk: Math.floor(BR / 4), engine: webgpuEngine({ sources: nodeShaderSources(), context: ctx, variant: 'thread', ...o }) });
    },
  },
];

// The layout change compares small multistart batches on the synthetic ladder instead.
if (change === 'layout') {
  workloads.length = 0;
  for (const [nSizes, nRatios] of [[16, 16], [64, 64], [128, 128]] as const) {
    const lds = ladder(nSizes, nRatios);
    const ldata = prepareData(law, lds);
    for (const fits of quick ? [8, 64] : [4, 16, 64, 256]) {
      const p: BatchProblem = { law, data: ldata, starts: makeStarts(law, { kind: 'sobol', count: fits }).u, nStarts: fits, weights: ldata.baseWeights, nWeightSets: 1, options: resolveLmOptions({}) };
      workloads.push({
        name: `${fits} fits x ${lds.n} points (ladder, least squares)`,
        fits,
        run: async (o) => {
          await webgpuEngine({ sources: nodeShaderSources(), context: ctx, ...o }).solve(p);
        },
      });
    }
  }
}
if (spec.only !== undefined) {
  const keep = workloads.filter((w) => spec.only!.some((p) => w.name.includes(p)));
  workloads.length = 0;
  workloads.push(...keep);
}
const names = Object.keys(spec.variants);
const lines: string[] = [];
const load0 = loadavg()[0]!;
// Warm-up: compile every variant's pipelines once.
for (const v of names) await workloads[0]!.run(spec.variants[v]!);
for (const w of workloads) {
  const times: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let k = 0; k < repeats; k++) {
    for (const v of k % 2 === 0 ? names : [...names].reverse()) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await w.run(spec.variants[v]!);
      const c = process.cpuUsage(c0);
      times[v]!.push((performance.now() - t0) / 1000);
      cpu[v]!.push((c.user + c.system) / 1e6);
    }
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = med(times[names[0]!]!);
  const baseCpu = med(cpu[names[0]!]!);
  const cells = names.map((v) => {
    const m = med(times[v]!);
    const c = med(cpu[v]!);
    return `${m.toFixed(2)} s wall, ${c.toFixed(2)} s CPU (${Math.round(w.fits / m).toLocaleString('en-US')} fits/s${v === names[0] ? '' : `; ${(base / m).toFixed(2)}x wall, ${(baseCpu / c).toFixed(2)}x CPU`})`;
  });
  const line = `| ${w.name} | ${cells.join(' | ')} | ${names.map((v) => times[v]!.map((t) => t.toFixed(2)).join(' ')).join(' / ')} |`;
  console.log(line);
  lines.push(line);
}
const load1 = loadavg()[0]!;
const section = [
  `<!-- change: ${change} -->`,
  `### ${change}: ${spec.what}`,
  '',
  `${new Date().toISOString().slice(0, 16)}Z, ${ctx.description} (lavapipe is Mesa's CPU Vulkan: 2 cores, not a GPU), load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}; median of ${repeats} interleaved runs; command: \`node --import tsx bench/kernels.ts --change ${change} --repeats ${repeats}${quick ? ' --quick' : ''}\``,
  '',
  `| workload | ${names.join(' | ')} | all runs (s) |`,
  `|---|${names.map(() => '---|').join('')}---|`,
  ...lines,
  `<!-- end: ${change} -->`,
].join('\n');
const out = resolve(import.meta.dirname, 'results/kernels.md');
mkdirSync(resolve(import.meta.dirname, 'results'), { recursive: true });
const header = '# Kernel changes, A/B on one machine (bench/kernels.ts)\n\nEach section is one change, its variants timed side by side; ratios are baseline time / variant time (> 1: the change is faster). On lavapipe the device work runs on the host cores inside this process, so its CPU seconds (process.cpuUsage, busy-waits included) are reported beside the wall time: on a shared, loaded machine they vary less.\n';
let doc = existsSync(out) ? readFileSync(out, 'utf8') : header;
const re = new RegExp(`<!-- change: ${change} -->[\\s\\S]*?<!-- end: ${change} -->`);
doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
writeFileSync(out, doc);
await releaseGpu();
