/**
 * A run in the app: every chosen law fitted to the user's file exactly as `lawfit fit` fits it
 * (the same typed run specification, checked and resolved by the same functions, the same
 * fitSummary path, so the same numbers for the same seed), then the laws
 * ranked as `lawfit compare` ranks them when a holdout is given. The result is plain data for the
 * page: per law the FitSummary (with the true parameter values when the data is the built-in
 * synthetic example: truth.ts), the CLI's text report, the artifact text, the equivalent command
 * line and the plot inputs; the comparison; and which engine ran and why.
 *
 * Failure is per law: a formula that does not compile, an input the mapping lacks, a bad cell in a
 * column only one law reads, or a fit with no usable result is reported for that law and the run
 * goes on. Problems with the run as a whole (an unreadable file, a malformed --x, --holdout or
 * bootstrap option, or every law failing for the same reason, e.g. an unknown target column)
 * reject, with the CLI's message, so the page can show it next to the field concerned.
 */
import { LawfitError } from '../../../src/errors.js';
import { datasetFromTable, readTable, sha256Hex, type DataSpec, type Table } from '../../../src/data/index.js';
import { PhasedProgress, isCancelled, throwIfCancelled, type RunControl } from '../../../src/fit/control.js';
import { makeStarts, type StartSpec } from '../../../src/fit/starts.js';
import { replicateStartSpec } from '../../../src/stats/bootstrap.js';
import { fitSummary } from '../../../src/cli/fit-flags.js';
import { checkSpecValues, resolveFitPlan, resolveRunSpec, type FitPlan, type ResolvedBootstrap } from '../../../src/run-spec/resolve.js';
import { RUN_OPTIONS } from '../../../src/run-spec/run-options.js';
import { plotInputsFromSummary } from '../../../src/plots/inputs.js';
import { makeArtifact, serializeArtifact } from '../../../src/report/artifact.js';
import { renderTextReport } from '../../../src/report/text.js';
import { compareLaws, targetInformationCriteria, type Comparison } from '../../../src/stats/compare.js';
import { internalFromNatural } from '../../../src/law/compile.js';
import { compareCommandLine, fitCommandLine, fitRunSpec } from './command-line.js';
import { runRecord } from '../../../src/run-spec/record.js';
import { chooseEngine, type EngineChoice } from './engines.js';
import { choiceLabels, compileChoice, effectiveChoice, type CompiledChoice } from './laws.js';
import { problemReport } from './problems.js';
import { knownTruth } from './truth.js';
import type { GpuContext, GpuUnavailable } from '../../../src/gpu/device.js';
import type { LawChoice, LawResult, RankingEntry, RunProgress, RunRequest, RunResult } from './protocol.js';

export interface RunEnvironment {
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  /** How to find a GPU (tests); default the worker-wide device. */
  acquireGpu?: () => Promise<GpuContext | GpuUnavailable>;
}

/** A law's fit plan: the run's options with the law's own (its starts, grid, loss, screen) over them. */
function fitPlanOf(choice: LawChoice, run: RunRequest['spec']): FitPlan {
  return resolveFitPlan({ ...run, ...(choice.spec ?? {}) });
}

/** Starts each bootstrap replicate runs from (for the progress estimate). */
function replicateStartCount(c: CompiledChoice, boot: ResolvedBootstrap, fullStarts: StartSpec): number {
  const rs = replicateStartSpec(boot.replicateStarts, fullStarts);
  return rs.kind === 'basins' ? rs.k : makeStarts(c.law, rs).count;
}

/** A chosen law ready to fit (compiled, its fitting flags parsed), or why it is not. */
type Prepared = { ok: true; c: CompiledChoice; choice: LawChoice; plan: FitPlan } | { ok: false; label: string; choice: LawChoice; error: unknown };

function prepare(raw: LawChoice, label: string, mapped: readonly string[], run: RunRequest['spec']): Prepared {
  const choice = effectiveChoice(raw);
  try {
    checkSpecValues(choice.spec ?? {});
    return { ok: true, c: compileChoice(choice, label, mapped), choice, plan: fitPlanOf(choice, run) };
  } catch (e) {
    return { ok: false, label, choice, error: e };
  }
}

