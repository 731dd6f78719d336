/**
 * Artifacts are checked on read (issue 14): a schema for every field the report, predict, optimal
 * and plot commands use (zod), then the artifact's own consistency: draw counts against the stated
 * replicates, parameter names against the law's declaration, matrix sizes against the free
 * parameters. Each failure is one line naming the field, e.g.
 *
 *   fit.json: invalid artifact: summary.params[0].value: expected a number or null, got "abc"
 *
 * Numbers that JSON cannot hold (NaN, ±Infinity) are written as null (JSON.stringify), so float
 * fields accept null; counts must be whole numbers. Unknown fields are allowed (newer writers may
 * add some); the validated artifact is returned as read.
 */
import { displayName, type GroupsRecord } from '../law/groups.js';
import { z } from 'zod';
import { LawfitError } from '../errors.js';
import { QC_REASONS, QC_STAGES, QC_THRESHOLDS, type QcReason } from '../stats/isoflop-qc.js';
import { FRONTIER_WEIGHTS } from '../stats/isoflop-frontier.js';
import { ISOFLOP_DESIGNS } from '../stats/isoflop.js';

// ---- leaves ------------------------------------------------------------------------------------

/** A float as the writer stores it: a number, or null for NaN/±Inf. */
const real = z.number({ error: 'expected a number or null' }).nullable();
const finite = z.number({ error: 'expected a number' });
const count = z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).nonnegative({ error: 'expected a whole number >= 0' });
const pair = z.tuple([real, real]);
const nameMap = <T extends z.ZodType>(v: T) => z.record(z.string(), v);

const transform = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('none') }),
  z.looseObject({ kind: z.literal('log') }),
  z.looseObject({ kind: z.literal('bounded'), lower: finite, upper: finite }),
]);

const declaration = z.looseObject({
  name: z.string(),
  formula: z.string(),
  inputs: z.array(z.looseObject({ name: z.string() })).min(1),
  params: z.array(z.looseObject({ name: z.string(), transform: transform.optional(), fixed: finite.optional(), start: z.array(finite).optional(), range: z.tuple([finite, finite]).optional() })).min(1),
  space: z.enum(['linear', 'log', 'log1p']),
});

const bootstrap = z.looseObject({
  replicates: count,
  succeeded: count,
  failed: z.array(count),
  seed: finite,
  design: z.string(),
  level: finite,
  startsPerReplicate: count,
  rescued: z.array(count).optional(),
  rescueStarts: z.string().optional(),
  failures: z.array(z.looseObject({ replicate: count, reason: z.string(), status: z.string(), detail: z.string() })).optional(),
  replicateStatus: z.array(z.string()).optional(),
  replicateShareReachedBest: z.array(real).optional(),
  parameters: z.array(z.looseObject({ name: z.string(), estimate: real, sd: real, percentile: pair, bca: pair.optional() })),
  draws: z.array(z.array(real).nullable()),
  fewRows: z.looseObject({ threshold: count, replicates: z.array(count), minEffectiveRows: count }).optional(),
});

