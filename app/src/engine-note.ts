/**
 * The note under the title saying which engine runs: probed when the page opens (is there a
 * WebGPU adapter in this browser?) and then set from what the worker actually used in each run.
 */
import { byId } from './dom.js';
import type { EngineReport } from './worker/protocol.js';

const CPU_NOTE = 'Engine: CPU, float64 in a background thread';

function set(kind: 'webgpu' | 'cpu' | 'unknown', text: string, detail?: string): void {
  const el = byId('engine-note');
  el.dataset['engine'] = kind;
  el.textContent = text;
  el.title = detail ?? '';
}

/** What this browser offers, before any run. */
export async function probeEngine(): Promise<void> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu === undefined) return set('cpu', `${CPU_NOTE} (no WebGPU in this browser)`);
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (adapter === null) return set('cpu', `${CPU_NOTE} (this browser found no WebGPU adapter)`);
  const i = adapter.info;
  const name = [i.vendor, i.architecture, i.description].filter((s) => s !== '').join(' ') || 'unnamed adapter';
  set('webgpu', `Engine: WebGPU on ${name}, every reported fit finished in float64`);
}

/** What the last run used (the worker's report is the authority). */
export function showEngineUsed(e: EngineReport): void {
  if (e.used === 'webgpu') set('webgpu', `Engine: ${e.description}`);
  // The worker's reason is written for every environment (Node included); the tooltip keeps it.
  else if (e.fellBack) set('cpu', `${CPU_NOTE} (no WebGPU in this browser)`, e.reason);
  else set('cpu', `${CPU_NOTE} (chosen in step 3)`);
}
