/**
 * Per-group parameters (`--per corpus:E,A`): one law fitted across several groups of runs (training
 * sets, corpora, tasks) with some parameters taking one value per group and the rest shared.
 *
 * HOW (expansion at compile and dataset level, so neither engine changes)
 *
 *   For a categorical column with levels g = 0..G-1 (first-appearance order) and a per-group
 *   parameter E, the law is rewritten as
 *
 *       E = E__0 * I_0 + E__1 * I_1 + ... + E__{G-1} * I_{G-1};   <original formula>
 *
 *   where I_g is a one-hot indicator input appended to the dataset (1 on the rows of group g,
 *   0 elsewhere) and E__g is a free parameter with E's transform, start axis and range. The
 *   indicators are input-only, so the compiler hoists them into the feature matrix; the
 *   prediction and its exact derivatives (dm/dE__g = I_g dm/dE) stay formulas, and the float64 JS
 *   and f32 WGSL emitters, the CPU pool and the GPU kernels run the expanded law unchanged. The
 *   cost: G extra features per row and G - 1 extra parameters per per-group parameter. The fitted
 *   parameters are displayed as `E[pile]`, `E[stack]`, ... (`free[j].name`); the declaration keeps
 *   the internal identifiers `E__0`, ... that the formula language accepts.
 *
 *   Starts. A product grid over every group's copy would have |axis|^G points. Instead the starts
 *   are made for the shared law (its grid, --grid axes, Sobol or random points, all named by the
 *   shared parameter names) and each start is copied to every group's copy (fit/starts.ts calls
 *   `expandGroupedStarts`); LM then separates the groups, whose copies are decoupled except
 *   through the shared parameters.
 *
 *   Limits. The GPU thread kernel holds J'J (P(P+1)/2 floats, several copies) in private memory
 *   per thread, with no fixed cap on P; the workgroup kernel keeps WG (P(P+1)/2 + P + 2) floats in
 *   workgroup memory and is therefore only used while that fits the device's
 *   maxComputeWorkgroupStorageSize (gpu/engine.ts). Sobol starts are limited to the shared law's
 *   free parameters (at most 21), since they are drawn in the shared space.
 */
import { LawfitError, didYouMean } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import type { DataSpec } from '../data/spec.js';
import type { Table } from '../data/table.js';
import { datasetFromTable } from '../data/map-table.js';
import { compileLaw, type CompiledLaw, type FreeParam } from './compile.js';
import type { LawDeclaration, ParamDecl } from './declaration.js';

/** What the caller asks for: the categorical column and the parameters that get one value per group. */
export interface PerGroupSpec {
  column: string;
  params: readonly string[];
}

/** What a grouped law carries (CompiledLaw.grouping). */
export interface Grouping {
  column: string;
  /** The group values, in first-appearance order in the fitted data. */
  levels: readonly string[];
  /** The per-group parameters (shared-law names). */
  perParams: readonly string[];
  /** The law with every parameter shared: starts are made for it and copied. */
  base: CompiledLaw;
  /** For each free parameter of the grouped law: its index in base.free. */
  baseIndex: readonly number[];
  /** For each free parameter of the grouped law: its group's index in `levels`, or -1 when shared. */
  level: readonly number[];
  /** Names of the indicator inputs appended to the law's inputs, one per level. */
  indicatorInputs: readonly string[];
}

/** `COL:P1,P2` (the --per flag), e.g. `corpus:E,A`. */
export function parsePerFlag(text: string, flag = '--per'): PerGroupSpec {
  const m = /^([^:]+):(.+)$/s.exec(text.trim());
  const params = m === null ? [] : m[2]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (m === null || m[1]!.trim() === '' || params.length === 0) {
    throw new LawfitError('bad-option', `${flag}: expected COLUMN:PARAM[,PARAM...], e.g. corpus:E,A; got '${text}'`);
  }
  if (new Set(params).size !== params.length) throw new LawfitError('bad-option', `${flag} ${text}: a parameter is named twice`);
  return { column: m[1]!.trim(), params };
}

/** The display name of group `level`'s copy of parameter `name`. */
export function groupedName(name: string, level: string): string {
  return `${name}[${level}]`;
}

/** The distinct values of a group column in first-appearance order; a single value is an error. */
export function groupLevels(labels: readonly string[], column: string, source: string): string[] {
  const levels: string[] = [];
  const seen = new Set<string>();
  for (const l of labels) {
    if (!seen.has(l)) {
      seen.add(l);
      levels.push(l);
    }
  }
  if (levels.length < 2) {
    throw new LawfitError(
      'data-column',
      `${source}, column '${column}': per-group parameters need at least two groups, but the column has ${levels.length === 0 ? 'no values' : `the single value '${levels[0]}'`} (drop --per, or check the where filter)`,
    );
  }
  return levels;
}

