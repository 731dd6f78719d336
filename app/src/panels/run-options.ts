/**
 * Step 3's "More options": one field per run option of the run specification
 * (src/run-spec/run-options.ts) whose app field is per run and that the page has no field of its
 * own for (the mapping, the filter, the holdout, the bootstrap size, the level and the seed have
 * theirs). Built from the table, so a new run option appears here with its label, its help as
 * the field's description and its default as the placeholder; what is typed is read by the
 * option's own parser, whose one-line message (naming the flag) is shown if the text is wrong.
 */
import { h } from '../dom.js';
import { rowDoc } from '../../../src/run-spec/help.js';
import { RUN_OPTION_ROWS, RUN_OPTIONS, RUN_SCOPE_KEYS, type RunOptionKey, type RunScopeSpec } from '../../../src/run-spec/run-options.js';
import type { Settings } from '../settings.js';
import type { OptionRow } from '../../../src/run-spec/option-row.js';

/** Run options with a field of their own elsewhere on the page. */
export const PAGE_OWN_FIELDS: readonly RunOptionKey[] = ['x', 'y', 'where', 'seed', 'bootstrap', 'ci', 'holdout'];

/** The rows this panel shows, in table order. */
export function panelRows(): Array<readonly [RunOptionKey, OptionRow<unknown>]> {
  return RUN_OPTION_ROWS.filter(([k]) => (RUN_SCOPE_KEYS as readonly string[]).includes(k) && !PAGE_OWN_FIELDS.includes(k)).map((e) => e);
}

export class RunOptionsPanel {
  private readonly fields = new Map<RunOptionKey, HTMLInputElement | HTMLSelectElement>();

  constructor(root: HTMLElement) {
    const body = h('div', { class: 'more-options' });
    for (const [key, r] of panelRows()) {
      if (r.app.scope === 'cli') continue;
      const id = `opt-${r.flag}`;
      const help = `${rowDoc(r, 'fit')} (--${r.flag})`;
      const field =
        r.app.choices !== undefined
          ? h('select', { id, 'aria-description': help }, h('option', { value: '' }, 'default'), ...r.app.choices.map((c) => h('option', { value: c }, c)))
          : h('input', { id, type: 'text', placeholder: r.default !== undefined ? r.print(r.default).join(' ') : (r.defaultText ?? ''), 'aria-description': help, spellcheck: 'false' });
      field.title = help;
      this.fields.set(key, field);
      body.append(h('label', { class: 'row', for: id }, h('span', {}, r.app.label, h('span', { class: 'unit' }, `--${r.flag}`)), field));
    }
    root.append(h('details', { class: 'run-options' }, h('summary', {}, 'More options (solver, resampling, weights)'), body));
  }

  /** The fields' text by flag name, for the saved settings and the share link (empty fields left out). */
  read(): Pick<Settings, 'options'> {
    const options: Record<string, string> = {};
    for (const [key, field] of this.fields) if (field.value.trim() !== '') options[RUN_OPTIONS[key].flag] = field.value;
    return { options };
  }

  apply(s: Settings): void {
    for (const [key, field] of this.fields) field.value = Object.hasOwn(s.options, RUN_OPTIONS[key].flag) ? s.options[RUN_OPTIONS[key].flag]! : '';
  }

  /** The options typed, through their rows' parsers; a string says what is wrong (the flag's own message). */
  spec(): RunScopeSpec | string {
    const out: Record<string, unknown> = {};
    for (const [key, field] of this.fields) {
      const text = field.value.trim();
      if (text === '') continue;
      const r = RUN_OPTION_ROWS.find(([k]) => k === key)![1];
      try {
        out[key] = r.parse([text]);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    }
    return out as RunScopeSpec;
  }
}
