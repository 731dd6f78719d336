/**
 * The library as a user meets it: `npm pack` of a fresh build, the tarball installed into an empty project, and
 * every example of the README's library section (extracted from README.md, so the two cannot
 * drift) type-checked against the installed declarations and run through the installed package.
 * Dependencies come through npm's ordinary install (`--prefer-offline`: from the local cache when
 * it has them, else the registry).
 *
 * The GPU example runs on a WebGPU adapter when there is one; in CI (CI=true) it must have run on
 * one (lavapipe), never on the CPU fallback.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HOFFMANN_TRUTH as H } from '../src/examples/chinchilla-ladder.js';
import { STEP_LAW_TRUTH } from '../src/examples/hp-sweep.js';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '..');
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** The README's examples: each `<!-- example: NAME -->` followed by a ```ts block. */
function readmeExamples(): Map<string, string> {
  const text = readFileSync(join(REPO, 'README.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/<!-- example: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)) out.set(m[1]!, m[2]!);
  return out;
}

const examples = readmeExamples();
let dir = '';
let project = '';
const outputs = new Map<string, string>();

async function sh(cmd: string, args: string[], cwd: string, timeout = 240_000): Promise<string> {
  try {
    const r = await run(cmd, args, { cwd, timeout, maxBuffer: 64 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } });
    return `${r.stdout}${r.stderr}`;
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${x.message}\n${x.stdout ?? ''}${x.stderr ?? ''}`);
  }
}

/** "name = value  95 % [lo, hi]" lines of a bootstrap example. */
function intervals(out: string): Map<string, { value: number; lo: number; hi: number }> {
  const m = new Map<string, { value: number; lo: number; hi: number }>();
  for (const x of out.matchAll(/^(\w+) = (\S+)\s+95 % \[(\S+), (\S+)\]$/gm)) m.set(x[1]!, { value: Number(x[2]), lo: Number(x[3]), hi: Number(x[4]) });
  return m;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lawfit-install-'));
  // The package is staged and built outside the repository (what `npm run build` does, into the
  // stage's dist/), so the repository's own dist/ is never rewritten under a test that runs it;
  // `npm pack` then packs the stage by package.json's "files" as it would pack the repository.
  const stage = join(dir, 'stage');
  await sh('mkdir', ['-p', stage], dir);
  await sh('cp', ['-r', join(REPO, 'package.json'), join(REPO, 'README.md'), join(REPO, 'shaders'), stage], dir);
  await sh(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], REPO);
  await sh('chmod', ['0755', join(stage, 'dist/cli/main.js')], dir);
  await sh(process.execPath, [join(REPO, 'scripts/bundle-cli.mjs'), join(stage, 'dist/bin')], REPO);
  await sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], stage);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`);
  project = join(dir, 'project');
  await sh('mkdir', ['-p', project], dir);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'lawfit-install-check', private: true, type: 'module' }, null, 2));
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], project);
  // A user's strict Node project. skipLibCheck as `tsc --init` sets it: the DOM typings that
  // vega-typings and @webgpu/types need clash with each other's WebGPU declarations under
  // TypeScript 7. lawfit's own declarations still give the examples real types (a wrong type or
  // a missing name in an example fails this check).
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(REPO, 'node_modules/@types')],
      },
      include: ['*.ts'],
    }),
  );
  for (const [name, code] of examples) writeFileSync(join(project, `${name}.ts`), code);
}, 300_000);

