/**
 * Step 4, Results: the ranking of the laws (held-out error with a holdout, else AIC; BIC and the
 * fit's status beside it), then per law its parameters with standard errors and bootstrap
 * intervals (and the true values when the data is the built-in synthetic example), the CLI's text
 * report, the plots, predictions at user-given inputs, and the JSON artifact for download; with a
 * holdout, the comparison chart under the ranking. Full-precision numbers are kept in data-*
 * attributes (tests and scripts read those, people read the rounded text).
 *
 * The panel is built in short tasks (the ranking, then one law at a time) and the plots are drawn
 * only as they come into view (plots.ts), so the page stays responsive while results appear.
 */
import { byId, download, h, nextTask, showFieldError } from '../dom.js';
import { formatNumber, formatPercent } from '../format.js';
import { lazyPlots } from '../plots.js';
import { worker } from '../worker-client.js';
import { shellCommand } from '../../../src/util/shell-quote.js';
import { comparisonVerdict } from '../verdict.js';
import type { Comparison, CoverageRequest, FitSummary, LawResult, RankingEntry, RunResult } from '../worker/protocol.js';
import { progressCallback } from '../worker-client.js';
import type { CoverageResult } from '../../../src/stats/coverage.js';

export class ResultsPanel {
  private readonly root = byId('results');
  /** Counts show() calls and clears, so a run's results stop being added once a new run starts. */
  private generation = 0;

  clear(): void {
    this.generation++;
    this.root.replaceChildren();
    this.root.hidden = true;
    byId('results-empty').hidden = false;
    byId('export-bar').hidden = true;
  }

  /** A new run started: the results on screen stay, marked as the previous run's, until it finishes. */
  markStale(): void {
    if (this.root.hidden) return;
    this.root.dataset['stale'] = 'true';
    this.root.setAttribute('aria-busy', 'true');
    let note = this.root.querySelector<HTMLElement>('.stale-note');
    if (note === null) {
      note = h('p', { class: 'stale-note', role: 'status' }, 'These are the previous run’s results; the new run’s replace them when it finishes.');
      this.root.prepend(note);
    }
  }

  /** The new run stopped without results: the previous ones are current again. */
  unmarkStale(): void {
    delete this.root.dataset['stale'];
    this.root.removeAttribute('aria-busy');
    this.root.querySelector('.stale-note')?.remove();
  }

  /** Show a run's results; `holdout` is the held-out runs' text as the user gave it (for the comparison chart). */
  async show(result: RunResult, holdout?: string, file?: CoverageRequest['file']): Promise<void> {
    const generation = ++this.generation;
    // Built off screen, one law per task, then put in place at once: until then the previous
    // results stay readable.
    const fresh = h('div', {});
    await this.build(fresh, result, holdout, generation, file);
    if (generation !== this.generation) return;
    this.unmarkStale();
    this.root.replaceChildren(...fresh.childNodes);
    byId('results-empty').hidden = true;
    this.root.hidden = false;
    byId('export-bar').hidden = false;
  }

  private async build(root: HTMLElement, result: RunResult, holdout: string | undefined, generation: number, file?: CoverageRequest['file']): Promise<void> {
    const heldOut = result.ranking.some((r) => r.basis === 'held-out error');
    const basis = heldOut
      ? 'Ranked by mean absolute relative error on the held-out runs (each law fitted on the others); AIC and BIC from fits on all runs.'
      : 'Ranked by AIC, which compares laws only when they share a residual space and loss. Give held-out runs in step 1 to rank by extrapolation error.';
    const { rows, fitted } = result.data;
    const count = fitted === rows ? `${fitted} rows fitted` : `${fitted} of ${rows} rows fitted (${rows - fitted} left out by the filter or incomplete)`;
    root.append(
      h('p', { class: 'hint', id: 'results-count', 'data-rows': String(rows), 'data-fitted': String(fitted) }, `${result.data.source}: ${count}. ${basis}`),
      rankingTable(result.ranking, heldOut),
    );
    if (result.comparison !== undefined) root.append(...comparisonInWords(result.comparison));
    root.append(commandLine('ranking', 'Same ranking on the command line: ', result.rankingCommand, 'The command line’s compare takes each law with its own defaults (no start ranges or other per-law options), so it cannot express this ranking; each law’s fit command is below.', heldOut));
    if (result.comparison !== undefined) {
      const request = { kind: 'comparison' as const, comparison: result.comparison, ...(holdout !== undefined ? { holdout } : {}) };
      root.append(h('div', { class: 'comparison', 'data-plots': 'comparison' }, lazyPlots(request, 'comparison')));
      root.append(foldTable(result.comparison), heldOutTable(result.comparison));
    }
    // Runs the comparison held out, ringed on each law's fit and residual plots.
    const heldOutRuns = result.comparison !== undefined ? { rows: [...new Set(result.comparison.folds.flatMap((f) => f.heldOutRows))], label: holdout ?? 'held-out runs' } : undefined;
    for (const law of result.laws) {
      await nextTask();
      if (generation !== this.generation) return;
      root.append(lawDetail(law, heldOutRuns, file, result.engine.used));
    }
  }
}

