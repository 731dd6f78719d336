/** Where a command writes: real stdout/stderr from main.ts, buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Set when stdout turns out to be a closed pipe (`lawfit fit ... --out o.json | head -1`): from
 * then on printing stops, but the command runs on and writes its files, and its exit code is its
 * own (0 when everything it was asked to write was written). It used to exit 0 at once, mid-run:
 * no artifact, no plots, a 0-byte temporary file left behind.
 */
let stdoutClosed = false;

export function markStdoutClosed(): void {
  stdoutClosed = true;
}

export const processIo: Io = {
  out: (t) => {
    if (!stdoutClosed) process.stdout.write(t);
  },
  err: (t) => void process.stderr.write(t),
};

/** Exit codes: 0 success, 1 internal error, 2 bad input, 130 cancelled (Ctrl-C: 128 + SIGINT, the shell's convention). */
export const EXIT = { OK: 0, INTERNAL: 1, BAD_INPUT: 2, CANCELLED: 130 } as const;
