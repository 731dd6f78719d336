/**
 * Step 2, Laws: tick built-in laws (listed by the worker from the catalogue, with their formula and
 * citation), and type any number of formulas beside them (formula-editor.ts: each checked by the
 * worker as you type), so one run compares law forms side by side.
 */
import { byId, h, showFieldError } from '../dom.js';
import { pickerSections } from '../law-sections.js';
import type { FormulaSettings, Settings } from '../settings.js';
import { worker } from '../worker-client.js';
import type { LawChoice, LawInfo } from '../worker/protocol.js';
import type { InputField } from './data.js';
import { FormulaEditor } from './formula-editor.js';

export class LawsPanel {
  private laws: LawInfo[] = [];
  private ticked = new Set<string>();
  private editors: FormulaEditor[] = [];
  private nextId = 1;
  private scale: number | undefined;
  private readonly list = byId('formula-list');
  private readonly lawsError = byId('laws-error');

  constructor(private readonly onChange: () => void) {
    byId('add-formula').addEventListener('click', () => this.addFormula(undefined).focus());
  }

  /** Fetch the catalogue from the worker and draw the list. */
  async init(initiallyTicked: readonly string[]): Promise<void> {
    this.laws = await worker().listLaws();
    this.ticked = new Set(initiallyTicked.filter((n) => this.laws.some((l) => l.name === n)));
    this.renderList();
    this.onChange();
  }

  private renderList(): void {
    const item = (law: LawInfo): HTMLElement => {
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
    };
    byId('law-list').replaceChildren(...pickerSections(this.laws).flatMap((s) => [h('h4', { class: 'law-family' }, s.label), ...s.laws.map(item)]));
  }

  /** A new formula box under the others; `initial` restores one from saved settings. */
  addFormula(initial: FormulaSettings | undefined): FormulaEditor {
    const editor = new FormulaEditor(this.nextId++, initial, {
      onChange: () => this.onChange(),
      onRemove: (e) => {
        this.editors = this.editors.filter((x) => x !== e);
        e.root.remove();
        this.relabel();
        this.onChange();
      },
      targetScale: () => this.scale,
    });
    this.editors.push(editor);
    this.list.append(editor.root);
    this.relabel();
    return editor;
  }

  /** Formulas are labelled formula-1, formula-2, ... in page order, as the run and `lawfit compare` name them. */
  private relabel(): void {
    this.editors.forEach((e, k) => e.setLabel(`formula-${k + 1}`));
  }

  /** The largest |target| over the rows to fit changed: formulas' default start ranges follow it. */
  setTargetScale(scale: number | undefined): void {
    if (scale === this.scale) return;
    this.scale = scale;
    for (const e of this.editors) e.scheduleCheck();
  }

  /** The inputs every chosen law needs, in catalogue order, with their descriptions and units. */
  inputs(): InputField[] {
    const out = new Map<string, InputField>();
    for (const law of this.laws) {
      if (!this.ticked.has(law.name)) continue;
      for (const i of law.inputs) if (!out.has(i.name)) out.set(i.name, { ...i });
    }
    for (const e of this.editors) for (const name of e.inputs()) if (!out.has(name)) out.set(name, { name });
    return [...out.values()];
  }

  /** The laws to run, in the worker's terms: the ticked built-ins, then every formula that checks. */
  choices(): LawChoice[] {
    const out: LawChoice[] = this.laws.filter((l) => this.ticked.has(l.name)).map((l) => ({ law: l.name }));
    for (const e of this.editors) {
      const c = e.choice();
      if (c !== undefined) out.push(c);
    }
    return out;
  }

  /** The label of the first formula that is typed but does not check, if any (a run must not start). */
  invalidFormula(): string | undefined {
    const k = this.editors.findIndex((e) => e.invalid());
    return k < 0 ? undefined : `formula-${k + 1}`;
  }

  /** Show a law problem found by a run next to the formula it names (else under the law list). */
  showError(message: string | undefined): void {
    showFieldError(this.lawsError, undefined);
    if (message === undefined) return;
    const k = this.editors.findIndex((_, i) => message.includes(`'formula-${i + 1}'`));
    if (k >= 0) this.editors[k]!.showError(message);
    else showFieldError(this.lawsError, message);
  }

  read(): Pick<Settings, 'laws' | 'formulas'> {
    return { laws: [...this.ticked], formulas: this.editors.flatMap((e) => e.settings() ?? []) };
  }

  /** Apply settings (from a share link or the last visit); `init` must have run. */
  apply(s: Settings): void {
    this.ticked = new Set(s.laws);
    this.renderList();
    for (const e of this.editors) e.root.remove();
    this.editors = [];
    for (const f of s.formulas) this.addFormula(f);
    this.onChange();
  }
}