const INDICATOR_PREFIX = 'lawfit_group_';
const internal = (p: string, g: number): string => `${p}__${g}`;

/** The bindings a grouped law's formula opens with: `E = E__0 * lawfit_group_0 + ...;` per per-group parameter. */
function groupBindings(params: readonly string[], G: number): string {
  return params.map((p) => `${p} = ${Array.from({ length: G }, (_, g) => `${internal(p, g)} * ${INDICATOR_PREFIX}${g}`).join(' + ')};\n`).join('');
}

function groupDisplaySuffix(per: PerGroupSpec, levels: readonly string[]): string {
  return `   with ${per.params.join(', ')} per ${per.column} (${levels.length} groups: ${levels.join(', ')})`;
}

/** Compile `base` with the parameters of `per` made per-group over `levels`; `flag` names where `per` came from in messages. */
export function compileGroupedLaw(base: CompiledLaw, per: PerGroupSpec, levels: readonly string[], name?: string, flag = '--per'): CompiledLaw {
  if (base.grouping !== undefined) throw new LawfitError('bad-option', `law '${base.name}' already has per-group parameters (over '${base.grouping.column}'); give one --per`);
  const d = base.declaration;
  const names = d.params.map((p) => p.name);
  for (const p of per.params) {
    if (!names.includes(p) && d.inputs.some((i) => i.name === p)) {
      throw new LawfitError('unknown-parameter', `${flag} ${per.column}: '${p}' is an input of law '${d.name}', not a parameter; only parameters take one value per group (parameters: ${names.join(', ')})`);
    }
    if (!names.includes(p)) {
      throw new LawfitError('unknown-parameter', `${flag} ${per.column}: law '${d.name}' has no parameter '${p}'${didYouMean(p, names)} (parameters: ${names.join(', ')})`);
    }
    if (d.params.find((q) => q.name === p)!.fixed !== undefined) {
      throw new LawfitError('bad-option', `${flag} ${per.column}: parameter '${p}' is fixed; free it (--free ${p}) or drop it from ${flag}`);
    }
  }
  const indicators = levels.map((_, g) => `${INDICATOR_PREFIX}${g}`);
  const clash = indicators.find((n) => d.inputs.some((i) => i.name === n) || names.includes(n));
  if (clash !== undefined) throw new LawfitError('law-declaration', `law '${d.name}': the name '${clash}' is reserved for per-group indicators`);
  const params: ParamDecl[] = [];
  for (const p of d.params) {
    if (!per.params.includes(p.name)) params.push(p);
    else levels.forEach((_, g) => params.push({ ...p, name: internal(p.name, g) }));
  }
  for (const p of params) {
    if (per.params.includes(p.name)) throw new LawfitError('law-declaration', `law '${d.name}': parameter name '${p.name}' clashes with a per-group copy`);
  }
  const decl: LawDeclaration = {
    ...d,
    ...(name !== undefined ? { name } : {}),
    formula: `${groupBindings(per.params, levels.length)}${d.formula}`,
    display: `${d.display ?? d.formula.replace(/\s*\n\s*/g, '; ')}${groupDisplaySuffix(per, levels)}`,
    inputs: [...d.inputs, ...indicators.map((name, g) => ({ name, description: `1 on the rows where ${per.column} = ${levels[g]}` }))],
    params,
  };
  const compiled = compileLaw(decl);

  const baseIndex: number[] = [];
  const level: number[] = [];
  const display = new Map<string, string>();
  for (const p of d.params) {
    if (per.params.includes(p.name)) levels.forEach((lv, g) => display.set(internal(p.name, g), groupedName(p.name, lv)));
  }
  const free: FreeParam[] = compiled.free.map((fp) => {
    const m = /^(.*)__(\d+)$/.exec(fp.name);
    const shared = m !== null && per.params.includes(m[1]!) ? m[1]! : fp.name;
    baseIndex.push(base.free.findIndex((b) => b.name === shared));
    level.push(m !== null && per.params.includes(m[1]!) ? Number(m[2]) : -1);
    return { ...fp, name: display.get(fp.name) ?? fp.name };
  });
  const grouping: Grouping = { column: per.column, levels: [...levels], perParams: [...per.params], base, baseIndex, level, indicatorInputs: indicators };
  return {
    ...compiled,
    paramNames: compiled.paramNames.map((n) => display.get(n) ?? n),
    free,
    grouping,
  };
}

