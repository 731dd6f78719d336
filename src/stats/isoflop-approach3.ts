/**
 * Approach 3 beside Approach 2: a parametric law L(N, D) fitted to the same runs with fitLaw (the
 * engine in use, the law's own starts and loss), and, for Chinchilla-type laws, the allocation it
 * implies (derived.ts: a = β/(α+β), b = α/(α+β), N_opt and D_opt at C = 6·N·D), so a reader sees
 * both allocations and where they disagree. Laws without A, B, E, α, β get their fit only.
 */
import type { Dataset } from '../data/dataset.js';
import { LawfitError } from '../errors.js';
import type { Engine } from '../fit/engine.js';
import { fitLaw } from '../fit/fit.js';
import { compileLaw, type CompiledLaw } from '../law/compile.js';
import { findLaw } from '../laws/index.js';
import { chinchillaParams, optimalAllocation, optimalExponents } from './derived.js';
import type { IsoflopResult } from './isoflop.js';

export interface Approach3Result {
  law: string;
  group?: string;
  runs: number;
  status: string;
  objective: number;
  params: { name: string; value: number; stdError: number }[];
  /** Present for Chinchilla-type laws. */
  allocation?: { a: number; b: number; at: { C: number; N: number; D: number; tokensPerParam: number }[] };
  /** Why there is no allocation, or why the fit failed. */
  note?: string;
  engine: string;
  elapsedMs: number;
}

/** Rows `rows` of a dataset as a dataset of their own (a group's runs). */
export function subsetDataset(ds: Dataset, rows: readonly number[]): Dataset {
  const k = ds.inputNames.length;
  const inputs = new Float64Array(rows.length * k);
  rows.forEach((i, r) => inputs.set(ds.inputs.subarray(i * k, i * k + k), r * k));
  const out: Dataset = {
    ...ds,
    n: rows.length,
    inputs,
    y: Float64Array.from(rows, (i) => ds.y[i]!),
    rowNumbers: Int32Array.from(rows, (i) => ds.rowNumbers[i]!),
  };
  if (ds.weights !== undefined) out.weights = Float64Array.from(rows, (i) => ds.weights![i]!);
  if (ds.groups !== undefined) out.groups = rows.map((i) => ds.groups![i]!);
  return out;
}

export async function approach3(law: CompiledLaw, ds: Dataset, engine: Engine, at: readonly number[], group?: string): Promise<Approach3Result> {
  const fit = await fitLaw(law, ds, { engine });
  const params = fit.params.map((p) => ({ name: p.name, value: p.value, stdError: p.stdError }));
  const base: Approach3Result = {
    law: law.name,
    ...(group !== undefined ? { group } : {}),
    runs: ds.n,
    status: fit.status.name,
    objective: fit.statistics.objective,
    params,
    engine: fit.engine,
    elapsedMs: fit.elapsedMs,
  };
  let p;
  try {
    p = chinchillaParams(Object.fromEntries(params.map((q) => [q.name, q.value])));
  } catch {
    return { ...base, note: `'${law.name}' is not a Chinchilla-type law (A, B, E, alpha, beta): no allocation to compare` };
  }
  const { a, b } = optimalExponents(p);
  return { ...base, allocation: { a, b, at: at.map((C) => ({ C, ...optimalAllocation(p, C) })).map(({ C, N, D, tokensPerParam }) => ({ C, N, D, tokensPerParam })) } };
}

/**
 * The built-in laws of `--also`, compiled: an IsoFLOP sweep gives N and D only, so a law with
 * other inputs is refused (the same one-line error for `lawfit isoflop` and the app's IsoFLOP mode).
 */
export function approach3Laws(names: readonly string[]): CompiledLaw[] {
  const laws = names.map((name) => compileLaw(findLaw(name)));
  for (const law of laws) {
    const extra = law.inputNames.filter((n) => n !== 'N' && n !== 'D');
    if (extra.length > 0) throw new LawfitError('bad-option', `--also ${law.name}: its inputs are ${law.inputNames.join(', ')}; an IsoFLOP sweep gives N and D only`);
  }
  return laws;
}

/** The runs of one group as a dataset of the law inputs N and D only (Approach 3's fit). */
function lawDataset(ds: Dataset, rows: readonly number[], names: readonly string[]): Dataset {
  const sub = subsetDataset(ds, rows);
  const k = sub.inputNames.length;
  const cols = names.map((name) => sub.inputNames.indexOf(name));
  const inputs = new Float64Array(sub.n * names.length);
  for (let i = 0; i < sub.n; i++) cols.forEach((c, j) => (inputs[i * names.length + j] = sub.inputs[i * k + c]!));
  return { ...sub, inputNames: [...names], inputExpressions: cols.map((c) => sub.inputExpressions[c]!), inputs };
}

/**
 * Approach 3 beside an analysis: every law fitted to every group's runs of `dataset` (the
 * dataset the analysis was made from), law by law, group by group, on `engine`.
 */
export async function approach3ForGroups(laws: readonly CompiledLaw[], dataset: Dataset, result: IsoflopResult, engine: Engine, at: readonly number[]): Promise<Approach3Result[]> {
  const out: Approach3Result[] = [];
  for (const law of laws) {
    for (const g of result.groups) {
      const rows = dataset.groups === undefined ? [...Array(dataset.n).keys()] : dataset.groups.flatMap((l, i) => (l === g.group ? [i] : []));
      out.push(await approach3(law, lawDataset(dataset, rows, law.inputNames), engine, at, g.group));
    }
  }
  return out;
}
