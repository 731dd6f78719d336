/**
 * Packs what a bare x86-64 GPU machine needs to run the device benchmark (`npm run device:bundle`):
 *
 *   node.xz          this machine's Node binary (process.execPath), xz-compressed
 *   dawn.node.xz     Dawn's WebGPU bindings from node_modules/webgpu (linux-x64)
 *   bench.js         bench/device/bench.ts and everything it imports (src/, papaparse, the webgpu
 *                    loader...) in one ESM file by esbuild, the WGSL kernels inlined;
 *   pool-worker.js   the float64 pool's worker (src/fit/cpu/pool-worker.ts), beside it, where
 *                    pool.ts looks for it
 *   package.json     {"type": "module"}, so Node reads the two files as ESM
 *   libstdc++.so.6.xz  this machine's C++ runtime (dawn.node needs GLIBCXX_3.4.30, GCC 12's); run.sh
 *                    puts it on LD_LIBRARY_PATH only if Dawn fails to load against the system's
 *   libvulkan1_*.deb the Vulkan loader (Debian's, `apt-get download libvulkan1`): run.sh installs
 *                    it only where `ldconfig -p` finds none
 *   data/            the Epoch Chinchilla CSV (from ../shared/data, read in place; it travels in
 *                    this ignored bundle only, never in the repository) and its SOURCE.md
 *   run.sh           the script that unpacks and runs all this (bench/device/run.sh)
 *   manifest.json    versions, commit and sha256 of each file
 *
 * into .device/lawfit-device.tar (ignored by git; carried to the device machine by name), and copies
 * run.sh beside it. The compressed binaries are cached by their source's sha256 under
 * node_modules/.cache/lawfit-device, so a rebuild costs seconds; the first costs ~25 s of xz.
 *
 * Run: npm run device:bundle   (prints the bundle's size; fails above the 64 MiB a run may carry)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const outDir = resolve(root, '.device');
const cacheDir = resolve(root, 'node_modules/.cache/lawfit-device');
const stage = resolve(cacheDir, 'stage');
const bundlePath = resolve(outDir, 'lawfit-device.tar');
/** What one device run may carry, working tree included; the bundle must leave room for the tree. */
const CARRY_LIMIT = 64 * 2 ** 20;
const BUNDLE_LIMIT = 56 * 2 ** 20;

const log = (m: string): void => console.error(`device:bundle: ${m}`);
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** shaders-node.ts reads the WGSL files at run time next to src/; in the bundle they are inlined. */
const inlineShaders: Plugin = {
  name: 'inline-shaders',
  setup(b) {
    b.onLoad({ filter: /src[\\/]gpu[\\/]shaders-node\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      let inlined = 0;
      const contents = text.replace(/readFileSync\(new URL\('([^']+\.wgsl)', import\.meta\.url\), 'utf8'\)/g, (_, rel: string) => {
        inlined++;
        return JSON.stringify(readFileSync(resolve(dirname(args.path), rel), 'utf8'));
      });
      if (inlined === 0) throw new Error('inline-shaders: shaders-node.ts no longer reads its kernels the way this plugin expects; update bench/device/bundle.ts');
      return { contents, loader: 'ts' };
    });
  },
};

/** xz of `src` (level 3: 27 MB for Node in ~15 s; level 6 saves 3 MB for twice the time), cached by content. */
function compressed(src: string, name: string): string {
  const hash = sha256(src).slice(0, 16);
  const cached = resolve(cacheDir, `${name}.${hash}.xz`);
  if (!existsSync(cached)) {
    log(`compressing ${src} (${(statSync(src).size / 2 ** 20).toFixed(1)} MiB) with xz -3...`);
    execFileSync('sh', ['-c', `xz -T0 -3 -c "$1" > "$2.tmp" && mv "$2.tmp" "$2"`, 'sh', src, cached], { stdio: 'inherit' });
  }
  return cached;
}

/**
 * Debian's libvulkan1 .deb: downloaded with apt-get (cached), or, where apt has no package lists
 * (an offline machine, a CI image whose lists were cleaned), repacked with dpkg-deb from the
 * installed package's own files, so the bundle never depends on the network.
 */
