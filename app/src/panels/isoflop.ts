/**
 * The IsoFLOP mode (Chinchilla Approach 2, `lawfit isoflop`): the budget, group and weight columns,
 * quality control with its thresholds, the frontier's weights, the bootstrap, the seed, the target
 * budgets and Approach 3 beside it (`--also`); then, per group, the budgets with their verdicts,
 * what each QC stage dropped and why, the frontier exponents a, b and a + b with their intervals,
 * the predictions, Approach 3's fits and allocation next to Approach 2's, the two plots (the CLI's
 * Vega-Lite specs), the artifact and the same analysis as a command line. The threshold fields are
 * made from the QC table the CLI's flags and help come from (src/stats/isoflop-qc.ts
 * QC_THRESHOLDS), so the form, the flags and the help text cannot drift apart. The form is part of
 * the page's settings (isoflop-settings.ts): kept across a reload, never the data. The analysis
 * runs in the worker.
 */
import { QC_REASONS, QC_STAGES, QC_THRESHOLDS } from '../../../src/stats/isoflop-qc.js';
import { RUN_OPTIONS, type IsoflopSpec } from '../../../src/run-spec/run-options.js';
import { isLawfitError } from '../../../src/errors.js';
import { describeIsoflopDesign, ISOFLOP_DESIGNS, type IsoflopGroup, type IsoflopResult } from '../../../src/stats/isoflop.js';
import { FRONTIER_WEIGHTS, type FrontierWeights } from '../../../src/stats/isoflop-frontier.js';
import type { Approach3Result } from '../../../src/stats/isoflop-approach3.js';
import { f4, range as interval } from '../../../src/report/result-format.js';
import { shellCommand } from '../../../src/util/shell-quote.js';
import { byId, download, h, showFieldError } from '../dom.js';
import { DEFAULT_ISOFLOP_SETTINGS, type IsoflopSettings } from '../isoflop-settings.js';
import { lazyPlots } from '../plots.js';
import { worker } from '../worker-client.js';
import type { IsoflopRequest, IsoflopRunResult } from '../worker/protocol.js';
import type { LoadedFile } from './data.js';

/** 4 significant digits, in exponent form for budgets, sizes and token counts (6e+18, not 6000000000000000000). */
const g4 = (v: number | null | undefined): string => (typeof v !== 'number' || !Number.isFinite(v) ? 'n/a' : v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3) ? v.toExponential(3).replace(/\.?0+e/, 'e') : Number(v.toPrecision(4)).toString());

/** What the page's data step gives this mode: the file and the N, D, loss and filter fields. */
export interface IsoflopSource {
  file(): LoadedFile | undefined;
  mapping(): { N: string; D: string; y: string; where: string };
}

export class IsoflopPanel {
  private readonly active = byId<HTMLInputElement>('mode-isoflop');
  private readonly budget = byId<HTMLInputElement>('iso-budget');
  private readonly group = byId<HTMLInputElement>('iso-group');
  private readonly weights = byId<HTMLInputElement>('iso-weights');
  private readonly also = byId<HTMLInputElement>('iso-also');
  private readonly frontierWeights = byId<HTMLSelectElement>('iso-frontier-weights');
  private readonly qc = byId<HTMLInputElement>('iso-qc');
  private readonly replicates = byId<HTMLInputElement>('iso-replicates');
  private readonly design = byId<HTMLSelectElement>('iso-design');
  private readonly seed = byId<HTMLInputElement>('iso-seed');
  private readonly at = byId<HTMLInputElement>('iso-at');
  private readonly ci = byId<HTMLInputElement>('iso-ci');
  private readonly status = byId('iso-status');
  private readonly error = byId('iso-error');
  private readonly results = byId('iso-results');
  private readonly thresholds: { t: (typeof QC_THRESHOLDS)[number]; flag: string; input: HTMLInputElement }[];

