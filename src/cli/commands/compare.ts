/**
 * `lawfit compare FILE --laws a,b,... --x ... --y COL --holdout H`: which law extrapolates best
 * to held-out runs (src/stats/compare.ts, folds from src/stats/holdout.ts), with bootstrap
 * intervals on each law's error and a JSON file of the whole comparison for plots and the app.
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { readFileBytes, readTable, sha256Hex, type DataSpec } from '../../data/index.js';
import { compileLaw, type CompiledLaw } from '../../law/compile.js';
import { checkClusterDesign, compileGroupedLaw, extractIndexedParams, groupLevels, mergePer, perLawName, type PerGroupSpec } from '../../law/groups.js';
import { datasetFromTable } from '../../data/map-table.js';
import type { Table } from '../../data/table.js';
import { nameTable, own } from '../../util/names.js';
import { findLaw } from '../../laws/index.js';
import { renderComparison } from '../../report/compare-text.js';
import { makeComparisonArtifact } from '../../report/compare-artifact.js';
import { comparisonPlotOptions } from '../../plots/comparison-plot.js';
import { COMPARISON_PLOT_FILES, comparisonPlots } from '../../plots/plot-set.js';
import { checkOutputs, writeOutputSet } from '../outputs.js';
import { compareLaws, type Comparison } from '../../stats/compare.js';
import type { Io } from '../io.js';
import { PROGRESS_PARSE_OPTIONS, PROGRESS_USAGE, runWithControl, type ProgressFlags } from '../run-control.js';
import { formulaDeclaration, formulaInputsUsed } from '../law-flags.js';
import { withSpecEngine } from '../engine-flag.js';
import { resolveShard, SHARD_PARSE_OPTIONS, shardUsage } from '../shard-flag.js';
import { runShard } from '../../shard/artifact.js';
import { shardLabel, shardRange, withoutShardFlag } from '../../shard/shard.js';
import { DEFAULT_SOBOL_STARTS } from '../../fit/starts.js';
import { parseOptions, specFromFlags } from '../../run-spec/argv.js';
import { optionsHelp } from '../../run-spec/help.js';
import { resolveBootstrap } from '../../run-spec/resolve.js';
import { RUN_OPTIONS, type PositiveEntry } from '../../run-spec/run-options.js';
import { rangesByLaw } from '../compare-ranges.js';
import { runRecord } from '../../run-spec/record.js';

export const COMPARE_USAGE = `usage: lawfit compare FILE --laws NAME,NAME,... --x IN=COL,... --y COL --holdout H [options]

Fit each law (its own start grid and default loss) on the fitting runs of every fold and rank the
laws by absolute relative error, |predicted - actual| / actual, on the held-out runs: a law's
error is the mean over folds of each fold's mean over its held-out runs. AIC and BIC come from a
fit of each law on all runs, with residuals in the target's units so they compare across laws.

${optionsHelp('compare', { output: shardUsage('bootstrap replicates (in every law and fold)') + PROGRESS_USAGE })}`;


export async function compareCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...parseOptions('compare'),
      ...SHARD_PARSE_OPTIONS,
      ...PROGRESS_PARSE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values['help'] === true) {
    io.out(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new LawfitError('bad-option', `compare takes one data file\n\n${COMPARE_USAGE}`);
  const spec = specFromFlags('compare', values);
  const control = values as ProgressFlags & { shard?: string };
  if (spec.x === undefined || spec.y === undefined) throw new LawfitError('bad-option', '--x and --y are required');
  if (spec.holdout === undefined) throw new LawfitError('bad-option', "--holdout is required, e.g. --holdout 'top:2:N_params*D_tokens'");
  const inputs = spec.x;
  const names = spec.laws ?? [];
  const indexed = (spec.formulas ?? []).map((f) => extractIndexedParams(f));
  const formulaNames = indexed.map((_, i) => `formula-${i + 1}`);
  // --positive [LAW:]A,B: a formula's parameters fitted as log, as `fit --formula ... --positive` (and the app's ticked ones).
  const positive = positivesByFormula(spec.positives ?? [], names, formulaNames, indexed.map(({ formula: f }) => formulaDeclaration(f, formulaInputsUsed(f, Object.keys(inputs)), 'linear', []).params.map((p) => p.name)));
  const declarations = [
    ...names.map((n) => findLaw(n)),
    ...indexed.map(({ formula: f }, i) => ({ ...formulaDeclaration(f, formulaInputsUsed(f, Object.keys(inputs)), 'linear', positive[i]!), name: formulaNames[i]! })),
  ];
  // --range: a law given start ranges is compiled with them and starts from Sobol points over them.
  const ranges = rangesByLaw(spec.range ?? [], declarations);
  const sharedLaws = declarations.map((d) => compileLaw(d, ranges.has(d.name) ? { ranges: ranges.get(d.name)! } : {}));
  const starts = Object.fromEntries([...ranges.keys()].map((n) => [n, { kind: 'sobol', count: DEFAULT_SOBOL_STARTS } as const]));
  const perAll = spec.per;
  if (sharedLaws.length < 1) throw new LawfitError('bad-option', '--laws or --formula: give at least one law to compare');
  const holdout = spec.holdout;
  const seed = spec.seed ?? 0;
  const boot = resolveBootstrap(spec);
  const format = spec.format ?? 'auto';

  const file = positionals[0]!;
  const outputs = await checkOutputs([{ flag: '--out', path: spec.out, kind: 'file' }, { flag: '--plots', path: spec.plots, kind: 'dir', files: COMPARISON_PLOT_FILES }], [file], { command: 'compare', io });
  const bytes = await readFileBytes(file);
  const table = readTable(bytes, file, format);
  const data: DataSpec = { inputs, target: spec.y, ...(spec.where !== undefined ? { where: spec.where } : {}) };
  // The target and --where are every law's: a mistake in them is one error before any fit (a
  // column only some laws' inputs read fails those laws alone, in the ranking's notes).
  datasetFromTable(table, { inputs: {}, target: data.target, ...(data.where !== undefined ? { where: data.where } : {}) }, []);
  // --per and a formula's E[COL] make the law itself grouped (same name); --per-law adds a variant.
  const laws = [
    ...sharedLaws.map((l, i) => {
      const per = mergePer(perAll, i >= names.length ? indexed[i - names.length]!.per : undefined);
      return per === undefined ? l : groupedVariant(l, per, table, data, l.name);
    }),
    ...(spec.perLaw ?? []).map(({ law: name, per, name: label }) => {
      const t = RUN_OPTIONS.perLaw.print([{ law: name, per, ...(label !== undefined ? { name: label } : {}) }])[0]!;
      const base = sharedLaws.find((l) => l.name === name);
      if (base === undefined) throw new LawfitError('bad-option', `--per-law ${t}: '${name}' is not among the compared laws (${sharedLaws.map((l) => l.name).join(', ')})`);
      return groupedVariant(base, per, table, data, label ?? perLawName(name, per.column), '--per-law');
    }),
  ];
  const dup = laws.find((l, i) => laws.findIndex((m) => m.name === l.name) !== i);
  if (dup !== undefined) throw new LawfitError('bad-option', `--per-law: two laws are named '${dup.name}'; name the variants, e.g. --per-law joint=LAW:COL:P1`);
  for (const l of laws) checkClusterDesign(l, boot?.design?.kind === 'clusters' ? boot.design.column : undefined);

  const digest = await sha256Hex(bytes);
  if (control.shard !== undefined && boot === undefined) throw new LawfitError('bad-option', '--shard splits the bootstrap replicates of every (law, fold): add --bootstrap N');
  if (control.shard !== undefined && spec.plots !== undefined) throw new LawfitError('bad-option', '--plots: draw them from the merged comparison; a shard has only its share of the replicates');
  const shard = control.shard !== undefined ? resolveShard(control.shard, spec.out, boot!.replicates, 'replicates') : undefined;
  const slice = shard !== undefined ? shardRange(boot!.replicates, shard) : undefined;
  const command = ['lawfit', 'compare', ...withoutShardFlag(argv)];
  let comparison: Comparison | undefined;
  // The artifact a run writes; a shard's is the same with its slice of the replicates (compare-shard.ts joins them).
  const produce = async () => {
    const run = await withSpecEngine(spec, io, async (engine) => ({
      comparison: await runWithControl('compare', control, io, (c) =>
        compareLaws(laws, table, data, holdout, {
          engine,
          control: c,
          ...(Object.keys(starts).length > 0 ? { starts } : {}),
          ...(boot !== undefined ? { bootstrap: { replicates: boot.replicates, seed, level: boot.level, design: boot.design, replicateStarts: boot.replicateStarts, generator: boot.generator } } : {}),
          ...(slice !== undefined ? { replicateSlice: slice } : {}),
        }),
      ),
      engineText: engine.describe(),
    }));
    comparison = run.comparison;
    return makeComparisonArtifact({
      command,
      run: runRecord('compare', spec),
      seed,
      engine: run.engineText,
      data: { source: file, digest, inputs, target: spec.y!, ...(spec.where !== undefined ? { where: spec.where } : {}) },
      comparison: run.comparison,
    });
  };
  if (shard !== undefined) {
    const path = await runShard(spec.out!, shard, { kind: 'compare', command, seed, dataDigests: [digest], dataFiles: [file], items: boot!.replicates }, slice!, produce);
    io.out(`shard ${shardLabel(shard)}: replicates ${slice!.from}..${slice!.to - 1} of ${boot!.replicates} in every law and fold; wrote ${path}\n`);
    return 0;
  }
  const artifact = await produce();
  io.out(renderComparison(comparison!));

  const written = await writeOutputSet(outputs, 'compare', io, async (put) => {
    if (spec.out !== undefined) await put('--out', JSON.stringify(artifact, null, 2) + '\n');
    if (spec.plots !== undefined) {
      const { renderSvg } = await import('../../plots/render.js'); // vega only when drawing (main.ts)
      for (const plot of comparisonPlots(comparison!.laws, comparisonPlotOptions(comparison!, RUN_OPTIONS.holdout.print(holdout)[0]!))) await put('--plots', await renderSvg(plot.spec), plot.file);
    }
  });
  for (const w of written) io.out(`wrote ${w.path}\n`);
  return 0;
}

/** A grouped law for compare: its levels are the group column's values over every run the where filter keeps. */
function groupedVariant(base: CompiledLaw, per: PerGroupSpec, table: Table, spec: DataSpec, name: string, flag = '--per'): CompiledLaw {
  const labels = datasetFromTable(table, { ...spec, inputs: nameTable(base.inputNames.map((n) => [n, own(spec.inputs, n)!] as const)), group: per.column }, base.inputNames).groups!;
  return compileGroupedLaw(base, per, groupLevels(labels, per.column, table.source), name, flag);
}

