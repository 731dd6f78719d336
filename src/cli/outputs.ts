/**
 * A run's output files, checked before any work and written as one set at the end.
 *
 * Before (checkOutputs, called right after the flags are read, before data are loaded or fitted):
 * - a file output (--out, --write-data) must be a regular file or not exist yet, in a directory
 *   that exists and is writable; a directory, device, FIFO or socket is refused (an atomic rename
 *   would otherwise replace /dev/full with a plain file), and so is any input of the run, compared
 *   by device and inode, so `--out in.csv`, a hard link or a symlink to it all count;
 * - a symbolic link is written through, knowingly: the link is kept and the file it points to is
 *   replaced atomically (the temporary file goes beside the target, where the rename is atomic).
 *   A dangling link is refused rather than guessed at;
 * - a directory output (--plots DIR, plot --out DIR) must be a directory or not exist yet (then
 *   its nearest existing parent must be a writable directory: DIR is created at the end); a
 *   regular file there is refused up front, and every plot file it may receive is checked as a
 *   file output;
 * - no two outputs may name the same file.
 *
 * After (writeOutputSet): every file is rendered, written to a temporary file beside its target
 * and flushed; only when all of them are written are they renamed into place, one after another
 * in one synchronous stretch that no signal handler can interrupt. A failure or a Ctrl-C before
 * that removes the temporary files (and any directory made for them) and leaves every old output
 * as it was: a run never leaves half a set. A second Ctrl-C cleans up and exits at once.
 */
