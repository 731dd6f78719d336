/**
 * Kernel templates for Node: read from the package's shaders/ folder (beside src/ and dist/), so
 * the WGSL lives in real .wgsl files. The browser app supplies the same texts through its bundler.
 */
import { readFileSync } from 'node:fs';
import type { ShaderSources } from './kernels.js';

let sources: ShaderSources | undefined;

export function nodeShaderSources(): ShaderSources {
  sources ??= {
    lmThread: readFileSync(new URL('../../shaders/lm_thread.wgsl', import.meta.url), 'utf8'),
    lmGroup: readFileSync(new URL('../../shaders/lm_group.wgsl', import.meta.url), 'utf8'),
  };
  return sources;
}
