/**
 * Ctrl-C as users meet it: the CLI, spawned as a child process with --progress (so the bar shows
 * on a non-terminal stderr and the test can see the run has started), receives SIGINT mid-run,
 * prints one line saying how far it got, exits 130, and writes no artifact nor any temporary
 * file. Both ways fits run: worker threads (fit, 2 threads) and slices on the main thread
 * (demo --threads 1, where the signal only gets through because the slices yield).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { chinchillaLadder, ladderCsv } from '../../src/examples/chinchilla-ladder.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Stderr when the first SIGINT was sent. */
  stderrAtSigint: string;
}

/** Run the CLI from source; send SIGINT (and `extra` more) once stderr shows fits finished. */
function runAndInterrupt(args: string[], extra = 0): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stderrAtSigint = '';
    let sent = false;
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // A progress line with at least one fit done: the run is under way.
      if (!sent && /(^|\n)[a-z0-9 ]+ \[[#.]+\]\s+\d+%  [1-9][\d,]*\/[\d,]+ fits/.test(stderr)) {
        sent = true;
        stderrAtSigint = stderr;
        child.kill('SIGINT');
        for (let k = 0; k < extra; k++) child.kill('SIGINT');
      }
    });
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      done({ code, signal, stdout, stderr, stderrAtSigint });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'lawfit-cancel-'));
const ladder = join(dir, 'ladder.csv');
writeFileSync(ladder, ladderCsv(chinchillaLadder()));

describe('Ctrl-C', () => {
  test('lawfit fit (worker threads): one line, exit 130, no artifact', async () => {
    const out = join(dir, 'fit.json');
    const r = await runAndInterrupt(['fit', ladder, '--law', 'chinchilla', '--x', 'N=N,D=D', '--y', 'loss', '--starts', 'sobol:20000', '--threads', '2', '--progress', '--out', out]);
    expect(r.stderrAtSigint).not.toBe('');
    expect(r.code).toBe(130);
    const last = r.stderr.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^lawfit fit: cancelled after [\d,]+ of 20,000 fits; nothing written$/);
    expect(r.stdout).not.toContain('[[Variables]]');
    expect(readdirSync(dir).sort()).toEqual(['ladder.csv']);
  }, 120_000);

  test('lawfit demo (main-thread slices), twice Ctrl-C: exits 130 at once, writes nothing', async () => {
    const out = join(dir, 'demo.json');
    const data = join(dir, 'demo.csv');
    const r = await runAndInterrupt(['demo', '--threads', '1', '--bootstrap', '2000', '--progress', '--out', out, '--write-data', data], 1);
    expect(r.stderrAtSigint).not.toBe('');
    expect(r.code).toBe(130);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^lawfit demo: cancelled (after [\d,]+ of [\d,]+ fits|before the first fit finished); nothing written$/);
    expect(readdirSync(dir).sort()).toEqual(['ladder.csv']);
  }, 120_000);

  test('lawfit demo (main-thread slices), once: stops at the next slice with the same line', async () => {
    const out = join(dir, 'demo.json');
    const r = await runAndInterrupt(['demo', '--threads', '1', '--bootstrap', '2000', '--progress', '--out', out]);
    expect(r.code).toBe(130);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^lawfit demo: cancelled after [\d,]+ of [\d,]+ fits; nothing written$/);
    expect(readdirSync(dir).sort()).toEqual(['ladder.csv']);
  }, 120_000);
});