/**
 * compare's --positive entries per formula (in formula order): `LAW:A,B` for that formula, `A,B`
 * for every formula with a parameter of that name. An entry that reaches no formula is refused,
 * one line naming what it could have meant.
 */
export function positivesByFormula(entries: readonly PositiveEntry[], builtins: readonly string[], formulas: readonly string[], params: ReadonlyArray<readonly string[]>): string[][] {
  const out = formulas.map(() => [] as string[]);
  const add = (i: number, p: string) => {
    if (!out[i]!.includes(p)) out[i]!.push(p);
  };
  for (const e of entries) {
    const text = RUN_OPTIONS.positives.print([e])[0]!;
    if (e.law !== undefined) {
      const i = formulas.indexOf(e.law);
      if (i < 0) {
        const why = builtins.includes(e.law) ? `'${e.law}' is a built-in law; --positive is for --formula laws` : `'${e.law}' is not among the compared formulas (${formulas.join(', ') || 'none'})`;
        throw new LawfitError('bad-option', `--positive ${text}: ${why}`);
      }
      for (const p of e.names) {
        if (!params[i]!.includes(p)) throw new LawfitError('unknown-parameter', `--positive ${text}: ${e.law} has no parameter '${p}' (parameters: ${params[i]!.join(', ') || 'none'})`);
        add(i, p);
      }
      continue;
    }
    for (const p of e.names) {
      const targets = formulas.flatMap((_, i) => (params[i]!.includes(p) ? [i] : []));
      if (targets.length === 0) throw new LawfitError('bad-option', `--positive ${text}: no compared formula has a parameter '${p}'`);
      for (const i of targets) add(i, p);
    }
  }
  return out;
}
