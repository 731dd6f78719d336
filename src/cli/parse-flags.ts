/**
 * argv to flag values for every command: node:util's parseArgs, with one change. parseArgs
 * refuses a string option whose value starts with '-' (`--ftol -1`, `--seed -1`, `--fix E=-1` when
 * the shell splits it, `--formula '-A*x'`) as "argument is ambiguous", and main.ts used to print
 * that with the whole usage (48 lines). Here a string option takes the next argument as its value
 * whatever it starts with, as getopt does, unless that argument is itself one of the command's
 * flags (`--out --quiet` is still an error, since the value was most likely forgotten). The value
 * then reaches the option's own parser, whose one-line message says what is wrong with it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** True when `arg` names one of `options` (`--name`, `--name=...`, or a short `-x`). */
function isKnownFlag(arg: string, options: Options): boolean {
  if (arg.startsWith('--')) {
    const name = arg.slice(2).split('=')[0]!;
    return Object.hasOwn(options, name);
  }
  return Object.values(options).some((o) => o.short !== undefined && arg === `-${o.short}`);
}

/** `--name VALUE` → `--name=VALUE` where VALUE starts with '-' and is not a flag of this command. */
export function joinDashValues(args: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && next.startsWith('-') && next !== '--' && !isKnownFlag(next, options)) {
      const name = a.slice(2);
      if (Object.hasOwn(options, name) && options[name]!.type === 'string') {
        out.push(`${a}=${next}`);
        i++;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/** parseArgs with dash-leading values accepted (see the top of this file). */
export function parseFlags<T extends ParseArgsConfig & { options: Options }>(config: T): ReturnType<typeof parseArgs<T>> {
  return parseArgs({ ...config, args: joinDashValues(config.args ?? [], config.options) } as T);
}
