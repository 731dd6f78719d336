/**
 * A chain (src/stats/chain.ts) as text, from its summary (what the artifact keeps): both fits and
 * the joint bootstrap, then one table per --at point. \`lawfit chain\` prints it and \`lawfit report\`
 * prints it again from the saved artifact, so both print the same.
 */
import type { ChainSummary } from './chain-summary.js';
import { failureText, fewRowsWarning, formatNumber } from './text.js';

function band(b: [number, number] | undefined): string {
  return b === undefined ? 'n/a' : `[${formatNumber(b[0], 5)}, ${formatNumber(b[1], 5)}]`;
}

function width(b: [number, number] | undefined): string {
  return b === undefined ? '' : formatNumber(b[1] - b[0], 4);
}

/**
 * The fits and the bootstrap, from the chain's summary (its artifact), so that `lawfit report` on a
 * saved chain prints what the run printed.
 */
export function renderChainFits(chain: ChainSummary): string {
  const lines: string[] = [];
  lines.push(`lawfit chain: ${chain.stages.length} stages over ${chain.source} (${chain.runs.n} runs in all)`);
  chain.stages.forEach((st, k) => {
    const s = st.summary;
    const d = s.law.declaration;
    lines.push('');
    lines.push(`stage ${k + 1}: ${d.name}   ${d.display ?? d.formula.replace(/\s*\n\s*/g, '; ')}`);
    const indicators = s.law.groups?.indicatorInputs ?? [];
    const inputs = Object.entries(s.data.inputs)
      .filter(([name]) => !indicators.includes(name))
      .map(([name, expr]) => (name === st.chainedInput ? `${name} = ${expr} (observed; stage ${k}'s prediction at new points)` : name === expr ? name : `${name} = ${expr}`))
      .join(', ');
    lines.push(`  ${s.data.n} runs${s.data.where !== undefined ? ` where ${s.data.where}` : ''}; inputs ${inputs}; target ${s.data.target}; loss ${s.loss}`);
    const dof = s.statistics.dof;
    lines.push(
      `  best fit ${s.status.name}${s.status.usable ? '' : ' ** NOT CONVERGED **'}; ${s.starts.reachedBest} of ${s.starts.count} starts reached it; residual sd ${st.residualScale !== null ? `${formatNumber(st.residualScale, 4)} (${d.space}, ${dof} degree${dof === 1 ? '' : 's'} of freedom)` : 'n/a (no degrees of freedom)'}`,
    );
    const bs = s.bootstrap;
    if (bs?.fewRows !== undefined && bs.fewRows.replicates.length > 0) lines.push(`    ${fewRowsWarning(bs.fewRows, bs.replicates, bs.parameters.length)}`);
    // Per-group names (E[c4_original]) run longer than the usual 8 columns.
    const nameWidth = Math.max(8, ...s.params.map((q) => q.name.length));
    for (const q of s.params) {
      if (q.fixed) {
        lines.push(`    ${q.name.padEnd(nameWidth)} ${formatNumber(q.value, 7).padStart(13)}  (fixed)`);
        continue;
      }
      const b = bs?.parameters.find((x) => x.name === q.name);
      const spread = b !== undefined ? `bootstrap sd ${formatNumber(b.sd, 4)}, ${Math.round(100 * bs!.level)} % ${band(b.percentile)}` : `+/- ${formatNumber(q.stdError, 4)} (asymptotic)`;
      lines.push(`    ${q.name.padEnd(nameWidth)} ${formatNumber(q.value, 7).padStart(13)}  ${spread}`);
    }
  });
  const boot = chain.bootstrap;
  if (boot !== undefined) {
    lines.push('');
    lines.push(`joint bootstrap: ${boot.replicates} replicates over the ${chain.runs.n} runs (${boot.design}, seed ${boot.seed}): ${boot.succeeded} usable, ${boot.failed.length} failed`);
    if (boot.failed.length > 0) {
      const counts = new Map<string, number>();
      for (const f of boot.failures) {
        const key = `stage ${f.stage + 1}: ${failureText(f)}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      lines.push(`  left out of the bands: ${[...counts].map(([k, v]) => `${v} ${k}`).join('; ')}`);
      lines.push(`  failed replicates: ${boot.failed.slice(0, 12).join(', ')}${boot.failed.length > 12 ? ', ...' : ''}${boot.design === 'rows' ? "  (--design bayes keeps every run in every replicate)" : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** One --at point's table, from the chain's summary (as renderChainFits). */
export function renderChainPrediction(chain: ChainSummary, p: ChainSummary['predictions'][number]): string {
  const lines: string[] = [];
  const where = Object.entries(p.at)
    .map(([k, v]) => `${k} = ${formatNumber(v, 4)}`)
    .join(', ') + (p.group !== undefined ? `, ${chain.stages.find((st) => st.summary.law.groups !== undefined)?.summary.law.groups!.column ?? 'group'} = ${p.group}` : '');
  const pctLevel = `${Math.round(100 * p.level)} %`;
  lines.push(`at ${where}${p.draws !== undefined ? ` (${pctLevel} bands from ${p.draws} replicates)` : ' (no bootstrap: estimates only; add --bootstrap N for bands)'}`);
  const names = p.stages.map((s, k) => `stage ${k + 1} ${s.target}`);
  const w = Math.max(...names.map((n) => n.length));
  const K = p.stages.length;
  const row = (name: string, estimate: string, rest = ''): string => `  ${name.padEnd(w)}  ${estimate.padStart(12)}${rest}`;
  if (p.draws === undefined) {
    p.stages.forEach((s, k) => lines.push(row(names[k]!, formatNumber(s.estimate, 7))));
  } else {
    lines.push(row('', 'estimate', `   ${'confidence'.padEnd(24)} ${'width'.padEnd(10)} prediction`));
    p.stages.forEach((s, k) => {
      const label = k === K - 1 ? '   chain: every stage resampled' : '';
      lines.push(row(names[k]!, formatNumber(s.estimate, 7), `   ${band(s.confidence).padEnd(24)} ${width(s.confidence).padEnd(10)} ${band(s.prediction)}${label}`));
    });
    const finalPrediction = band(p.stages[K - 1]!.prediction);
    lines.push(row('', '', `   ${band(p.lastStageOnly).padEnd(24)} ${width(p.lastStageOnly).padEnd(10)} ${''.padEnd(finalPrediction.length)}   stage ${K} alone: stage ${K - 1}'s prediction taken as exact`));
  }
  const warnings = p.stages.flatMap((s, k) => {
    const out = Object.entries(s.outside);
    return out.length === 0 ? [] : [`stage ${k + 1} by ${out.map(([name, d]) => `${Math.abs(d).toFixed(2)} decades of ${name} (${d > 0 ? 'above' : 'below'})`).join(', ')}`];
  });
  if (warnings.length > 0) lines.push(`  warning: outside the fitted range: ${warnings.join('; ')}`);
  if (p.stages.some((s) => s.prediction === undefined) && p.draws !== undefined) {
    const none = chain.stages.findIndex((st) => st.residualScale === null);
    if (none >= 0) lines.push(`  (no prediction band: stage ${none + 1} has no residual degrees of freedom, so its scatter cannot be estimated)`);
  }
  return lines.join('\n') + '\n';
}