export const fitSummarySchema = z.looseObject({
  law: z.looseObject({ name: z.string(), declaration, freeNames: z.array(z.string()) }),
  data: z.looseObject({
    source: z.string(),
    digest: z.string().optional(),
    n: count,
    inputs: nameMap(z.string()),
    inputRanges: nameMap(pair).optional(),
    target: z.string(),
    weights: z.string().optional(),
    where: z.string().optional(),
  }),
  loss: z.string(),
  options: z.looseObject({ maxIterations: count, ftol: finite, xtol: finite, gtol: finite, damping: z.string(), stepBound: finite }),
  params: z.array(z.looseObject({ name: z.string(), value: real, stdError: real, fixed: z.boolean(), transform: z.string(), start: real })).min(1),
  statistics: z.looseObject({ nData: count, nFree: count, dof: z.number().int(), objective: real, ssr: real, reducedChiSquare: real, aic: real, bic: real, rmse: real }),
  status: z.looseObject({ code: count, name: z.string(), message: z.string(), usable: z.boolean() }),
  iterations: count,
  uncertainty: z.looseObject({ method: z.enum(['least-squares', 'sandwich']), covariance: z.array(z.array(real)).nullable(), correlation: z.array(z.array(real)).nullable() }),
  starts: z.looseObject({ description: z.string(), count, fitted: count, usable: count, reachedBest: count, shareReachedBest: real, reachTolerance: real, statusCounts: nameMap(count), bestStartIndex: z.number().int() }),
  engine: z.string(),
  elapsedMs: real,
  projection: z.looseObject({ projected: z.array(z.string()), searched: z.array(z.string()), note: z.string() }).optional(),
  polish: z.looseObject({ costBefore: real, costAfter: real, maxRelativeChange: real, parameter: z.string(), iterations: count, candidates: count }).optional(),
  audit: z.looseObject({ sampled: count, agreeing: count, tolerance: real, maxRelativeDifference: real, seed: finite }).optional(),
  bootstrap: bootstrap.optional(),
  truth: nameMap(finite).optional(),
});

const startSpec = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('default') }),
  z.looseObject({ kind: z.literal('grid'), axes: nameMap(z.array(finite)) }),
  z.looseObject({ kind: z.literal('sobol'), count }),
  z.looseObject({ kind: z.literal('random'), count, seed: finite }),
  z.looseObject({ kind: z.literal('points'), points: z.array(z.array(finite)) }),
]);

const header = { format: z.string(), formatVersion: z.number(), lawfitVersion: z.string(), createdAt: z.string() };

/**
 * The typed record of the run (src/run-spec/record.ts): the command and each option's printed
 * texts by flag. Optional (older artifacts have only `command`); its values are read, through
 * their rows' parsers, by the readers that need them (report/recorded-command.ts), so a flag of
 * another lawfit version does not make the artifact unreadable here.
 */
const runRecord = z.looseObject({ command: z.string(), options: nameMap(z.array(z.string({ error: 'expected the option\'s text' }))) });

export const fitArtifactSchema = z.looseObject({
  ...header,
  command: z.array(z.string()).optional(),
  run: runRecord.optional(),
  seed: finite.optional(),
  startSpec,
  screen: count.optional(),
  summary: fitSummarySchema,
});

const heldOut = z.looseObject({ row: count, actual: real, predicted: real, absRelError: real });
export const comparisonSchema = z.looseObject({
  source: z.string(),
  runs: count,
  holdout: z.looseObject({ kind: z.enum(['filter', 'top', 'rolling', 'group']) }),
  folds: z.array(z.looseObject({ label: z.string(), fitRows: z.array(count), heldOutRows: z.array(count), cutoff: real.optional(), group: z.string().optional() })),
  laws: z.array(
    z.looseObject({
      law: z.string(),
      formula: z.string(),
      nFree: count,
      meanAbsRelError: real,
      interval: pair.optional(),
      aic: real,
      bic: real,
      error: z.string().optional(),
      allRuns: z.union([z.looseObject({ status: z.string(), usable: z.boolean(), params: nameMap(real) }), z.looseObject({ error: z.string() })]),
      folds: z.array(
        z.looseObject({
          fold: count,
          outcome: z.enum(['scored', 'skipped', 'failed']),
          note: z.string().optional(),
          status: z.string().optional(),
          meanAbsRelError: real,
          heldOut: z.array(heldOut),
          interval: pair.optional(),
          replicateErrors: z.array(real).optional(),
        }),
      ),
      scoredFolds: count,
      bootstrap: z
        .looseObject({ replicates: count, succeeded: count, failed: z.array(count), draws: z.array(real), failures: z.array(z.looseObject({ replicate: count, fold: count, reason: z.string(), status: z.string() })).optional() })
        .optional(),
    }),
  ),
  bootstrap: z.looseObject({ replicates: count, seed: finite, level: finite }).optional(),
});
export const comparisonArtifactSchema = z.looseObject({ ...header, run: runRecord.optional(), comparison: comparisonSchema });