  constructor(private readonly source: IsoflopSource) {
    this.design.replaceChildren(...ISOFLOP_DESIGNS.map((d) => h('option', { value: d }, `${d} (${describeIsoflopDesign(d)})`)));
    this.frontierWeights.replaceChildren(...FRONTIER_WEIGHTS.map((w) => h('option', { value: w }, w === 'equal' ? 'equal (least squares)' : 'inverse-variance (1 / se² of each vertex)')));
    this.thresholds = QC_THRESHOLDS.map((t) => {
      const input = h('input', { id: `iso-${t.flag}`, type: 'number', step: 'any', 'data-flag': t.flag });
      byId('iso-thresholds').append(h('label', { class: 'row', title: `--${t.flag} (stage ${t.stage})` }, h('span', {}, t.help, ' ', h('code', {}, `--${t.flag}`)), input));
      return { t, flag: t.flag, input };
    });
    this.qc.addEventListener('change', () => this.syncQc());
    this.apply(DEFAULT_ISOFLOP_SETTINGS);
    byId('iso-run').addEventListener('click', () => void this.run());
  }

  /** The form as settings (kept with the page's other settings; never the data). */
  read(): IsoflopSettings {
    return {
      active: this.active.checked,
      budget: this.budget.value,
      group: this.group.value,
      weights: this.weights.value,
      qc: this.qc.checked,
      thresholds: Object.fromEntries(this.thresholds.map((t) => [t.flag, t.input.value])),
      frontierWeights: this.frontierWeights.value as FrontierWeights,
      replicates: Number(this.replicates.value),
      design: this.design.value as (typeof ISOFLOP_DESIGNS)[number],
      level: Number(this.ci.value),
      seed: Number(this.seed.value),
      at: this.at.value,
      also: this.also.value,
    };
  }

  /** Put saved or shared settings into the form, the mode's radio button included (main.ts then shows the mode's steps). */
  apply(s: IsoflopSettings): void {
    this.active.checked = s.active;
    byId<HTMLInputElement>('mode-fit').checked = !s.active;
    this.budget.value = s.budget;
    this.group.value = s.group;
    this.weights.value = s.weights;
    this.qc.checked = s.qc;
    for (const t of this.thresholds) t.input.value = s.thresholds[t.flag] ?? t.input.value;
    this.frontierWeights.value = s.frontierWeights;
    this.replicates.value = String(s.replicates);
    this.design.value = s.design;
    this.ci.value = String(s.level);
    this.seed.value = String(s.seed);
    this.at.value = s.at;
    this.also.value = s.also;
    this.syncQc();
  }

  /**
   * An empty budget field takes the file's column that names a compute budget, if one does
   * (budget, compute, flops, C), from the column list the data step keeps.
   */
  guessBudget(): void {
    if (this.budget.value.trim() !== '') return;
    const columns = [...byId('column-list').querySelectorAll('option')].map((o) => o.value);
    const guess = columns.find((c) => /^(budget|compute|compute_budget|flops|c)$/i.test(c)) ?? columns.find((c) => /budget|flops/i.test(c));
    if (guess !== undefined) this.budget.value = guess;
  }

  /** Threshold fields mean nothing with QC off (the CLI refuses them then). */
  private syncQc(): void {
    byId<HTMLFieldSetElement>('iso-thresholds').disabled = !this.qc.checked;
  }

