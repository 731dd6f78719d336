/**
 * Outputs are checked before any work and never clobber what they must not (issue 14, item 1):
 * every repro of the "Data loss" list that does not need a real process (those are in
 * outputs-process.test.ts), run through the CLI in-process, and the write-as-a-set rule of
 * outputs.ts tested directly (a failure or a Ctrl-C before the commit leaves every old file as it was).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkOutputs, writeOutputSet } from '../../src/cli/outputs.js';
import { isCancelled } from '../../src/fit/control.js';
import { runCliCaptured as run } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const EPOCH = sharedFile('chinchilla-epoch/chinchilla_epoch_245.csv');
const Q = ['--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--starts', 'sobol:8', '--threads', '1'];
const root = mkdtempSync(join(tmpdir(), 'lawfit-outputs-'));
let n = 0;
/** A fresh directory with its own copy of the Epoch CSV (a temporary copy, outside the repo). */
function scratch(): { dir: string; data: string; bytes: Buffer } {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  const data = join(dir, 'in.csv');
  copyFileSync(EPOCH, data);
  return { dir, data, bytes: readFileSync(data) };
}
const noTemps = (dir: string): void => expect(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.tmp'))).toEqual([]);

/** Refused as bad input with one line and nothing fitted (no report printed). */
function expectRefused(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('an output that is an input is refused, whatever the path', () => {
  test('fit in.csv --out in.csv (was: the data file replaced by the artifact, exit 0)', async () => {
    const { data, bytes } = scratch();
    expectRefused(await run('fit', data, ...Q, '--out', data), /--out .*in\.csv: is an input of this run; writing there would replace it/);
    expect(readFileSync(data).equals(bytes)).toBe(true);
  });

  test('through a symlink to the input, a hard link, or the input read through a symlink', async () => {
    const { dir, data, bytes } = scratch();
    const soft = join(dir, 'soft.csv');
    const hard = join(dir, 'hard.csv');
    symlinkSync(data, soft);
    linkSync(data, hard);
    expectRefused(await run('fit', data, ...Q, '--out', soft), /--out .*soft\.csv: is an input of this run/);
    expectRefused(await run('fit', data, ...Q, '--out', hard), /--out .*hard\.csv: is an input of this run/);
    expectRefused(await run('fit', soft, ...Q, '--out', data), /--out .*in\.csv: is an input of this run/);
    expect(readFileSync(data).equals(bytes)).toBe(true);
    expect(lstatSync(soft).isSymbolicLink()).toBe(true);
  });

  test('compare and chain --out the input; plot --out DIR over the data it re-reads', async () => {
    const { dir, data, bytes } = scratch();
    expectRefused(
      await run('compare', data, '--laws', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--holdout', 'top:2:N_params', '--out', data),
      /lawfit compare: error: --out .*: is an input of this run/,
    );
    expectRefused(
      await run('chain', data, '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--then', 'power', '--then-x', 'x=@', '--then-y', 'loss', '--at', 'N=1e9,D=2e10', '--out', data),
      /lawfit chain: error: --out .*: is an input of this run/,
    );
    // A fit whose plot directory holds its data under a plot's name: `plot` must not draw over it.
    const plots = join(dir, 'plots');
    mkdirSync(plots);
    const inPlots = join(plots, 'fit.svg');
    copyFileSync(data, inPlots);
    const art = join(dir, 'a.json');
    expect((await run('fit', inPlots, ...Q, '--format', 'csv', '--out', art, '--quiet')).code).toBe(0);
    expectRefused(await run('plot', art, '--out', plots), /lawfit plot: error: --out .*fit\.svg: is an input of this run/);
    expect(readFileSync(inPlots).equals(bytes)).toBe(true);
  });
});

describe('outputs that are not regular files are refused', () => {
  test('--out /dev/full (was: the device node replaced by a regular file as root, exit 0)', async () => {
    const { data } = scratch();
    expectRefused(await run('fit', data, ...Q, '--out', '/dev/full'), /--out \/dev\/full: is a device; lawfit writes its outputs only to regular files/);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  test('a FIFO, a directory, a dangling symlink', async () => {
    const { dir, data } = scratch();
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expectRefused(await run('fit', data, ...Q, '--out', fifo), /--out .*fifo: is a FIFO/);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expectRefused(await run('fit', data, ...Q, '--out', dir), /--out .*: is a directory; give a file name/);
    const dangling = join(dir, 'dangling.json');
    symlinkSync(join(dir, 'nowhere.json'), dangling);
    expectRefused(await run('fit', data, ...Q, '--out', dangling), /--out .*dangling\.json: is a symbolic link to a file that does not exist/);
  });

  test('--plots FILE is refused up front, before --out is written (was: after)', async () => {
    const { dir, data } = scratch();
    const notDir = join(dir, 'plots.txt');
    writeFileSync(notDir, 'mine');
    const out = join(dir, 'o.json');
    expectRefused(await run('fit', data, ...Q, '--out', out, '--plots', notDir), /--plots .*plots\.txt: is a file, not a directory/);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(notDir, 'utf8')).toBe('mine');
  });

  test('a plot file inside --plots DIR that is a FIFO is refused up front', async () => {
    const { dir, data } = scratch();
    const plots = join(dir, 'plots');
    mkdirSync(plots);
    expect(spawnSync('mkfifo', [join(plots, 'residuals.svg')]).status).toBe(0);
    expectRefused(await run('fit', data, ...Q, '--plots', plots), /--plots .*residuals\.svg: is a FIFO/);
  });
});

describe('directories are checked before fitting', () => {
  test('--out /nonexistent/x.json fails at once, not after the fit (was: after 19 s)', async () => {
    const { data } = scratch();
    expectRefused(await run('fit', data, ...Q, '--out', '/nonexistent/x.json'), /--out \/nonexistent\/x\.json: the directory \/nonexistent does not exist/);
  });

  test('--plots under a file: refused; --plots a/b/c under a writable directory: created at the end', async () => {
    const { dir, data } = scratch();
    expectRefused(await run('fit', data, ...Q, '--plots', join(data, 'plots')), /--plots .*: .*in\.csv is not a directory/);
    const deep = join(dir, 'a', 'b', 'c');
    const r = await run('fit', data, ...Q, '--plots', deep);
    expect(r.code).toBe(0);
    expect(readdirSync(deep).sort()).toEqual(['fit.svg', 'frontier.svg', 'residuals.svg']);
    noTemps(dir);
  });

  test.skipIf(process.getuid?.() === 0)('an unwritable directory is refused before fitting (not checkable as root)', async () => {
    const { dir, data } = scratch();
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    expectRefused(await run('fit', data, ...Q, '--out', join(ro, 'o.json')), /the directory .*ro is not writable/);
  });

  test('demo: --out and --write-data naming one file are refused before the fit', async () => {
    const { dir } = scratch();
    const same = join(dir, 'same.csv');
    expectRefused(await run('demo', '--out', same, '--write-data', same), /--write-data .*same\.csv and --out .*same\.csv name the same file/);
  });
});

describe('symlinked outputs are written through (the documented choice)', () => {
  test('the link stays a link; the file it points to is replaced atomically', async () => {
    const { dir, data } = scratch();
    const target = join(dir, 'target.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    const r = await run('fit', data, ...Q, '--out', link);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${link}`);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).format).toBe('lawfit-fit');
    noTemps(dir);
  });
});

describe('every output of a run is written as one set (outputs.ts)', () => {
  async function plan(dir: string) {
    const out = join(dir, 'o.json');
    const plots = join(dir, 'plots');
    mkdirSync(plots);
    writeFileSync(out, 'OLD');
    writeFileSync(join(plots, 'fit.svg'), 'OLD');
    return { out, plots, plan: await checkOutputs([{ flag: '--out', path: out, kind: 'file' }, { flag: '--plots', path: plots, kind: 'dir', files: ['fit.svg', 'residuals.svg'] }], []) };
  }
  const io = { out: () => undefined, err: () => undefined };

  test('a failure after some outputs were staged leaves every old output as it was, and no temporary file', async () => {
    const { dir } = scratch();
    const { out, plots, plan: p } = await plan(dir);
    await expect(
      writeOutputSet(p, 'fit', io, async (put) => {
        await put('--out', 'NEW');
        await put('--plots', 'NEW', 'fit.svg');
        throw new Error('rendering failed');
      }),
    ).rejects.toThrow('rendering failed');
    expect(readFileSync(out, 'utf8')).toBe('OLD');
    expect(readFileSync(join(plots, 'fit.svg'), 'utf8')).toBe('OLD');
    expect(existsSync(join(plots, 'residuals.svg'))).toBe(false);
    noTemps(dir);
  });

  test('Ctrl-C while the outputs are written: cancelled, nothing replaced (was: artifact replaced, some plots written, exit 130)', async () => {
    const { dir } = scratch();
    const { out, plots, plan: p } = await plan(dir);
    const err = await writeOutputSet(p, 'fit', io, async (put) => {
      await put('--out', 'NEW');
      process.emit('SIGINT', 'SIGINT'); // what the signal's arrival runs: the handler outputs.ts installs
      await put('--plots', 'NEW', 'fit.svg');
    }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect((err as Error).message).toBe('cancelled while writing the outputs; nothing written (every earlier output is as it was)');
    expect(readFileSync(out, 'utf8')).toBe('OLD');
    expect(readFileSync(join(plots, 'fit.svg'), 'utf8')).toBe('OLD');
    noTemps(dir);
  });

  test('a directory made for a failed run is removed again', async () => {
    const { dir } = scratch();
    const plots = join(dir, 'new', 'plots');
    const p = await checkOutputs([{ flag: '--plots', path: plots, kind: 'dir', files: ['fit.svg'] }], []);
    await expect(writeOutputSet(p, 'fit', io, async (put) => {
      await put('--plots', 'NEW', 'fit.svg');
      throw new Error('stop');
    })).rejects.toThrow('stop');
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  test('all staged, then all renamed: the new set, and no temporary file', async () => {
    const { dir } = scratch();
    const { out, plots, plan: p } = await plan(dir);
    const written = await writeOutputSet(p, 'fit', io, async (put) => {
      await put('--out', 'NEW');
      await put('--plots', 'NEW', 'fit.svg');
      await put('--plots', 'NEW', 'residuals.svg');
    });
    expect(written.map((w) => w.flag)).toEqual(['--out', '--plots', '--plots']);
    expect([readFileSync(out, 'utf8'), readFileSync(join(plots, 'fit.svg'), 'utf8'), readFileSync(join(plots, 'residuals.svg'), 'utf8')]).toEqual(['NEW', 'NEW', 'NEW']);
    noTemps(dir);
  });
});