/**
 * The dataset of a grouped law: `labels` (the group value of each row) become the one-hot
 * indicator columns the law's extra inputs read. A value absent from the fit is an error (at
 * prediction time); so is, when `checkCounts`, a group with fewer runs than its own parameters.
 */
export function groupedDataset(law: CompiledLaw, ds: Dataset, labels: readonly string[], checkCounts = true): Dataset {
  const gr = law.grouping;
  if (gr === undefined) throw new LawfitError('bad-option', `law '${law.name}' has no per-group parameters`);
  if (labels.length !== ds.n) throw new LawfitError('data-column', `${ds.source}: ${labels.length} group labels for ${ds.n} rows`);
  const G = gr.levels.length;
  const nIn = ds.inputNames.length;
  const nOut = nIn + G;
  const inputs = new Float64Array(ds.n * nOut);
  const counts = new Array<number>(G).fill(0);
  for (let i = 0; i < ds.n; i++) {
    const g = gr.levels.indexOf(labels[i]!);
    if (g < 0) {
      throw new LawfitError(
        'data-value',
        `${ds.source}, row ${ds.rowNumbers[i] ?? i + 1}, column '${gr.column}': group '${labels[i]}' was not in the fit (its groups: ${gr.levels.join(', ')}); per-group parameters exist only for fitted groups`,
      );
    }
    for (let k = 0; k < nIn; k++) inputs[i * nOut + k] = ds.inputs[i * nIn + k]!;
    inputs[i * nOut + nIn + g] = 1;
    if ((ds.weights?.[i] ?? 1) > 0) counts[g]!++;
  }
  if (checkCounts) {
    const own = gr.perParams.length;
    counts.forEach((c, g) => {
      if (c < own) {
        throw new LawfitError(
          'data-too-few',
          `${ds.source}, column '${gr.column}': group '${gr.levels[g]}' has ${c} run${c === 1 ? '' : 's'} for its ${own} own parameter${own === 1 ? '' : 's'} (${gr.perParams.map((p) => groupedName(p, gr.levels[g]!)).join(', ')}); need at least ${own}`,
        );
      }
    });
  }
  return {
    ...ds,
    inputNames: [...ds.inputNames, ...gr.indicatorInputs],
    inputExpressions: [...ds.inputExpressions, ...gr.levels.map((l) => `${gr.column} == '${l}'`)],
    inputs,
  };
}

/**
 * The library's one call: make `per.params` per-group over the values of `per.column` in
 * `dataset` (whose `groups` must hold that column: load it with `group: per.column`, or pass the
 * labels), returning the grouped law and the dataset it fits.
 */
export function perGroup(law: CompiledLaw, dataset: Dataset, per: PerGroupSpec, labels?: readonly string[]): { law: CompiledLaw; dataset: Dataset } {
  const l = labels ?? (dataset.groupColumn === per.column ? dataset.groups : undefined);
  if (l === undefined) {
    throw new LawfitError('bad-option', `--per ${per.column}: the dataset carries no labels for column '${per.column}' (load it with group: '${per.column}')`);
  }
  const grouped = compileGroupedLaw(law, per, groupLevels(l, per.column, dataset.source));
  return { law: grouped, dataset: groupedDataset(grouped, dataset, l) };
}

/** Copy each start of the shared law (internal coordinates, base.free order) to every group's copy. */
export function expandGroupedStarts(law: CompiledLaw, baseU: Float64Array, count: number): Float64Array {
  const gr = law.grouping!;
  const pb = gr.base.free.length;
  const p = law.free.length;
  const u = new Float64Array(count * p);
  for (let s = 0; s < count; s++) for (let j = 0; j < p; j++) u[s * p + j] = baseU[s * pb + gr.baseIndex[j]!]!;
  return u;
}

/**
 * The grouped law a saved fit used, from its stored (expanded) declaration and its groups record:
 * the shared law's declaration is recovered exactly (the bindings and indicator inputs this
 * module added are removed, each parameter's copies folded back into one) and grouped again, so
 * a later refit of the artifact (lawfit coverage) has the same display names, starts (the shared
 * law's, copied) and grouping as the fit. An ungrouped declaration is compiled as it is.
 */