  /** The request the form describes, or what is missing. */
  request(): IsoflopRequest | string {
    const file = this.source.file();
    if (file === undefined) return 'Load a data file in step 1 first.';
    const m = this.source.mapping();
    if (this.budget.value.trim() === '') return 'Name the compute budget column.';
    if (m.N === '' || m.D === '') return 'Map N (model size) and D (tokens) to columns in step 1.';
    if (m.y === '') return 'Name the loss column (y) in step 1.';
    const replicates = Number(this.replicates.value);
    const also = this.also.value.split(',').map((l) => l.trim()).filter((l) => l !== '');
    // The typed fields through their rows' parsers: a bad value is the CLI's message naming its flag.
    const O = RUN_OPTIONS;
    try {
      const thresholds: IsoflopSpec = {};
      if (this.qc.checked) for (const { t, input } of this.thresholds) if (input.value.trim() !== '') thresholds[t.key] = O[t.key].parse([input.value.trim()]);
      const spec: IsoflopSpec = {
        budget: this.budget.value.trim(),
        x: { N: m.N, D: m.D },
        y: m.y,
        ...(m.where !== '' ? { where: m.where } : {}),
        ...(this.group.value.trim() !== '' ? { group: this.group.value.trim() } : {}),
        ...(this.weights.value.trim() !== '' ? { weights: this.weights.value.trim() } : {}),
        frontierWeights: O.frontierWeights.parse([this.frontierWeights.value]),
        ...(also.length > 0 ? { also } : {}),
        qc: this.qc.checked ? [...QC_STAGES] : [],
        ...thresholds,
        ...(this.at.value.trim() !== '' ? { budgets: O.budgets.parse([this.at.value.trim()]) } : {}),
        ci: O.ci.parse([this.ci.value]),
        ...(replicates > 0 ? { bootstrap: O.bootstrap.parse([this.replicates.value]), isoflopDesign: O.isoflopDesign.parse([this.design.value]) } : {}),
        seed: O.seed.parse([this.seed.value]),
      };
      return { file: { name: file.name, content: file.content }, spec };
    } catch (e) {
      if (isLawfitError(e)) return e.message;
      throw e;
    }
  }

  private async run(): Promise<void> {
    const req = this.request();
    showFieldError(this.error, undefined);
    if (typeof req === 'string') {
      showFieldError(this.error, req);
      this.status.dataset['state'] = 'missing';
      return;
    }
    const button = byId<HTMLButtonElement>('iso-run');
    button.disabled = true;
    this.status.dataset['state'] = 'running';
    this.status.textContent = `Running${req.spec.bootstrap !== undefined ? `, with ${req.spec.bootstrap} bootstrap replicates` : ''}${req.spec.also !== undefined ? `${req.spec.bootstrap !== undefined ? ' and' : ', with'} Approach 3 (${req.spec.also.join(', ')}) beside it` : ''}…`;
    try {
      const r = await worker().isoflop(req);
      this.show(r);
      this.status.dataset['state'] = 'done';
      this.status.textContent = `Done in ${(r.result.elapsedMs / 1000).toFixed(2)} s.`;
    } catch (e) {
      this.status.dataset['state'] = 'failed';
      this.status.textContent = '';
      showFieldError(this.error, e instanceof Error ? e.message : String(e));
    } finally {
      button.disabled = false;
    }
  }

  private show(r: IsoflopRunResult): void {
    const res = r.result;
    const command = shellCommand(r.command);
    const exportButton = h('button', { type: 'button', class: 'secondary', 'data-export': 'json' }, 'Download the analysis (JSON)');
    exportButton.addEventListener('click', () => download(`${r.command[2]!.replace(/\.[^.]*$/, '')}-isoflop.json`, r.artifact));
    const head = h(
      'div',
      { class: 'iso-head' },
      h('p', { id: 'iso-count', 'data-runs': String(res.runs) }, `${res.runs} of ${r.rows} rows analysed${res.groupColumn !== undefined ? `, in ${res.groups.length} groups of ${res.groupColumn}` : ''}; quality control ${res.qc.stages.length === 0 ? 'off' : `on (${res.qc.stages.join(', ')})`}.`),
      h('p', {}, 'The same analysis on the command line:'),
      h('p', { class: 'command-line' }, h('code', { 'data-command': 'isoflop' }, command)),
      exportButton,
    );
    const report = h('details', {}, h('summary', {}, 'The text report (as lawfit isoflop prints it)'), h('pre', { class: 'report' }, r.report));
    const a3 = r.approach3.length > 0 ? [approach3Section(r.approach3, res)] : [];
    this.results.replaceChildren(head, ...res.groups.map((g) => groupSection(g, res)), ...a3, lazyPlots({ kind: 'isoflop', result: res }, 'isoflop'), report);
    this.results.hidden = false;
  }
}

