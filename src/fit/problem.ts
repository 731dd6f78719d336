/**
 * The problem description both engines consume: one law, one dataset (as hoisted float64 features
 * and a target already in residual space), a set of start points and a set of weight vectors. The
 * batch is their product: problem p = w * nStarts + s fits start s under weight vector w. Multi-start
 * and bootstrap share the data; a bootstrap replicate is a weight vector (multinomial counts), never
 * a copy of the rows. A fixed-design bootstrap replicate (stats/fixed-design.ts) keeps the weights
 * and brings its own target vector instead: `targets`, one row of n per weight vector.
 */
import { LawfitError } from '../errors.js';
import { targetInSpace, type CompiledLaw } from '../law/compile.js';
import type { Dataset } from '../data/dataset.js';
import type { LmOptions } from './options.js';
import type { FixedDesign } from '../stats/resample.js';
import type { FixedDesignBasis } from '../stats/fixed-design.js';

export interface PreparedData {
  n: number;
  /** Hoisted features, row-major n x law.js.nFeatures (float64, computed on the host). */
  X: Float64Array;
  /** Target in the law's residual space. */
  yt: Float64Array;
  /** The dataset's own weights (all ones when it has none). */
  baseWeights: Float64Array;
}

export interface BatchProblem {
  law: CompiledLaw;
  data: PreparedData;
  /** nStarts x nFree internal coordinates. */
  starts: Float64Array;
  nStarts: number;
  /** nWeightSets x n; each row multiplies the points' costs. */
  weights: Float64Array;
  nWeightSets: number;
  /**
   * Per-weight-vector targets in the law's residual space, nWeightSets x n; absent: every weight
   * vector fits data.yt. Problem p = w * nStarts + s fits targets row w under weights row w.
   */
  targets?: Float64Array;
  /**
   * How `weights` (and `targets`) were drawn, for an engine that can redraw them where it solves
   * instead of receiving them (the WebGPU engine draws them on the device, src/gpu/draw.ts).
   * The rows themselves stay the truth: an engine that ignores this solves them as given.
   */
  recipe?: ReplicateRecipe;
  options: LmOptions;
}

/**
 * Weight vector w is bootstrap replicate first + w of `design`, drawn from replicateRng(seed,
 * first + w, stream) (util/rng.ts) as stats/resample.ts (weights: multinomial row counts for
 * 'rows', cluster counts for 'clusters', all ones for the fixed designs) and stats/fixed-design.ts (targets, from `basis`)
 * draw it, the weights multiplied by `base` (the rows' own weights).
 */
export interface ReplicateRecipe {
  seed: number;
  first: number;
  stream: number;
  design: { kind: 'rows' } | { kind: 'clusters'; groups: readonly string[] } | FixedDesign;
  base: Float64Array;
  /** The fixed designs' basis (absent for 'rows', whose replicates fit data.yt). */
  basis?: FixedDesignBasis;
}

/** The recipe of a sub-problem that starts at weight vector w of `problem` (spread into it). */
export function recipeFrom(problem: Pick<BatchProblem, 'recipe'>, w: number): { recipe?: ReplicateRecipe } {
  return problem.recipe === undefined ? {} : { recipe: { ...problem.recipe, first: problem.recipe.first + w } };
}

/** The target vector problems of weight vector w fit: its own row of `targets`, or the data's. */
export function targetRow(problem: Pick<BatchProblem, 'data' | 'targets'>, w: number): Float64Array {
  const n = problem.data.n;
  return problem.targets === undefined ? problem.data.yt : problem.targets.subarray(w * n, (w + 1) * n);
}

export interface BatchResult {
  nProblems: number;
  nFree: number;
  /** Final internal parameters, nProblems x nFree. */
  u: Float64Array;
  cost: Float64Array;
  status: Uint8Array;
  iterations: Uint32Array;
}

export function allocateBatchResult(nProblems: number, nFree: number): BatchResult {
  return {
    nProblems,
    nFree,
    u: new Float64Array(nProblems * nFree),
    cost: new Float64Array(nProblems),
    status: new Uint8Array(nProblems),
    iterations: new Uint32Array(nProblems),
  };
}

/**
 * Compute the law's features and transformed target for a dataset, rejecting rows where either is
 * not finite with an error that names the row and the inputs involved (e.g. log of a non-positive
 * value), before any solver runs.
 */
export function prepareData(law: CompiledLaw, ds: Dataset): PreparedData {
  const nIn = law.inputNames.length;
  if (ds.inputNames.length !== nIn || ds.inputNames.some((n, k) => n !== law.inputNames[k])) {
    throw new LawfitError(
      'data-column',
      `${ds.source}: the data provide inputs (${ds.inputNames.join(', ')}) but law '${law.name}' takes (${law.inputNames.join(', ')})`,
    );
  }
  const X = law.js.features(ds.inputs, nIn, ds.n);
  const nF = law.js.nFeatures;
  const yt = new Float64Array(ds.n);
  for (let i = 0; i < ds.n; i++) {
    const row = ds.rowNumbers[i] ?? i + 1;
    for (let k = 0; k < nF; k++) {
      if (!Number.isFinite(X[i * nF + k]!)) {
        const vals = law.inputNames.map((name, j) => `${name} = ${ds.inputs[i * nIn + j]}`).join(', ');
        throw new LawfitError(
          'data-value',
          `${ds.source}, row ${row}: law '${law.name}' is undefined at ${vals} (an input-only part of the formula is not finite there, e.g. the log of a value <= 0)`,
        );
      }
    }
    const y = ds.y[i]!;
    const t = targetInSpace(law.space, y);
    if (!Number.isFinite(t)) {
      const need = law.space === 'log' ? 'a target > 0' : law.space === 'log1p' ? 'a target > -1' : 'a finite target';
      throw new LawfitError(
        'data-value',
        `${ds.source}, row ${row}, column '${ds.targetExpression}': value ${y} cannot be used: residuals in ${law.space} space need ${need}`,
      );
    }
    yt[i] = t;
  }
  const baseWeights = ds.weights ?? new Float64Array(ds.n).fill(1);
  const nUsed = baseWeights.reduce((c, w) => c + (w > 0 ? 1 : 0), 0);
  if (nUsed < law.free.length) {
    throw new LawfitError(
      'data-too-few',
      `${ds.source}: ${nUsed} usable data point${nUsed === 1 ? '' : 's'} for ${law.free.length} free parameters of law '${law.name}'; need at least ${law.free.length}`,
    );
  }
  return { n: ds.n, X, yt, baseWeights };
}
