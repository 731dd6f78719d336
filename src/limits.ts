/**
 * The resource limits of the CLI, in one table. Each bounds something a single flag or file can
 * make lawfit allocate: without them `--bootstrap 1e9` died with "invalid typed array length",
 * `--grid alpha=lin:0:1:1000000000` aborted V8 (exit 134) and `lawfit fit /dev/zero` grew to
 * 18.8 GB. Every check runs on the flag's text or the file's size BEFORE anything is allocated,
 * and fails with one line naming the flag (or file), the value and the limit. The README's "Bad
 * input" paragraph states the same numbers; the test that reads this table keeps them in step.
 *
 * The numbers are far above what a scaling-law fit needs (a few hundred runs, Hoffmann's 4,500
 * starts, 1,000-4,000 bootstrap replicates) and far below what breaks: a start or replicate costs
 * a few hundred bytes per parameter on the host, a row a few hundred bytes as parsed text.
 * Threads are not refused but capped at the core count (engine-flag.ts says so on stderr): more
 * threads than cores only adds workers' memory (10.4 GB for --threads 1000) and no speed.
 *
 * Browser-safe (no Node imports): the app's worker parses the same flags through fit-flags.ts.
 */
import { LawfitError } from './errors.js';
import { formatCount } from './util/format-count.js';

export interface Limit {
  /** The largest accepted value. */
  readonly max: number;
  /** What is counted, for the message ("starts", "bootstrap replicates"). */
  readonly what: string;
  /** The flag (or input) that sets it, for the message and the README. */
  readonly flag: string;
}

export const LIMITS = {
  /** Starts of one fit: --starts sobol:N / random:N, and --replicate-starts basins:K. */
  starts: { max: 1_000_000, what: 'starts', flag: '--starts' },
  /** Points of a start grid: the product of the --grid axes' lengths (and each axis's N). */
  gridPoints: { max: 1_000_000, what: 'grid points', flag: '--grid' },
  /** Bootstrap replicates (fit, demo, compare, chain). */
  replicates: { max: 100_000, what: 'bootstrap replicates', flag: '--bootstrap' },
  /** Bytes read from one data file (regular or not: a FIFO or /dev/zero is read up to this). */
  fileBytes: { max: 128 * 1024 * 1024, what: 'bytes', flag: 'FILE' },
  /** Data rows of one table (CSV/TSV records, JSON records or column entries, JSONL lines). */
  rows: { max: 1_000_000, what: 'data rows', flag: 'FILE' },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** "1,000,000" (limits are whole numbers; en-US grouping so messages read the same everywhere). */
export function formatLimit(n: number): string {
  return formatCount(n);
}

/** 128 MiB, for the file-size limit's messages. */
export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${formatLimit(n / (1024 * 1024))} MiB` : `${formatLimit(n)} bytes`;
}

/**
 * Throw a one-line 'bad-option' error when `value` exceeds limit `name`. `flag` overrides the
 * table's flag when another one sets the same quantity (--replicate-starts for starts).
 */
export function checkLimit(name: LimitName, value: number, text: string = String(value), flag: string = LIMITS[name].flag): void {
  const limit = LIMITS[name];
  if (!(value <= limit.max)) {
    throw new LawfitError('bad-option', `${flag} ${text}: ${formatLimit(value)} ${limit.what}, more than lawfit's limit of ${formatLimit(limit.max)} (src/limits.ts)`);
  }
}
