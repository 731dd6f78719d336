/**
 * The two output repros that need a real process (issue 14, item 1): a closed stdout (EPIPE) and a
 * real SIGINT while the outputs are being written. The CLI runs from source as a child process,
 * as in cancel.test.ts.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sharedFile } from '../support/shared-data.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');
const EPOCH = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const Q = ['--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8', '--threads', '2', '--no-progress'];
const root = mkdtempSync(join(tmpdir(), 'lawfit-outputs-process-'));
const temps = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the CLI; on its first stdout bytes either close the pipe (as `| head -1` does) or send
 * SIGINT. The report is printed in one write before any output is written, so the first bytes
 * come just before the write phase.
 */
function runWith(args: string[], onFirstOutput: 'close-stdout' | 'sigint'): Promise<Outcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let acted = false;
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (acted) return;
      acted = true;
      if (onFirstOutput === 'close-stdout') child.stdout.destroy();
      else child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(killer);
      done({ code, stdout, stderr });
    });
  });
}

describe('a closed stdout stops printing, never the writing of files', () => {
  test('fit ... --out o.json --plots DIR | head -1: exit 0, the artifact and every plot written, no temporary file (was: exit 0 mid-command, nothing written, a 0-byte temp file)', async () => {
    const dir = join(root, 'epipe');
    mkdirSync(dir);
    const data = join(dir, 'in.csv');
    copyFileSync(EPOCH, data);
    const out = join(dir, 'o.json');
    const plots = join(dir, 'plots');
    const r = await runWith(['fit', data, ...Q, '--bootstrap', '20', '--out', out, '--plots', plots], 'close-stdout');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const art = JSON.parse(readFileSync(out, 'utf8'));
    expect(art.format).toBe('lawfit-fit');
    expect(art.summary.bootstrap.replicates).toBe(20);
    expect(readdirSync(plots).sort()).toEqual(['bootstrap-histograms.svg', 'bootstrap-pairs.svg', 'fit.svg', 'frontier.svg', 'residuals.svg']);
    expect(temps(dir)).toEqual([]);
  }, 150_000);
});

describe('SIGINT while the outputs are written', () => {
  test('exit 130 with one line; the old artifact and plots are as they were; no temporary file (was: artifact replaced, some plots written, silent 130)', async () => {
    const dir = join(root, 'sigint');
    const plots = join(dir, 'plots');
    mkdirSync(plots, { recursive: true });
    const data = join(dir, 'in.csv');
    copyFileSync(EPOCH, data);
    const out = join(dir, 'o.json');
    writeFileSync(out, 'OLD ARTIFACT');
    writeFileSync(join(plots, 'fit.svg'), 'OLD PLOT');
    // 200 replicates: the pairs plot has thousands of marks, so the write phase lasts long
    // enough (hundreds of ms of rendering) for the signal to land inside it.
    const r = await runWith(['fit', data, ...Q, '--bootstrap', '200', '--out', out, '--plots', plots], 'sigint');
    expect(r.stdout).toContain('[[Variables]]');
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('lawfit fit: cancelled while writing the outputs; nothing written (every earlier output is as it was)\n');
    expect(readFileSync(out, 'utf8')).toBe('OLD ARTIFACT');
    expect(readdirSync(plots)).toEqual(['fit.svg']);
    expect(readFileSync(join(plots, 'fit.svg'), 'utf8')).toBe('OLD PLOT');
    expect(temps(dir)).toEqual([]);
    expect(existsSync(join(dir, 'in.csv'))).toBe(true);
  }, 150_000);
});
