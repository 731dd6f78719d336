/**
 * `--engine cpu|webgpu` and `--threads N`, as the commands that fit take them: the float64 worker
 * pool, or the WebGPU engine with that pool as its fallback (said once on stderr when there is no
 * adapter). `withEngine` releases the GPU after the run, however it ends, so the process can exit.
 */
import { availableParallelism } from 'node:os';
import { poolEngine } from '../fit/cpu/pool.js';
import type { Engine } from '../fit/engine.js';
import { specFromFlags } from '../run-spec/argv.js';
import { rowHelp } from '../run-spec/help.js';
import { RUN_OPTIONS, type RunSpec } from '../run-spec/run-options.js';
import type { Io } from './io.js';

/** --engine and --threads in --help, from the run specification's rows. */
export const ENGINE_USAGE = rowHelp(RUN_OPTIONS.engine, 'fit') + rowHelp(RUN_OPTIONS.threads, 'fit');

export const ENGINE_PARSE_OPTIONS = {
  engine: { type: 'string' },
  threads: { type: 'string' },
} as const;

export interface EngineFlags {
  engine?: string;
  threads?: string;
}

/**
 * --threads, capped at the cores: each worker holds its own copy of the problem and its
 * scratch buffers, so --threads 1000 reached 10.4 GB (and ran slower than 2 threads) with no gain.
 * Capped rather than refused: the run is the same, and the note says what was used.
 */
export function threadCount(asked: number, io: Io, cores: number = availableParallelism()): number {
  if (asked <= cores) return asked;
  io.err(`lawfit: note: --threads ${asked} is more than the ${cores} core${cores === 1 ? '' : 's'} here; using ${cores}\n`);
  return cores;
}

/** Run `work` on the engine the flags choose (their text, through the run specification's parsers). */
export async function withEngine<T>(flags: EngineFlags, io: Io, work: (engine: Engine) => Promise<T>): Promise<T> {
  return withSpecEngine(specFromFlags('fit', { engine: flags.engine, threads: flags.threads }), io, work);
}

/** Run `work` on the engine a run specification chooses, releasing the GPU afterwards. */
export async function withSpecEngine<T>(spec: Pick<RunSpec, 'engine' | 'threads'>, io: Io, work: (engine: Engine) => Promise<T>): Promise<T> {
  const name = spec.engine ?? RUN_OPTIONS.engine.default;
  const threads = spec.threads !== undefined ? threadCount(spec.threads, io) : undefined;
  const cpu = poolEngine(threads !== undefined ? { threads } : {});
  if (name === 'cpu') return work(cpu);
  // The GPU engine's modules load only for --engine webgpu (the CPU run's start-up; main.ts).
  const [{ releaseGpu }, { webgpuEngine }, { nodeShaderSources }] = await Promise.all([import('../gpu/device.js'), import('../gpu/engine.js'), import('../gpu/shaders-node.js')]);
  try {
    return await work(webgpuEngine({ sources: nodeShaderSources(), fallback: cpu, warn: (m) => io.err(`${m}\n`) }));
  } finally {
    await releaseGpu();
  }
}
