/**
 * One typed law (step 2 holds any number of them, side by side with the built-ins): the formula
 * box, its inputs, the as-you-type check in the worker (the CLI's message with position and caret,
 * or the parameters it found), a warning for a parameter that looks like a misspelt input (`Dd`
 * beside `D`: near-names.ts), and the start range of each parameter, which follows the data's
 * scale (worker/start-ranges.ts) and can be edited.
 */
import { h, showFieldError } from '../dom.js';
import { formatNumber } from '../format.js';
import { nearInputs } from '../near-names.js';
import type { FormulaSettings } from '../settings.js';
import { worker } from '../worker-client.js';
import type { CheckFormulaResult, LawChoice, ParameterInfo } from '../worker/protocol.js';
import type { LawSpec } from '../../../src/run-spec/run-options.js';

const CHECK_DELAY_MS = 150;

export interface FormulaHooks {
  /** The formula's check changed (its inputs, parameters or validity). */
  onChange(): void;
  onRemove(editor: FormulaEditor): void;
  /** The largest |target| over the rows to fit, when known (start ranges follow it). */
  targetScale(): number | undefined;
}

export class FormulaEditor {
  readonly root: HTMLElement;
  private readonly text: HTMLTextAreaElement;
  private readonly inputsField: HTMLInputElement;
  private readonly heading: HTMLElement;
  private readonly error: HTMLElement;
  private readonly warning: HTMLElement;
  private readonly params: HTMLElement;
  private result: CheckFormulaResult | undefined;
  /** Start ranges the user edited (natural units); the others follow the data. */
  private ranges: Record<string, [number, number]> = {};
  private positive = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private serial = 0;
  private label = '';

  constructor(
    id: number,
    initial: FormulaSettings | undefined,
    private readonly hooks: FormulaHooks,
  ) {
    const base = `formula-${id}`;
    this.text = h('textarea', { id: `${base}-text`, rows: '2', spellcheck: 'false', placeholder: 'E + A / N^alpha + B / D^beta', 'aria-describedby': `${base}-error ${base}-warning` });
    this.inputsField = h('input', { id: `${base}-inputs`, value: 'N, D', spellcheck: 'false' });
    this.heading = h('span', {});
    this.error = h('pre', { class: 'field-error', id: `${base}-error`, role: 'alert', hidden: '' });
    this.warning = h('p', { class: 'formula-warning', id: `${base}-warning`, role: 'status', hidden: '' });
    this.params = h('div', { class: 'formula-params' });
    const remove = h('button', { type: 'button', class: 'secondary remove', 'data-remove': base }, 'Remove');
    remove.addEventListener('click', () => this.hooks.onRemove(this));
    this.root = h(
      'div',
      { class: 'formula-editor', 'data-formula': String(id) },
      h('div', { class: 'formula-head' }, h('label', { for: this.text.id }, 'Formula ', this.heading), remove),
      this.text,
      h('label', { class: 'row' }, h('span', {}, 'Its inputs (comma-separated law input names)'), this.inputsField),
      this.error,
      this.warning,
      this.params,
    );
    if (initial !== undefined) {
      this.text.value = initial.text;
      this.inputsField.value = initial.inputs.join(', ');
      this.positive = new Set(initial.positive);
      this.ranges = { ...initial.ranges };
    }
    for (const el of [this.text, this.inputsField]) el.addEventListener('input', () => this.scheduleCheck());
    remove.setAttribute('aria-label', `Remove formula ${id}`);
    if (this.text.value.trim() !== '') void this.check();
  }

  /** The label the run will give this law (formula-1, formula-2, ... in page order). */
  setLabel(label: string): void {
    this.label = label;
    this.heading.textContent = label;
    this.root.dataset['label'] = label;
    this.root.querySelector<HTMLButtonElement>('button.remove')?.setAttribute('aria-label', `Remove ${label}`);
  }

  focus(): void {
    this.text.focus();
  }