function rankingTable(ranking: RankingEntry[], heldOut: boolean): HTMLElement {
  const head = h('tr', {}, h('th', {}, 'rank'), h('th', {}, 'law'), heldOut ? h('th', {}, 'held-out error') : null, h('th', {}, 'AIC'), h('th', {}, 'BIC'), h('th', {}, 'status'));
  const rows = ranking.map((r) =>
    h(
      'tr',
      { class: r.error !== undefined ? 'failed' : r.rank === 1 ? 'best' : undefined, 'data-law': r.label, 'data-aic': String(r.aic), 'data-bic': String(r.bic), 'data-held-out-error': String(r.meanAbsRelError) },
      h('td', {}, String(r.rank)),
      h('td', {}, h('a', { href: `#law-${slug(r.label)}` }, r.label)),
      heldOut ? h('td', {}, formatPercent(r.meanAbsRelError), r.interval !== undefined ? ` (${formatPercent(r.interval[0])} to ${formatPercent(r.interval[1])})` : '') : null,
      h('td', {}, formatNumber(r.aic, 6)),
      h('td', {}, formatNumber(r.bic, 6)),
      h('td', {}, r.error ?? `${r.status ?? ''}${r.usable === false ? ' (not usable)' : ''}`),
    ),
  );
  return h('div', { class: 'ranking-scroll' }, h('table', { class: 'ranking', id: 'ranking', 'aria-label': 'ranking of the laws' }, h('thead', {}, head), h('tbody', {}, ...rows)));
}

const slug = (label: string): string => label.replace(/[^\w-]+/g, '-');

function lawDetail(law: LawResult, heldOut: { rows: number[]; label: string } | undefined, file?: CoverageRequest['file'], engine?: 'webgpu' | 'cpu'): HTMLElement {
  const section = h('section', { class: 'law-detail', id: `law-${slug(law.label)}`, 'data-law': law.label }, h('h3', {}, law.label));
  if (!law.ok) {
    section.append(h('p', { class: 'field-error' }, law.error.message));
    return section;
  }
  const s = law.summary;
  const exportButton = h('button', { type: 'button', class: 'secondary', 'data-export': 'json' }, 'Export JSON');
  exportButton.addEventListener('click', () => download(`${slug(law.label)}.lawfit.json`, law.artifact));
  section.append(
    h('p', { class: 'hint' }, `${s.law.declaration.display ?? s.law.declaration.formula} · loss ${s.loss} · ${s.starts.count.toLocaleString('en')} starts, ${formatPercent(s.starts.shareReachedBest, 3)} reached the best · engine ${s.engine}`),
    paramsTable(s),
    ...(s.bootstrap !== undefined && file !== undefined ? [coverageBox(law, file, engine ?? 'cpu')] : []),
    predictForm(s),
    h('div', { class: 'export-bar' }, exportButton, h('span', { class: 'hint' }, 'the artifact the CLI reads: ', h('code', {}, 'lawfit report FILE'), ', ', h('code', {}, 'lawfit predict FILE --at ...'))),
  );
  section.append(
    lazyPlots({ kind: 'fit', inputs: heldOut !== undefined ? { ...law.plots, heldOut } : law.plots }, slug(law.label)),
    h('details', {}, h('summary', {}, 'Text report (as the command line prints it)'), h('pre', { class: 'report' }, law.report)),
    commandLine('fit', 'Same fit on the command line: ', law.command, '', true),
  );
  return section;
}

