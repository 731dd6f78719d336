/**
 * Bootstrap resampling designs, as weight vectors: replicate r is a row of n weights that the
 * engines apply to the points' costs (never a copy of the data). Seeded and reproducible; the
 * draws happen here, on the host, so every backend sees the same replicates.
 *
 * - `rows`: n rows drawn with replacement; weights are the multinomial counts.
 * - `clusters`: whole groups drawn with replacement (e.g. every checkpoint of one training run);
 *   each drawn group adds 1 to the weight of each of its rows.
 * - `bayes`: the Bayesian bootstrap (Rubin 1981): Dirichlet(1, ..., 1) weights, scaled to sum n.
 * - `strata`: rows drawn with replacement within each stratum, each stratum keeping its size (the
 *   IsoFLOP bootstrap resamples runs within each compute budget, so every budget keeps its runs' count).
 *
 * Generators: `xoroshiro` (lawfit's own, util/rng.ts) or `numpy-legacy`, which reproduces
 * `np.random.seed(seed)` followed by `np.random.choice(n, n, replace=True)` per replicate draw for
 * draw (MT19937 and numpy's masked rejection for bounded integers), so a published Python
 * protocol's exact resamples can be refitted (rows design only).
 */
import { mersenne } from 'pure-rand/generator/mersenne';
import { LawfitError } from '../errors.js';
import { createRng, nextDouble, nextInt } from '../util/rng.js';

export type BootstrapDesign = { kind: 'rows' } | { kind: 'clusters'; groups: readonly string[] } | { kind: 'bayes' } | { kind: 'strata'; strata: readonly string[] };
export type ResampleGenerator = 'xoroshiro' | 'numpy-legacy';

/**
 * A design named over a table's columns, not yet resolved to one dataset's rows: a comparison
 * resolves it per fold and a chain over the union of its stages' runs, so clusters name the
 * column that groups them (resolveDesign gives the row-level BootstrapDesign).
 */
export type ColumnDesign = { kind: 'rows' } | { kind: 'bayes' } | { kind: 'clusters'; column: string };

/** Text of a design, as the CLI's --design flag writes it. */
export function describeDesign(d: ColumnDesign): string {
  return d.kind === 'clusters' ? `clusters:${d.column}` : d.kind;
}

/** The row-level design for a dataset whose rows carry `groups` (the clusters column's labels). */
export function resolveDesign(d: ColumnDesign, groups: readonly string[] | undefined): BootstrapDesign {
  if (d.kind !== 'clusters') return d;
  if (groups === undefined) throw new LawfitError('bad-option', `--design ${describeDesign(d)}: the data have no group column`);
  return { kind: 'clusters', groups };
}

export interface ResampleOptions {
  replicates: number;
  seed: number;
  design: BootstrapDesign;
  generator?: ResampleGenerator;
}

/** Uniform integers in [0, m) as numpy's legacy RandomState.randint(0, m) draws them. */
function numpyLegacyInts(seed: number): (m: number) => number {
  const g = mersenne(seed >>> 0);
  return (m: number) => {
    if (m <= 1) return 0;
    let mask = m - 1;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    for (;;) {
      const v = (g.next() >>> 0) & mask;
      if (v < m) return v;
    }
  };
}

/** Replicates x n weights, row-major. */
export function resampleWeights(n: number, o: ResampleOptions): Float64Array {
  if (!Number.isInteger(o.replicates) || o.replicates < 1) throw new LawfitError('bad-option', `bootstrap: replicates must be a positive whole number, got ${o.replicates}`);
  const R = o.replicates;
  const w = new Float64Array(R * n);
  const bump = (at: number): void => {
    w[at] = w[at]! + 1;
  };
  const generator = o.generator ?? 'xoroshiro';
  if (generator === 'numpy-legacy') {
    if (o.design.kind !== 'rows') throw new LawfitError('bad-option', `bootstrap: the numpy-legacy generator reproduces row resampling only, not '${o.design.kind}'`);
    const draw = numpyLegacyInts(o.seed);
    for (let r = 0; r < R; r++) for (let k = 0; k < n; k++) bump(r * n + draw(n));
    return w;
  }
  const rng = createRng(o.seed);
  switch (o.design.kind) {
    case 'rows':
      for (let r = 0; r < R; r++) for (let k = 0; k < n; k++) bump(r * n + nextInt(rng, 0, n - 1));
      return w;
    case 'clusters': {
      const groups = o.design.groups;
      if (groups.length !== n) throw new LawfitError('bad-option', `bootstrap: ${groups.length} group labels for ${n} rows`);
      const labels = [...new Set(groups)];
      const members = labels.map((g) => groups.flatMap((x, i) => (x === g ? [i] : [])));
      if (labels.length < 2) throw new LawfitError('bad-option', `bootstrap: cluster resampling needs at least 2 groups, the data have ${labels.length}`);
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < labels.length; k++) {
          for (const i of members[nextInt(rng, 0, labels.length - 1)]!) bump(r * n + i);
        }
      }
      return w;
    }
    case 'strata': {
      const strata = o.design.strata;
      if (strata.length !== n) throw new LawfitError('bad-option', `bootstrap: ${strata.length} stratum labels for ${n} rows`);
      const members = [...new Set(strata)].map((g) => strata.flatMap((x, i) => (x === g ? [i] : [])));
      for (let r = 0; r < R; r++) {
        for (const m of members) for (let k = 0; k < m.length; k++) bump(r * n + m[nextInt(rng, 0, m.length - 1)]!);
      }
      return w;
    }
    case 'bayes':
      for (let r = 0; r < R; r++) {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          let u = 0;
          while (u === 0) u = nextDouble(rng);
          const e = -Math.log(u);
          w[r * n + i] = e;
          sum += e;
        }
        for (let i = 0; i < n; i++) w[r * n + i] = (w[r * n + i]! * n) / sum;
      }
      return w;
  }
}
