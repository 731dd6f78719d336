/**
 * Holdout schemes for judging laws on runs they were not fitted to: each scheme is a list of
 * folds, and a fold is a split of the runs into the ones a law is fitted on and the ones it must
 * predict. Folds are built over the runs the `where` filter keeps, so a filtered-out row never
 * lands in a fold (and a bad cell in such a row is no error).
 *
 * - `filter EXPR`: one fold; the runs where EXPR holds are held out.
 * - `top:K:EXPR`: one fold; the K runs with the largest EXPR (e.g. compute) are held out.
 * - `rolling:EXPR[:K]`: rolling-origin evaluation (Tashman 2000, "Out-of-sample tests of
 *   forecasting accuracy", Int. J. Forecasting 16(4)), with the runs ordered by EXPR (e.g.
 *   compute, N_params*D_tokens) instead of time. Runs with equal EXPR form one step. For each of
 *   the last K steps (the cut-offs, default 3), the law is fitted on every run strictly below the
 *   cut-off and predicts every run at and beyond it: the whole extrapolation range, as scaling-law
 *   extrapolation is scored in the literature (Alabdulmohsin et al. 2022, "Revisiting neural
 *   scaling laws in language and vision"; Caballero et al. 2023, broken neural scaling laws: fit
 *   below a cut-off, evaluate every point above it), rather than the next step only, so the folds
 *   with early cut-offs also say how error grows with the extrapolation distance.
 * - `group:COL`: leave-one-group-out over the distinct values of a column (model size, training
 *   set, ...), in order of first appearance; fitted on the other groups, predicting the group.
 */
import { DataError, LawfitError } from '../errors.js';
import { compileDataExpression, evaluateDataExpression, type DataExpression } from '../data/expression.js';
import { parseNumericCell } from '../data/numbers.js';
import type { Table } from '../data/table.js';

export type Holdout =
  | { kind: 'filter'; expression: string }
  | { kind: 'top'; k: number; expression: string }
  | { kind: 'rolling'; expression: string; cutoffs: number }
  | { kind: 'group'; column: string };

/** The number of rolling cut-offs when `rolling:EXPR` does not say. */
export const DEFAULT_ROLLING_CUTOFFS = 3;

/** One split of the runs, as plain data (row numbers are the source file's, as in every message). */
export interface Fold {
  /** For people, e.g. "N_params*D_tokens >= 3.2e+21" or "model_config = open_lm_1b". */
  label: string;
  /** Source row numbers of the runs the laws are fitted on. */
  fitRows: number[];
  /** Source row numbers of the runs the laws predict. */
  heldOutRows: number[];
  /** rolling: the cut-off value of the ordering expression. */
  cutoff?: number;
  /** group: the held-out group's label. */
  group?: string;
}

/** A fold with the indices (into `table.rows`) it was built from, for the code that fits it. */
export interface FoldPlan {
  fold: Fold;
  fitIndex: number[];
  heldOutIndex: number[];
}

