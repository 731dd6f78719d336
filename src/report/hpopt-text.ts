/**
 * The hyperparameter-optimum analysis as text: what `lawfit hpopt` prints and `lawfit report`
 * prints again from the artifact. The optimum choice in words, every cell with its optimum and how
 * it was obtained (a vertex, or the best value and why), each law with its exponents (t intervals
 * from least squares, and the bootstrap's percentile intervals with failed replicates counted),
 * and the predictions at --at. Reads only plain data (artifact JSON: NaN arrives as null).
 */
import { OPTIMUM_FLAGS, WARNING_FLAGS, type OptimumFlag } from '../stats/hpopt-optimum.js';
import type { HpoptLaw, HpoptResult } from '../stats/hpopt.js';
import { formatNumber } from './text.js';
import { f4, g3, pct, range, summarizeFailures } from './result-format.js';

const HP_NAME = { lr: 'learning rate η*', bs: 'batch size B*' } as const;
const HP_SYMBOL = { lr: 'η*', bs: 'B*' } as const;

function describeChoice(r: HpoptResult): string {
  const o = r.optimum;
  if (o.kind === 'best') return 'best: the run with the lowest loss in each cell';
  const withBs = r.hyperparameters.includes('bs');
  if (o.kind === 'parabola') return `parabola:${o.window}: a parabola of the loss in ln lr${withBs ? ' (ln bs)' : ''} through the best value and ${o.window} neighbour${o.window === 1 ? '' : 's'} on each side${withBs ? ", at the best run's other hyperparameter" : ' (repeated lr values: their mean loss)'}; its vertex, or the best value when the vertex is not an interior minimum`;
  return `steplaw:${o.tolerance}: Step Law's near-optimal set (Li et al. 2025): every run with loss <= (1 + ${o.tolerance}) x the cell's best enters the fit`;
}

export function renderHpopt(r: HpoptResult): string {
  const out: string[] = [];
  out.push(`${r.source}: hyperparameter-optimum law of ${r.runs} runs in ${r.cells.length} cells of (${r.inputs.join(', ')})`);
  out.push(`optimum per cell: ${describeChoice(r)}`);
  out.push(`law: ${r.laws.map((l) => `${HP_SYMBOL[l.hyperparameter]} = c · ${(l.inputs ?? r.inputs).map((x) => `${x}^e_${x}`).join(' · ')}`).join(';  ')}, least squares of the logarithms (float64, closed form)`);
  out.push('', 'cells:');
  const withBs = r.hyperparameters.includes('bs');
  const head = `  ${r.inputs.map((x) => x.padStart(9)).join('  ')}  runs  ${'lr*'.padStart(9)}  ${withBs ? `${'bs*'.padStart(9)}  ` : ''}${'best loss'.padStart(9)}  ${r.optimum.kind === 'steplaw' ? 'near-opt  ' : ''}how`;
  out.push(head);
  for (const c of r.cells) {
    const how = withBs ? (c.lrFlag === c.bsFlag ? c.lrFlag : `lr ${c.lrFlag}, bs ${c.bsFlag}`) : c.lrFlag;
    out.push(`  ${r.inputs.map((x) => g3(c.at[x]).padStart(9)).join('  ')}  ${String(c.runs).padStart(4)}  ${g3(c.lr).padStart(9)}  ${withBs ? `${g3(c.bs).padStart(9)}  ` : ''}${formatNumber(c.bestLoss, 5).padStart(9)}  ${r.optimum.kind === 'steplaw' ? `${String(c.nearOptimal ?? '').padStart(8)}  ` : ''}${how}`);
  }
  const flags = new Set<OptimumFlag>(r.cells.flatMap((c) => [c.lrFlag, ...(c.bsFlag !== undefined ? [c.bsFlag] : [])]));
  for (const f of flags) out.push(`  ${f}: ${OPTIMUM_FLAGS[f]}`);
  const warned = r.cells.filter((c) => WARNING_FLAGS.includes(c.lrFlag) || (c.bsFlag !== undefined && WARNING_FLAGS.includes(c.bsFlag)));
  if (warned.length > 0) out.push(`  note: ${warned.length} of ${r.cells.length} cells carry a warning (see 'how'): the sweep may not bracket their optimum, and a cut-off set or an edge value biases the law`);
  for (const law of r.laws) out.push('', ...renderLaw(law, r));
  const b = r.bootstrap;
  if (b !== undefined) {
    out.push('', `bootstrap: ${b.replicates} replicates (runs resampled within each cell, seed ${b.seed}), every cell's optimum and the laws refitted on each; ${(b.elapsedMs / 1000).toFixed(2)} s`);
    out.push(`  ${b.succeeded} succeeded${b.failed.length > 0 ? `, ${b.failed.length} failed (${summarizeFailures(b.failed)}); the intervals are over the ${b.succeeded} others` : ''}`);
    const shaky = (b.flaggedShare ?? []).map((s, i) => ({ s, i })).filter((x) => x.s !== null && x.s > 0.05);
    if (shaky.length > 0) out.push(`  cells whose optimum carried a warning in > 5 % of the replicates: ${shaky.map((x) => `${r.inputs.map((k) => `${k} = ${g3(r.cells[x.i]!.at[k])}`).join(', ')} (${(100 * x.s).toFixed(0)} %)`).join('; ')}`);
  }
  return out.join('\n') + '\n';
}

function renderLaw(law: HpoptLaw, r: HpoptResult): string[] {
  const out: string[] = [];
  const sym = HP_SYMBOL[law.hyperparameter];
  const lv = pct(r.level);
  out.push(`${HP_NAME[law.hyperparameter]}: ${sym} = ${g3(law.c.estimate)} · ${law.exponents.map((e) => `${e.input}^${f4(e.estimate)}`).join(' · ')}`);
  out.push(`  ${law.points} points, ${law.dof} degree${law.dof === 1 ? '' : 's'} of freedom; RMS residual of ln ${sym} ${f4(law.rmsLog)}`);
  out.push(`  least squares (${lv} t intervals, the points taken as independent):`);
  out.push(`    c      ${g3(law.c.estimate).padStart(10)}  se(ln c) ${f4(law.c.logSe)}  ${range(law.c.interval, g3)}`);
  for (const e of law.exponents) out.push(`    e_${e.input.padEnd(4)} ${f4(e.estimate).padStart(10)}  se ${f4(e.se)}  ${range(e.interval)}`);
  const b = law.bootstrap;
  if (b !== undefined) {
    out.push(`  bootstrap (${lv} percentile):`);
    out.push(`    c      ${g3(b.c.estimate).padStart(10)}  ${range(b.c.interval, g3)}`);
    for (const e of b.exponents) out.push(`    e_${e.input.padEnd(4)} ${f4(e.estimate).padStart(10)}  sd ${f4(e.sd)}  ${range(e.interval)}`);
  }
  for (const p of law.predictions) {
    const at = Object.entries(p.at).map(([k, v]) => `${k} = ${g3(v)}`).join(', ');
    out.push(`  at ${at}: ${sym} = ${g3(p.estimate)}  t ${range(p.interval, g3)}${p.bootstrap !== undefined ? `  bootstrap ${range(p.bootstrap.interval, g3)}` : ''}`);
  }
  return out;
}
