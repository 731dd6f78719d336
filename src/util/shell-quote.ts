/**
 * Command lines as text a POSIX shell (sh, bash, zsh) reads back into the same argv: each
 * argument left bare when it holds only characters no shell treats specially, else wrapped in
 * single quotes (inside which nothing is special), with a single quote itself written '\''.
 * The app prints the `lawfit` command equivalent to a run with it, so the text can be pasted into
 * a terminal as is (`--where 'excluded_outlier == 0'`, `--formula 'E + A / N^alpha'`).
 */

/**
 * Characters that are never special to a POSIX shell in an unquoted word; a leading '=' is
 * quoted too (zsh expands `=cmd` to the command's path).
 */
const SAFE = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/** One argument as a shell word. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one line of shell text. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
