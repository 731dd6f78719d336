/**
 * The run specification as a command line, both ways: the parseArgs option table of a command and
 * the typed spec read from what parseArgs returns (specFromFlags), and the spec printed back as
 * argv words (printSpec: the app's "same fit on the command line", the artifact's record). The
 * words are plain argv: src/util/shell-quote.ts makes them shell text.
 */
import { RUN_OPTION_ROWS, type RunOptionKey, type RunSpec } from './run-options.js';
import type { OptionRow, SpecCommand } from './option-row.js';

type ParseOption = { type: 'string' | 'boolean'; multiple?: boolean; short?: string; default?: string[] | boolean };

/** The rows a command takes, in table order. */
export function commandRows(command: SpecCommand): ReadonlyArray<readonly [RunOptionKey, OptionRow<unknown>]> {
  return RUN_OPTION_ROWS.filter(([, r]) => r.commands.includes(command));
}

/** node:util parseArgs options for `command`'s run options (spread into the command's own table). */
export function parseOptions(command: SpecCommand): Record<string, ParseOption> {
  const out: Record<string, ParseOption> = {};
  for (const [, r] of commandRows(command)) {
    const o: ParseOption = r.kind === 'switch' ? { type: 'boolean' } : r.kind === 'repeat' ? { type: 'string', multiple: true } : { type: 'string' };
    if (r.short !== undefined) o.short = r.short;
    out[r.flag] = o;
  }
  return out;
}

/** What parseArgs returns, by flag name. */
export type FlagValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

/** The typed spec from parseArgs' values: each given flag through its row's parser (one-line errors naming the flag). */
export function specFromFlags(command: SpecCommand, values: FlagValues | object): RunSpec {
  const spec: Record<string, unknown> = {};
  for (const [key, r] of commandRows(command)) {
    const v = (values as FlagValues)[r.flag];
    if (v === undefined || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    const texts = typeof v === 'boolean' ? [] : typeof v === 'string' ? [v] : (v as readonly string[]);
    spec[key] = r.parse(texts);
  }
  return spec as RunSpec;
}

/** The spec as argv words, in table order (`--flag TEXT` per occurrence; a switch alone). */
export function printSpec(command: SpecCommand, spec: RunSpec): string[] {
  const out: string[] = [];
  for (const [key, r] of commandRows(command)) {
    const v = (spec as Record<string, unknown>)[key];
    if (v === undefined) continue;
    for (const t of r.print(v)) {
      if (r.kind === 'switch') out.push(`--${r.flag}`);
      else out.push(`--${r.flag}`, t);
    }
  }
  return out;
}

/**
 * A typed spec (the app's protocol) checked as its flags would be: each value printed and read
 * back by its row's parser, so a bad value gets the CLI's one-line error naming the flag.
 */
export function checkSpec(command: SpecCommand, spec: RunSpec): void {
  for (const [key, r] of commandRows(command)) {
    const v = (spec as Record<string, unknown>)[key];
    if (v !== undefined) r.parse(r.print(v));
  }
}
