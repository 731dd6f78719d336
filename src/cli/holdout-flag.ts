/**
 * The `--holdout` flag of `lawfit compare` (and the app's run of it): its text forms, their help
 * text. One parser, so the CLI
 * and the app read the same text the same way.
 */
import { DEFAULT_ROLLING_CUTOFFS, type Holdout } from '../stats/holdout.js';
import { parsePositiveInt } from './args.js';

export const HOLDOUT_USAGE = `  --holdout H         how runs are held out:
                        EXPR              one fold: the runs where EXPR holds
                        top:K:EXPR        one fold: the K runs with the largest EXPR,
                                          e.g. top:2:N_params*D_tokens
                        rolling:EXPR[:K]  rolling cut-offs: runs ordered by EXPR (equal values are
                                          one step); for each of the last K steps (default ${DEFAULT_ROLLING_CUTOFFS})
                                          fit on the runs below it and predict every run at and
                                          beyond it, e.g. rolling:N_params*D_tokens:4
                        group:COL         leave one group out: one fold per value of COL, fitted
                                          on the other groups (a law is skipped, with a note, on
                                          folds that leave it fewer runs than parameters)
`;

/** EXPR, top:K:EXPR, rolling:EXPR[:K] or group:COL. */
export function parseHoldout(text: string): Holdout {
  const t = text.trim();
  const top = /^top:([^:]*):(.+)$/s.exec(t);
  if (top !== null) return { kind: 'top', k: parsePositiveInt('--holdout top:K', top[1]!), expression: top[2]! };
  const rolling = /^rolling:(.+?)(?::(\d+))?$/s.exec(t);
  if (rolling !== null) {
    return { kind: 'rolling', expression: rolling[1]!, cutoffs: rolling[2] !== undefined ? parsePositiveInt('--holdout rolling:EXPR:K', rolling[2]) : DEFAULT_ROLLING_CUTOFFS };
  }
  const group = /^group:(.+)$/s.exec(t);
  if (group !== null) return { kind: 'group', column: group[1]!.trim() };
  return { kind: 'filter', expression: t };
}