function table(label: string, headers: string[], rows: HTMLElement[]): HTMLElement {
  return h('table', { 'aria-label': label }, h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', {}, c)))), h('tbody', {}, ...rows));
}

function groupSection(g: IsoflopGroup, r: IsoflopResult): HTMLElement {
  const label = g.group ?? 'all runs';
  const kept = g.budgets.filter((b) => b.status === 'kept').length;
  const parts: HTMLElement[] = [h('h3', {}, g.group !== undefined ? `Group ${g.group}` : 'IsoFLOP analysis'), h('p', {}, `${g.runs} runs at ${g.budgets.length} budgets; ${kept} kept for the frontier.`)];
  parts.push(frontierTable(g, r));
  if (g.predictions.length > 0) {
    const boot = g.bootstrap?.predictions;
    parts.push(
      h('h4', {}, 'Predictions at the target budgets'),
      table(`predictions (${label})`, ['C', 'N*', 'interval', 'D*', 'interval', 'D*/N*', 'interval', 'bootstrap N*', 'bootstrap D*'], g.predictions.map((p, i) =>
        h('tr', { 'data-at': String(p.C) }, h('td', {}, g4(p.C)), h('td', {}, g4(p.N.estimate)), h('td', {}, interval(p.N.interval, g4)), h('td', {}, g4(p.D.estimate)), h('td', {}, interval(p.D.interval, g4)), h('td', {}, g4(p.tokensPerParam.estimate)), h('td', {}, interval(p.tokensPerParam.interval, g4)), h('td', {}, interval(boot?.[i]?.N.interval, g4)), h('td', {}, interval(boot?.[i]?.D.interval, g4))),
      )),
    );
  }
  parts.push(
    h('h4', {}, 'Budgets'),
    table(`budgets (${label})`, ['C', 'runs', 'used', 'N*', 'se ln N*', 'D*', 'L*', 'vertex', 'verdict'], g.budgets.map((b) =>
      h('tr', { 'data-budget': String(b.budget), 'data-status': b.status, 'data-bracket': b.bracket ?? '' }, h('td', {}, g4(b.budget)), h('td', {}, String(b.runs)), h('td', {}, String(b.used)), h('td', {}, g4(b.N?.optimum)), h('td', {}, f4(b.N?.logOptimumSe)), h('td', {}, g4(b.D?.optimum)), h('td', {}, f4(b.N?.loss)), h('td', {}, b.bracket ?? 'n/a'), h('td', { title: b.detail ?? '' }, b.status === 'kept' ? 'kept' : `dropped: ${b.status}${b.detail !== undefined ? ` (${b.detail})` : ''}`)),
    )),
  );
  if (g.stageCounts.length > 0) {
    parts.push(
      h('h4', {}, 'What quality control dropped'),
      table(`quality control (${label})`, ['stage', 'reason', 'runs', 'budgets'], g.stageCounts.map((s) => h('tr', { 'data-reason': s.reason }, h('td', {}, QC_REASONS[s.reason]), h('td', {}, s.reason), h('td', {}, String(s.runs)), h('td', {}, String(s.budgets))))),
    );
    const dropped = g.verdicts.filter((v) => v.status !== 'used');
    parts.push(h('details', {}, h('summary', {}, `The ${dropped.length} runs left out, with why`), table(`runs left out (${label})`, ['row', 'C', 'N', 'D', 'loss', 'reason'], dropped.map((v) => h('tr', { 'data-row': String(v.row) }, h('td', {}, String(v.row)), h('td', {}, g4(v.budget)), h('td', {}, g4(v.N)), h('td', {}, g4(v.D)), h('td', {}, f4(v.loss)), h('td', {}, `${v.status}${v.detail !== undefined ? `: ${v.detail}` : ''}`))))));
  }
  return h('section', { class: 'iso-group', 'data-group': g.group ?? '' }, ...parts);
}

function frontierTable(g: IsoflopGroup, r: IsoflopResult): HTMLElement {
  const f = g.frontier;
  if (f === undefined) return h('p', { class: 'field-error' }, `No frontier: ${g.frontierError ?? 'fewer than 2 budgets kept'}.`);
  const b = g.bootstrap;
  const level = `${Number((100 * r.level).toPrecision(4))} %`;
  const row = (name: string, key: 'a' | 'b' | 'sum'): HTMLElement => {
    const q = f[key];
    const bq = b?.[key];
    return h('tr', { 'data-quantity': key, 'data-value': String(q.estimate), 'data-boot-low': String(bq?.interval[0] ?? ''), 'data-boot-high': String(bq?.interval[1] ?? '') }, h('td', {}, name), h('td', {}, f4(q.estimate)), h('td', {}, f4(q.se)), h('td', {}, interval(q.interval)), h('td', {}, bq !== undefined ? interval(bq.interval) : 'no bootstrap'), h('td', {}, bq !== undefined ? f4(bq.sd) : ''));
  };
  const note = b !== undefined ? h('p', { class: 'hint', 'data-succeeded': String(b.succeeded) }, `Bootstrap: ${b.succeeded} of ${b.replicates} replicates succeeded (design ${b.design}, seed ${b.seed})${b.failed.length > 0 ? `; ${b.failed.length} failed (${[...new Set(b.failed.map((x) => x.reason))].slice(0, 3).join('; ')})` : ''}.`) : null;
  return h(
    'div',
    { class: 'iso-frontier' },
    h('h4', {}, `Frontier over ${f.budgets} budgets: N* ∝ C^a, D* ∝ C^b`),
    table(`frontier exponents (${g.group ?? 'all runs'})`, ['', 'estimate', 'se', `${level} t interval`, `${level} bootstrap interval`, 'bootstrap sd'], [row('a', 'a'), row('b', 'b'), row('a + b (≈ 1 expected)', 'sum')]),
    ...(note !== null ? [note] : []),
  );
}

/**
 * Approach 3 beside Approach 2: each law's fit to each group's runs (status, objective, the
 * parameters with their standard errors) and, for Chinchilla-type laws, the allocation exponents
 * next to the frontier's and its predictions at the target budgets.
 */
function approach3Section(list: readonly Approach3Result[], r: IsoflopResult): HTMLElement {
  const parts: HTMLElement[] = [h('h3', {}, 'Approach 3 beside it (parametric fit, C = 6·N·D for its allocation)')];
  for (const a of list) {
    const two = r.groups.find((g) => (g.group ?? undefined) === (a.group ?? undefined))?.frontier;
    const label = `${a.law}${a.group !== undefined ? ` [${a.group}]` : ''}`;
    parts.push(
      h('h4', {}, label),
      h('p', { 'data-a3-status': a.status }, `${a.runs} runs, ${a.status}, objective ${a.objective.toPrecision(4)}; ${a.engine}, ${(a.elapsedMs / 1000).toFixed(2)} s.`),
      table(`Approach 3 parameters (${label})`, ['parameter', 'estimate', 'standard error'], a.params.map((p) => h('tr', { 'data-a3-param': p.name, 'data-value': String(p.value) }, h('td', {}, p.name), h('td', {}, p.value.toPrecision(6)), h('td', {}, p.stdError.toPrecision(3))))),
    );
    if (a.allocation !== undefined) {
      const row = (name: 'a' | 'b', v: number, w: number | undefined): HTMLElement => h('tr', { 'data-a3-quantity': name, 'data-value': String(v) }, h('td', {}, name), h('td', {}, f4(v)), h('td', {}, f4(w)), h('td', {}, w !== undefined ? f4(v - w) : 'n/a'));
      parts.push(table(`Approach 3 allocation (${label})`, ['', 'Approach 3', 'Approach 2', 'difference'], [row('a', a.allocation.a, two?.a.estimate), row('b', a.allocation.b, two?.b.estimate)]));
      if (a.allocation.at.length > 0) parts.push(table(`Approach 3 predictions (${label})`, ['C', 'N_opt', 'D_opt', 'D/N'], a.allocation.at.map((p) => h('tr', { 'data-a3-at': String(p.C) }, h('td', {}, g4(p.C)), h('td', {}, g4(p.N)), h('td', {}, g4(p.D)), h('td', {}, g4(p.tokensPerParam))))));
    }
    if (a.note !== undefined) parts.push(h('p', { class: 'hint' }, a.note));
  }
  return h('section', { class: 'iso-group iso-approach3' }, ...parts);
}
