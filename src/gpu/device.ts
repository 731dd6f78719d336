/// <reference types="@webgpu/types" preserve="true" />
// (Kept in the emitted declarations, so that a package user's compiler knows GPUDevice and the
// other WebGPU types this module's API names; @webgpu/types is a dependency for that reason.)
/**
 * Getting a WebGPU device: `navigator.gpu` in a browser, Dawn's Node bindings (the `webgpu`
 * package) in Node. No adapter is not an error: callers fall back to the float64 CPU engine and
 * say so once. A lost device is reported through `lost`, so a running batch can finish on the CPU.
 */

export interface GpuContext {
  device: GPUDevice;
  /** One line: vendor, architecture, description. */
  description: string;
  /** Resolves when the device is lost (destroyed on purpose, or by the driver). */
  lost: Promise<GPUDeviceLostInfo>;
  /** True on the software adapters (lavapipe, SwiftShader) that CI uses. */
  software: boolean;
}

export interface GpuUnavailable {
  reason: string;
}

let cached: Promise<GpuContext | GpuUnavailable> | undefined;
/**
 * Dawn's Node bindings free the native instance when the JS GPU object is collected, even while
 * a device created from it is in use, and the process then dies inside the driver (a futex or
 * mutex error, a segfault) the next time that device compiles a pipeline. Keep them alive.
 */
const keepAlive: unknown[] = [];

async function nodeGpu(): Promise<GPU | undefined> {
  if (typeof process === 'undefined' || process.versions?.node === undefined) return undefined;
  try {
    // Dawn's bindings: create() returns a GPU object; globals supplies GPUBufferUsage and friends.
    const mod = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    for (const [k, v] of Object.entries(mod.globals)) {
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    }
    return mod.create([]);
  } catch {
    return undefined;
  }
}

/** A new GPU device (not shared), or the reason there is none. Most callers want acquireGpu. */
export async function createGpuContext(): Promise<GpuContext | GpuUnavailable> {
  const gpu = typeof navigator !== 'undefined' && 'gpu' in navigator ? (navigator as Navigator & { gpu: GPU }).gpu : await nodeGpu();
  if (gpu === undefined) return { reason: 'WebGPU is not available in this environment (no navigator.gpu, and the webgpu package did not load)' };
  keepAlive.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return { reason: "no WebGPU adapter was found (on Linux without a GPU, install Mesa's lavapipe: see .ci/install-system.sh)" };
  keepAlive.push(adapter);
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const info = adapter.info;
  const description = [info.vendor, info.architecture, info.description || info.device].filter((s) => s !== '').join(', ');
  const software = /llvmpipe|lavapipe|swiftshader|software/i.test(`${info.architecture} ${info.description} ${info.device}`);
  return { device, description, lost: device.lost, software };
}

/** The process-wide GPU device (created once), or the reason there is none. */
export function acquireGpu(): Promise<GpuContext | GpuUnavailable> {
  cached ??= createGpuContext();
  return cached;
}

export function isGpuContext(x: GpuContext | GpuUnavailable): x is GpuContext {
  return 'device' in x;
}

/** Destroy the cached device (tests, and Node processes that want to exit promptly). */
export async function releaseGpu(): Promise<void> {
  if (cached === undefined) return;
  const c = await cached;
  cached = undefined;
  if (isGpuContext(c)) c.device.destroy();
}
