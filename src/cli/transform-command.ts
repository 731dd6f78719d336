/**
 * The skeleton every data-transform command (`lr-areas`, `pass-at-k`) shares, so that the flag
 * handling, the usage on --help, the one input file and the CSV output are written once: the
 * command names its own string flags and computes a header and rows (a file's table with columns
 * appended, or a new table); --help and --out are added here, and the result goes to --out
 * (atomically) or stdout.
 */
import { LawfitError } from '../errors.js';
import type { Table } from '../data/index.js';
import { parseFlags } from './parse-flags.js';
import type { Io } from './io.js';
import { toCsv, writeCsv } from './table-columns.js';

/** What a transform computes: a CSV table. */
export interface TransformOutput {
  header: readonly string[];
  rows: readonly (readonly unknown[])[];
}

/** The flag values a transform sees: its own string flags, each given or not. */
export type TransformFlags<K extends string> = Partial<Record<K, string>>;

export interface TransformSpec<K extends string> {
  usage: string;
  /** The command's own string flags (--help and --out are every transform's). */
  flags: readonly K[];
  run(flags: TransformFlags<K>, positionals: string[]): Promise<TransformOutput>;
}

/** Parse argv, print the usage for --help, else run the transform and write its CSV. */
export async function runTransformCommand<K extends string>(argv: string[], io: Io, spec: TransformSpec<K>): Promise<number> {
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short: string; default: boolean }> = { help: { type: 'boolean', short: 'h', default: false } };
  for (const f of [...spec.flags, 'out']) options[f] = { type: 'string' };
  const { values, positionals } = parseFlags({ args: argv, allowPositionals: true, strict: true, options });
  if (values['help'] === true) {
    io.out(spec.usage);
    return 0;
  }
  const output = await spec.run(values as TransformFlags<K>, positionals);
  await writeCsv(toCsv(output.header, output.rows), values['out'] as string | undefined, io);
  return 0;
}

/** The path of a transform's one input FILE; `missing` is the error when there is not exactly one (checked before the other flags, read after them). */
export function oneInputFile(positionals: readonly string[], missing: string): string {
  if (positionals.length !== 1) throw new LawfitError('bad-option', missing);
  return positionals[0]!;
}

/**
 * The table with columns `names` appended to every row, their values from `compute` (called after
 * the check, so a name the file already has is refused before any cell is read: it would be
 * overwritten).
 */
export function appendColumns<C extends string>(table: Table, command: string, names: readonly C[], compute: () => Readonly<Record<C, ArrayLike<number>>>): TransformOutput {
  for (const c of names) if (table.columns.includes(c)) throw new LawfitError('data-column', `${table.source}: already has a column '${c}'; ${command} would overwrite it (rename it first)`);
  const columns = compute();
  return { header: [...table.columns, ...names], rows: table.rows.map((r, i) => [...r, ...names.map((c) => columns[c][i])]) };
}
