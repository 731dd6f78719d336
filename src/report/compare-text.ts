/**
 * A comparison (src/stats/compare.ts) as text: the ranking, the folds, every held-out run, the
 * nested tests and what was skipped or failed. \`lawfit compare\` prints it and \`lawfit report\` prints
 * it again from the saved artifact, so both print the same.
 */
import type { Comparison } from '../stats/compare.js';
import { describeDesign } from '../stats/resample.js';
import { failureCounts, formatNumber } from './text.js';

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
      // An artifact from before the reasons were recorded has no failures list.
      const why = (l.bootstrap.failures ?? []).length > 0 ? `: ${failureCounts(l.bootstrap.failures)}` : '';
      notes.push(`  ${l.law}: ${l.bootstrap.failed.length} of ${l.bootstrap.replicates} replicates failed (${shown}${l.bootstrap.failed.length > 10 ? ', ...' : ''})${why}; the interval is over the others`);
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
