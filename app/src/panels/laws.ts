/**
 * Step 2, Laws: tick built-in laws (listed by the worker from the catalogue, with their formula and
 * citation), or type a formula that the worker checks as you type: the CLI's message with the
 * position and a caret, or the parameters it found with editable start ranges.
 */
import { byId, h, showFieldError } from '../dom.js';
import { formatNumber } from '../format.js';
import type { FormulaSettings, Settings } from '../settings.js';
import { worker } from '../worker-client.js';
import type { CheckFormulaResult, LawChoice, LawInfo, ParameterInfo } from '../worker/protocol.js';
import type { InputField } from './data.js';

/** Label of the user's formula law in the ranking and reports. */
export const FORMULA_LABEL = 'your formula';

const CHECK_DELAY_MS = 150;

export class LawsPanel {
  private laws: LawInfo[] = [];
  private ticked = new Set<string>();
  private formulaCheck: CheckFormulaResult | undefined;
  private ranges: Record<string, [number, number]> = {};
  private positive = new Set<string>();
  private checkTimer: ReturnType<typeof setTimeout> | undefined;
  private checkSerial = 0;
  private readonly formula = byId<HTMLTextAreaElement>('formula');
  private readonly formulaInputs = byId<HTMLInputElement>('formula-inputs');
  private readonly formulaError = byId('formula-error');

  constructor(private readonly onChange: () => void) {
    for (const el of [this.formula, this.formulaInputs]) el.addEventListener('input', () => this.scheduleCheck());
  }

  /** Fetch the catalogue from the worker and draw the list. */
  async init(initiallyTicked: readonly string[]): Promise<void> {
    this.laws = await worker().listLaws();
    this.ticked = new Set(initiallyTicked.filter((n) => this.laws.some((l) => l.name === n)));
    this.renderList();
    this.onChange();
  }

  private renderList(): void {
    const items = this.laws.map((law) => {
      const box = h('input', { type: 'checkbox', value: law.name, id: `law-${law.name}` });
      box.checked = this.ticked.has(law.name);
      box.addEventListener('change', () => {
        if (box.checked) this.ticked.add(law.name);
        else this.ticked.delete(law.name);
        this.onChange();
      });
      const inputs = law.inputs.map((i) => i.name).join(', ');
      return h(
        'label',
        { class: 'law-item', title: law.description ?? '' },
        box,
        h('span', {}, h('strong', {}, law.name), ` (${inputs})`),
        h('span', { class: 'formula' }, law.display ?? law.formula),
        law.citation !== undefined ? h('span', { class: 'cite', title: law.citation }, law.citation) : null,
      );
    });
    byId('law-list').replaceChildren(...items);
  }

