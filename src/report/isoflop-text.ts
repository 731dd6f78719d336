/**
 * The IsoFLOP analysis as text: what `lawfit isoflop` prints and `lawfit report` prints again from
 * the artifact. Per group: the QC stages and what each dropped, every budget with its vertex and
 * verdict (bracketed, at the edge, extrapolated), the frontier with a, b and the a + b check, the
 * predictions at --at, the bootstrap intervals with the failed replicates counted, and Approach 3
 * beside it when asked. Reads only plain data (artifact JSON: NaN arrives as null).
 */
import { QC_REASONS, QC_STAGES, QC_THRESHOLDS } from '../stats/isoflop-qc.js';
import { describeIsoflopDesign, type IsoflopGroup, type IsoflopResult } from '../stats/isoflop.js';
import type { Approach3Result } from '../stats/isoflop-approach3.js';
import { formatNumber } from './text.js';
import { f4, g3, pct, range, summarizeFailures } from './result-format.js';


export function renderIsoflop(r: IsoflopResult, approach3: readonly Approach3Result[] = []): string {
  const out: string[] = [];
  const on = r.qc.stages;
  out.push(`${r.source}: IsoFLOP analysis (Chinchilla Approach 2) of ${r.runs} runs${r.groupColumn !== undefined ? ` in ${r.groups.length} groups of ${r.groupColumn}` : ''}`);
  out.push(`parabolas: loss in ln N and in ln D per budget, weighted least squares in closed form (float64); frontier: ${r.frontierWeights === 'equal' ? 'least squares' : 'inverse-variance weighted least squares'} of ln N*, ln D* on ln C`);
  if (on.length === 0) out.push('quality control: off (each budget needs 3 runs and a positive curvature; nothing else is dropped)');
  else {
    const th = QC_THRESHOLDS.filter((t) => on.includes(t.stage)).map((t) => `--${t.flag} ${formatNumber(t.toFlag(r.qc[t.key]), 4)}`);
    out.push(`quality control: ${QC_STAGES.filter((s) => on.includes(s)).join(', ')}${QC_STAGES.some((s) => !on.includes(s)) ? ` (off: ${QC_STAGES.filter((s) => !on.includes(s)).join(', ')})` : ''}; ${th.join(' ')}`);
  }
  for (const g of r.groups) out.push('', ...renderGroup(g, r));
  const a3 = approach3.filter((a) => a !== undefined);
  if (a3.length > 0) {
    out.push('', 'Approach 3 on the same runs (parametric fit, C = 6·N·D for its allocation):');
    for (const a of a3) {
      const head = `  ${a.law}${a.group !== undefined ? ` [${a.group}]` : ''}: ${a.runs} runs, ${a.status}, objective ${g3(a.objective)}, ${a.params.map((p) => `${p.name} = ${formatNumber(p.value, 5)}`).join(', ')}`;
      out.push(head, `    engine: ${a.engine}, ${(a.elapsedMs / 1000).toFixed(2)} s`);
      if (a.allocation !== undefined) {
        const two = r.groups.find((g) => (g.group ?? undefined) === (a.group ?? undefined))?.frontier;
        out.push(`    a = ${f4(a.allocation.a)}, b = ${f4(a.allocation.b)}${two !== undefined ? `   (Approach 2: a = ${f4(two.a.estimate)}, b = ${f4(two.b.estimate)}; difference in a ${f4(a.allocation.a - two.a.estimate)})` : ''}`);
        for (const p of a.allocation.at) out.push(`    at C = ${g3(p.C)}: N_opt = ${g3(p.N)}, D_opt = ${g3(p.D)}, D/N = ${g3(p.tokensPerParam)}`);
      }
      if (a.note !== undefined) out.push(`    ${a.note}`);
    }
  }
  return out.join('\n') + '\n';
}

