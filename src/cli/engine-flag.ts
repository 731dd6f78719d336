/**
 * `--engine cpu|webgpu` and `--threads N`, as the commands that fit take them: the float64 worker
 * pool, or the WebGPU engine with that pool as its fallback (said once on stderr when there is no
 * adapter). `withEngine` releases the GPU after the run, however it ends, so the process can exit.
 */
import { availableParallelism } from 'node:os';
import { LawfitError } from '../errors.js';
import { poolEngine } from '../fit/cpu/pool.js';
import type { Engine } from '../fit/engine.js';
import { parsePositiveInt } from './args.js';
import type { Io } from './io.js';

export const ENGINE_USAGE = `  --engine E              cpu (float64, default) or webgpu (f32 on the GPU, every reported fit
                          finished in float64; falls back to the CPU, saying so, without an adapter)
  --threads N             CPU threads (default: all cores)
`;

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

/** Run `work` on the engine the flags choose, releasing the GPU afterwards. */
export async function withEngine<T>(flags: EngineFlags, io: Io, work: (engine: Engine) => Promise<T>): Promise<T> {
  const name = flags.engine ?? 'cpu';
  if (name !== 'cpu' && name !== 'webgpu') throw new LawfitError('bad-option', `--engine: expected cpu or webgpu, got '${name}'`);
  const threads = flags.threads !== undefined ? threadCount(parsePositiveInt('--threads', flags.threads), io) : undefined;
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