export async function runLaws(req: RunRequest, env: RunEnvironment = {}): Promise<RunResult> {
  const t0 = performance.now();
  const signal = env.signal;
  if (req.laws.length === 0) throw new LawfitError('bad-option', 'choose at least one law to fit');
  const run = req.spec;
  // The typed options are checked by the flags' own parsers and the spec's one check (run-spec/resolve.ts).
  checkSpecValues(run);
  const table: Table = readTable(req.file.content, req.file.name, req.file.format ?? 'auto');
  const digest = await sha256Hex(req.file.content);
  const mapping = run.x;
  const mapped = Object.keys(mapping);
  if (run.y.trim() === '') throw new LawfitError('bad-option', '--y is required: the target column, e.g. loss');
  const { boot, groupColumn: group } = resolveRunSpec(run);
  const holdout = run.holdout;

  const labels = choiceLabels(req.laws);
  const compiled = req.laws.map((raw, i) => prepare(raw, labels[i]!, mapped, run));

  const chosen: EngineChoice = await chooseEngine(req.engine ?? 'auto', env.acquireGpu);
  const { engine } = chosen;

  // Progress: one count over the steps (each law's fit, then the comparison), each step's size
  // estimated from its start set until it reports its own total.
  const fitSteps = compiled.length;
  const steps = fitSteps + (holdout !== undefined ? 1 : 0);
  let current = { law: '', step: 1 };
  const top: RunControl = {
    ...(signal !== undefined ? { signal } : {}),
    onProgress: (p) => env.onProgress?.({ ...p, law: current.law, step: current.step, steps }),
  };
  const sizes = compiled.map((k) => (k.ok ? makeStarts(k.c.law, k.plan.startSpec).count + (boot !== undefined ? boot.replicates * replicateStartCount(k.c, boot, k.plan.startSpec) : 0) : 0));
  if (holdout !== undefined) sizes.push(sizes.reduce((a, b) => a + b, 0));
  const prog = new PhasedProgress(top, sizes);
  const stepControl = (i: number, law: string): RunControl => ({
    ...(signal !== undefined ? { signal } : {}),
    onProgress: (p) => {
      current = { law, step: i + 1 };
      prog.resize(i, p.total);
      prog.advance(i, p.phase, p.done);
    },
  });

  const laws: LawResult[] = [];
  const failures: unknown[] = [];
  for (const [i, k] of compiled.entries()) {
    throwIfCancelled(top);
    const label = k.ok ? k.c.label : k.label;
    current = { law: label, step: i + 1 };
    prog.advance(i, 'fits', 0);
    try {
      if (!k.ok) throw k.error;
      const { law, inputs } = k.c;
      // An input --x does not map is left out, so the data layer says so in the CLI's words.
      const spec: DataSpec = {
        inputs: Object.fromEntries(inputs.flatMap((n) => (mapping[n] !== undefined ? [[n, mapping[n]]] : []))),
        target: run.y,
        ...(run.weights !== undefined ? { weights: run.weights } : {}),
        ...(run.where !== undefined ? { where: run.where } : {}),
        ...(group !== undefined ? { group } : {}),
      };
      const dataset = datasetFromTable(table, spec, law.inputNames);
      dataset.digest = digest;
      const fitPlan = k.plan;
      const summary = await fitSummary(law, dataset, fitPlan, boot, engine, undefined, stepControl(i, label));
      // Set before the report, the artifact and the plot inputs are made from the summary: all three show it.
      const truth = await knownTruth(law, dataset, digest);
      if (truth !== undefined) summary.truth = truth;
      // The artifact records the run twice, as the CLI's would: the printed line and its typed record.
      const command = fitCommandLine(req, k.choice, mapping, inputs, chosen.report.used);
      const record = runRecord('fit', fitRunSpec(req, k.choice, mapping, inputs, chosen.report.used));
      const artifact = makeArtifact(summary, fitPlan.startSpec, { command, run: record, seed: fitPlan.seed, ...(fitPlan.screen !== undefined ? { screen: fitPlan.screen } : {}) });
      const plots = plotInputsFromSummary(summary, dataset);
      const best = summary.law.freeNames.map((n) => summary.params.find((q) => q.name === n)?.value ?? NaN);
      const criteria = targetInformationCriteria(law, internalFromNatural(law, best), dataset);
      laws.push({ ok: true, label, choice: k.choice, summary, report: renderTextReport(summary), artifact: serializeArtifact(artifact), command, plots, criteria });
    } catch (e) {
      if (isCancelled(e)) throw e;
      failures.push(e);
      laws.push({ ok: false, label, choice: k.choice, error: problemReport(e) });
    }
    prog.complete(i, 'fits');
  }
  // Every law failing with one message is a problem with the run (a target column that does not
  // exist, a filter that keeps no rows): reject with it, as the CLI would.
  if (failures.length === laws.length && new Set(laws.map((l) => (l.ok ? '' : l.error.message))).size === 1) throw failures[0];

  let comparison: Comparison | undefined;
  if (holdout !== undefined) {
    throwIfCancelled(top);
    current = { law: 'comparison', step: steps };
    prog.advance(steps - 1, 'held-out fits', 0);
    // Laws that could not be fitted at all (an unmapped input, a bad cell they need) are ranked
    // last with their error, not compared.
    const fittable = compiled.flatMap((k, i) => (k.ok && laws[i]!.ok ? [k] : []));
    const fitted = fittable.map((k) => k.c.law);
    // Each law starts in the ranking as in its own fit (edited ranges, a grid), as --starts would.
    const starts = Object.fromEntries(fittable.map((k) => [k.c.law.name, k.plan.startSpec]));
    if (fitted.length > 0) {
      const spec: DataSpec = { inputs: mapping, target: run.y, ...(run.where !== undefined ? { where: run.where } : {}) };
      comparison = await compareLaws(fitted, table, spec, holdout, {
        engine,
        starts,
        control: stepControl(steps - 1, 'comparison'),
        ...(boot !== undefined ? { bootstrap: { replicates: boot.replicates, seed: run.seed ?? RUN_OPTIONS.seed.default!, level: boot.level, design: boot.design, replicateStarts: boot.replicateStarts, generator: boot.generator } } : {}),
      });
    }
    prog.complete(steps - 1, 'held-out fits');
  }
  prog.finish();
  throwIfCancelled(top);

  // The choices as the user gave them: compare's --range implies the Sobol starts effectiveChoice adds.
  const rankingCommand = compareCommandLine(req, req.laws, labels, chosen.report.used);
  return {
    engine: chosen.report,
    data: { source: table.source, rows: table.rows.length, fitted: Math.max(0, ...laws.map((l) => (l.ok ? l.summary.data.n : 0))), digest },
    ranking: rankLaws(laws, comparison),
    ...(comparison !== undefined ? { comparison } : {}),
    ...(rankingCommand !== undefined ? { rankingCommand } : {}),
    laws,
    elapsedMs: performance.now() - t0,
  };
}

