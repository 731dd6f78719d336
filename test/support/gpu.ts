/**
 * GPU tests run on a real WebGPU adapter. In CI (CI=true) a missing adapter is a failure, never
 * a skip: .ci/install-system.sh installs Mesa's lavapipe so that one exists. Elsewhere, a machine
 * without an adapter skips them and says why.
 */
import { acquireGpu, isGpuContext, type GpuContext } from '../../src/gpu/device.js';

export async function gpuOrSkip(): Promise<{ ctx?: GpuContext; skipReason?: string }> {
  const c = await acquireGpu();
  if (isGpuContext(c)) return { ctx: c };
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI requires a WebGPU adapter for the GPU tests, and there is none: ${c.reason}`);
  }
  return { skipReason: c.reason };
}