function paramsTable(s: FitSummary): HTMLElement {
  const boot = s.bootstrap;
  const level = boot !== undefined ? `${formatNumber(100 * boot.level, 3)} %` : '';
  const head = h(
    'tr',
    {},
    h('th', {}, 'parameter'),
    h('th', {}, 'estimate'),
    h('th', {}, '± std. error'),
    boot !== undefined ? h('th', {}, 'bootstrap sd') : null,
    boot !== undefined ? h('th', {}, `${level} interval (percentile)`) : null,
    boot !== undefined ? h('th', {}, `${level} interval (BCa)`) : null,
    s.truth !== undefined ? h('th', {}, 'true value') : null,
  );
  const rows = s.params.map((p) => {
    const b = boot?.parameters.find((q) => q.name === p.name);
    const interval = (iv: [number, number] | undefined): string => (iv === undefined ? '—' : `${formatNumber(iv[0])} to ${formatNumber(iv[1])}`);
    return h(
      'tr',
      {
        'data-param': p.name,
        'data-value': String(p.value),
        'data-std-error': String(p.stdError),
        ...(b !== undefined ? { 'data-sd': String(b.sd), 'data-lo': String(b.percentile[0]), 'data-hi': String(b.percentile[1]) } : {}),
        ...(s.truth?.[p.name] !== undefined ? { 'data-truth': String(s.truth[p.name]) } : {}),
      },
      h('td', {}, h('code', {}, p.name), p.fixed ? ' (fixed)' : ''),
      h('td', {}, formatNumber(p.value, 6)),
      h('td', {}, p.fixed ? '' : formatNumber(p.stdError, 3)),
      boot !== undefined ? h('td', {}, b !== undefined ? formatNumber(b.sd, 3) : '') : null,
      boot !== undefined ? h('td', {}, interval(b?.percentile)) : null,
      boot !== undefined ? h('td', {}, interval(b?.bca)) : null,
      s.truth !== undefined ? h('td', {}, formatNumber(s.truth[p.name], 6)) : null,
    );
  });
  const caption = [
    boot !== undefined ? `${boot.succeeded} of ${boot.replicates} bootstrap replicates succeeded (design ${boot.design}, seed ${boot.seed}).` : 'No bootstrap (set replicates in step 3 for intervals).',
    ...(s.truth !== undefined ? [`True value: what the synthetic data were drawn from${boot !== undefined ? '; the text report counts the intervals that cover it' : ''}.`] : []),
  ].join(' ');
  return h('div', {}, h('table', { class: 'params' }, h('thead', {}, head), h('tbody', {}, ...rows)), h('p', { class: 'hint' }, caption));
}

/**
 * "Check these intervals" (issue 15): `lawfit coverage` on this fit, in the worker: S datasets
 * simulated from the fit at its own design, each refitted with the same bootstrap; the share of
 * intervals that held the simulated truth, with its binomial standard error, is put next to each
 * parameter's intervals, and the derived quantities (N_opt, D_opt, a held-out prediction) below.
 */
function coverageBox(law: Extract<LawResult, { ok: true }>, file: CoverageRequest['file'], engine: 'webgpu' | 'cpu'): HTMLElement {
  const sets = h('input', { type: 'number', min: '2', step: '1', value: '20', 'aria-label': `Datasets to simulate for ${law.label}`, 'data-coverage-sets': '' });
  const button = h('button', { type: 'button', class: 'secondary', 'data-action': 'coverage' }, 'Check these intervals');
  const cancel = h('button', { type: 'button', hidden: '' }, 'Cancel');
  const status = h('span', { class: 'hint', 'aria-live': 'polite', 'data-coverage-state': 'idle' });
  const out = h('div', { class: 'coverage-result' });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: '' });
  cancel.addEventListener('click', () => void worker().cancel());
  button.addEventListener('click', () => {
    const n = Number(sets.value);
    showFieldError(error, undefined);
    if (!(Number.isInteger(n) && n >= 2)) return showFieldError(error, 'Simulate at least 2 datasets (a whole number).');
    const b = law.summary.bootstrap!;
    button.disabled = true;
    cancel.hidden = false;
    status.dataset['coverageState'] = 'running';
    status.textContent = `Simulating ${n} datasets, each refitted with ${b.replicates} bootstrap replicates…`;
    worker()
      .coverage({ law: law.label, artifact: law.artifact, file, sets: n, engine }, progressCallback((p) => (status.textContent = `Simulated and refitted ${p.done} of ${p.total}…`)))
      .then((r) => {
        status.dataset['coverageState'] = 'done';
        status.textContent = `${r.result.sets} datasets (noise ${r.result.noise}, ${r.result.replicates} replicates each) in ${(r.result.elapsedMs / 1000).toFixed(1)} s on ${r.engine.used}.`;
        showCoverage(law.label, r.result, out, r.command);
      })
      .catch((e: unknown) => {
        status.dataset['coverageState'] = 'failed';
        status.textContent = '';
        showFieldError(error, e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        button.disabled = false;
        cancel.hidden = true;
      });
  });
  return h('div', { class: 'coverage', 'data-law': law.label }, h('label', {}, 'Datasets ', sets), button, cancel, status, error, out);
}

