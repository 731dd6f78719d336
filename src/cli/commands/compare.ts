/**
 * `lawfit compare FILE --laws a,b,... --x ... --y COL --holdout H`: which law extrapolates best
 * to held-out runs (src/stats/compare.ts, folds from src/stats/holdout.ts), with bootstrap
 * intervals on each law's error and a JSON file of the whole comparison for plots and the app.
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { parseColumnMap, readFileBytes, readTable, sha256Hex, type DataSpec } from '../../data/index.js';
import { compileLaw, type CompiledLaw } from '../../law/compile.js';
import { checkClusterDesign, compileGroupedLaw, extractIndexedParams, groupLevels, mergePer, parsePerFlag, parsePerLawFlag, perLawName, type PerGroupSpec } from '../../law/groups.js';
import { PER_PARSE_OPTIONS, PER_USAGE } from '../per-flag.js';
import { datasetFromTable } from '../../data/map-table.js';
import type { Table } from '../../data/table.js';
import { nameTable, own } from '../../util/names.js';
import { findLaw } from '../../laws/index.js';
import { formatNumber } from '../../report/text.js';
import { artifactHeader } from '../../report/artifact.js';
import { comparisonPlotOptions } from '../../plots/comparison-plot.js';
import { COMPARISON_PLOT_FILES, comparisonPlots } from '../../plots/plot-set.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { compareLaws, type Comparison } from '../../stats/compare.js';
import { describeDesign } from '../../stats/resample.js';
import { parseSeed, parseFormatFlag } from '../args.js';
import { HOLDOUT_USAGE, parseHoldout } from '../holdout-flag.js';
import { BOOTSTRAP_PARSE_OPTIONS, BOOTSTRAP_USAGE, resolveBootstrapFlags } from '../bootstrap-flags.js';
import type { Io } from '../io.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl } from '../run-control.js';
import { formulaDeclaration, formulaInputsUsed } from '../law-flags.js';
import { ENGINE_PARSE_OPTIONS, ENGINE_USAGE, withEngine } from '../engine-flag.js';
import { resolveShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';
import { runShard } from '../../shard/artifact.js';
import { shardLabel, shardRange, withoutShardFlag } from '../../shard/shard.js';

export const COMPARE_USAGE = `usage: lawfit compare FILE --laws NAME,NAME,... --x IN=COL,... --y COL --holdout H [options]

Fit each law (its own start grid and default loss) on the fitting runs of every fold and rank the
laws by absolute relative error, |predicted - actual| / actual, on the held-out runs: a law's
error is the mean over folds of each fold's mean over its held-out runs. AIC and BIC come from a
fit of each law on all runs, with residuals in the target's units so they compare across laws.

  --laws A,B,...      built-in laws; --formula TEXT (repeatable) adds your own (inputs from --x)
${PER_USAGE}  --per-law [NAME=]L:COL:P1,P2
                      add law L (a --laws name or formula-K) with P1, P2 per group of column
                      COL, named NAME (default L.per-COL; repeatable). Every nested pair of the
                      same law (shared vs per-group, or fewer vs more per-group parameters on
                      the same column) is tested: likelihood ratio (chi2 with dP degrees of
                      freedom, Gaussian residuals in the law's space) and dAIC, dBIC
  --x IN=COL,...      every input any of the laws takes
  --y COL             the target
  --where EXPR        runs to consider at all (every fold splits these)
${HOLDOUT_USAGE}  --format F          csv, tsv, json or jsonl
${ENGINE_USAGE}  --seed S            seed of the bootstrap's resamples (default 0; fold f uses S + f)
${BOOTSTRAP_USAGE}                          For compare: each fold's fitting runs are resampled, every law is
                          refitted and its error recomputed; the interval is the percentile
                          interval of the error (the held-out runs stay fixed). Failed
                          replicates are counted per law.
output
  --out FILE          write the comparison as JSON (laws, folds, per-run errors, intervals,
                      bootstrap draws, options, seed, data digest, lawfit version)
${shardUsage('bootstrap replicates (in every law and fold)', 20)}  --plots DIR         draw the comparison as a chart, DIR/comparison.svg
${PROGRESS_USAGE}`;

export const COMPARISON_FORMAT = 'lawfit-compare';
export const COMPARISON_FORMAT_VERSION = 1;

export async function compareCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      laws: { type: 'string' },
      formula: { type: 'string', multiple: true, default: [] },
      'per-law': { type: 'string', multiple: true, default: [] },
      ...PER_PARSE_OPTIONS,
      x: { type: 'string' },
      y: { type: 'string' },
      where: { type: 'string' },
      holdout: { type: 'string' },
      format: { type: 'string' },
      ...ENGINE_PARSE_OPTIONS,
      seed: { type: 'string' },
      ...BOOTSTRAP_PARSE_OPTIONS,
      out: { type: 'string' },
      ...SHARD_PARSE_OPTIONS,
      plots: { type: 'string' },
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `compare takes one data file\n\n${COMPARE_USAGE}`);
  if (values.x === undefined || values.y === undefined) throw new LawfitError('bad-option', '--x and --y are required');
  if (values.holdout === undefined) throw new LawfitError('bad-option', "--holdout is required, e.g. --holdout 'top:2:N_params*D_tokens'");
  const inputs = parseColumnMap(values.x, '--x');
  const names = (values.laws ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const indexed = values.formula.map((f) => extractIndexedParams(f));
  const sharedLaws = [
    ...names.map((n) => compileLaw(findLaw(n))),
    ...indexed.map(({ formula: f }, i) => compileLaw({ ...formulaDeclaration(f, formulaInputsUsed(f, Object.keys(inputs)), 'linear', []), name: `formula-${i + 1}` })),
  ];
  const perAll = values.per !== undefined ? parsePerFlag(values.per) : undefined;
  if (sharedLaws.length < 1) throw new LawfitError('bad-option', '--laws or --formula: give at least one law to compare');
  const holdout = parseHoldout(values.holdout);
  const seed = values.seed !== undefined ? parseSeed(values.seed) : 0;
  const boot = resolveBootstrapFlags(values);
  const format = parseFormatFlag(values.format);

  const file = positionals[0]!;
  const outputs = await checkOutputs([{ flag: '--out', path: values.out, kind: 'file' }, { flag: '--plots', path: values.plots, kind: 'dir', files: COMPARISON_PLOT_FILES }], [file], { command: 'compare', io });
  const bytes = await readFileBytes(file);
  const table = readTable(bytes, file, format);
  const spec: DataSpec = { inputs, target: values.y, ...(values.where !== undefined ? { where: values.where } : {}) };
  // --per and a formula's E[COL] make the law itself grouped (same name); --per-law adds a variant.
  const laws = [
    ...sharedLaws.map((l, i) => {
      const per = mergePer(perAll, i >= names.length ? indexed[i - names.length]!.per : undefined);
      return per === undefined ? l : groupedVariant(l, per, table, spec, l.name);
    }),
    ...values['per-law'].map((t) => {
      const { law: name, per, name: label } = parsePerLawFlag(t);
      const base = sharedLaws.find((l) => l.name === name);
      if (base === undefined) throw new LawfitError('bad-option', `--per-law ${t}: '${name}' is not among the compared laws (${sharedLaws.map((l) => l.name).join(', ')})`);
      return groupedVariant(base, per, table, spec, label ?? perLawName(name, per.column));
    }),
  ];
  const dup = laws.find((l, i) => laws.findIndex((m) => m.name === l.name) !== i);
  if (dup !== undefined) throw new LawfitError('bad-option', `--per-law: two laws are named '${dup.name}'; name the variants, e.g. --per-law joint=LAW:COL:P1`);
  for (const l of laws) checkClusterDesign(l, boot?.design?.kind === 'clusters' ? boot.design.column : undefined);

  const digest = await sha256Hex(bytes);
  if (values.shard !== undefined && boot === undefined) throw new LawfitError('bad-option', '--shard splits the bootstrap replicates of every (law, fold): add --bootstrap N');
  if (values.shard !== undefined && values.plots !== undefined) throw new LawfitError('bad-option', '--plots: draw them from the merged comparison; a shard has only its share of the replicates');
  const shard = values.shard !== undefined ? resolveShard(values.shard, values.out, boot!.replicates, 'replicates') : undefined;
  const slice = shard !== undefined ? shardRange(boot!.replicates, shard) : undefined;
  const command = ['lawfit', 'compare', ...withoutShardFlag(argv)];
  let comparison: Comparison | undefined;
  // The artifact a run writes; a shard's is the same with its slice of the replicates (compare-shard.ts joins them).
  const produce = async () => {
    const run = await withEngine(values, io, async (engine) => ({
      comparison: await runWithControl('compare', values, io, (control) =>
        compareLaws(laws, table, spec, holdout, {
          engine,
          control,
          ...(boot !== undefined ? { bootstrap: { replicates: boot.replicates, seed, level: boot.level, design: boot.design, replicateStarts: boot.replicateStarts, generator: boot.generator } } : {}),
          ...(slice !== undefined ? { replicateSlice: slice } : {}),
        }),
      ),
      engineText: engine.describe(),
    }));
    comparison = run.comparison;
    return {
      ...artifactHeader(COMPARISON_FORMAT, COMPARISON_FORMAT_VERSION),
      command,
      seed,
      engine: run.engineText,
      data: { source: file, digest, inputs, target: values.y!, ...(values.where !== undefined ? { where: values.where } : {}) },
      comparison: run.comparison,
    };
  };
  if (shard !== undefined) {
    const path = await runShard(values.out!, shard, { kind: 'compare', command, seed, dataDigests: [digest], dataFiles: [file], items: boot!.replicates }, slice!, produce);
    io.out(`shard ${shardLabel(shard)}: replicates ${slice!.from}..${slice!.to - 1} of ${boot!.replicates} in every law and fold; wrote ${path}\n`);
    return 0;
  }
  const artifact = await produce();
  io.out(renderComparison(comparison!));

  const written = await writeOutputSet(outputs, 'compare', io, async (put) => {
    if (values.out !== undefined) await put('--out', JSON.stringify(artifact, null, 2) + '\n');
    if (values.plots !== undefined) {
      const { renderSvg } = await import('../../plots/render.js'); // vega only when drawing (main.ts)
      for (const plot of comparisonPlots(comparison!.laws, comparisonPlotOptions(comparison!, values.holdout))) await put('--plots', await renderSvg(plot.spec), plot.file);
    }
  });
  for (const w of written) io.out(`wrote ${w.path}\n`);
  return 0;
}

/** A grouped law for compare: its levels are the group column's values over every run the where filter keeps. */
function groupedVariant(base: CompiledLaw, per: PerGroupSpec, table: Table, spec: DataSpec, name: string): CompiledLaw {
  const labels = datasetFromTable(table, { ...spec, inputs: nameTable(base.inputNames.map((n) => [n, own(spec.inputs, n)!] as const)), group: per.column }, base.inputNames).groups!;
  return compileGroupedLaw(base, per, groupLevels(labels, per.column, table.source), name);
}

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(4)} %` : '-');

function describeScheme(c: Comparison): string {
  const h = c.holdout;
  const n = c.folds.length;
  switch (h.kind) {
    case 'filter':
      return `held out: the runs where ${h.expression.trim()}`;
    case 'top':
      return `held out: the ${h.k} runs with the largest ${h.expression.trim()}`;
    case 'rolling':
      return `rolling cut-offs over ${h.expression.trim()}: ${n} folds, each fitted below its cut-off and predicting every run at and beyond it`;
    case 'group':
      return `leave one group out over ${h.column}: ${n} folds, each fitted on the other groups`;
  }
}

/** The comparison as text: the ranking, the folds, every held-out run, and what was skipped or failed. */
export function renderComparison(c: Comparison): string {
  const lines: string[] = [];
  lines.push(`${c.source}: ${c.laws.length} law${c.laws.length === 1 ? '' : 's'} on ${c.runs} runs; ${describeScheme(c)}`);
  lines.push('error: mean over folds of the mean |relative error| on the fold\'s held-out runs');
  const b = c.bootstrap;
  if (b !== undefined) {
    lines.push(
      `interval: ${formatNumber(100 * b.level, 4)} % percentile over ${b.replicates} bootstrap replicates of each fold's fitting runs (design ${describeDesign(b.design)}, seed ${b.seed}); the held-out runs are fixed`,
    );
  }
  lines.push(`AIC, BIC: each law fitted on all ${c.runs} runs, residuals in the target's units`);
  if (new Set(c.laws.map((l) => l.scoredFolds)).size > 1) lines.push('note: the laws were scored on different numbers of folds; their errors are not directly comparable');
  lines.push('');

  const w = Math.max(3, ...c.laws.map((l) => l.law.length));
  const iw = b !== undefined ? 23 : 0;
  lines.push(
    `  rank  ${'law'.padEnd(w)}  ${'|rel. error|'.padStart(12)}${b !== undefined ? `  ${`${formatNumber(100 * b.level, 4)} % interval`.padEnd(iw)}` : ''}  folds  ${'AIC'.padStart(10)} ${'BIC'.padStart(10)}  status (all runs)${b !== undefined ? '  replicates' : ''}`,
  );
  c.laws.forEach((l, i) => {
    const head = `  ${String(i + 1).padStart(4)}  ${l.law.padEnd(w)}`;
    if (l.error !== undefined) {
      lines.push(`${head}  not scored: ${l.error}`);
      return;
    }
    const interval = b !== undefined ? `  ${(l.interval !== undefined ? `${pct(l.interval[0])} – ${pct(l.interval[1])}` : '-').padEnd(iw)}` : '';
    const status = 'error' in l.allRuns ? `not fitted: ${l.allRuns.error}` : l.allRuns.status;
    const reps = l.bootstrap !== undefined ? `  ${l.bootstrap.succeeded}/${l.bootstrap.replicates}${l.bootstrap.failed.length > 0 ? ` (${l.bootstrap.failed.length} failed)` : ''}` : '';
    lines.push(
      `${head}  ${pct(l.meanAbsRelError).padStart(12)}${interval}  ${`${l.scoredFolds}/${c.folds.length}`.padStart(5)}  ${formatNumber(l.aic, 5).padStart(10)} ${formatNumber(l.bic, 5).padStart(10)}  ${status.padEnd(17)}${reps}`,
    );
  });

  // Per fold, then per held-out run: one column per law, in rank order.
  const cw = c.laws.map((l) => Math.max(l.law.length, 10));
  const lawHeads = c.laws.map((l, j) => l.law.padStart(cw[j]!)).join('  ');
  const fw = Math.max(8, ...c.folds.map((f) => f.label.length));
  lines.push('', 'per fold (mean |rel. error| on its held-out runs):');
  lines.push(`  fold  ${'held out'.padEnd(fw)}   fit  held  ${lawHeads}`);
  c.folds.forEach((f, k) => {
    const cells = c.laws.map((l, j) => {
      const s = l.folds[k]!;
      return (s.outcome === 'scored' ? pct(s.meanAbsRelError) : s.outcome).padStart(cw[j]!);
    });
    lines.push(`  ${String(k + 1).padStart(4)}  ${f.label.padEnd(fw)}  ${String(f.fitRows.length).padStart(4)}  ${String(f.heldOutRows.length).padStart(4)}  ${cells.join('  ')}`);
  });

  lines.push('', 'per held-out run (|rel. error|):');
  lines.push(`  fold    row  ${'actual'.padStart(12)}  ${lawHeads}`);
  c.folds.forEach((f, k) => {
    f.heldOutRows.forEach((row) => {
      const actual = c.laws.flatMap((l) => l.folds[k]!.heldOut.filter((h) => h.row === row).map((h) => h.actual))[0];
      const cells = c.laws.map((l, j) => {
        const h = l.folds[k]!.heldOut.find((e) => e.row === row);
        return (h !== undefined && Number.isFinite(h.predicted) ? pct(h.absRelError) : '-').padStart(cw[j]!);
      });
      lines.push(`  ${String(k + 1).padStart(4)}  ${String(row).padStart(5)}  ${formatNumber(actual, 6).padStart(12)}  ${cells.join('  ')}`);
    });
  });

  const notes = c.laws.flatMap((l) =>
    l.folds.flatMap((s) => (s.outcome === 'scored' ? [] : [`  ${l.law}, fold ${s.fold + 1} (${c.folds[s.fold]!.label}): ${s.outcome}: ${s.note ?? ''}`])),
  );
  for (const l of c.laws) {
    if (l.bootstrap !== undefined && l.bootstrap.failed.length > 0) {
      const shown = l.bootstrap.failed.slice(0, 10).join(', ');
      notes.push(`  ${l.law}: ${l.bootstrap.failed.length} of ${l.bootstrap.replicates} replicates failed (${shown}${l.bootstrap.failed.length > 10 ? ', ...' : ''}); the interval is over the others`);
    }
  }
  if (c.nested !== undefined) {
    lines.push('', 'shared vs per-group (fits on all runs; likelihood ratio on Gaussian residuals in the law\'s space):');
    for (const t of c.nested) {
      lines.push(
        `  ${t.grouped} vs ${t.shared}: +${t.dof} parameters; LR = ${formatNumber(t.lr, 5)}, p = ${formatNumber(t.pValue, 3)} (chi2, ${t.dof} dof); dAIC = ${formatNumber(t.deltaAic, 5)}, dBIC = ${formatNumber(t.deltaBic, 5)} (negative favours per-group)${t.note !== undefined ? `; ${t.note}` : ''}`,
      );
    }
  }
  if (notes.length > 0) lines.push('', 'notes:', ...notes);
  return lines.join('\n') + '\n';
}
