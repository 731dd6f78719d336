/**
 * An artifact keeps the run that made it twice: `run`, typed (src/run-spec/record.ts: the command
 * and each option's printed text, written from the run specification by the CLI and the app
 * alike), and `command`, the argv (the CLI's own, or the app's printed line). Commands that rerun
 * or redraw a result read its options back through the run specification's rows
 * (src/run-spec/run-options.ts), so a recorded value means what the flag means and a bad one gets
 * the flag's own message: from `run` when the artifact has it, else from the argv of an artifact
 * written before `run` existed. Only the option asked for is read, so an artifact written by
 * another lawfit, whose other flags this one may not take, still opens. Node-free: the app's
 * worker reads artifacts too.
 */
import { RUN_OPTIONS, type RunOptionKey, type RunSpec } from '../run-spec/run-options.js';
import { SPEC_COMMANDS, type SpecCommand } from '../run-spec/option-row.js';
import type { RunRecord } from '../run-spec/record.js';

/** What an artifact records of its run: either field may be absent. */
export interface RecordedRun {
  command?: readonly string[] | undefined;
  run?: RunRecord | undefined;
}

/** The recorded text of `flag` (every occurrence: `--flag V` or `--flag=V`). */
function recordedTexts(command: readonly string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 2; i < command.length; i++) {
    const a = command[i]!;
    if (a === `--${flag}` && i + 1 < command.length) out.push(command[++i]!);
    else if (a.startsWith(`--${flag}=`)) out.push(a.slice(flag.length + 3));
  }
  return out;
}

const isSpecCommand = (name: string | undefined): name is SpecCommand => (SPEC_COMMANDS as readonly string[]).includes(name ?? '');

/**
 * Option `key` of a recorded run (`lawfit fit ...`, `lawfit demo ...`), typed; undefined when
 * absent or not one of that command's options.
 */
export function recordedOption<K extends RunOptionKey>(recorded: RecordedRun | undefined, key: K): RunSpec[K] | undefined {
  const row = RUN_OPTIONS[key];
  const run = recorded?.run;
  if (run !== undefined) {
    if (!isSpecCommand(run.command) || !row.commands.includes(run.command)) return undefined;
    const texts = Object.hasOwn(run.options, row.flag) ? run.options[row.flag]! : undefined;
    if (texts === undefined) return undefined;
    return (row.kind === 'switch' ? true : row.parse(texts)) as RunSpec[K];
  }
  const command = recorded?.command;
  const name = command?.[1];
  if (command === undefined || !isSpecCommand(name) || !row.commands.includes(name)) return undefined;
  if (row.kind === 'switch') return (command.includes(`--${row.flag}`) ? true : undefined) as RunSpec[K];
  const texts = recordedTexts(command, row.flag);
  return texts.length > 0 ? (row.parse(texts) as RunSpec[K]) : undefined;
}
