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
import type { FitSummary, LawResult, RankingEntry, RunResult } from '../worker/protocol.js';

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

  /** Show a run's results; `holdout` is the held-out runs' text as the user gave it (for the comparison chart). */
  async show(result: RunResult, holdout?: string): Promise<void> {
    const generation = ++this.generation;
    byId('results-empty').hidden = true;
    this.root.hidden = false;
    byId('export-bar').hidden = false;
    const heldOut = result.ranking.some((r) => r.basis === 'held-out error');
    const basis = heldOut
      ? 'Ranked by mean absolute relative error on the held-out runs (each law fitted on the others); AIC and BIC from fits on all runs.'
      : 'Ranked by AIC, which compares laws only when they share a residual space and loss. Give held-out runs in step 1 to rank by extrapolation error.';
    this.root.replaceChildren(
      h('p', { class: 'hint' }, `${result.data.source}: ${result.data.rows} rows. ${basis}`),
      rankingTable(result.ranking, heldOut),
    );
    if (result.rankingCommand !== undefined) this.root.append(h('p', { class: 'hint' }, 'Same ranking on the command line: ', h('code', {}, result.rankingCommand.join(' '))));
    if (result.comparison !== undefined) {
      const request = { kind: 'comparison' as const, comparison: result.comparison, ...(holdout !== undefined ? { holdout } : {}) };
      this.root.append(h('div', { class: 'comparison', 'data-plots': 'comparison' }, lazyPlots(request, 'comparison')));
    }
    for (const law of result.laws) {
      await nextTask();
      if (generation !== this.generation) return;
      this.root.append(lawDetail(law));
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
  return h('table', { class: 'ranking' }, h('thead', {}, head), h('tbody', {}, ...rows));
}

const slug = (label: string): string => label.replace(/[^\w-]+/g, '-');

function lawDetail(law: LawResult): HTMLElement {
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
    predictForm(s),
    h('div', { class: 'export-bar' }, exportButton, h('span', { class: 'hint' }, 'the artifact the CLI reads: ', h('code', {}, 'lawfit report FILE'), ', ', h('code', {}, 'lawfit predict FILE --at ...'))),
  );
  section.append(
    lazyPlots({ kind: 'fit', inputs: law.plots }, slug(law.label)),
    h('details', {}, h('summary', {}, 'Text report (as the command line prints it)'), h('pre', { class: 'report' }, law.report)),
    h('p', { class: 'hint' }, 'Same fit on the command line: ', h('code', {}, law.command.join(' '))),
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