afterAll(async () => {
  // The installed project holds Dawn's native module (about 130 MB): removing it takes a while.
  if (dir !== '') await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('the packed package, installed into an empty project', () => {
  test('the README has an example for each job of the library', () => {
    expect([...examples.keys()]).toEqual(['hpopt', 'fit', 'bootstrap', 'gpu-bootstrap', 'compare', 'chain', 'optimal-predict']);
    for (const code of examples.values()) expect(code).toMatch(/from 'lawfit';/);
  });

  test("the kernel templates are reachable as 'lawfit/shaders/*' (what a bundler passes as ShaderSources)", async () => {
    const code = "console.log(import.meta.resolve('lawfit/shaders/lm_thread.wgsl'), import.meta.resolve('lawfit/shaders/lm_group.wgsl'))";
    const out = await sh(process.execPath, ['--input-type=module', '-e', code], project);
    expect(out).toMatch(/node_modules\/lawfit\/shaders\/lm_thread\.wgsl .*node_modules\/lawfit\/shaders\/lm_group\.wgsl/);
  });

  // The command line is the bundle of scripts/bundle-cli.mjs: its worker pool (--threads 2), its
  // external plotting packages (--plots) and its artifact reader (report) must all resolve from
  // the installed package, through the bin link npm made.
  test('the lawfit command runs from the installed package', async () => {
    const bin = join(project, 'node_modules/.bin/lawfit');
    expect((await sh(bin, ['--version'], project)).trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    const fit = await sh(bin, ['demo', '--threads', '2', '--out', 'demo.json', '--plots', 'demo-plots'], project);
    expect(fit).toMatch(/engine: float64 CPU, 2 threads/);
    expect(fit).toMatch(/^wrote \d+ plots to demo-plots: fit\.svg/m);
    expect(readFileSync(join(project, 'demo-plots/fit.svg'), 'utf8')).toMatch(/^<svg/);
    expect(await sh(bin, ['report', 'demo.json'], project)).toContain('[[Fit Statistics]]');
  }, 300_000);

  test('every example type-checks against the installed declarations', async () => {
    const tsc = join(REPO, 'node_modules/.bin/tsc');
    await sh(tsc, ['-p', join(project, 'tsconfig.json')], project);
  }, 120_000);

  // Each example runs as a user would run it, through tsx, resolving 'lawfit' to node_modules/lawfit.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  for (const name of examples.keys()) {
    test(`the '${name}' example runs from the installed package`, async () => {
      const out = await sh(process.execPath, ['--import', tsx, `${name}.ts`], project);
      outputs.set(name, out);
      console.log(`---- README example '${name}', run from the installed package ----\n${out}`);
      check(name, out);
    }, 300_000);
  }
});

function check(name: string, out: string): void {
  switch (name) {
    case 'fit': {
      expect(out).toMatch(/^(converged-\w+|stalled): [1-9]\d* of 4,?500 starts reached the best$/m);
      const E = Number(/^E = (\S+) ±/m.exec(out)?.[1]);
      const beta = Number(/^beta = (\S+) ±/m.exec(out)?.[1]);
      expect(Math.abs(E / H.E - 1)).toBeLessThan(0.05);
      expect(Math.abs(beta / H.beta - 1)).toBeLessThan(0.1);
      break;
    }
    case 'bootstrap':
    case 'gpu-bootstrap': {
      const fitted = Number(/^(\d+) of 200 replicates fitted$/m.exec(out)?.[1]);
      expect(fitted).toBeGreaterThanOrEqual(195);
      const iv = intervals(out);
      expect([...iv.keys()]).toEqual(['A', 'B', 'E', 'alpha', 'beta']);
      for (const [p, q] of iv) {
        expect(q.lo, p).toBeLessThan(q.hi);
        expect(q.value, p).toBeGreaterThan(q.lo);
        expect(q.value, p).toBeLessThan(q.hi);
      }
      expect(iv.get('E')!.lo).toBeLessThan(H.E);
      expect(iv.get('E')!.hi).toBeGreaterThan(H.E);
      if (name === 'gpu-bootstrap') {
        const engine = /^engine: (.*)$/m.exec(out)?.[1] ?? '';
        if (IN_CI) expect(engine, 'in CI the GPU example must run on a WebGPU adapter').toMatch(/^WebGPU f32 on /);
        // The same seed and replicates as the CPU example: the full fit, finished in float64, is
        // the same optimum, and the intervals agree to the f32 engine's replicate precision.
        const cpu = intervals(outputs.get('bootstrap') ?? '');
        if (cpu.size > 0) {
          for (const [p, q] of iv) {
            const c = cpu.get(p)!;
            expect(Math.abs(q.value / c.value - 1), `${p} estimate`).toBeLessThan(1e-4);
            expect(Math.abs(q.lo / c.lo - 1), `${p} lower bound`).toBeLessThan(0.05);
            expect(Math.abs(q.hi / c.hi - 1), `${p} upper bound`).toBeLessThan(0.05);
          }
        }
      }
      break;
    }
    case 'compare': {
      const rows = [...out.matchAll(/^([\w-]+): held-out error (\S+) %, AIC (\S+)$/gm)].map((m) => ({ law: m[1]!, error: Number(m[2]), aic: Number(m[3]) }));
      expect(rows.map((r) => r.law).sort()).toEqual(['chinchilla', 'chinchilla-tied', 'power']);
      // Drawn from a Chinchilla law with 1 % noise: a two-term law ranks first, within a few per cent.
      expect(rows[0]!.law).toMatch(/^chinchilla/);
      expect(rows[0]!.error).toBeLessThan(3);
      expect(rows.map((r) => r.error)).toEqual([...rows.map((r) => r.error)].sort((a, b) => a - b));
      break;
    }
    case 'chain': {
      const m = /^loss (\S+), error (\S+), chain band \[(\S+), (\S+)\]$/m.exec(out);
      expect(m).not.toBeNull();
      const [loss, err, lo, hi] = m!.slice(1).map(Number) as [number, number, number, number];
      const trueLoss = H.E + H.A / 7e10 ** H.alpha + H.B / 1.4e12 ** H.beta;
      expect(Math.abs(loss / trueLoss - 1)).toBeLessThan(0.03);
      expect(Math.abs(err / (0.9 - 2 * Math.exp(-trueLoss)) - 1)).toBeLessThan(0.05);
      expect(lo).toBeLessThan(err);
      expect(hi).toBeGreaterThan(err);
      break;
    }
    case 'optimal-predict': {
      const a = /^a = (\S+) \[(\S+), (\S+)\]$/m.exec(out)!.slice(1).map(Number) as [number, number, number];
      expect(Math.abs(a[0] - H.beta / (H.alpha + H.beta))).toBeLessThan(0.05);
      expect(a[1]).toBeLessThan(a[0]);
      expect(a[2]).toBeGreaterThan(a[0]);
      expect(out).toMatch(/^at C = 5\.88e23: N_opt = \d\.\d{3}e\+\d+, D_opt = \d\.\d{3}e\+\d+, L_opt = \d\.\d{4}$/m);
      expect(out).toMatch(/^budget for L = 2\.0: \d\.\d{3}e\+\d+ FLOPs$/m);
      const p = /^L\(N = 7e10, D = 1\.4e12\) = (\S+), prediction band \[(\S+), (\S+)\]$/m.exec(out)!.slice(1).map(Number) as [number, number, number];
      const truth = H.E + H.A / 7e10 ** H.alpha + H.B / 1.4e12 ** H.beta;
      expect(Math.abs(p[0] / truth - 1)).toBeLessThan(0.03);
      expect(p[1]).toBeLessThan(p[0]);
      expect(p[2]).toBeGreaterThan(p[0]);
      break;
    }
    case 'hpopt': {
      // A synthetic sweep drawn from Step Law's published laws: each bootstrap interval contains
      // the true exponent, and the predictions at (7e9, 1e12) are near the true laws there.
      const rows = [...out.matchAll(/^(lr|bs) exponent of (N|D) = (\S+)  95 % \[(\S+), (\S+)\]$/gm)].map((m) => ({ hp: m[1] as 'lr' | 'bs', input: m[2] as 'N' | 'D', value: Number(m[3]), lo: Number(m[4]), hi: Number(m[5]) }));
      expect(rows.map((r) => `${r.hp} ${r.input}`)).toEqual(['lr N', 'lr D', 'bs D']);
      for (const r of rows) {
        const truth = STEP_LAW_TRUTH[r.hp][r.input];
        expect(r.lo, `${r.hp} ${r.input}`).toBeLessThan(truth);
        expect(r.hi, `${r.hp} ${r.input}`).toBeGreaterThan(truth);
        expect(Math.abs(r.value - truth), `${r.hp} ${r.input}`).toBeLessThan(0.05);
      }
      for (const hp of ['lr', 'bs'] as const) {
        const got = Number(new RegExp(`^${hp}\\* at N = 7e9, D = 1e12: (\\S+)$`, 'm').exec(out)?.[1]);
        const t = STEP_LAW_TRUTH[hp];
        expect(Math.abs(got / (t.c * 7e9 ** t.N * 1e12 ** t.D) - 1), `${hp}*`).toBeLessThan(0.15);
      }
      break;
    }
    default:
      throw new Error(`no check for the README example '${name}': add one`);
  }
}
