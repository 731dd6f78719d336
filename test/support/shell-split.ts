/**
 * Shell text split into argv by a real POSIX shell (/bin/sh: dash on Debian), as pasting it into a
 * terminal would: the shell reads `printf '%s\0' TEXT` and prints each word it made, NUL-ended.
 * So quoting mistakes in printed command lines (an unquoted `==`, a `^`, a space) show up here as
 * they would for a user, not as an in-house splitter's idea of them.
 */
import { execFileSync } from 'node:child_process';

export function shellSplit(text: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${text}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}
