/**
 * An artifact keeps the command line that made it (`command`); commands that rerun or redraw a
 * result read its flags back from there. Node-free: the app's worker reads artifacts too.
 */

/** A flag's value in a recorded command line (`--flag V` or `--flag=V`); undefined when absent. */
export function recordedFlag(command: readonly string[] | undefined, flag: string): string | undefined {
  if (command === undefined) return undefined;
  for (let i = 0; i < command.length; i++) {
    const a = command[i]!;
    if (a === flag) return command[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}
