/// <reference types="vite/client" />
/**
 * The WGSL kernel templates for the browser, embedded by Vite at build time (`?raw`): the same
 * files in shaders/ that Node reads from disk (src/gpu/shaders-node.ts). Imported lazily by
 * engines.ts, only when a run uses WebGPU.
 */
import type { ShaderSources } from '../../../src/gpu/kernels.js';
import lmThread from '../../../shaders/lm_thread.wgsl?raw';
import lmGroup from '../../../shaders/lm_group.wgsl?raw';

export const browserShaderSources: ShaderSources = { lmThread, lmGroup };
