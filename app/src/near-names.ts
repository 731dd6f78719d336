/**
 * Names one edit apart: a formula's parameter `Dd` next to the input `D` is almost always a typo
 * (the formula language reads every name that is not an input as a parameter, so the misspelt
 * input is silently fitted as a constant). One edit: one character inserted, deleted or replaced,
 * or two neighbours swapped (optimal string alignment distance 1). Case differences count as edits,
 * so `n` next to `N` is caught too. Replacing or swapping is only a likely typo in names of three
 * characters or more: scaling laws are full of one-letter names (`A`, `E`, `N`) one replacement
 * apart by nature, and `Nc` beside `N` is Kaplan's critical size, not a typo. So a short name is
 * flagged when it differs from an input only in case (`n`) or by a doubled key (`Dd`, `NN`); names
 * of three characters or more by any one edit (`Nparam` vs `Nparams`, `tokesn` vs `tokens`).
 */

/** True when `a` and `b` differ by exactly one insertion, deletion, substitution or swap of neighbours. */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  return short.slice(i) === long.slice(i + 1);
}

/** Whether parameter `p` next to input `i` looks like a misspelt input (see the module comment). */
export function looksLikeTypo(p: string, i: string): boolean {
  if (p === i) return false;
  if (p.toLowerCase() === i.toLowerCase()) return true;
  if (!oneEditApart(p, i)) return false;
  if (Math.min(p.length, i.length) >= 3) return true;
  return p.length === i.length + 1 && doubledKey(p, i);
}

/** `long` is `short` with one character typed twice (case aside): 'Dd' from 'D', 'NN' from 'N'. */
function doubledKey(long: string, short: string): boolean {
  for (let k = 0; k < long.length; k++) {
    if (long.slice(0, k) + long.slice(k + 1) !== short) continue;
    const c = long[k]!.toLowerCase();
    if (long[k - 1]?.toLowerCase() === c || long[k + 1]?.toLowerCase() === c) return true;
  }
  return false;
}

/** For each parameter that looks like a misspelt input: the pair, in the parameters' order. */
export function nearInputs(parameters: readonly string[], inputs: readonly string[]): Array<{ parameter: string; input: string }> {
  return parameters.flatMap((p) => {
    const input = inputs.find((i) => looksLikeTypo(p, i));
    return input !== undefined ? [{ parameter: p, input }] : [];
  });
}