function renderGroup(g: IsoflopGroup, r: IsoflopResult): string[] {
  const out: string[] = [];
  const kept = g.budgets.filter((b) => b.status === 'kept').length;
  out.push(`${g.group !== undefined ? `group ${g.group}: ` : ''}${g.runs} runs at ${g.budgets.length} budgets; ${kept} budget${kept === 1 ? '' : 's'} kept, ${g.verdicts.filter((v) => v.status === 'used').length} runs used`);
  if (g.stageCounts.length > 0) {
    out.push('dropped by quality control (runs / budgets):');
    const order = Object.keys(QC_REASONS);
    for (const s of [...g.stageCounts].sort((a, b) => order.indexOf(a.reason) - order.indexOf(b.reason))) {
      out.push(`  ${QC_REASONS[s.reason].padEnd(10)}  ${s.reason.padEnd(22)}  ${String(s.runs).padStart(4)} runs  ${s.budgets > 0 ? `${s.budgets} budget${s.budgets === 1 ? '' : 's'}` : ''}`);
    }
  }
  out.push('budgets:');
  out.push(`  ${'C'.padStart(9)}  runs  used  ${'N*'.padStart(9)}  ${'se ln N*'.padStart(8)}  ${'D*'.padStart(9)}  ${'se ln D*'.padStart(8)}  ${'L*'.padStart(8)}  ${'se L*'.padStart(8)}  vertex         verdict`);
  for (const b of g.budgets) {
    const N = b.N;
    const D = b.D;
    out.push(
      `  ${g3(b.budget).padStart(9)}  ${String(b.runs).padStart(4)}  ${String(b.used).padStart(4)}  ${g3(N?.optimum).padStart(9)}  ${g3(N?.logOptimumSe).padStart(8)}  ${g3(D?.optimum).padStart(9)}  ${g3(D?.logOptimumSe).padStart(8)}  ${formatNumber(N?.loss, 5).padStart(8)}  ${g3(N?.lossSe).padStart(8)}  ${(b.bracket ?? '-').padEnd(13)}  ${b.status}${b.detail !== undefined ? `: ${b.detail}` : ''}`,
    );
  }
  const extrapolated = g.budgets.filter((b) => b.bracket === 'extrapolated' && b.status === 'kept');
  if (extrapolated.length > 0) out.push(`  note: ${extrapolated.length} kept budget${extrapolated.length === 1 ? "'s optimum is" : "s' optima are"} extrapolated beyond the sampled range (QC off-centre is off): ${extrapolated.map((b) => g3(b.budget)).join(', ')}`);
  const f = g.frontier;
  if (f === undefined) {
    out.push(`frontier: not fitted: ${g.frontierError ?? ''}`);
    return out;
  }
  const lv = pct(r.level);
  out.push(`frontier over ${f.budgets} budgets (${lv} t intervals):`);
  out.push(`  N*(C) = ${g3(f.kN)} · C^a   a = ${f4(f.a.estimate)} ± ${f4(f.a.se)}  ${range(f.a.interval)}`);
  out.push(`  D*(C) = ${g3(f.kD)} · C^b   b = ${f4(f.b.estimate)} ± ${f4(f.b.se)}  ${range(f.b.interval)}`);
  out.push(`  a + b = ${f4(f.sum.estimate)} ± ${f4(f.sum.se)}  ${range(f.sum.interval)}: ${sumCheck(f.sum)}`);
  for (const p of g.predictions) {
    out.push(`  at C = ${g3(p.C)}: N* = ${g3(p.N.estimate)} ${range(p.N.interval, g3)}, D* = ${g3(p.D.estimate)} ${range(p.D.interval, g3)}, D*/N* = ${g3(p.tokensPerParam.estimate)} ${range(p.tokensPerParam.interval, g3)}`);
  }
  const b = g.bootstrap;
  if (b !== undefined) {
    out.push(`bootstrap: ${b.replicates} replicates (design ${b.design}: ${describeIsoflopDesign(b.design)}, seed ${b.seed}), parabolas, QC and frontier refitted on each; ${(b.elapsedMs / 1000).toFixed(2)} s`);
    out.push(`  ${b.succeeded} succeeded${b.failed.length > 0 ? `, ${b.failed.length} failed (${summarizeFailures(b.failed)}); the intervals are over the ${b.succeeded} others` : ''}`);
    const q = (name: string, v: { estimate: number; sd: number; interval: [number, number] }): string => `  ${name.padEnd(6)} ${f4(v.estimate)}  sd ${f4(v.sd)}  ${pct(b.level)} percentile ${range(v.interval)}`;
    out.push(q('a', b.a), q('b', b.b), q('a + b', b.sum));
    for (const p of b.predictions) {
      out.push(`  at C = ${g3(p.C)}: N* ${range(p.N.interval, g3)}, D* ${range(p.D.interval, g3)}, D*/N* ${range(p.tokensPerParam.interval, g3)}`);
    }
    const unstable = b.budgetKeptShare.filter((s) => s.share > 0 && s.share < 0.95);
    if (unstable.length > 0) out.push(`  budgets kept in only part of the replicates: ${unstable.map((s) => `${g3(s.budget)} (${(100 * s.share).toFixed(0)} %)`).join(', ')}`);
  }
  return out;
}

/** The a + b ≈ 1 check in words (1e-9 of slack: data whose D was computed as C/(6N) give exactly 1). */
function sumCheck(sum: { estimate: number; se: number; interval: [number, number] }): string {
  const [lo, hi] = sum.interval;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) return 'no interval (too few budgets)';
  if (Math.abs(sum.estimate - 1) < 1e-9 && !(sum.se > 1e-9)) return '1 exactly (the data\'s D is C / (6 N), or N·D ∝ C, at every run)';
  return lo - 1e-9 <= 1 && 1 <= hi + 1e-9 ? '1 is inside (N* D* scales as C)' : '1 is outside: N* D* does not scale as C (check the budget column against 6·N·D)';
}
