/**
 * The `--holdout` flag of `lawfit compare` (and the app's run of it): its text forms (the help is
 * its row in src/run-spec/run-options.ts). One parser, so the CLI and the app read the same text
 * the same way.
 */
import { DEFAULT_ROLLING_CUTOFFS, type Holdout } from '../stats/holdout.js';
import { parsePositiveInt } from './args.js';

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

/** The text parseHoldout reads back to `h` (the printed command line, the chart's subtitle). */
export function holdoutText(h: Holdout): string {
  switch (h.kind) {
    case 'filter':
      return h.expression;
    case 'top':
      return `top:${h.k}:${h.expression}`;
    case 'rolling':
      return `rolling:${h.expression}:${h.cutoffs}`;
    case 'group':
      return `group:${h.column}`;
  }
}
