/**
 * Dawn's and the Vulkan stack's notices, kept off the user's terminal. Dawn (the `webgpu`
 * package) and the drivers under it print from native code straight to file descriptor 2, on
 * every WebGPU run: "Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from
 * 1000000 to 16 ..." (Dawn's Limits.cpp, unconditionally), lavapipe's "not a conformant vulkan
 * implementation", the Vulkan loader's "[Loader Message]" lines. None of it is about the user's
 * fit, and JavaScript cannot intercept writes to fd 2 made inside a native module.
 *
 * So the CLI, and only the CLI (main.ts, when it is the program being run and the command line
 * asks for --engine webgpu), runs the command in a child process whose stderr it reads through
 * this filter: lines that match NATIVE_NOISE are dropped, every other line (lawfit's own
 * messages, the progress bar, any real driver error) is passed on as it arrives. The child gets
 * stdout and stdin as they are, and the parent's terminal flags for stderr (so the progress bar
 * draws as on a terminal); it runs in its own process group, so each Ctrl-C reaches it exactly
 * once, forwarded by the parent, and the parent exits with the child's code.
 * LAWFIT_NATIVE_STDERR=1 turns the filter off (to see everything the driver says).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Whole lines, without the line break, that are native notices and not lawfit's business. */
export const NATIVE_NOISE: readonly RegExp[] = [
  /^Warning: maxDynamic(?:Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.$/,
  /^WARNING: lavapipe is not a conformant [Vv]ulkan implementation, testing use only\.$/,
  /^(?:WARNING|INFO|DEBUG|PERF): ?\[Loader Message\] /,
  /^MESA: (?:warning|info|debug): /,
];

/** Beginnings of the noise lines: a partial line that could still become one is held back. */
const NOISE_PREFIXES = ['Warning: maxDynamic', 'WARNING: lavapipe', 'WARNING: [Loader', 'WARNING:[Loader', 'INFO: [Loader', 'INFO:[Loader', 'DEBUG: [Loader', 'PERF: [Loader', 'MESA: '];

export function isNativeNoise(line: string): boolean {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  return NATIVE_NOISE.some((re) => re.test(l));
}

function couldBecomeNoise(partial: string): boolean {
  return NOISE_PREFIXES.some((p) => p.startsWith(partial) || partial.startsWith(p));
}

/**
 * A line filter over a byte stream: push() returns what to pass on now. Complete lines are kept
 * or dropped whole; a partial line is passed on at once (the progress bar redraws one line with
 * '\r' and never ends it) unless it could still turn into a noise line.
 */
export class StderrFilter {
  private pending = '';

  push(chunk: string): string {
    let text = this.pending + chunk;
    this.pending = '';
    let out = '';
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
      const line = text.slice(0, nl);
      if (!isNativeNoise(line)) out += `${line}\n`;
      text = text.slice(nl + 1);
    }
    if (text !== '') {
      if (couldBecomeNoise(text)) this.pending = text;
      else out += text;
    }
    return out;
  }

  /** At the end of the stream: whatever is held back (an unfinished line is not a noise line). */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return isNativeNoise(rest) ? '' : rest;
  }
}

/** Set in the child, so it runs the command itself instead of starting another child. */
export const FILTERED_CHILD_ENV = 'LAWFIT_STDERR_FILTERED';

/** True when the command line asks for the WebGPU engine and the filter is not turned off. */
export function wantsNativeFilter(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[FILTERED_CHILD_ENV] !== undefined || env.LAWFIT_NATIVE_STDERR === '1') return false;
  return argv.some((a, i) => a === '--engine=webgpu' || (a === '--engine' && argv[i + 1] === 'webgpu'));
}

/**
 * In the child: stop when the parent is gone (its own process group would otherwise keep it
 * running after a `kill -9` of the parent: the IPC channel closes with the parent), and take the
 * parent's terminal flags for stderr (the progress bar draws by them).
 */
export function adoptParentTerminal(env: NodeJS.ProcessEnv = process.env): void {
  if (env[FILTERED_CHILD_ENV] === undefined) return;
  if (process.channel !== undefined) {
    process.channel.unref();
    process.on('disconnect', () => process.exit(1));
  }
  if (env[FILTERED_CHILD_ENV] !== 'tty') return;
  const columns = Number(env.LAWFIT_STDERR_COLUMNS ?? '80');
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  Object.defineProperty(process.stderr, 'columns', { value: Number.isFinite(columns) && columns > 0 ? columns : 80, configurable: true });
}

/** Run this same program again with `argv` in a child whose stderr goes through StderrFilter; resolves to its exit code. */
export function runWithFilteredStderr(argv: readonly string[]): Promise<number> {
  return new Promise((done) => {
    const script = process.argv[1]!;
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
      stdio: ['inherit', 'inherit', 'pipe', 'ipc'],
      // Its own process group: a terminal's Ctrl-C reaches only this parent, which forwards it once.
      detached: true,
      env: {
        ...process.env,
        [FILTERED_CHILD_ENV]: process.stderr.isTTY === true ? 'tty' : '1',
        ...(process.stderr.isTTY === true ? { LAWFIT_STDERR_COLUMNS: String(process.stderr.columns ?? 80) } : {}),
      },
    });
    const filter = new StderrFilter();
    const stderr = child.stderr!;
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      const out = filter.push(chunk);
      if (out !== '') process.stderr.write(out);
    });
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const forward = (s: NodeJS.Signals): void => void child.kill(s);
    for (const s of signals) process.on(s, forward);
    child.on('error', (e) => {
      process.stderr.write(`lawfit: internal error: cannot start the command (${e.message})\n`);
      done(1);
    });
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      const rest = filter.flush();
      if (rest !== '') process.stderr.write(rest);
      done(code ?? 128 + (signal !== null ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
