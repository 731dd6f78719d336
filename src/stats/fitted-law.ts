/**
 * FittedLaw: what the statistics need of a fitted law, as plain data: the law's declaration and
 * free parameters, the fitted values, the residual statistics, the fitted input ranges and the
 * bootstrap's draws. predict, optimal, derived quantities and chains take this, not the report's
 * FitSummary (src/report, summary.ts), so the statistics do not depend on the report; a
 * FitSummary is one (it extends this type), and so is anything else that carries these fields,
 * e.g. a saved artifact's summary read back from JSON, where NaN arrives as null.
 */
import type { Dataset } from '../data/dataset.js';
import type { LawDeclaration } from '../law/declaration.js';
import type { GroupsRecord } from '../law/groups.js';

export interface FittedLaw {
  law: {
    name: string;
    declaration: LawDeclaration;
    /** The free parameters, in the order of the bootstrap's draws. */
    freeNames: string[];
    /** Per-group parameters (law/groups.ts). */
    groups?: GroupsRecord;
  };
  data: {
    /** Smallest and largest value of each law input over the fitted rows (for extrapolation warnings). */
    inputRanges?: Record<string, [number, number]>;
  };
  /** Every parameter, fixed ones included, natural units; null for a value that was not finite. */
  params: Array<{ name: string; value: number | null; fixed: boolean }>;
  /** Weighted sum of squared residuals in residual space and its degrees of freedom. */
  statistics: { ssr: number; dof: number };
  /** The bootstrap: its level and, per replicate, the free parameters' values (null: failed). */
  bootstrap?: { level: number; draws: Array<number[] | null> };
}

/** Smallest and largest value of each input over a dataset's rows (FittedLaw's data.inputRanges). */
export function inputRanges(ds: Dataset): Record<string, [number, number]> {
  return Object.fromEntries(
    ds.inputNames.map((name, k) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < ds.n; i++) {
        const v = ds.inputs[i * ds.inputNames.length + k]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return [name, [lo, hi] as [number, number]];
    }),
  );
}