function vulkanLoaderDeb(): string {
  const debs = (): string[] => readdirSync(cacheDir).filter((f) => /^libvulkan1_.*_amd64\.deb$/.test(f)).sort();
  if (debs().length === 0) {
    log('apt-get download libvulkan1 (amd64)...');
    try {
      execFileSync('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', 'libvulkan1:amd64'], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      log('apt-get download failed; repacking the installed libvulkan1 with dpkg-deb');
      const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libvulkan1:amd64'], { encoding: 'utf8' }).trim();
      const pkg = resolve(cacheDir, 'repack');
      rmSync(pkg, { recursive: true, force: true });
      mkdirSync(resolve(pkg, 'DEBIAN'), { recursive: true });
      for (const f of execFileSync('dpkg', ['-L', 'libvulkan1:amd64'], { encoding: 'utf8' }).split('\n')) {
        if (!f.startsWith('/usr/lib/')) continue;
        const st = lstatSync(f, { throwIfNoEntry: false });
        if (st === undefined || st.isDirectory()) continue;
        mkdirSync(resolve(pkg, `.${dirname(f)}`), { recursive: true });
        execFileSync('cp', ['-P', f, resolve(pkg, `.${f}`)]);
      }
      writeFileSync(resolve(pkg, 'DEBIAN/control'), `Package: libvulkan1\nVersion: ${version}\nArchitecture: amd64\nMaintainer: lawfit device bundle (repacked from the installed package)\nDescription: Vulkan loader library\n`);
      execFileSync('dpkg-deb', ['--root-owner-group', '--build', pkg, resolve(cacheDir, `libvulkan1_${version}_amd64.deb`)], { stdio: ['ignore', 'ignore', 'inherit'] });
      rmSync(pkg, { recursive: true, force: true });
    }
  }
  const have = debs();
  if (have.length === 0) throw new Error('no libvulkan1 .deb: apt-get download and the repack both failed');
  return resolve(cacheDir, have[have.length - 1]!);
}

mkdirSync(outDir, { recursive: true });
mkdirSync(cacheDir, { recursive: true });
rmSync(stage, { recursive: true, force: true });
mkdirSync(resolve(stage, 'data'), { recursive: true });

if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the device machine is linux-x64; this Node is ${process.platform}-${process.arch}, and its binary would not run there`);

await build({
  entryPoints: { bench: resolve(root, 'bench/device/bench.ts'), 'pool-worker': resolve(root, 'src/fit/cpu/pool-worker.ts') },
  outdir: stage,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies bundled into ESM call require() for Node's built-ins.
  banner: { js: "import { createRequire as __lawfitCreateRequire } from 'node:module'; const require = __lawfitCreateRequire(import.meta.url);" },
  plugins: [inlineShaders],
  logLevel: 'warning',
});
writeFileSync(resolve(stage, 'package.json'), '{ "type": "module" }\n');
copyFileSync(compressed(process.execPath, 'node'), resolve(stage, 'node.xz'));
copyFileSync(compressed(resolve(root, 'node_modules/webgpu/dist/linux-x64/dawn.node'), 'dawn.node'), resolve(stage, 'dawn.node.xz'));
const libstdcxx = realpathSync('/usr/lib/x86_64-linux-gnu/libstdc++.so.6');
copyFileSync(compressed(libstdcxx, 'libstdc++.so.6'), resolve(stage, 'libstdc++.so.6.xz'));
const deb = vulkanLoaderDeb();
copyFileSync(deb, resolve(stage, deb.split('/').pop()!));
const shared = resolve(root, '../shared/data/chinchilla-epoch');
for (const f of ['chinchilla_epoch_245.csv', 'SOURCE.md']) copyFileSync(resolve(shared, f), resolve(stage, 'data', f));
copyFileSync(resolve(root, 'bench/device/run.sh'), resolve(stage, 'run.sh'));

const git = (args: string[]): string => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};
const files = (dir: string, prefix = ''): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(resolve(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
const manifest = {
  built: new Date().toISOString(),
  commit: git(['rev-parse', 'HEAD']),
  dirty: git(['status', '--porcelain']) !== '',
  node: process.version,
  webgpu: (JSON.parse(readFileSync(resolve(root, 'node_modules/webgpu/package.json'), 'utf8')) as { version: string }).version,
  vulkanLoader: deb.split('/').pop(),
  files: Object.fromEntries(files(stage).sort().map((f) => [f, { bytes: statSync(resolve(stage, f)).size, sha256: sha256(resolve(stage, f)) }])),
};
writeFileSync(resolve(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

execFileSync('tar', ['-cf', `${bundlePath}.tmp`, '-C', stage, '.']);
execFileSync('mv', [`${bundlePath}.tmp`, bundlePath]);
copyFileSync(resolve(root, 'bench/device/run.sh'), resolve(outDir, 'run.sh'));
const size = statSync(bundlePath).size;
for (const [f, m] of Object.entries(manifest.files)) log(`  ${f.padEnd(36)} ${(m.bytes / 2 ** 20).toFixed(2).padStart(7)} MiB`);
console.log(`${bundlePath}: ${(size / 2 ** 20).toFixed(1)} MiB (${size} bytes; a device run carries at most ${CARRY_LIMIT / 2 ** 20} MiB, working tree included)`);
if (size > BUNDLE_LIMIT) {
  console.error(`device:bundle: the bundle is over ${BUNDLE_LIMIT / 2 ** 20} MiB, leaving too little of the ${CARRY_LIMIT / 2 ** 20} MiB for the working tree`);
  process.exit(1);
}