const finite = (v: number): number | undefined => (Number.isFinite(v) ? v : undefined);

/**
 * The ranking: by held-out error when there is a comparison (its own order, laws it could not
 * score last), else by each full fit's AIC; laws with no fit at all come last, with their error.
 */
export function rankLaws(laws: readonly LawResult[], comparison: Comparison | undefined): RankingEntry[] {
  const failed = laws.filter((l) => !l.ok);
  const entries: Omit<RankingEntry, 'rank'>[] = [];
  if (comparison !== undefined) {
    for (const c of comparison.laws) {
      const e: Omit<RankingEntry, 'rank'> = { label: c.law, basis: 'held-out error' };
      const m = finite(c.meanAbsRelError);
      if (m !== undefined) e.meanAbsRelError = m;
      if (c.interval !== undefined) e.interval = c.interval;
      const aic = finite(c.aic);
      const bic = finite(c.bic);
      if (aic !== undefined) e.aic = aic;
      if (bic !== undefined) e.bic = bic;
      if ('status' in c.allRuns) {
        e.status = c.allRuns.status;
        e.usable = c.allRuns.usable;
      }
      if (c.error !== undefined) e.error = c.error;
      e.scoredFolds = c.scoredFolds;
      entries.push(e);
    }
  } else {
    const ok = laws.flatMap((l) => (l.ok ? [l] : []));
    // AIC in the target's own units, so laws fitted in log space and in linear space compare.
    const aicOf = (l: (typeof ok)[number]): number => (l.summary.status.usable && Number.isFinite(l.criteria.aic) ? l.criteria.aic : Infinity);
    for (const l of [...ok].sort((a, b) => aicOf(a) - aicOf(b))) {
      const e: Omit<RankingEntry, 'rank'> = { label: l.label, basis: 'aic', status: l.summary.status.name, usable: l.summary.status.usable };
      const aic = finite(l.criteria.aic);
      const bic = finite(l.criteria.bic);
      if (aic !== undefined) e.aic = aic;
      if (bic !== undefined) e.bic = bic;
      entries.push(e);
    }
  }
  for (const l of failed) if (!l.ok && !entries.some((e) => e.label === l.label)) entries.push({ label: l.label, basis: comparison !== undefined ? 'held-out error' : 'aic', error: l.error.message });
  return entries.map((e, k) => ({ rank: k + 1, ...e }));
}
