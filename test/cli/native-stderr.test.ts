/**
 * Dawn's and Vulkan's native notices are kept off the CLI's stderr (issue 14, item 5): the line
 * filter itself, and the CLI run as a real process with --engine webgpu, where the notices come
 * from native code on fd 2 and only a child process with a piped stderr can drop them; Ctrl-C
 * still reaches the command exactly once through the parent.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isNativeNoise, StderrFilter, wantsNativeFilter } from '../../src/cli/native-stderr.js';
import { sharedFile } from '../support/shared-data.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');
const EPOCH = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const DAWN = [
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
  'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
];

describe('the stderr line filter', () => {
  test('drops the native notices however the bytes arrive, and passes everything else', () => {
    const text = `${DAWN[0]}\n${DAWN[1]}\nWARNING: lavapipe is not a conformant vulkan implementation, testing use only.\nlawfit fit: note: real message\nWarning: something Dawn has never said\nERROR: [Loader Message] a real loader error\n`;
    const expected = 'lawfit fit: note: real message\nWarning: something Dawn has never said\nERROR: [Loader Message] a real loader error\n';
    for (const size of [1, 7, 64, text.length]) {
      const f = new StderrFilter();
      let out = '';
      for (let i = 0; i < text.length; i += size) out += f.push(text.slice(i, i + size));
      expect(out + f.flush()).toBe(expected);
    }
  });

  test('a progress bar redraw (no line end) is passed on at once, not held back', () => {
    const f = new StderrFilter();
    expect(f.push('\rfit [###.......]  30%  1,200/4,000 fits')).toBe('\rfit [###.......]  30%  1,200/4,000 fits');
    expect(f.push('Warning: maxDyn')).toBe(''); // could still become a notice
    expect(f.push('amic... not quite\n')).toBe('Warning: maxDynamic... not quite\n');
  });

  test('CRLF line ends and the Vulkan loader info lines', () => {
    expect(isNativeNoise(`${DAWN[0]}\r`)).toBe(true);
    expect(isNativeNoise('INFO: [Loader Message] Code 0 : loader_scanned_icd_add: ICD /usr/lib/libvulkan_lvp.so')).toBe(true);
    expect(isNativeNoise('lawfit fit: error: bad')).toBe(false);
  });

  test('only the CLI with --engine webgpu is filtered, and LAWFIT_NATIVE_STDERR=1 turns it off', () => {
    expect(wantsNativeFilter(['fit', 'x.csv', '--engine', 'webgpu'], {})).toBe(true);
    expect(wantsNativeFilter(['fit', 'x.csv', '--engine=webgpu'], {})).toBe(true);
    expect(wantsNativeFilter(['fit', 'x.csv', '--engine', 'cpu'], {})).toBe(false);
    expect(wantsNativeFilter(['fit', 'x.csv', '--engine', 'webgpu'], { LAWFIT_NATIVE_STDERR: '1' })).toBe(false);
    expect(wantsNativeFilter(['fit', 'x.csv', '--engine', 'webgpu'], { LAWFIT_STDERR_FILTERED: '1' })).toBe(false);
  });
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], interruptOnFits = false): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    // SIGTERM first: the parent forwards it, so the command in its child ends too.
    const killer = setTimeout(() => child.kill('SIGTERM'), 150_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (interruptOnFits && !sent && /\s[1-9][\d,]*\/[\d,]+ fits/.test(stderr)) {
        sent = true;
        child.kill('SIGINT'); // to the parent only: it must forward it to the command, once
      }
    });
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(killer);
      done({ code, stdout, stderr });
    });
  });
}

describe('lawfit fit --engine webgpu as a real process', () => {
  const Q = ['--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss'];

  test('no Dawn or Vulkan notices on stderr (was: two Dawn warnings on every run); the report as usual', async () => {
    const r = await runCli(['fit', EPOCH, ...Q, '--starts', 'sobol:8', '--engine', 'webgpu']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[[Variables]]');
    expect(r.stderr).not.toMatch(/artificially reduced|not a conformant|Loader Message/);
    // On a machine without an adapter the one line lawfit itself prints about the fallback remains.
    for (const line of r.stderr.split('\n').filter((l) => l !== '')) expect(line).toMatch(/^lawfit|^webgpu|fall/i);
  }, 160_000);

  test('Ctrl-C sent to the CLI reaches the command once: one line, exit 130', async () => {
    const r = await runCli(['fit', EPOCH, ...Q, '--starts', 'sobol:20000', '--engine', 'webgpu', '--progress'], true);
    expect(r.code).toBe(130);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^lawfit fit: cancelled (after [\d,]+ of [\d,]+ fits|before the first fit finished); nothing written$/);
    expect(r.stderr).not.toMatch(/artificially reduced/);
  }, 160_000);
});
