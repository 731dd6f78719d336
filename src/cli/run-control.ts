/**
 * Progress and Ctrl-C for a CLI command, in one wrapper any command adopts with one line:
 *
 *   const summary = await runWithControl('fit', values, io, (control) => fitLaw(..., { control }));
 *
 * - A progress bar on stderr (progress.ts) when stderr is a terminal, or always with --progress;
 *   never with --no-progress or --quiet. It is cleared before the wrapper returns, so the report
 *   that follows prints on a clean line.
 * - The first SIGINT aborts the run: the library stops at its next chunk boundary, and the process
 *   prints one line, "lawfit fit: cancelled after 12,345 of 40,000 fits; nothing written", and
 *   exits at once with code 130 (128 + SIGINT, the shell's convention). At once: commands write
 *   their outputs only after the wrapper returns, so there is nothing to finish, and waiting for
 *   the command's cleanup would mean waiting for the GPU's round in flight (measured: 9-11 s for a
 *   200,000-fit batch on lavapipe) before the user gets the prompt back. A cancellation that does
 *   not come from SIGINT (a library caller's signal) throws one 'cancelled' error instead, which
 *   main.ts prints and turns into the same exit code.
 * - A second SIGINT exits at once with 130, for a run that does not reach a chunk boundary soon.
 */
import { cancelledError, isCancelled, type Progress, type RunControl } from '../fit/control.js';
import { EXIT, type Io } from './io.js';
import { formatCount, ProgressBar } from './progress.js';


/** Spread into a command's parseArgs options. */
export const PROGRESS_PARSE_OPTIONS = {
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const;

/** Lines for a command's --help. */
export const PROGRESS_USAGE = `  --progress              show the progress bar even when stderr is not a terminal (logs)
  --no-progress           never show it (default: shown when stderr is a terminal)
`;

export interface ProgressFlags {
  progress?: boolean;
  'no-progress'?: boolean;
  quiet?: boolean;
}

/** Where the bar goes: stderr in the CLI (its TTY flag and width decide how it is drawn). */
export interface Terminal {
  isTTY?: boolean;
  columns?: number;
}

/** Off with --no-progress or --quiet; on with --progress; otherwise on when stderr is a terminal. */
export function progressWanted(flags: ProgressFlags, terminal: Terminal): boolean {
  if (flags['no-progress'] === true || flags.quiet === true) return false;
  return flags.progress === true || terminal.isTTY === true;
}

/** The one line a cancelled run ends with (after the command's name). */
export function cancelledMessage(last: Progress | undefined): string {
  if (last === undefined || last.done === 0) return 'cancelled before the first fit finished; nothing written';
  return `cancelled after ${formatCount(last.done)} of ${formatCount(last.total)} fits; nothing written`;
}

export async function runWithControl<T>(
  command: string,
  flags: ProgressFlags,
  io: Io,
  run: (control: RunControl) => Promise<T>,
  terminal: Terminal = process.stderr,
): Promise<T> {
  const abort = new AbortController();
  const bar = progressWanted(flags, terminal) ? new ProgressBar(io.err, { tty: terminal.isTTY === true, columns: () => terminal.columns ?? 80 }) : undefined;
  let last: Progress | undefined;
  const control: RunControl = {
    signal: abort.signal,
    onProgress: (p) => {
      last = p;
      bar?.update(p);
    },
  };
  let interrupted = false;
  const exitCancelled = (): never => {
    bar?.clear();
    io.err(`lawfit ${command}: ${cancelledMessage(last)}\n`);
    process.exit(EXIT.CANCELLED);
  };
  const onSigint = (): void => {
    if (!abort.signal.aborted) {
      interrupted = true;
      abort.abort();
      return;
    }
    exitCancelled();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await run(control);
    // Ctrl-C that arrived after the last check: the user asked to stop, so nothing is written.
    if (abort.signal.aborted) throw cancelledError();
    return result;
  } catch (e) {
    if (isCancelled(e) && interrupted) exitCancelled();
    throw isCancelled(e) ? cancelledError(cancelledMessage(last)) : e;
  } finally {
    process.off('SIGINT', onSigint);
    bar?.clear();
  }
}
