/**
 * Vite build of the browser app: static files in app/dist (git-ignored), the page's module worker
 * bundled as an ES module, and a service worker (src/sw.ts, emitted at /sw.js) whose precache
 * list and cache version are written in at build time by the `precache` plugin below, so the list
 * can never drift from what the build produced.
 *
 * `npm run build:app` builds; `npm run app` builds and serves app/dist with `vite preview`.
 * The `webgpu` package (Dawn's Node bindings, imported lazily by src/gpu/device.ts only under Node)
 * must never be bundled: in a browser the engine uses navigator.gpu.
 */
import { defineConfig } from 'vite';
import { precache } from './precache-plugin.js';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  worker: { format: 'es', rollupOptions: { external: ['webgpu'] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // vega and vega-lite are large; one chunk of a few MB is expected and cached by the service worker.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      external: ['webgpu'],
      input: { index: 'index.html', sw: 'src/sw.ts' },
      // The service worker must sit at a fixed URL beside index.html so its scope covers the app.
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  plugins: [precache('sw.js')],
  preview: { host: '127.0.0.1', port: 4173 },
});