const stagePrediction = z.looseObject({
  law: z.string(),
  target: z.string(),
  inputs: nameMap(real),
  estimate: real,
  outside: nameMap(real),
  confidence: pair.optional(),
  prediction: pair.optional(),
});
export const chainSummarySchema = z.looseObject({
  source: z.string(),
  digest: z.string().optional(),
  runs: z.looseObject({ n: count, rowNumbers: z.array(count) }),
  stages: z.array(z.looseObject({ summary: fitSummarySchema, chainedInput: z.string().optional(), residualScale: real })).min(1),
  bootstrap: z.looseObject({ replicates: count, seed: finite, design: z.string(), level: finite, succeeded: count, failed: z.array(count) }).optional(),
  predictions: z.array(
    z.looseObject({
      at: nameMap(real),
      level: finite,
      stages: z.array(stagePrediction),
      lastStageOnly: pair.optional(),
      draws: count.optional(),
      replicateValues: z.looseObject({ stages: z.array(z.array(real)), lastStageOnly: z.array(real) }).optional(),
    }),
  ),
});
export const chainArtifactSchema = z.looseObject({ ...header, command: z.array(z.string()).optional(), run: runRecord.optional(), seed: finite.optional(), summary: chainSummarySchema });

// The IsoFLOP artifact (`lawfit isoflop --out`): every field renderIsoflop reads.
const qcReason = z.enum(Object.keys(QC_REASONS) as [QcReason, ...QcReason[]]);
const vertex = z.looseObject({ optimum: real, logOptimumSe: real, loss: real, lossSe: real, curvature: real.optional(), range: pair.optional() });
const exponent = z.looseObject({ estimate: real, se: real, interval: pair });
const quantity = z.looseObject({ estimate: real, sd: real, interval: pair });
const frontierPrediction = z.looseObject({ C: real, N: z.looseObject({ estimate: real, interval: pair }), D: z.looseObject({ estimate: real, interval: pair }), tokensPerParam: z.looseObject({ estimate: real, interval: pair }) });
export const isoflopResultSchema = z.looseObject({
  source: z.string(),
  runs: count,
  groupColumn: z.string().optional(),
  qc: z.looseObject({ stages: z.array(z.enum(QC_STAGES)), ...Object.fromEntries(QC_THRESHOLDS.map((t) => [t.key, finite])) }),
  frontierWeights: z.enum(FRONTIER_WEIGHTS),
  level: finite,
  groups: z.array(
    z.looseObject({
      group: z.string().optional(),
      runs: count,
      budgets: z.array(
        z.looseObject({
          budget: real,
          runs: count,
          used: count,
          status: z.union([z.literal('kept'), qcReason]),
          detail: z.string().optional(),
          N: vertex.optional(),
          D: vertex.optional(),
          bracket: z.enum(['bracketed', 'edge', 'extrapolated']).optional(),
        }),
      ),
      verdicts: z.array(z.looseObject({ row: count, budget: real, N: real, D: real, loss: real, status: z.union([z.literal('used'), qcReason]), detail: z.string().optional() })),
      stageCounts: z.array(z.looseObject({ reason: qcReason, runs: count, budgets: count })),
      frontier: z.looseObject({ budgets: count, kN: real, kD: real, a: exponent, b: exponent, sum: exponent }).optional(),
      frontierError: z.string().optional(),
      predictions: z.array(frontierPrediction),
      bootstrap: z
        .looseObject({
          replicates: count,
          succeeded: count,
          failed: z.array(z.looseObject({ replicate: count, reason: z.string() })),
          seed: finite,
          design: z.enum(ISOFLOP_DESIGNS),
          level: finite,
          a: quantity,
          b: quantity,
          sum: quantity,
          predictions: z.array(z.looseObject({ C: real, N: quantity, D: quantity, tokensPerParam: quantity })),
          draws: z.array(z.array(real).nullable()),
          budgetKeptShare: z.array(z.looseObject({ budget: real, share: real })),
          elapsedMs: finite,
        })
        .optional(),
    }),
  ),
  elapsedMs: finite,
});
const approach3Result = z.looseObject({
  law: z.string(),
  group: z.string().optional(),
  runs: count,
  status: z.string(),
  objective: real,
  params: z.array(z.looseObject({ name: z.string(), value: real })),
  allocation: z.looseObject({ a: real, b: real, at: z.array(z.looseObject({ C: real, N: real, D: real, tokensPerParam: real })) }).optional(),
  note: z.string().optional(),
  engine: z.string(),
  elapsedMs: finite,
});
export const isoflopArtifactSchema = z.looseObject({
  ...header,
  command: z.array(z.string()).optional(),
  run: runRecord.optional(),
  data: z.looseObject({ source: z.string(), digest: z.string(), budget: z.string(), inputs: nameMap(z.string()), target: z.string() }),
  result: isoflopResultSchema,
  approach3: z.array(approach3Result).optional(),
});