  scheduleCheck(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), CHECK_DELAY_MS);
  }

  private inputNames(): string[] {
    return this.inputsField.value.split(/[\s,]+/).filter((s) => s !== '');
  }

  /** Ask the worker to check the formula; answers to older texts are dropped. */
  private async check(): Promise<void> {
    const serial = ++this.serial;
    const text = this.text.value;
    if (text.trim() === '') {
      this.result = undefined;
      showFieldError(this.error, undefined, this.text);
      this.warning.hidden = true;
      this.params.replaceChildren();
      this.hooks.onChange();
      return;
    }
    const scale = this.hooks.targetScale();
    const result = await worker().checkFormula({ formula: text, inputs: this.inputNames(), positive: [...this.positive], ...(scale !== undefined ? { targetScale: scale } : {}) });
    if (serial !== this.serial) return;
    this.result = result;
    if (!result.ok) {
      showFieldError(this.error, result.error.message, this.text);
      this.warning.hidden = true;
      this.params.replaceChildren();
    } else {
      showFieldError(this.error, undefined, this.text);
      const near = nearInputs(result.parameters.filter((p) => p.fixed === undefined).map((p) => p.name), this.inputNames());
      this.warning.hidden = near.length === 0;
      this.warning.textContent = near
        .map(({ parameter, input }) => `⚠ ${parameter} is fitted as a parameter, but it is one edit away from the input ${input}: did you mean ${input}? (Names not listed as inputs are parameters.)`)
        .join(' ');
      this.renderParams(result.parameters, result.inputs, result.unusedInputs, scale !== undefined);
    }
    this.hooks.onChange();
  }

  private renderParams(params: ParameterInfo[], inputs: string[], unused: string[], scaled: boolean): void {
    const who = this.label || 'formula';
    const rows = params.map((p) => {
      const range = this.ranges[p.name] ?? p.range;
      if (range === undefined) return h('tr', {}, h('td', {}, h('code', {}, p.name)), h('td', {}), h('td', {}, `fixed at ${formatNumber(p.fixed, 6)}`));
      const lo = h('input', { type: 'text', inputmode: 'decimal', value: String(range[0]), 'aria-label': `${who}: ${p.name} start range, low`, size: '9', 'data-range': `${p.name}:lo` });
      const hi = h('input', { type: 'text', inputmode: 'decimal', value: String(range[1]), 'aria-label': `${who}: ${p.name} start range, high`, size: '9', 'data-range': `${p.name}:hi` });
      const pos = h('input', { type: 'checkbox', 'aria-label': `${who}: keep ${p.name} positive (fit its log)` });
      pos.checked = this.positive.has(p.name);
      pos.addEventListener('change', () => {
        if (pos.checked) this.positive.add(p.name);
        else this.positive.delete(p.name);
        // The range's meaning changes with the transform: back to the data's default.
        delete this.ranges[p.name];
        this.scheduleCheck();
      });
      const onRange = (): void => {
        const a = Number(lo.value);
        const b = Number(hi.value);
        const ok = lo.value.trim() !== '' && hi.value.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && a < b && (!this.positive.has(p.name) || a > 0);
        for (const el of [lo, hi]) el.setAttribute('aria-invalid', String(!ok));
        if (ok) this.ranges[p.name] = [a, b];
        this.hooks.onChange();
      };
      lo.addEventListener('input', onRange);
      hi.addEventListener('input', onRange);
      return h('tr', { 'data-param': p.name }, h('td', {}, h('code', {}, p.name)), h('td', {}, pos), h('td', {}, lo, ' to ', hi));
    });
    const source = scaled ? 'ranges from the scale of the target (exponents 0 to 1; other parameters up to the largest |target|)' : 'default ranges (load data for ranges that follow its scale)';
    const note = `Inputs: ${inputs.join(', ') || 'none'}${unused.length > 0 ? ` (not used: ${unused.join(', ')})` : ''}. Starts: 256 Sobol points over these ${source}.`;
    this.params.replaceChildren(
      h('p', { class: 'formula-ok' }, `✓ ${params.length} parameter${params.length === 1 ? '' : 's'}. ${note}`),
      h('div', { class: 'table-scroll' }, h('table', { class: 'params' }, h('caption', { class: 'sr-only' }, `${who}: parameters and start ranges`), h('thead', {}, h('tr', {}, h('th', {}, 'parameter'), h('th', {}, 'positive'), h('th', {}, 'start range'))), h('tbody', {}, ...rows))),
    );
  }

  /** Inputs the checked formula uses (the data panel asks the user to map them). */
  inputs(): string[] {
    return this.result?.ok === true ? this.result.inputs : [];
  }

  /** True while text is typed that does not check (a run must not start). */
  invalid(): boolean {
    return this.text.value.trim() !== '' && this.result?.ok !== true;
  }

  /** The law to run, in the worker's terms; undefined while empty or not checking. */
  choice(): LawChoice | undefined {
    if (this.result?.ok !== true || this.text.value.trim() === '') return undefined;
    const params = this.result.parameters;
    const range = params.flatMap((p) => {
      const r = this.ranges[p.name] ?? p.range;
      return r !== undefined ? [{ name: p.name, range: [r[0], r[1]] as const }] : [];
    });
    const positive = params.filter((p) => this.positive.has(p.name)).map((p) => p.name);
    const spec: LawSpec = { ...(positive.length > 0 ? { positive } : {}), ...(range.length > 0 ? { range } : {}) };
    return { formula: this.text.value, ...(Object.keys(spec).length > 0 ? { spec } : {}) };
  }

  settings(): FormulaSettings | undefined {
    if (this.text.value.trim() === '') return undefined;
    return { text: this.text.value, inputs: this.inputNames(), positive: [...this.positive], ranges: { ...this.ranges } };
  }

  showError(message: string): void {
    showFieldError(this.error, message, this.text);
  }

  /** The editor's element id, for tests (`#formula-1-text`). */
  get textId(): string {
    return this.text.id;
  }
}

