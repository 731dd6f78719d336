/**
 * The `lawfit` command as users run it (package.json "bin"): src/cli/main.ts and the pool's worker
 * bundled by esbuild into dist/bin/, one ESM file per entry plus the chunks they share, so a command
 * loads a handful of files instead of ~110 modules (Node resolves, stats and compiles each: ~50 ms of
 * every run's start-up, measured in bench/results/projection.md). Each command's module stays a chunk
 * of its own (main.ts imports them dynamically), so a command loads only what it needs.
 *
 * Kept external, loaded from node_modules when a command needs them: vega and vega-lite (drawing
 * plots), zod (reading an artifact back), webgpu (its native addon cannot be bundled). papaparse and
 * pure-rand, needed by every fit, are bundled.
 *
 * Layout contract with the sources: pool.ts starts its worker at './pool-worker.js' beside itself,
 * so the worker is an entry named pool-worker in the same directory as the chunks; shaders-node.ts
 * reads '../../shaders/*.wgsl', which from dist/bin/ is the package's shaders/, as from dist/gpu/.
 *
 * Run by `npm run build` after tsc (which still writes dist/ for the library and its types).
 * `node scripts/bundle-cli.mjs DIR` writes the bundle into DIR instead (test/package-install.test.ts).
 */
import { chmodSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const outdir = resolve(process.argv[2] ?? resolve(root, 'dist/bin'));
rmSync(outdir, { recursive: true, force: true }); // no stale chunks of an earlier build
await build({
  absWorkingDir: root,
  entryPoints: { lawfit: 'src/cli/main.ts', 'pool-worker': 'src/fit/cpu/pool-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: '[name]-[hash]',
  external: ['vega', 'vega-lite', 'zod', 'webgpu'],
  sourcemap: true,
  logLevel: 'warning',
});
chmodSync(resolve(outdir, 'lawfit.js'), 0o755);
