/** Where a command writes: real stdout/stderr from main.ts, buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** Exit codes: 0 success, 1 internal error, 2 bad input, 130 cancelled (Ctrl-C: 128 + SIGINT, the shell's convention). */
export const EXIT = { OK: 0, INTERNAL: 1, BAD_INPUT: 2, CANCELLED: 130 } as const;