/** The folds of `holdout` over the rows of `table` that `where` keeps. */
export function holdoutFolds(table: Table, where: string | undefined, holdout: Holdout): FoldPlan[] {
  const all = table.rows.map((_, r) => r);
  const kept = where === undefined ? all : valuesAt(table, all, where, `where '${where.trim()}'`).flatMap((v, k) => (v !== 0 ? [all[k]!] : []));
  if (kept.length === 0) throw new LawfitError('data-too-few', `${table.source}: where '${where ?? ''}' keeps no rows; nothing to compare on`);
  const rowNo = (r: number): number => table.rowNumbers[r] ?? r + 1;
  const plan = (label: string, held: ReadonlySet<number>, extra: Partial<Fold> = {}): FoldPlan => {
    const fitIndex = kept.filter((r) => !held.has(r));
    const heldOutIndex = kept.filter((r) => held.has(r));
    return { fold: { label, fitRows: fitIndex.map(rowNo), heldOutRows: heldOutIndex.map(rowNo), ...extra }, fitIndex, heldOutIndex };
  };

  switch (holdout.kind) {
    case 'filter': {
      const v = valuesAt(table, kept, holdout.expression, `--holdout '${holdout.expression.trim()}'`);
      const held = new Set(kept.filter((_, k) => v[k] !== 0));
      if (held.size === 0) throw new LawfitError('data-too-few', `${table.source}: --holdout '${holdout.expression.trim()}' selects no rows; nothing to extrapolate to`);
      if (held.size === kept.length) throw allHeldOut(table.source, `'${holdout.expression.trim()}'`, kept.length);
      return [plan(holdout.expression.trim(), held)];
    }
    case 'top': {
      const v = valuesAt(table, kept, holdout.expression, `--holdout top:${holdout.k}:${holdout.expression.trim()}`);
      if (holdout.k >= kept.length) throw allHeldOut(table.source, `top:${holdout.k}:${holdout.expression.trim()}`, kept.length);
      const order = kept.map((r, k) => [v[k]!, r] as const).sort((a, b) => b[0] - a[0]);
      return [plan(`the ${holdout.k} largest ${holdout.expression.trim()}`, new Set(order.slice(0, holdout.k).map(([, r]) => r)))];
    }
    case 'rolling': {
      const text = holdout.expression.trim();
      const v = valuesAt(table, kept, holdout.expression, `--holdout rolling:${text}`);
      const steps = [...new Set(v)].sort((a, b) => a - b);
      if (holdout.cutoffs > steps.length - 1) {
        throw new LawfitError(
          'data-too-few',
          `${table.source}: --holdout rolling:${text}:${holdout.cutoffs}: the runs take ${steps.length} distinct value${steps.length === 1 ? '' : 's'} of ${text}, so at most ${Math.max(steps.length - 1, 0)} cut-off${steps.length === 2 ? '' : 's'} leave runs to fit on`,
        );
      }
      return steps.slice(steps.length - holdout.cutoffs).map((cutoff) => {
        const held = new Set(kept.filter((_, k) => v[k]! >= cutoff));
        return plan(`${text} >= ${cutoff.toPrecision(4)}`, held, { cutoff });
      });
    }
    case 'group': {
      const labels = groupLabels(table, kept, holdout.column);
      const distinct = [...new Set(labels)];
      if (distinct.length < 2) throw new LawfitError('data-too-few', `${table.source}: --holdout group:${holdout.column}: the runs form ${distinct.length} group; leave-one-group-out needs at least 2`);
      return distinct.map((g) => plan(`${holdout.column} = ${g}`, new Set(kept.filter((_, k) => labels[k] === g)), { group: g }));
    }
  }
}

/**
 * A split that holds out every run leaves nothing to fit: each law would be "not scored" on every
 * fold and compare used to exit 0 with an empty ranking. Refused up front instead.
 */
function allHeldOut(source: string, flag: string, runs: number): LawfitError {
  return new LawfitError('data-too-few', `${source}: --holdout ${flag} holds out all ${runs} runs, leaving none to fit the laws on; hold out fewer`);
}

/** Evaluate a data expression at the given rows; bad cells and non-finite values name the row. */
function valuesAt(table: Table, rows: readonly number[], text: string, label: string): number[] {
  const de: DataExpression = compileDataExpression(text, label, table.columns, table.source);
  return rows.map((r) => {
    const cells = table.rows[r] ?? [];
    const row = table.rowNumbers[r] ?? r + 1;
    try {
      return evaluateDataExpression(
        de,
        (c) => {
          const v = parseNumericCell(cells[c]);
          if (!v.ok) throw new DataError('data-value', { file: table.source, row, column: table.columns[c] ?? `#${c + 1}` }, `${v.problem} (needed by ${label}); ${v.fix}`);
          return v.value;
        },
        (c) => String(cells[c] ?? '').trim(),
      );
    } catch (e) {
      if (e instanceof DataError) throw e;
      throw new DataError('data-value', { file: table.source, row }, `${label} cannot be evaluated: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

/** The group label (trimmed cell text) of each row; an empty label is an error naming the row. */
function groupLabels(table: Table, rows: readonly number[], column: string): string[] {
  const label = `--holdout group:${column}`;
  const de = compileDataExpression(column, label, table.columns, table.source);
  if (de.column === undefined) throw new LawfitError('bad-option', `${table.source}: ${label}: group by a single column name, not an expression`);
  const c = de.column;
  return rows.map((r) => {
    const cell = table.rows[r]?.[c];
    const text = cell === null || cell === undefined ? '' : String(cell).trim();
    if (text === '') {
      throw new DataError('data-value', { file: table.source, row: table.rowNumbers[r] ?? r + 1, column: table.columns[c] ?? column }, `the group label is empty (${label}); fill it in or exclude the row with --where`);
    }
    return text;
  });
}
