/**
 * The shape of one row of the run specification (run-options.ts): everything lawfit knows about
 * one option of a run, so that the CLI's flags and `--help`, the app's protocol and form, the
 * command line the app prints and the artifact's record of a run are all read off the same row.
 * No Node imports: the app's worker (and page) bundle this module.
 */
import type { LmOptions } from '../fit/options.js';

/** The commands whose flags come from the run specification. */
export const SPEC_COMMANDS = ['fit', 'compare', 'demo', 'chain', 'isoflop'] as const;
export type SpecCommand = (typeof SPEC_COMMANDS)[number];

/**
 * The `--help` sections, in the order they are printed (`stage 2` and `prediction`: chain's second
 * law and its --at points; `quality control`, `frontier` and `Approach 3 beside it`: isoflop's).
 */
export const SECTIONS = ['law', 'data', 'quality control', 'frontier', 'fitting', 'stage 2', 'prediction', 'engine', 'bootstrap', 'holdout', 'Approach 3 beside it', 'output'] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * Where the option lives in the app: `run` (one value for the whole run: the request's `spec`),
 * `law` (one value per law: a LawChoice's `spec`), `selection` (which law: LawChoice's `law` or
 * `formula`), `isoflop` (the IsoFLOP form's request: IsoflopRequest's `spec`, with the `run` rows
 * isoflop also takes), or `cli` with the reason the app has no field
 * for it (files the browser cannot write, threads it does not have...).
 */
export type AppField =
  | { scope: 'run' | 'law' | 'selection' | 'isoflop'; label: string; input: 'number' | 'text' | 'choice' | 'list'; choices?: readonly string[] }
  | { scope: 'cli'; why: string };

export interface OptionRow<T> {
  /** The flag without its dashes (`max-iter`). */
  flag: string;
  /** One-letter alias (`-q`). */
  short?: string;
  /** The value's placeholder in `--help` (`N`, `EXPR`); absent for a switch. `argFor` per command. */
  arg?: string;
  argFor?: Partial<Record<SpecCommand, string>>;
  /** `switch`: a boolean flag with no value; `repeat`: the flag may be given many times. */
  kind: 'value' | 'repeat' | 'switch';
  section: Section;
  /** The help text (wrapped to the terminal width by help.ts); `docFor` overrides it per command. */
  doc: string;
  docFor?: Partial<Record<SpecCommand, string>>;
  /** The value when the option is absent (resolve.ts fills it); absent when it depends on the law or the data. */
  default?: T;
  /** What `--help` says the default is when it is not a value (`the law's`); `defaultTextFor` per command. */
  defaultText?: string;
  defaultTextFor?: Partial<Record<SpecCommand, string>>;
  /**
   * The flag's text (one entry per occurrence) to the value; bad text throws the one-line
   * LawfitError('bad-option') that names the flag.
   */
  parse(texts: readonly string[]): T;
  /** The value to the flag's text, one entry per occurrence (parse reads it back to an equal value). */
  print(value: T): string[];
  app: AppField;
  commands: readonly SpecCommand[];
  /** The solver option (src/fit/options.ts LmOptions) the value is, as is: resolve.ts passes it on. */
  solver?: keyof LmOptions;
}

/** A row, typed by its value (the table's entries keep their own T: see run-options.ts). */
export function row<T>(r: OptionRow<T>): OptionRow<T> {
  return r;
}

/** The single text of a one-value flag (parseArgs gives the last of repeated occurrences). */
export function only(texts: readonly string[]): string {
  return texts[texts.length - 1]!;
}

/** Numbers print as JavaScript's shortest round-trip text, so parse(print(v)) === v exactly. */
export const numberText = (v: number): string => String(v);