  private scheduleCheck(): void {
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => void this.check(), CHECK_DELAY_MS);
  }

  /** Ask the worker to check the formula; answers to older texts are dropped. */
  private async check(): Promise<void> {
    const serial = ++this.checkSerial;
    const text = this.formula.value;
    if (text.trim() === '') {
      this.formulaCheck = undefined;
      showFieldError(this.formulaError, undefined, this.formula);
      byId('formula-params').replaceChildren();
      this.onChange();
      return;
    }
    const result = await worker().checkFormula({ formula: text, inputs: this.formulaInputNames(), positive: [...this.positive] });
    if (serial !== this.checkSerial) return;
    this.formulaCheck = result;
    if (!result.ok) {
      showFieldError(this.formulaError, result.error.message, this.formula);
      byId('formula-params').replaceChildren();
    } else {
      showFieldError(this.formulaError, undefined, this.formula);
      this.renderParams(result.parameters, result.inputs, result.unusedInputs);
    }
    this.onChange();
  }

  private formulaInputNames(): string[] {
    return this.formulaInputs.value.split(/[\s,]+/).filter((s) => s !== '');
  }

  private renderParams(params: ParameterInfo[], inputs: string[], unused: string[]): void {
    const rows = params.map((p) => {
      const range = this.ranges[p.name] ?? p.range;
      if (range === undefined) return h('tr', {}, h('td', {}, h('code', {}, p.name)), h('td', {}), h('td', {}, `fixed at ${formatNumber(p.fixed, 6)}`));
      const lo = h('input', { type: 'text', value: formatNumber(range[0], 6), 'aria-label': `${p.name} start range, low`, size: '9' });
      const hi = h('input', { type: 'text', value: formatNumber(range[1], 6), 'aria-label': `${p.name} start range, high`, size: '9' });
      const pos = h('input', { type: 'checkbox', 'aria-label': `${p.name} positive` });
      pos.checked = this.positive.has(p.name);
      pos.addEventListener('change', () => {
        if (pos.checked) this.positive.add(p.name);
        else this.positive.delete(p.name);
        this.scheduleCheck();
      });
      const onRange = (): void => {
        const a = Number(lo.value);
        const b = Number(hi.value);
        const ok = Number.isFinite(a) && Number.isFinite(b) && a < b;
        for (const el of [lo, hi]) el.setAttribute('aria-invalid', String(!ok));
        if (ok) this.ranges[p.name] = [a, b];
        this.onChange();
      };
      lo.addEventListener('input', onRange);
      hi.addEventListener('input', onRange);
      return h('tr', {}, h('td', {}, h('code', {}, p.name)), h('td', {}, pos), h('td', {}, lo, ' to ', hi));
    });
    const note = `Inputs: ${inputs.join(', ') || 'none'}${unused.length > 0 ? ` (not used: ${unused.join(', ')})` : ''}. Starts: Sobol points over these ranges.`;
    byId('formula-params').replaceChildren(
      h('p', { class: 'formula-ok' }, `✓ ${params.length} parameter${params.length === 1 ? '' : 's'}. ${note}`),
      h('table', { class: 'params' }, h('thead', {}, h('tr', {}, h('th', {}, 'parameter'), h('th', {}, 'positive'), h('th', {}, 'start range'))), h('tbody', {}, ...rows)),
    );
  }

  /** The inputs every chosen law needs, in catalogue order, with their descriptions and units. */
  inputs(): InputField[] {
    const out = new Map<string, InputField>();
    for (const law of this.laws) {
      if (!this.ticked.has(law.name)) continue;
      for (const i of law.inputs) if (!out.has(i.name)) out.set(i.name, { ...i });
    }
    if (this.formulaCheck?.ok === true) for (const name of this.formulaCheck.inputs) if (!out.has(name)) out.set(name, { name });
    return [...out.values()];
  }

  /** The laws to run, in the worker's terms; the formula joins when it checks. */
  choices(): LawChoice[] {
    const out: LawChoice[] = this.laws.filter((l) => this.ticked.has(l.name)).map((l) => ({ law: l.name }));
    const f = this.formulaSettings();
    if (f !== undefined && this.formulaCheck?.ok === true) {
      const params = new Set(this.formulaCheck.parameters.map((p) => p.name));
      out.push({
        label: FORMULA_LABEL,
        formula: f.text,
        positive: f.positive.filter((p) => params.has(p)),
        range: Object.entries(f.ranges)
          .filter(([k]) => params.has(k))
          .map(([k, [lo, hi]]) => `${k}=${lo}:${hi}`),
      });
    }
    return out;
  }

  /** True while a formula is typed but does not check (the run must not start). */
  formulaInvalid(): boolean {
    return this.formula.value.trim() !== '' && this.formulaCheck?.ok !== true;
  }

  /** Show a law problem found by a run (e.g. a formula the CLI's compiler rejects). */
  showError(message: string): void {
    byId<HTMLDetailsElement>('formula-panel').open = true;
    showFieldError(this.formulaError, message, this.formula);
  }

  read(): Pick<Settings, 'laws'> & { formula?: FormulaSettings } {
    const f = this.formulaSettings();
    return { laws: [...this.ticked], ...(f !== undefined ? { formula: f } : {}) };
  }

  private formulaSettings(): FormulaSettings | undefined {
    const text = this.formula.value;
    if (text.trim() === '') return undefined;
    return { text, inputs: this.formulaInputNames(), positive: [...this.positive], ranges: { ...this.ranges } };
  }

  /** Apply settings (from a share link); `init` must have run. */
  apply(s: Settings): void {
    this.ticked = new Set(s.laws);
    this.renderList();
    if (s.formula !== undefined) {
      this.formula.value = s.formula.text;
      this.formulaInputs.value = s.formula.inputs.join(', ');
      this.positive = new Set(s.formula.positive);
      this.ranges = { ...s.formula.ranges };
      byId<HTMLDetailsElement>('formula-panel').open = true;
      void this.check();
    }
    this.onChange();
  }
}