function showCoverage(label: string, r: CoverageResult, out: HTMLElement, argv: readonly string[]): void {
  const d = r.designs[0]!;
  const level = `${formatNumber(100 * r.level, 3)} %`;
  const pct = (c: { share: number; se: number } | undefined): string => (c === undefined ? '—' : `${formatPercent(c.share, 3)} ± ${formatNumber(100 * c.se, 2)}`);
  // Next to each parameter's intervals: a cell in its row of the parameter table.
  const table = out.closest('.law-detail')?.querySelector('table.params');
  if (table !== null && table !== undefined) {
    table.querySelectorAll('[data-coverage-cell]').forEach((el) => el.remove());
    table.querySelector('thead tr')?.append(h('th', { 'data-coverage-cell': '' }, `coverage of the ${level} interval (percentile; BCa)`));
    for (const row of table.querySelectorAll<HTMLElement>('tbody tr[data-param]')) {
      const q = d.quantities.find((x) => x.name === row.dataset['param']);
      row.append(h('td', { 'data-coverage-cell': '', ...(q !== undefined ? { 'data-coverage': String(q.percentile.share), 'data-coverage-se': String(q.percentile.se) } : {}) }, q !== undefined ? `${pct(q.percentile)}; ${pct(q.bca)}` : '—'));
    }
  }
  const rows = d.quantities.map((q) =>
    h('tr', { 'data-quantity': q.name, 'data-coverage': String(q.percentile.share) }, h('td', {}, h('code', {}, q.name), q.kind === 'derived' ? ' (derived)' : ''), h('td', {}, formatNumber(q.truth, 5)), h('td', {}, pct(q.percentile)), h('td', {}, pct(q.bca)), h('td', {}, formatNumber(q.percentile.medianWidth, 3)), h('td', {}, Number.isFinite(q.sdRatio) ? q.sdRatio.toFixed(2) : '—')),
  );
  out.replaceChildren(
    h('table', { class: 'params', 'aria-label': `coverage check of ${label}` }, h('thead', {}, h('tr', {}, ...['quantity', 'truth (the fit)', 'percentile coverage ± se (points)', 'BCa coverage ± se', 'median width', 'sd ratio'].map((c) => h('th', {}, c)))), h('tbody', {}, ...rows)),
    h('p', { class: 'hint' }, `Share of ${r.sets} simulated datasets whose ${level} interval held the truth, ± its binomial standard error; sd ratio = mean bootstrap sd / sd of the estimates (above 1: the intervals are wider than the spread). Design ${d.design}${d.failedSets > 0 ? `; ${d.failedSets} datasets gave no intervals` : ''}.`),
    commandLine('coverage', 'Same check on the command line (export the artifact first): ', argv, '', true),
  );
}

function predictForm(s: FitSummary): HTMLElement {
  const names = s.law.declaration.inputs.map((i) => i.name);
  const fields = names.map((n) => {
    const range = s.data.inputRanges?.[n];
    return h('input', { 'data-input': n, 'aria-label': n, placeholder: range !== undefined ? `e.g. ${formatNumber(range[1] * 10, 2)}` : n, spellcheck: 'false' });
  });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Predict');
  const out = h('span', { class: 'predict-out', 'aria-live': 'polite' });
  const error = h('span', { class: 'field-error', hidden: '' });
  button.addEventListener('click', () => {
    const at: Record<string, number> = {};
    for (const [k, f] of fields.entries()) at[names[k]!] = Number(f.value);
    const bad = names.filter((n) => !Number.isFinite(at[n]));
    if (bad.length > 0) {
      showFieldError(error, `give a number for ${bad.join(', ')}`);
      return;
    }
    showFieldError(error, undefined);
    void worker()
      .predict({ summary: s, at: [at] })
      .then(([p]) => {
        if (p === undefined) return;
        const level = `${formatNumber(100 * p.level, 3)} %`;
        const parts = [`${s.data.target} ≈ ${formatNumber(p.estimate, 5)}`];
        if (p.confidence !== undefined) parts.push(`${level} confidence ${formatNumber(p.confidence[0], 5)} to ${formatNumber(p.confidence[1], 5)}`);
        if (p.prediction !== undefined) parts.push(`${level} prediction ${formatNumber(p.prediction[0], 5)} to ${formatNumber(p.prediction[1], 5)}`);
        const outside = Object.entries(p.outside).map(([k, d]) => `${k} is ${formatNumber(d, 2)} decades outside the fitted range`);
        out.textContent = [...parts, ...outside].join(' · ');
        out.dataset['estimate'] = String(p.estimate);
      })
      .catch((e: unknown) => showFieldError(error, e instanceof Error ? e.message : String(e)));
  });
  return h('div', { class: 'predict' }, h('strong', {}, 'Predict at'), ...fields.flatMap((f, k) => [h('label', {}, `${names[k]} = `, f)]), button, out, error);
}

