/**
 * `--engine cpu|webgpu` and `--threads N`, as the commands that fit take them: the float64 worker
 * pool, or the WebGPU engine with that pool as its fallback (said once on stderr when there is no
 * adapter). `withEngine` releases the GPU after the run, however it ends, so the process can exit.
 */
import { LawfitError } from '../errors.js';
import { poolEngine } from '../fit/cpu/pool.js';
import type { Engine } from '../fit/engine.js';
import { releaseGpu } from '../gpu/device.js';
import { webgpuEngine } from '../gpu/engine.js';
import { nodeShaderSources } from '../gpu/shaders-node.js';
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

/** Run `work` on the engine the flags choose, releasing the GPU afterwards. */
export async function withEngine<T>(flags: EngineFlags, io: Io, work: (engine: Engine) => Promise<T>): Promise<T> {
  const name = flags.engine ?? 'cpu';
  if (name !== 'cpu' && name !== 'webgpu') throw new LawfitError('bad-option', `--engine: expected cpu or webgpu, got '${name}'`);
  const threads = flags.threads !== undefined ? parsePositiveInt('--threads', flags.threads) : undefined;
  const cpu = poolEngine(threads !== undefined ? { threads } : {});
  if (name === 'cpu') return work(cpu);
  try {
    return await work(webgpuEngine({ sources: nodeShaderSources(), fallback: cpu, warn: (m) => io.err(`${m}\n`) }));
  } finally {
    await releaseGpu();
  }
}
