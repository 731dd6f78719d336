/**
 * An artifact keeps the command line that made it (`command`: the CLI's argv, or the app's line
 * printed from its run specification); commands that rerun or redraw a result read its options
 * back from there, through the run specification's rows (src/run-spec/run-options.ts), so a
 * recorded value means what the flag means and a bad one gets the flag's own message. Only the
 * option asked for is read, so an artifact written by an older lawfit, whose other flags this one
 * may no longer take, still opens. Node-free: the app's worker reads artifacts too.
 */
import { RUN_OPTIONS, type RunOptionKey, type RunSpec } from '../run-spec/run-options.js';
import { SPEC_COMMANDS, type SpecCommand } from '../run-spec/option-row.js';

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

/** Option `key` of a recorded run (`lawfit fit ...`, `lawfit demo ...`), typed; undefined when absent or not one of that command's options. */
export function recordedOption<K extends RunOptionKey>(command: readonly string[] | undefined, key: K): RunSpec[K] | undefined {
  const name = command?.[1];
  if (command === undefined || !(SPEC_COMMANDS as readonly string[]).includes(name ?? '')) return undefined;
  const row = RUN_OPTIONS[key];
  if (!row.commands.includes(name as SpecCommand)) return undefined;
  if (row.kind === 'switch') return (command.includes(`--${row.flag}`) ? true : undefined) as RunSpec[K];
  const texts = recordedTexts(command, row.flag);
  return texts.length > 0 ? (row.parse(texts) as RunSpec[K]) : undefined;
}
