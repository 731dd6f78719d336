/**
 * The artifact's typed record of a run (`run` in a fit, compare, chain or isoflop artifact): the command
 * and every option it was given, as its row prints it (flag name → one text per occurrence). The
 * CLI writes it from the spec its flags parsed to, the app from the spec it prints as its command
 * line, so the same run records the same `run` wherever it came from. Readers parse an option back
 * with its row's parser (report/recorded-command.ts), only the one they need: an option a newer
 * lawfit recorded, or one this lawfit no longer takes, does not stop an artifact from opening.
 *
 * The outputs (--out, --plots, --write-data, --quiet) and --threads are not part of the run: where
 * its files went and how many cores it had do not change what was fitted (and the app has neither). The argv stays in the artifact's `command` too: the
 * sweep and shard machinery compares runs by it. No Node imports: the app bundles this module.
 */
import { commandRows } from './argv.js';
import type { SpecCommand } from './option-row.js';
import type { RunOptionKey, RunSpec } from './run-options.js';

/** Rows outside the output section that say how the run was carried out, not what it was. */
const NOT_RECORDED: readonly RunOptionKey[] = ['threads'];

export interface RunRecord {
  command: SpecCommand;
  /** Flag (without dashes) → its printed texts, one per occurrence (a switch: none), in table order. */
  options: Record<string, string[]>;
}

/** The record of `spec` run as `command`. */
export function runRecord(command: SpecCommand, spec: RunSpec): RunRecord {
  const options: Record<string, string[]> = {};
  for (const [key, r] of commandRows(command)) {
    const v = (spec as Record<string, unknown>)[key];
    if (v === undefined || r.section === 'output' || NOT_RECORDED.includes(key)) continue;
    const texts = r.print(v);
    // A value that prints to nothing (an empty list, a switch left off) was not given.
    if (r.kind === 'switch') {
      if (v === true) options[r.flag] = [];
    } else if (texts.length > 0) options[r.flag] = texts;
  }
  return { command, options };
}
