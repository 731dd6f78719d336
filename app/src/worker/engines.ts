/**
 * Which engine a run uses in the worker, and the account of it the result gives. WebGPU through
 * `navigator.gpu` (f32 kernels, reported fits finished in float64) when the page asks for it or
 * leaves the choice to the worker ('auto') and an adapter is found; otherwise the float64
 * single-thread engine, the worker's own thread being the one CPU it may use. A fall-back is never
 * silent: the report says that it happened and why.
 */
import { singleThreadEngine, type Engine } from '../../../src/fit/engine.js';
import { acquireGpu, isGpuContext, type GpuContext, type GpuUnavailable } from '../../../src/gpu/device.js';
import { webgpuEngine } from '../../../src/gpu/engine.js';
import type { EnginePreference, EngineReport } from './protocol.js';

export interface EngineChoice {
  engine: Engine;
  report: EngineReport;
}

/**
 * The engine for a run. `acquire` finds the GPU (default: the worker-wide device, created once);
 * tests pass one that reports no adapter. Warnings the GPU engine raises during the run (a lost
 * device whose remaining problems finish on the CPU) are appended to `report.warnings`.
 */
export async function chooseEngine(requested: EnginePreference, acquire: () => Promise<GpuContext | GpuUnavailable> = acquireGpu): Promise<EngineChoice> {
  const warnings: string[] = [];
  const cpu = (fellBack: boolean, reason?: string): EngineChoice => ({
    engine: singleThreadEngine,
    report: { requested, used: 'cpu', description: singleThreadEngine.describe(), fellBack, ...(reason !== undefined ? { reason } : {}), warnings },
  });
  if (requested === 'cpu') return cpu(false);
  let ctx: GpuContext | GpuUnavailable;
  try {
    ctx = await acquire();
  } catch (e) {
    ctx = { reason: `WebGPU could not start (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!isGpuContext(ctx)) return cpu(true, ctx.reason);
  const { browserShaderSources } = await import('./shaders.js');
  const engine = webgpuEngine({ sources: browserShaderSources, fallback: singleThreadEngine, warn: (m) => warnings.push(m), context: ctx });
  await engine.device();
  return { engine, report: { requested, used: 'webgpu', description: engine.describe(), fellBack: false, warnings } };
}
