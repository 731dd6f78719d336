/**
 * The text report, in lmfit's fixed sections (Model, Fit Statistics, Status, Variables,
 * Correlations), rendered from a FitSummary so that `lawfit report RESULT.json` prints exactly what
 * `lawfit fit` printed.
 */
import type { FitSummary } from './summary.js';
import { describeFailure, REPLICATE_FAILURE_REASONS, type RefitFailure } from '../stats/replicate-refit.js';
import { formatCount } from '../util/format-count.js';

export interface TextReportOptions {
  /** Correlations with |C| below this are not listed (lmfit's default 0.1). */
  minCorrelation?: number;
}

export function formatNumber(v: number | null | undefined, digits = 6): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}

function pct(share: number): string {
  return `${(100 * share).toFixed(share >= 0.9995 || share === 0 ? 0 : 2)} %`;
}

/** "Hoffmann, J., Borgeaud, S., ... (2022). Title. arXiv:..." -> "Hoffmann et al. (2022). Title. arXiv:...". */
export function shortCitation(c: string): string {
  const m = /^([^,(]+?),[^()]*?\((\d{4}[a-z]?)\)\.?\s*(.*)$/.exec(c);
  if (m === null) return c;
  const authors = c.slice(0, c.indexOf('(')).split(/,\s*|\s*&\s*/).filter((s) => /\w{2,}/.test(s) && !/^[A-Z]\.(\s*[A-Z]\.)*$/.test(s.trim()));
  const first = m[1]!.trim();
  const who = authors.length <= 1 ? first : authors.length === 2 ? `${first} & ${authors[1]!.trim()}` : `${first} et al.`;
  return `${who} (${m[2]}). ${m[3]}`;
}

/** For synthetic data: how many true values the bootstrap intervals cover. */
function truthLine(s: FitSummary): string {
  if (s.truth === undefined || s.bootstrap === undefined) return '';
  const qs = s.bootstrap.parameters.filter((q) => s.truth![q.name] !== undefined);
  const covered = qs.filter((q) => q.percentile[0] <= s.truth![q.name]! && s.truth![q.name]! <= q.percentile[1]);
  return `    the ${Math.round(100 * s.bootstrap.level)} % percentile intervals cover ${covered.length} of ${qs.length} true values (${covered.map((q) => q.name).join(', ') || 'none'})`;
}

export function renderTextReport(s: FitSummary, opts: TextReportOptions = {}): string {
  const minC = opts.minCorrelation ?? 0.1;
  const d = s.law.declaration;
  const lines: string[] = [];
  const kv = (k: string, v: string): void => {
    lines.push(`    ${k.padEnd(22)} = ${v}`);
  };

  lines.push('[[Model]]');
  lines.push(`    ${d.name}: ${d.display ?? d.formula.replace(/\s*\n\s*/g, '; ')}`);
  if (d.citation !== undefined) lines.push(`    ${shortCitation(d.citation)}`);
  lines.push(`    residuals in ${d.space} space; loss ${s.loss}`);
  const inputs = Object.entries(s.data.inputs)
    .map(([k, v]) => (k === v ? k : `${k} = ${v}`))
    .join(', ');
  lines.push(`    data: ${s.data.source} (${s.data.n} rows${s.data.where !== undefined ? ` where ${s.data.where}` : ''}); inputs ${inputs}; target ${s.data.target}${s.data.weights !== undefined ? `; weights ${s.data.weights}` : ''}`);

  lines.push('[[Fit Statistics]]');
  const st = s.statistics;
  kv('# data points', String(st.nData));
  kv('# free parameters', String(st.nFree));
  kv('objective', `${formatNumber(st.objective, 7)}${s.loss === 'linear' ? '   (half the residual sum of squares)' : '   (sum of loss terms, as defined)'}`);
  kv('residual sum of squares', formatNumber(st.ssr, 7));
  kv('reduced chi-square', formatNumber(st.reducedChiSquare));
  kv(`RMS residual (${d.space})`, formatNumber(st.rmse));
  kv('Akaike info crit', formatNumber(st.aic));
  kv('Bayesian info crit', formatNumber(st.bic));

  lines.push('[[Status]]');
  lines.push(`    best fit: ${s.status.name} (${s.status.message}), ${s.iterations} iterations${s.status.usable ? '' : '   ** NOT CONVERGED: do not use these parameters **'}`);
  const sh = s.starts;
  lines.push(`    starts: ${sh.description}`);
  lines.push(`    ${formatCount(sh.reachedBest)} of ${formatCount(sh.count)} starts (${pct(sh.shareReachedBest)}) reached the best objective (within ${sh.reachTolerance} relative)`);
  const counts = Object.entries(sh.statusCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${formatCount(v)} ${k}`)
    .join(', ');
  lines.push(`    statuses: ${counts}`);
  lines.push(`    engine: ${s.engine}, ${(s.elapsedMs / 1000).toFixed(2)} s`);
  if (s.projection !== undefined) lines.push(`    variable projection: ${s.projection.note}`);
  if (s.polish !== undefined) {
    const pl = s.polish;
    lines.push(
      `    float64 polish: ${pl.iterations} iterations moved ${pl.parameter} by ${formatNumber(pl.maxRelativeChange, 2)} relative; objective ${formatNumber(pl.costBefore, 8)} (f32) -> ${formatNumber(pl.costAfter, 8)} (best of ${pl.candidates} polished)`,
    );
  }
  if (s.audit !== undefined) {
    const a = s.audit;
    lines.push(
      `    float64 audit: ${a.agreeing} of ${a.sampled} sampled fits re-run in float64 end within ${a.tolerance} of the f32 objective (largest difference ${formatNumber(a.maxRelativeDifference, 2)}; seed ${a.seed})`,
    );
  }

  lines.push('[[Variables]]');
  const width = Math.max(...s.params.map((q) => q.name.length)) + 1;
  const hasTruth = s.truth !== undefined;
  for (const q of s.params) {
    const name = `${q.name}:`.padEnd(width + 1);
    if (q.fixed) {
      lines.push(`    ${name} ${formatNumber(q.value, 7).padStart(13)} (fixed)`);
      continue;
    }
    const se = q.stdError;
    const rel = se !== null && q.value !== null && q.value !== 0 ? ` (${((100 * se) / Math.abs(q.value)).toFixed(2)}%)` : '';
    const err = se !== null ? ` +/- ${formatNumber(se, 4)}${rel}` : ' +/- n/a';
    const truth = hasTruth && s.truth![q.name] !== undefined ? `   true = ${formatNumber(s.truth![q.name], 7)}` : '';
    lines.push(`    ${name} ${formatNumber(q.value, 7).padStart(13)}${err.padEnd(26)}${truth}   (start = ${formatNumber(q.start, 4)}, ${q.transform})`);
  }
  lines.push(`    (standard errors: ${s.uncertainty.method === 'least-squares' ? 'least-squares covariance s^2 (J\'WJ)^-1' : 'M-estimator sandwich covariance (asymptotic; the bootstrap is more honest for small ladders)'}${s.uncertainty.covariance === null ? '; the information matrix is singular, so none are given' : ''})`);

  if (s.bootstrap !== undefined) {
    const bs = s.bootstrap;
    const pctLevel = `${Math.round(100 * bs.level)} %`;
    lines.push(`[[Bootstrap]] (${formatCount(bs.replicates)} replicates, design ${bs.design}, seed ${bs.seed}; ${bs.startsPerReplicate} start${bs.startsPerReplicate === 1 ? '' : 's'} each)`);
    if (bs.replicateStatus !== undefined) {
      const counts = new Map<string, number>();
      for (const name of bs.replicateStatus) counts.set(name, (counts.get(name) ?? 0) + 1);
      const byStatus = [...counts].sort((a, b) => b[1] - a[1]).map(([name, c]) => `${formatCount(c)} ${name}`).join(', ');
      lines.push(`    replicates' best fits: ${byStatus}`);
    }
    const share = (bs.replicateShareReachedBest ?? []).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    if (share.length > 0 && bs.startsPerReplicate > 1) {
      const pct = (v: number): string => `${v >= 0.01 || v === 0 ? (100 * v).toFixed(0) : (100 * v).toPrecision(2)} %`;
      const all = share.filter((v) => v >= 1 - 1e-12).length;
      lines.push(`    share of each replicate's starts reaching its best: median ${pct(share[Math.floor((share.length - 1) / 2)]!)}, lowest ${pct(share[0]!)}; all starts in ${formatCount(all)} of ${formatCount(share.length)}`);
    }
    const rescued = bs.rescued ?? [];
    if (rescued.length > 0) {
      const list = `${rescued.slice(0, 10).join(', ')}${rescued.length > 10 ? ', ...' : ''}`;
      lines.push(`    ${rescued.length} replicate${rescued.length === 1 ? '' : 's'} (${list}) had no usable fit from ${bs.startsPerReplicate === 1 ? 'the basin start' : 'the basin starts'} and ${rescued.length === 1 ? 'was' : 'were'} refit from ${bs.rescueStarts ?? 'a full start set'}: ${rescued.filter((r) => !bs.failed.includes(r)).length} rescued`);
    }
    const few = bs.fewRows;
    if (few !== undefined && few.replicates.length > 0) lines.push(`    ${fewRowsWarning(few, bs.replicates, bs.parameters.length, s.law.groups)}`);
    if (bs.failed.length > 0) {
      // The reasons come from replicate-refit.ts; an older artifact has none: its failures were all fits.
      const why = bs.failures !== undefined ? failureCounts(bs.failures) : 'no usable fit';
      lines.push(`    ${bs.failed.length} replicate${bs.failed.length === 1 ? '' : 's'} failed (${why}) and ${bs.failed.length === 1 ? 'is' : 'are'} left out of the intervals: ${bs.failed.slice(0, 10).join(', ')}${bs.failed.length > 10 ? ', ...' : ''}`);
    }
    const w = Math.max(...bs.parameters.map((q) => q.name.length)) + 1;
    // A coverage check of this design (lawfit coverage --out), when the artifact has one.
    const checked = s.coverage?.designs.find((d) => d.design === bs.design);
    const covPct = (v: number): string => `${(100 * v).toFixed(1)} %`;
    for (const q of bs.parameters) {
      const bca = q.bca !== undefined ? `   BCa [${formatNumber(q.bca[0], 5)}, ${formatNumber(q.bca[1], 5)}]` : '';
      const c = checked?.quantities.find((x) => x.kind === 'parameter' && x.name === q.name);
      const cov = c !== undefined ? `   coverage ${covPct(c.percentile.share)} ± ${(100 * c.percentile.se).toFixed(1)}${c.bca !== undefined && q.bca !== undefined ? ` (BCa ${covPct(c.bca.share)})` : ''}` : '';
      lines.push(`    ${`${q.name}:`.padEnd(w + 1)} ${formatNumber(q.estimate, 7).padStart(13)}   sd ${formatNumber(q.sd, 4).padEnd(10)} ${pctLevel} [${formatNumber(q.percentile[0], 5)}, ${formatNumber(q.percentile[1], 5)}]${bca}${cov}`);
    }
    if (s.coverage !== undefined) {
      const cv = s.coverage;
      lines.push(`    coverage check: ${cv.sets} datasets simulated from this fit at its design (noise ${cv.noise}), ${cv.replicates} replicates each${checked === undefined ? `; design ${bs.design} was not checked` : ''}`);
      for (const d of cv.designs) {
        const params = d.quantities.filter((x) => x.kind === 'parameter');
        const mean = params.reduce((a, x) => a + x.percentile.share, 0) / Math.max(1, params.length);
        const worst = params.reduce((m, x) => Math.min(m, x.percentile.share), 1);
        lines.push(`      ${d.design}: percentile coverage mean ${covPct(mean)}, lowest ${covPct(worst)} over ${params.length} parameters; ${d.quantities.filter((x) => x.kind === 'derived').map((x) => `${x.name} ${covPct(x.percentile.share)}`).join(', ')}`);
      }
    }
    if (truthLine(s) !== '') lines.push(truthLine(s));
  }
  const names = s.law.freeNames;
  const C = s.uncertainty.correlation;
  if (C !== null && names.length > 1) {
    const pairs: Array<[string, number]> = [];
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const c = C[i]![j]!;
        if (Math.abs(c) >= minC) pairs.push([`C(${names[i]}, ${names[j]})`, c]);
      }
    }
    pairs.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
    lines.push(`[[Correlations]] (unreported correlations are < ${minC.toFixed(3)})`);
    const w = Math.max(0, ...pairs.map((p) => p[0].length));
    for (const [k, c] of pairs) lines.push(`    ${k.padEnd(w)} = ${c >= 0 ? '+' : ''}${c.toFixed(4)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The report's line for replicates with at most p + 1 effective rows (bootstrap.ts FewRows): their
 * fits interpolate, so the sd and intervals printed below them are not a sampling spread.
 */
export function fewRowsWarning(few: { threshold: number; replicates: number[]; minEffectiveRows: number }, replicates: number, p: number, groups?: { column: string; params: string[] }): string {
  const k = few.replicates.length;
  const which = k === replicates ? `all ${formatCount(replicates)} replicates have` : `${formatCount(k)} of ${formatCount(replicates)} replicates have`;
  // Under per-group parameters a replicate is also flagged for one group's rows (bootstrap.ts FewRows).
  const group = groups === undefined ? '' : `, or a ${groups.column} group with no more such rows than its ${groups.params.length} own parameter${groups.params.length === 1 ? '' : 's'}`;
  return `warning: ${which} at most ${few.threshold} distinct rows with positive weight (p + 1 for ${p} parameters; fewest ${few.minEffectiveRows})${group}: their fits (nearly) interpolate, so the sd and intervals below are not meaningful; use more rows or fewer free parameters`;
}

/** One failure in the words of replicate-refit.ts (a reason it does not know, from a newer writer, as given). */
export function failureText(f: { reason: string; status: string }): string {
  return f.reason in REPLICATE_FAILURE_REASONS ? describeFailure(f as Pick<RefitFailure, 'reason' | 'status'>) : f.reason;
}

/**
 * Failed replicates counted by reason, e.g. "2 fit failed (max-iterations); 1 parameters not
 * identified by the runs drawn": the one way fit, compare and chain reports say why replicates failed.
 */
export function failureCounts(failures: ReadonlyArray<{ reason: string; status: string }>): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(failureText(f), (counts.get(failureText(f)) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${v} ${k}`).join('; ');
}