// ---- consistency -------------------------------------------------------------------------------

type Problem = { path: string; message: string };
type Summary = z.infer<typeof fitSummarySchema>;

/** The artifact's own consistency: what the schema cannot say. `at` prefixes the field paths. */
export function summaryProblems(s: Summary, at: string): Problem[] {
  const out: Problem[] = [];
  const bad = (path: string, message: string): void => void out.push({ path: `${at}.${path}`, message });
  const groups = s.law.groups as GroupsRecord | undefined;
  const declared = s.law.declaration.params.map((p) => displayName(p.name, groups));
  const inputs = s.law.declaration.inputs.map((i) => i.name);
  const names = s.params.map((p) => p.name);
  if (names.join('\u0000') !== declared.join('\u0000')) bad('params', `names (${names.join(', ')}) are not the law's parameters (${declared.join(', ')})`);
  const free = s.params.filter((p) => !p.fixed).map((p) => p.name);
  if (s.law.freeNames.join('\u0000') !== free.join('\u0000')) bad('law.freeNames', `(${s.law.freeNames.join(', ')}) are not the parameters not fixed (${free.join(', ')})`);
  s.params.forEach((p, k) => {
    if (p.value === null) bad(`params[${k}].value`, `parameter '${p.name}' has no value (null)`);
  });
  const given = Object.keys(s.data.inputs);
  if ([...given].sort().join('\u0000') !== [...inputs].sort().join('\u0000')) bad('data.inputs', `names (${given.join(', ')}) are not the law's inputs (${inputs.join(', ')})`);
  if (s.data.inputRanges !== undefined) {
    for (const k of Object.keys(s.data.inputRanges)) if (!inputs.includes(k)) bad(`data.inputRanges.${k}`, `'${k}' is not an input of the law (${inputs.join(', ')})`);
  }
  const p = free.length;
  for (const key of ['covariance', 'correlation'] as const) {
    const m = s.uncertainty[key];
    if (m !== null && (m.length !== p || m.some((row) => row.length !== p))) bad(`uncertainty.${key}`, `must be ${p} x ${p} (one row and column per free parameter)`);
  }
  const b = s.bootstrap;
  if (b !== undefined) {
    if (b.draws.length !== b.replicates) bad('bootstrap.draws', `has ${b.draws.length} draws but the artifact states ${b.replicates} replicates`);
    b.draws.forEach((d, r) => {
      if (d !== null && d.length !== p) bad(`bootstrap.draws[${r}]`, `has ${d.length} values, expected ${p} (one per free parameter)`);
    });
    const present = b.draws.filter((d) => d !== null).length;
    if (present !== b.succeeded) bad('bootstrap.succeeded', `is ${b.succeeded} but ${present} draws are present`);
    if (b.succeeded + b.failed.length !== b.replicates) bad('bootstrap.failed', `${b.failed.length} failed + ${b.succeeded} succeeded is not the ${b.replicates} replicates stated`);
    for (const [key, list] of [['failed', b.failed], ['rescued', b.rescued ?? []], ['fewRows.replicates', b.fewRows?.replicates ?? []]] as const) {
      list.forEach((r, k) => {
        if (r >= b.replicates) bad(`bootstrap.${key}[${k}]`, `replicate ${r} is out of range (${b.replicates} replicates)`);
      });
    }
    for (const [key, list] of [['replicateStatus', b.replicateStatus], ['replicateShareReachedBest', b.replicateShareReachedBest]] as const) {
      if (list !== undefined && list.length !== b.replicates) bad(`bootstrap.${key}`, `has ${list.length} entries but the artifact states ${b.replicates} replicates`);
    }
    const bn = b.parameters.map((q) => q.name);
    if (bn.join('\u0000') !== free.join('\u0000')) bad('bootstrap.parameters', `names (${bn.join(', ')}) are not the free parameters (${free.join(', ')})`);
  }
  return out;
}