export function lawFromDeclaration(d: LawDeclaration, groups: GroupsRecord | undefined): CompiledLaw {
  if (groups === undefined) return compileLaw(d);
  const G = groups.levels.length;
  const prefix = groupBindings(groups.params, G);
  const per = { column: groups.column, params: groups.params };
  const suffix = groupDisplaySuffix(per, groups.levels);
  if (!d.formula.startsWith(prefix) || groups.indicatorInputs.some((n, g) => n !== `${INDICATOR_PREFIX}${g}`)) {
    throw new LawfitError('artifact', `law '${d.name}': the declaration does not have the per-group form its groups record describes (${groups.params.join(', ')} per ${groups.column})`);
  }
  const params: ParamDecl[] = [];
  for (const p of d.params) {
    const m = /^(.*)__(\d+)$/.exec(p.name);
    if (m !== null && groups.params.includes(m[1]!)) {
      if (m[2] === '0') params.push({ ...p, name: m[1]! });
    } else params.push(p);
  }
  const base: LawDeclaration = {
    ...d,
    formula: d.formula.slice(prefix.length),
    inputs: d.inputs.filter((i) => !groups.indicatorInputs.includes(i.name)),
    params,
  };
  if (d.display !== undefined && d.display.endsWith(suffix)) base.display = d.display.slice(0, -suffix.length);
  return compileGroupedLaw(compileLaw(base), per, groups.levels, d.name);
}

/** What a fit summary records of a grouped law (FitSummary.law.groups). */
export interface GroupsRecord {
  column: string;
  levels: string[];
  params: string[];
  indicatorInputs: string[];
}

export function groupsRecord(law: CompiledLaw): GroupsRecord | undefined {
  const g = law.grouping;
  return g === undefined ? undefined : { column: g.column, levels: [...g.levels], params: [...g.perParams], indicatorInputs: [...g.indicatorInputs] };
}

/** A declared parameter's display name: `E__1` of a grouped law is `E[stack]`. */
export function displayName(name: string, groups: GroupsRecord | undefined): string {
  if (groups === undefined) return name;
  const m = /^(.*)__(\d+)$/.exec(name);
  if (m === null || !groups.params.includes(m[1]!)) return name;
  const level = groups.levels[Number(m[2])];
  return level === undefined ? name : groupedName(m[1]!, level);
}

/**
 * The indicator inputs of one group value, for prediction: errors clearly when the value was not
 * among the fitted groups (there are no parameters for it).
 */
export function indicatorValues(groups: GroupsRecord, value: string | undefined, where: string): Record<string, number> {
  if (value === undefined) {
    throw new LawfitError('bad-option', `${where}: the law has per-group parameters (${groups.params.join(', ')} per ${groups.column}); give the group, e.g. --group ${groups.levels[0]} (groups: ${groups.levels.join(', ')})`);
  }
  const g = groups.levels.indexOf(value);
  if (g < 0) {
    throw new LawfitError('bad-option', `${where}: group '${value}' of column '${groups.column}' was not in the fit, so it has no ${groups.params.join(', ')} (groups: ${groups.levels.join(', ')})`);
  }
  return Object.fromEntries(groups.indicatorInputs.map((n, k) => [n, k === g ? 1 : 0]));
}

/**
 * One group's own law from a grouped fit's named values (display names): the shared parameters as
 * they are, the group's copies under their shared names (`E[pile]` -> `E` for group 'pile'), the
 * other groups' copies left out. Derived quantities (compute-optimal N_opt, D_opt) are functions
 * of the shared law's parameters, so per group they are those functions of this. An ungrouped fit
 * gives its values back unchanged (a group named for it is an error).
 */
export function groupLawValues(values: Readonly<Record<string, number>>, groups: GroupsRecord | undefined, group: string | undefined, where: string): Record<string, number> {
  if (groups === undefined) {
    if (group !== undefined) throw new LawfitError('bad-option', `${where}: --group ${group}: this fit has no per-group parameters`);
    return { ...values };
  }
  indicatorValues(groups, group, where); // the group must be one of the fitted ones
  const copies = new Map<string, string>();
  for (const p of groups.params) for (const lv of groups.levels) copies.set(groupedName(p, lv), p);
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(values)) {
    const shared = copies.get(name);
    if (shared === undefined) out[name] = v;
    else if (name === groupedName(shared, group!)) out[shared] = v;
  }
  return out;
}

/** The law's own inputs as the data must map them (a grouped law's indicators are made, not mapped). */
export function mappedInputs(law: CompiledLaw): readonly string[] {
  return law.grouping?.base.inputNames ?? law.inputNames;
}

