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
 * - `residuals` and `wild`: fixed-design bootstraps. The rows keep their weights (all replicates
 *   see every row once); each replicate carries its own target vector instead, drawn around the
 *   full fit (fixed-design.ts). Their weight rows here are all ones.
 *
 * Replicate r's draws come from replicateRng(seed, r) (util/rng.ts): a function of (seed, r) only,
 * so any range [first, first + replicates) can be drawn alone (chunks, shards) and equals the same
 * rows of a run that drew them all. The numpy-legacy generator is one sequential MT19937 stream by
 * construction (numpy's protocol); a range of it is drawn by running the stream from replicate 0.
 *
 * Generators: `xoroshiro` (lawfit's own, util/rng.ts) or `numpy-legacy`, which reproduces
 * `np.random.seed(seed)` followed by `np.random.choice(n, n, replace=True)` per replicate draw for
 * draw (MT19937 and numpy's masked rejection for bounded integers), so a published Python
 * protocol's exact resamples can be refitted (rows design only).
 */
import { mersenne } from 'pure-rand/generator/mersenne';
import { LawfitError } from '../errors.js';
import { nextDouble, nextInt, replicateRng } from '../util/rng.js';

/** Weights of the wild bootstrap's multipliers v (mean 0, variance 1). */
export type WildWeights = 'rademacher' | 'mammen';

/**
 * The fixed-design designs (fixed-design.ts): `centre` subtracts the residuals' mean before
 * resampling, `leverage` divides each residual by sqrt(1 - h_ii) (Davison & Hinkley 1997, eq. 6.9).
 */
export type FixedDesign = { kind: 'residuals'; centre: boolean; leverage: boolean } | { kind: 'wild'; weights: WildWeights; leverage: boolean };

export type BootstrapDesign = { kind: 'rows' } | { kind: 'clusters'; groups: readonly string[] } | { kind: 'bayes' } | { kind: 'strata'; strata: readonly string[] } | FixedDesign;
export type ResampleGenerator = 'xoroshiro' | 'numpy-legacy';

/**
 * A design named over a table's columns, not yet resolved to one dataset's rows: a comparison
 * resolves it per fold and a chain over the union of its stages' runs, so clusters name the
 * column that groups them (resolveDesign gives the row-level BootstrapDesign).
 */
export type ColumnDesign = { kind: 'rows' } | { kind: 'bayes' } | { kind: 'clusters'; column: string } | FixedDesign;

/** True for the designs that keep every row and give each replicate its own targets. */
export function isFixedDesign(d: BootstrapDesign | ColumnDesign): d is FixedDesign {
  return d.kind === 'residuals' || d.kind === 'wild';
}

/** The --design grammar, for help texts and error messages (one source of truth with parseDesign). */
export const FIXED_DESIGN_SYNTAX = 'residuals[:raw|:leverage] or wild[:rademacher|:mammen][:leverage]';
export const DESIGN_SYNTAX = `rows, clusters:COL, bayes, ${FIXED_DESIGN_SYNTAX}`;

/** Every fixed design, one per combination of its options (describeDesign names each; lists for menus). */
export const FIXED_DESIGNS: readonly FixedDesign[] = [
  ...[true, false].flatMap((centre) => [false, true].map((leverage): FixedDesign => ({ kind: 'residuals', centre, leverage }))),
  ...(['rademacher', 'mammen'] as const).flatMap((weights) => [false, true].map((leverage): FixedDesign => ({ kind: 'wild', weights, leverage }))),
];

/** Text of a design, as the CLI's --design flag writes it (parseDesign reads it back). */
export function describeDesign(d: ColumnDesign): string {
  switch (d.kind) {
    case 'clusters':
      return `clusters:${d.column}`;
    case 'residuals':
      return d.leverage ? (d.centre ? 'residuals:leverage' : 'residuals:raw:leverage') : d.centre ? 'residuals' : 'residuals:raw';
    case 'wild':
      return `wild${d.weights === 'mammen' ? ':mammen' : ''}${d.leverage ? ':leverage' : ''}`;
    default:
      return d.kind;
  }
}

/** A design from its text (describeDesign's inverse); undefined when the text is not one. */
export function parseDesign(text: string): ColumnDesign | undefined {
  const cl = /^clusters:(.+)$/s.exec(text);
  if (cl !== null) return { kind: 'clusters', column: cl[1]! };
  if (text === 'rows' || text === 'bayes') return { kind: text };
  const [head, ...mods] = text.split(':');
  if (new Set(mods).size !== mods.length) return undefined;
  if (head === 'residuals') {
    if (mods.some((m) => m !== 'raw' && m !== 'leverage')) return undefined;
    return { kind: 'residuals', centre: !mods.includes('raw'), leverage: mods.includes('leverage') };
  }
  if (head === 'wild') {
    if (mods.some((m) => m !== 'rademacher' && m !== 'mammen' && m !== 'leverage')) return undefined;
    if (mods.includes('rademacher') && mods.includes('mammen')) return undefined;
    return { kind: 'wild', weights: mods.includes('mammen') ? 'mammen' : 'rademacher', leverage: mods.includes('leverage') };
  }
  return undefined;
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
  /** First replicate of the range drawn (default 0): rows [first, first + replicates) of the full run. */
  first?: number;
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
  const first = o.first ?? 0;
  if (!Number.isInteger(first) || first < 0) throw new LawfitError('bad-option', `bootstrap: the first replicate must be a whole number >= 0, got ${first}`);
  const w = new Float64Array(R * n);
  const bump = (at: number): void => {
    w[at] = w[at]! + 1;
  };
  const generator = o.generator ?? 'xoroshiro';
  if (generator === 'numpy-legacy') {
    if (o.design.kind !== 'rows') throw new LawfitError('bad-option', `bootstrap: the numpy-legacy generator reproduces row resampling only, not '${o.design.kind}'`);
    const draw = numpyLegacyInts(o.seed);
    for (let r = 0; r < first; r++) for (let k = 0; k < n; k++) draw(n);
    for (let r = 0; r < R; r++) for (let k = 0; k < n; k++) bump(r * n + draw(n));
    return w;
  }
  const rngOf = (r: number) => replicateRng(o.seed, first + r);
  switch (o.design.kind) {
    case 'residuals':
    case 'wild':
      return w.fill(1);
    case 'rows':
      for (let r = 0; r < R; r++) {
        const rng = rngOf(r);
        for (let k = 0; k < n; k++) bump(r * n + nextInt(rng, 0, n - 1));
      }
      return w;
    case 'clusters': {
      const groups = o.design.groups;
      if (groups.length !== n) throw new LawfitError('bad-option', `bootstrap: ${groups.length} group labels for ${n} rows`);
      const labels = [...new Set(groups)];
      const members = labels.map((g) => groups.flatMap((x, i) => (x === g ? [i] : [])));
      if (labels.length < 2) throw new LawfitError('bad-option', `bootstrap: cluster resampling needs at least 2 groups, the data have ${labels.length}`);
      for (let r = 0; r < R; r++) {
        const rng = rngOf(r);
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
        const rng = rngOf(r);
        for (const m of members) for (let k = 0; k < m.length; k++) bump(r * n + m[nextInt(rng, 0, m.length - 1)]!);
      }
      return w;
    }
    case 'bayes':
      for (let r = 0; r < R; r++) {
        const rng = rngOf(r);
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