/**
 * A command line as shell text (quoted so it pastes into a terminal as is), in a code element
 * with a copy button; `why` when the CLI cannot express it (shown only where `show`).
 */
function commandLine(kind: 'fit' | 'ranking' | 'coverage', lead: string, argv: readonly string[] | undefined, why: string, show: boolean): HTMLElement {
  if (argv === undefined) return h('p', { class: 'hint', hidden: show ? undefined : '' }, why);
  const text = shellCommand(argv);
  const code = h('code', { class: 'command', 'data-command': kind }, text);
  const copy = h('button', { type: 'button', class: 'secondary copy', 'aria-label': `Copy the ${kind} command line` }, 'Copy');
  copy.addEventListener('click', () => void navigator.clipboard.writeText(text).then(() => (copy.textContent = 'Copied'), () => (copy.textContent = 'Select and copy')));
  return h('p', { class: 'hint command-line' }, lead, code, ' ', copy);
}

/** The comparison's verdict in words (verdict.ts), as a paragraph. */
function comparisonInWords(c: Comparison): HTMLElement[] {
  const text = comparisonVerdict(c);
  return text === undefined ? [] : [h('p', { class: 'verdict', id: 'comparison-verdict' }, text)];
}

/** Each law's mean error on each fold's held-out runs. */
function foldTable(c: Comparison): HTMLElement {
  const head = h('tr', {}, h('th', {}, 'fold'), h('th', {}, 'held out'), h('th', {}, 'fitted on'), h('th', {}, 'held-out runs'), ...c.laws.map((l) => h('th', {}, l.law)));
  const rows = c.folds.map((f, k) =>
    h(
      'tr',
      { 'data-fold': String(k + 1) },
      h('td', {}, String(k + 1)),
      h('td', {}, f.label),
      h('td', {}, String(f.fitRows.length)),
      h('td', {}, String(f.heldOutRows.length)),
      ...c.laws.map((l) => {
        const s = l.folds[k];
        return h('td', { 'data-law': l.law }, s === undefined ? '—' : s.outcome === 'scored' ? formatPercent(s.meanAbsRelError) : s.outcome);
      }),
    ),
  );
  return h('details', { class: 'folds' }, h('summary', {}, `Error per fold (${c.folds.length})`), h('div', { class: 'table-scroll' }, h('table', { class: 'ranking', 'aria-label': 'held-out error per fold' }, h('thead', {}, head), h('tbody', {}, ...rows))));
}

/** Each law's error on each held-out run. */
function heldOutTable(c: Comparison): HTMLElement {
  const head = h('tr', {}, h('th', {}, 'fold'), h('th', {}, 'row'), h('th', {}, 'actual'), ...c.laws.map((l) => h('th', {}, l.law)));
  const rows = c.folds.flatMap((f, k) =>
    f.heldOutRows.map((row) => {
      const actual = c.laws.flatMap((l) => (l.folds[k]?.heldOut ?? []).filter((x) => x.row === row).map((x) => x.actual))[0];
      return h(
        'tr',
        { 'data-row': String(row) },
        h('td', {}, String(k + 1)),
        h('td', {}, String(row)),
        h('td', {}, formatNumber(actual, 5)),
        ...c.laws.map((l) => {
          const e = l.folds[k]?.heldOut.find((x) => x.row === row);
          return h('td', { 'data-law': l.law }, e === undefined ? '—' : formatPercent(e.absRelError));
        }),
      );
    }),
  );
  const n = new Set(c.folds.flatMap((f) => f.heldOutRows)).size;
  return h('details', { class: 'held-out' }, h('summary', {}, `Error per held-out run (${n})`), h('div', { class: 'table-scroll' }, h('table', { class: 'ranking', 'aria-label': 'error per held-out run' }, h('thead', {}, head), h('tbody', {}, ...rows))));
}
