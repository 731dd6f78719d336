/**
 * Build-time precache list for the service worker. After Vite has produced every file, this
 * plugin replaces two placeholders in the service worker's chunk: the list of files to precache
 * (every output file except the service worker itself, plus './' for the page) and a version that
 * is a hash of those files' names and contents. A new build therefore gets a new cache name, and
 * the service worker's activate step deletes the old caches.
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

import { PRECACHE_PLACEHOLDER, VERSION_PLACEHOLDER } from './src/sw-placeholders.js';

/** The placeholder as a string literal in any quote style the minifier may choose. */
const quoted = (placeholder: string): RegExp => new RegExp(`(["'\`])${placeholder}\\1`, 'g');

export function precache(serviceWorkerFile: string): Plugin {
  return {
    name: 'lawfit-precache',
    apply: 'build',
    // 'post': after Vite's own plugins have emitted index.html and the module worker's chunk.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const sw = bundle[serviceWorkerFile];
        if (sw === undefined || sw.type !== 'chunk') this.error(`precache: no service worker chunk '${serviceWorkerFile}' in the bundle`);
        const files = Object.keys(bundle)
          .filter((name) => name !== serviceWorkerFile && !name.endsWith('.map'))
          .sort();
        const hash = createHash('sha256');
        for (const name of files) {
          const out = bundle[name]!;
          hash.update(name);
          hash.update(out.type === 'chunk' ? out.code : out.source);
        }
        const list = ['./', ...files.map((f) => `./${f}`)];
        if (!quoted(PRECACHE_PLACEHOLDER).test(sw.code) || !quoted(VERSION_PLACEHOLDER).test(sw.code)) this.error('precache: the service worker lost its placeholders');
        sw.code = sw.code
          .replace(quoted(PRECACHE_PLACEHOLDER), JSON.stringify(list))
          .replace(quoted(VERSION_PLACEHOLDER), JSON.stringify(hash.digest('hex').slice(0, 16)));
      },
    },
  };
}
