/**
 * Device buffers kept between batched calls of the same shape: a bootstrap solves its replicates
 * in chunks, one engine call each (stats/bootstrap.ts REPLICATE_CHUNK), and every call of the same
 * batch shape needs the same buffers (state, flags, their read-back copies, weight and target rows).
 * A call takes its buffers here and gives them back when it ends normally; a call that ends in a
 * cancel, an error or a device loss destroys its own instead (a read-back copy may still have a
 * map pending, which a later call must not inherit). Idle buffers are bounded by POOL_MAX_BYTES per
 * device (the least recently returned go first) and go with their device.
 */

/** Idle bytes a device's pool may keep. */
export const POOL_MAX_BYTES = 256 << 20;

interface Pool {
  idle: Map<string, GPUBuffer[]>;
  /** Keys in the order their buffers were returned, oldest first (one entry per buffer). */
  order: { key: string; buffer: GPUBuffer }[];
  bytes: number;
}

const pools = new WeakMap<GPUDevice, Pool>();

function poolOf(device: GPUDevice): Pool {
  let p = pools.get(device);
  if (p === undefined) {
    p = { idle: new Map(), order: [], bytes: 0 };
    pools.set(device, p);
  }
  return p;
}

const keyOf = (d: GPUBufferDescriptor): string => `${d.usage}|${d.size}|${d.label ?? ''}`;

/** A buffer of this exact descriptor: an idle one from the pool, or a new one. Its contents are undefined. */
export function takeBuffer(device: GPUDevice, d: GPUBufferDescriptor): GPUBuffer {
  const p = poolOf(device);
  const key = keyOf(d);
  const list = p.idle.get(key);
  const b = list?.pop();
  if (b === undefined) return device.createBuffer(d);
  p.bytes -= b.size;
  const at = p.order.findIndex((e) => e.buffer === b);
  if (at >= 0) p.order.splice(at, 1);
  return b;
}

/** Return buffers (unmapped, no map pending) taken with the same descriptors for later calls. */
export function giveBack(device: GPUDevice, buffers: readonly { buffer: GPUBuffer; desc: GPUBufferDescriptor }[]): void {
  const p = poolOf(device);
  for (const { buffer, desc } of buffers) {
    const key = keyOf(desc);
    let list = p.idle.get(key);
    if (list === undefined) p.idle.set(key, (list = []));
    list.push(buffer);
    p.order.push({ key, buffer });
    p.bytes += buffer.size;
  }
  while (p.bytes > POOL_MAX_BYTES && p.order.length > 0) {
    const { key, buffer } = p.order.shift()!;
    const list = p.idle.get(key)!;
    list.splice(list.indexOf(buffer), 1);
    p.bytes -= buffer.size;
    buffer.destroy();
  }
}