/**
 * A table's rows as `law`'s dataset: for a grouped law, the group column read too and turned into
 * the indicator inputs (`checkCounts`: each group needs as many runs as its own parameters, for
 * fitting, not for held-out rows). A cluster column in `spec.group` is kept as the rows' groups.
 */
export function datasetForLaw(law: CompiledLaw, table: Table, spec: DataSpec, checkCounts: boolean): Dataset {
  const g = law.grouping;
  if (g === undefined) return datasetFromTable(table, spec, law.inputNames);
  const ds = datasetFromTable(table, { ...spec, group: g.column }, g.base.inputNames);
  const out = groupedDataset(law, ds, ds.groups!, checkCounts);
  if (spec.group === undefined) {
    delete out.groups;
    delete out.groupColumn;
  } else if (spec.group !== g.column) {
    const c = datasetFromTable(table, spec, g.base.inputNames);
    out.groups = c.groups!;
    out.groupColumn = spec.group;
  }
  return out;
}

/**
 * compare's `--per-law [NAME=]LAW:COL:P1,P2`: the variant of law LAW with P1, P2 per group of COL,
 * named NAME (default `LAW.per-COL`), so that one comparison holds both and tests them against
 * each other.
 */
export function parsePerLawFlag(text: string): { law: string; per: PerGroupSpec; name?: string } {
  const m = /^(?:([A-Za-z][A-Za-z0-9_.-]*)=)?([^:=]+):(.+)$/s.exec(text.trim());
  if (m === null) throw new LawfitError('bad-option', `--per-law: expected [NAME=]LAW:COLUMN:PARAM[,PARAM...], e.g. chinchilla:corpus:E,A or joint=overtrain:train_dataset:a,c,E; got '${text}'`);
  return { law: m[2]!.trim(), per: parsePerFlag(m[3]!, '--per-law'), ...(m[1] !== undefined ? { name: m[1] } : {}) };
}

export function perLawName(law: string, column: string): string {
  return `${law}.per-${/^[A-Za-z0-9_.-]+$/.test(column) ? column : 'group'}`;
}

/**
 * The indexed syntax of a typed formula: `E[corpus] + A[corpus]/N^alpha` makes E and A per group
 * of column `corpus`. Each `NAME[COL]` is replaced by NAME padded with spaces, so every formula
 * error still points at the right column of the text the user typed. A parameter indexed anywhere
 * is per-group everywhere; one law takes one group column.
 */
export function extractIndexedParams(formula: string): { formula: string; per?: PerGroupSpec } {
  const params: string[] = [];
  const columns = new Set<string>();
  const text = formula.replace(/\b([A-Za-z_][A-Za-z0-9_]*)\[([^\]\n]*)\]/g, (whole, name: string, col: string) => {
    const c = col.trim();
    if (c === '') throw new LawfitError('formula-syntax', `formula: '${whole}' names no group column; write ${name}[COLUMN]`);
    columns.add(c);
    if (!params.includes(name)) params.push(name);
    return name.padEnd(whole.length, ' ');
  });
  if (columns.size > 1) throw new LawfitError('formula-syntax', `formula: parameters are indexed by ${[...columns].map((c) => `'${c}'`).join(' and ')}; a law takes one group column`);
  if (params.length === 0) return { formula };
  return { formula: text, per: { column: [...columns][0]!, params } };
}

/** One --per from the flag and the formula's indexed parameters (which must agree on the column). */
export function mergePer(flag: PerGroupSpec | undefined, indexed: PerGroupSpec | undefined): PerGroupSpec | undefined {
  if (flag === undefined || indexed === undefined) return flag ?? indexed;
  if (flag.column !== indexed.column) throw new LawfitError('bad-option', `--per ${flag.column}: the formula indexes parameters by '${indexed.column}'; a law takes one group column`);
  return { column: flag.column, params: [...new Set([...indexed.params, ...flag.params])] };
}

/**
 * A cluster bootstrap over the per-group column itself would draw replicates without some groups,
 * whose parameters then have no data and stay at their start: intervals that look tight and mean
 * nothing. Refused; cluster on another column (model size, seed) or resample rows.
 */
export function checkClusterDesign(law: CompiledLaw, clusterColumn: string | undefined): void {
  if (law.grouping !== undefined && clusterColumn !== undefined && clusterColumn === law.grouping.column) {
    throw new LawfitError(
      'bad-option',
      `--design clusters:${clusterColumn}: resampling whole groups of the per-group column '${clusterColumn}' leaves some groups' parameters (${law.grouping.perParams.map((p) => `${p}[...]`).join(', ')}) without data in a replicate; cluster on another column or use --design rows`,
    );
  }
}