import { mkdir, realpath, stat, lstat, access, open, rmdir } from 'node:fs/promises';
import { constants, renameSync, unlinkSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { LawfitError } from '../errors.js';
import { cancelledError } from '../fit/control.js';
import { EXIT, type Io } from './io.js';

export interface OutputRequest {
  /** The flag, for messages: '--out', '--plots', '--write-data'. */
  flag: string;
  /** The path as the user gave it. */
  path: string | undefined;
  kind: 'file' | 'dir';
  /** kind 'dir': every file name the run may write into it. */
  files?: readonly string[];
}

interface CheckedOutput {
  flag: string;
  path: string;
  kind: 'file' | 'dir';
  /** kind 'file': the file to replace (a symlink's target). kind 'dir': name → target. */
  target: string;
  files: Map<string, string>;
}

export interface OutputPlan {
  outputs: CheckedOutput[];
  /** Holds Ctrl-C from the check to the commit (SigintGuard); absent for a plan without outputs. */
  guard?: SigintGuard;
}

/**
 * Ctrl-C from the moment the outputs are checked until they are all in place. Held for the whole
 * stretch, not only while writing: between the end of the fit (run-control.ts lets its handler go)
 * and the first file, a signal with no handler would kill the process by the default action,
 * silently. While a run's own handler is installed (run-control.ts: "cancelled after 12 of 40
 * fits"), that handler is in charge and this one only notes the signal; otherwise the first
 * Ctrl-C makes the write phase stop before it renames anything, and a second exits at once,
 * removing any temporary file first.
 */
export class SigintGuard {
  interrupted = false;
  writing = false;
  readonly staged: Staged[] = [];
  private readonly handler = (): void => this.onSigint();

  constructor(
    private readonly command: string,
    private readonly io: Io,
  ) {
    process.on('SIGINT', this.handler);
    ACTIVE_GUARDS.add(this);
  }

  removeTemps(): void {
    for (const s of this.staged.splice(0)) {
      try {
        unlinkSync(s.tmp);
      } catch {
        // Already gone.
      }
    }
  }

  private onSigint(): void {
    const first = !this.interrupted;
    this.interrupted = true;
    // A run's own handler is installed (the fit is running): it decides.
    if (!this.writing && process.listenerCount('SIGINT') > 1) return;
    if (first) return;
    this.removeTemps();
    this.io.err(`lawfit ${this.command}: cancelled ${this.writing ? 'while writing the outputs' : 'before the outputs were written'}; nothing written\n`);
    process.exit(EXIT.CANCELLED);
  }

  release(): void {
    process.off('SIGINT', this.handler);
    ACTIVE_GUARDS.delete(this);
  }
}

const ACTIVE_GUARDS = new Set<SigintGuard>();

/** Let every guard go (main.ts, when a command ends however it ends). */
export function releaseOutputGuards(): void {
  for (const g of [...ACTIVE_GUARDS]) g.release();
}

type FileId = { dev: number; ino: number };

async function statOrUndefined(path: string, follow: boolean): Promise<Stats | undefined> {
  try {
    return follow ? await stat(path) : await lstat(path);
  } catch (e) {
    // ENOTDIR: a part of the path is a file; the parent check then says which.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

function kindOf(st: Stats): string {
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The directory a file is written into must exist and be writable. */
async function checkWritableDir(say: (d: string) => LawfitError, dir: string): Promise<void> {
  const st = await statOrUndefined(dir, true);
  if (st === undefined) throw say(`the directory ${dir} does not exist`);
  if (!st.isDirectory()) throw say(`${dir} is not a directory`);
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw say(`the directory ${dir} is not writable`);
  }
}

/** Where a file output will be written (a symlink's target), after every check. */
async function fileTarget(flag: string, path: string, inputs: readonly FileId[]): Promise<string> {
  const say = (detail: string): LawfitError => new LawfitError('bad-option', `${flag} ${path}: ${detail}`);
  let st = await statOrUndefined(path, false);
  let target = resolve(path);
  if (st?.isSymbolicLink()) {
    try {
      target = await realpath(path);
    } catch {
      throw say('is a symbolic link to a file that does not exist; lawfit writes through a link only to an existing file (remove the link, or create its target)');
    }
    st = await stat(target);
  }
  if (st === undefined) {
    await checkWritableDir(say, dirname(target));
    return target;
  }
  if (st.isDirectory()) throw say('is a directory; give a file name');
  if (!st.isFile()) throw say(`is ${kindOf(st)}; lawfit writes its outputs only to regular files, so it never replaces a device, FIFO or socket`);
  if (inputs.some((i) => i.dev === st.dev && i.ino === st.ino)) throw say('is an input of this run; writing there would replace it (choose another file name)');
  await checkWritableDir(say, dirname(target));
  return target;
}

/**
 * Check every output of a run before any work (see the top of this file). `inputs` are the files
 * the run reads; those that do not exist are skipped (reading them fails later, with its own message).
 */
export async function checkOutputs(
  requests: readonly OutputRequest[],
  inputs: readonly string[],
  run?: { command: string; io: Io },
): Promise<OutputPlan> {
  const ids: FileId[] = [];
  for (const p of inputs) {
    const st = await statOrUndefined(p, true).catch(() => undefined);
    if (st !== undefined) ids.push({ dev: st.dev, ino: st.ino });
  }
  const outputs: CheckedOutput[] = [];
  const claimed = new Map<string, string>();
  const claim = (target: string, who: string): void => {
    const other = claimed.get(target);
    if (other !== undefined) throw new LawfitError('bad-option', `${who} and ${other} name the same file (${target}); give each output its own`);
    claimed.set(target, who);
  };
  for (const r of requests) {
    if (r.path === undefined) continue;
    const path = r.path;
    if (r.kind === 'file') {
      const target = await fileTarget(r.flag, path, ids);
      claim(target, `${r.flag} ${path}`);
      outputs.push({ flag: r.flag, path, kind: 'file', target, files: new Map() });
      continue;
    }
    const say = (detail: string): LawfitError => new LawfitError('bad-option', `${r.flag} ${path}: ${detail}`);
    const st = await statOrUndefined(path, true);
    const files = new Map<string, string>();
    if (st !== undefined) {
      if (!st.isDirectory()) throw say(`is ${st.isFile() ? 'a file' : kindOf(st)}, not a directory; ${r.flag} takes a directory for the plot files (created if needed)`);
      await checkWritableDir(say, path);
      for (const name of r.files ?? []) {
        const target = await fileTarget(r.flag, join(path, name), ids);
        claim(target, `${r.flag} ${path} (${name})`);
        files.set(name, target);
      }
    } else {
      // Created at the end: the nearest existing parent must be a directory we can write in.
      let parent = dirname(resolve(path));
      while ((await statOrUndefined(parent, true)) === undefined && dirname(parent) !== parent) parent = dirname(parent);
      await checkWritableDir(say, parent);
      for (const name of r.files ?? []) {
        const target = join(resolve(path), name);
        claim(target, `${r.flag} ${path} (${name})`);
        files.set(name, target);
      }
    }
    outputs.push({ flag: r.flag, path, kind: 'dir', target: resolve(path), files });
  }
  // The guard goes up only when there is something to protect, and when the CLI runs the command.
  return outputs.length > 0 && run !== undefined ? { outputs, guard: new SigintGuard(run.command, run.io) } : { outputs };
}

/** Stage one output's contents: `name` for a file inside a directory output. */
export type PutOutput = (flag: string, data: string | Uint8Array, name?: string) => Promise<void>;

interface Staged {
  tmp: string;
  target: string;
  shown: string;
  flag: string;
}

/** A file a run wrote: the flag it came from and its path as the user named it. */
export interface WrittenOutput {
  flag: string;
  path: string;
}

/**
 * Write a run's outputs as one set (see the top of this file): `produce` renders each output and
 * hands it to `put`; nothing is renamed into place until it returns. Returns the paths written,
 * as the user named them, in order. `command` names the run in the cancellation message.
 */
export async function writeOutputSet(plan: OutputPlan, command: string, io: Io, produce: (put: PutOutput) => Promise<void>): Promise<WrittenOutput[]> {
  const guard = plan.guard ?? new SigintGuard(command, io);
  const staged = guard.staged;
  const createdDirs: string[] = [];
  const stopIfInterrupted = (): void => {
    if (guard.interrupted) throw cancelledError('cancelled while writing the outputs; nothing written (every earlier output is as it was)');
  };
  const put: PutOutput = async (flag, data, name) => {
    stopIfInterrupted();
    const out = plan.outputs.find((o) => o.flag === flag);
    if (out === undefined) throw new Error(`internal: output ${flag} was not checked before the run`);
    const target = name === undefined ? out.target : out.files.get(name);
    if (target === undefined) throw new Error(`internal: ${flag} ${name ?? ''} was not checked before the run`);
    const shown = name === undefined ? out.path : join(out.path, name);
    const dir = dirname(target);
    try {
      if (out.kind === 'dir') {
        const made = await mkdir(dir, { recursive: true });
        if (made !== undefined) createdDirs.push(made);
      }
      // Hidden, unique per process and call; in the target's directory so the rename is atomic.
      const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      const handle = await open(tmp, 'wx');
      staged.push({ tmp, target, shown, flag });
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (e) {
      throw new LawfitError(flag === '--out' ? 'artifact' : 'bad-option', `${shown}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)}); nothing written`);
    }
    stopIfInterrupted();
  };
  guard.writing = true;
  try {
    await produce(put);
    stopIfInterrupted();
    // The commit: synchronous, so no signal handler runs between two renames.
    const written: WrittenOutput[] = [];
    for (const s of staged) {
      renameSync(s.tmp, s.target);
      written.push({ flag: s.flag, path: s.shown });
    }
    staged.length = 0;
    return written;
  } catch (e) {
    guard.removeTemps();
    for (const d of createdDirs.reverse()) await removeEmptyDirs(d).catch(() => undefined);
    throw e;
  } finally {
    guard.release();
  }
}

/** Remove `top` and the directories under it, if they hold nothing (the ones made for a failed run). */
async function removeEmptyDirs(top: string): Promise<void> {
  await rmdir(top).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOTEMPTY') return;
    // A nested --plots a/b/c: the deeper directories first.
    const { readdir } = await import('node:fs/promises');
    for (const entry of await readdir(top, { withFileTypes: true })) if (entry.isDirectory()) await removeEmptyDirs(join(top, entry.name));
    await rmdir(top).catch(() => undefined);
  });
}
