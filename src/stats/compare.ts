/**
 * Which law? Each law is fitted (its own start grid and default loss) on the same runs and judged
 * on held-out runs by absolute relative error of its predictions, |prediction - actual| / actual,
 * the metric of the Hitchhiker's guide to scaling-law estimation (Choshen et al. 2024); in-sample
 * AIC and BIC are reported beside it. Held-out runs are given by a filter expression over the
 * table (e.g. "N_params > 1e9") or as the top K rows by an expression (e.g. the K largest-compute
 * runs, `top:3:N_params * D_tokens`).
 */
import { LawfitError } from '../errors.js';
import type { DataSpec } from '../data/spec.js';
import type { Table } from '../data/table.js';
import { datasetFromTable } from '../data/map-table.js';
import { compileDataExpression, evaluateDataExpression } from '../data/expression.js';
import { parseNumericCell } from '../data/numbers.js';
import type { CompiledLaw } from '../law/compile.js';
import type { Engine } from '../fit/engine.js';
import { fitLaw, type FitResult } from '../fit/fit.js';

export type Holdout = { kind: 'filter'; expression: string } | { kind: 'top'; k: number; expression: string };

export interface LawComparison {
  law: string;
  fit?: FitResult;
  error?: string;
  /** Per held-out row: its row number, actual and predicted target. */
  heldOut: Array<{ row: number; actual: number; predicted: number; absRelError: number }>;
  meanAbsRelError: number;
  aic: number;
  bic: number;
}

/** The rows of `table` that are held out (indices into table.rows). */
export function heldOutRows(table: Table, holdout: Holdout): Set<number> {
  const de = compileDataExpression(holdout.expression, `--holdout '${holdout.expression}'`, table.columns, table.source);
  const values = table.rows.map((cells, r) => {
    try {
      return evaluateDataExpression(
        de,
        (c) => {
          const v = parseNumericCell(cells[c]);
          if (!v.ok) throw new Error(`row ${table.rowNumbers[r]}: ${v.problem}`);
          return v.value;
        },
        (c) => String(cells[c] ?? '').trim(),
      );
    } catch (e) {
      throw new LawfitError('data-value', `${table.source}: --holdout '${holdout.expression}' cannot be evaluated at ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  if (holdout.kind === 'filter') return new Set(values.flatMap((v, r) => (v !== 0 ? [r] : [])));
  const order = values.map((v, r) => [v, r] as const).sort((a, b) => b[0] - a[0]);
  return new Set(order.slice(0, holdout.k).map(([, r]) => r));
}

/** Fit each law on the kept rows and score it on the held-out rows. */
export async function compareLaws(
  laws: readonly CompiledLaw[],
  table: Table,
  spec: DataSpec,
  holdout: Holdout,
  opts: { engine?: Engine } = {},
): Promise<LawComparison[]> {
  const held = heldOutRows(table, holdout);
  if (held.size === 0) throw new LawfitError('data-too-few', `${table.source}: --holdout selects no rows; nothing to extrapolate to`);
  const pick = (keep: boolean): Table => {
    const idx = table.rows.map((_, r) => r).filter((r) => held.has(r) !== keep);
    return { ...table, rows: idx.map((r) => table.rows[r]!), rowNumbers: idx.map((r) => table.rowNumbers[r]!) };
  };
  const fitTable = pick(true);
  const testTable = pick(false);
  const out: LawComparison[] = [];
  for (const law of laws) {
    const inputs = Object.fromEntries(law.inputNames.map((n) => [n, spec.inputs[n] ?? '']));
    const missing = law.inputNames.filter((n) => spec.inputs[n] === undefined);
    if (missing.length > 0) {
      throw new LawfitError('data-column', `law '${law.name}' takes ${missing.map((m) => `'${m}'`).join(', ')}, which --x does not map (add e.g. ${missing[0]}=COLUMN)`);
    }
    const lawSpec: DataSpec = { ...spec, inputs };
    try {
      const fitData = datasetFromTable(fitTable, lawSpec, law.inputNames);
      const testData = datasetFromTable(testTable, lawSpec, law.inputNames);
      const fit = await fitLaw(law, fitData, opts.engine !== undefined ? { engine: opts.engine } : {});
      const X = law.js.features(testData.inputs, law.inputNames.length, testData.n);
      const heldOut = Array.from({ length: testData.n }, (_, i) => {
        const predicted = law.js.prediction(fit.bestInternal, X, i * law.js.nFeatures);
        const actual = testData.y[i]!;
        return { row: testData.rowNumbers[i]!, actual, predicted, absRelError: Math.abs(predicted - actual) / Math.abs(actual) };
      });
      const mean = heldOut.reduce((s, h) => s + h.absRelError, 0) / heldOut.length;
      out.push({ law: law.name, fit, heldOut, meanAbsRelError: mean, aic: fit.statistics.aic, bic: fit.statistics.bic });
    } catch (e) {
      // One law that cannot be fitted on these data does not take down the comparison.
      out.push({ law: law.name, error: e instanceof Error ? e.message : String(e), heldOut: [], meanAbsRelError: NaN, aic: NaN, bic: NaN });
    }
  }
  return out.sort((a, b) => (Number.isNaN(a.meanAbsRelError) ? 1 : Number.isNaN(b.meanAbsRelError) ? -1 : a.meanAbsRelError - b.meanAbsRelError));
}