// ---- reading -----------------------------------------------------------------------------------

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s === '' ? String(k) : `.${String(k)}`;
  return s === '' ? '(the whole artifact)' : s;
}

function issueMessage(i: z.core.$ZodIssue, input: unknown): string {
  const got = (): unknown => {
    let v: unknown = input;
    for (const k of i.path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as string] : undefined;
    return v;
  };
  switch (i.code) {
    case 'invalid_type':
      return `${i.message.startsWith('expected ') ? i.message : `expected ${i.expected}`}, got ${describeValue(got())}`;
    case 'invalid_union':
    case 'invalid_value':
      return `${i.message.replace(/^Invalid input: /, '')}, got ${describeValue(got())}`;
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
      return `${i.message}, got ${describeValue(got())}`;
    default:
      return i.message;
  }
}

/**
 * Validate `data` against `schema` and `consistency`; throws a LawfitError ('artifact') whose
 * message is one line: `NAME: invalid artifact: FIELD: what is wrong` (the first problem, and how
 * many more there are).
 */
export function validateArtifact<S extends z.ZodType>(schema: S, data: unknown, name: string, consistency?: (d: z.infer<S>) => Problem[]): z.infer<S> {
  const r = schema.safeParse(data);
  let problems: Problem[];
  if (!r.success) problems = r.error.issues.map((i) => ({ path: pathText(i.path), message: issueMessage(i, data) }));
  // The consistency checks read the artifact as given, not zod's copy: a copy made by assignment
  // would turn an input named `__proto__` into a prototype (util/names.ts).
  else problems = consistency?.(data as z.infer<S>) ?? [];
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? '' : 's'})` : '';
    throw new LawfitError('artifact', `${name}: invalid artifact: ${first.path}: ${first.message.replace(/\s+/g, ' ')}${more}`);
  }
  return data as z.infer<S>;
}

export function fitArtifactProblems(a: z.infer<typeof fitArtifactSchema>): Problem[] {
  return summaryProblems(a.summary, 'summary');
}

export function chainArtifactProblems(a: z.infer<typeof chainArtifactSchema>): Problem[] {
  const out = a.summary.stages.flatMap((st, k) => summaryProblems(st.summary, `summary.stages[${k}].summary`));
  const b = a.summary.bootstrap;
  if (b !== undefined) {
    if (b.succeeded + b.failed.length !== b.replicates) out.push({ path: 'summary.bootstrap.failed', message: `${b.failed.length} failed + ${b.succeeded} succeeded is not the ${b.replicates} replicates stated` });
    a.summary.predictions.forEach((p, k) => {
      if (p.draws !== undefined && p.draws > b.succeeded) out.push({ path: `summary.predictions[${k}].draws`, message: `${p.draws} draws but only ${b.succeeded} replicates succeeded` });
      p.replicateValues?.stages.forEach((v, s) => {
        if (v.length !== b.replicates) out.push({ path: `summary.predictions[${k}].replicateValues.stages[${s}]`, message: `has ${v.length} values but the artifact states ${b.replicates} replicates` });
      });
    });
  }
  return out;
}

export function comparisonArtifactProblems(a: z.infer<typeof comparisonArtifactSchema>): Problem[] {
  const out: Problem[] = [];
  const c = a.comparison;
  c.laws.forEach((l, k) => {
    l.folds.forEach((f, j) => {
      if (f.fold >= c.folds.length) out.push({ path: `comparison.laws[${k}].folds[${j}].fold`, message: `fold ${f.fold} is out of range (${c.folds.length} folds)` });
    });
    const b = l.bootstrap;
    if (b !== undefined) {
      if (b.draws.length !== b.replicates) out.push({ path: `comparison.laws[${k}].bootstrap.draws`, message: `has ${b.draws.length} draws but the artifact states ${b.replicates} replicates` });
      if (b.succeeded + b.failed.length !== b.replicates) out.push({ path: `comparison.laws[${k}].bootstrap.failed`, message: `${b.failed.length} failed + ${b.succeeded} succeeded is not the ${b.replicates} replicates stated` });
    }
  });
  return out;
}

/**
 * An IsoFLOP artifact's own consistency: per group, the budgets kept against the frontier's count,
 * the runs used against the verdicts, and the bootstrap's counts against its replicates and draws.
 */
export function isoflopArtifactProblems(a: z.infer<typeof isoflopArtifactSchema>): Problem[] {
  const out: Problem[] = [];
  const r = a.result;
  r.groups.forEach((g, k) => {
    const at = `result.groups[${k}]`;
    if (g.verdicts.length !== g.runs) out.push({ path: `${at}.verdicts`, message: `has ${g.verdicts.length} runs but the group states ${g.runs}` });
    g.budgets.forEach((b, j) => {
      if (b.used > b.runs) out.push({ path: `${at}.budgets[${j}].used`, message: `${b.used} runs used of the budget's ${b.runs}` });
    });
    const kept = g.budgets.filter((b) => b.status === 'kept').length;
    if (g.frontier !== undefined && g.frontier.budgets !== kept) out.push({ path: `${at}.frontier.budgets`, message: `the frontier is over ${g.frontier.budgets} budgets but ${kept} are kept` });
    if (g.frontier === undefined && g.frontierError === undefined) out.push({ path: `${at}.frontier`, message: 'neither a frontier nor why there is none (frontierError)' });
    const b = g.bootstrap;
    if (b !== undefined) {
      if (b.draws.length !== b.replicates) out.push({ path: `${at}.bootstrap.draws`, message: `has ${b.draws.length} draws but the bootstrap states ${b.replicates} replicates` });
      if (b.succeeded + b.failed.length !== b.replicates) out.push({ path: `${at}.bootstrap.failed`, message: `${b.failed.length} failed + ${b.succeeded} succeeded is not the ${b.replicates} replicates stated` });
      b.failed.forEach((f, j) => {
        if (f.replicate >= b.replicates) out.push({ path: `${at}.bootstrap.failed[${j}].replicate`, message: `replicate ${f.replicate} is out of range (${b.replicates} replicates)` });
      });
    }
  });
  const groups = new Set(r.groups.map((g) => g.group));
  (a.approach3 ?? []).forEach((x, k) => {
    if (!groups.has(x.group)) out.push({ path: `approach3[${k}].group`, message: `${x.group === undefined ? 'no group' : `group '${x.group}'`} is not among the analysis's groups` });
  });
  return out;
}
