/**
 * Step 1, Data: a file from the picker, a drop or the built-in example; the worker reads it with
 * the CLI's readers (so a bad file gets the CLI's message, shown next to the file field); a
 * preview of the first rows; and the mapping of law inputs, target, filter and held-out runs to
 * columns, in the CLI's --x/--y/--where/--holdout syntax.
 */
import { dataFunctionNames } from '../../../src/data/evaluate.js';
import { byId, h, showFieldError } from '../dom.js';
import { EXAMPLE_NAME, EXAMPLE_NOTE, exampleCsv } from '../example.js';
import type { Settings } from '../settings.js';
import { worker } from '../worker-client.js';
import type { InspectResult } from '../worker/protocol.js';

/** The file the run will read, as the user gave it (bytes, so the artifact's digest is the file's). */
export interface LoadedFile {
  name: string;
  content: Uint8Array | string;
}

/** A law input to map, with what the chosen laws say about it. */
export interface InputField {
  name: string;
  description?: string;
  unit?: string;
}

export class DataPanel {
  private file: LoadedFile | undefined;
  private columns: string[] = [];
  private inputs: InputField[] = [];
  private readonly values = new Map<string, string>();
  private readonly fileError = byId('file-error');
  private readonly fileInput = byId<HTMLInputElement>('file-input');
  private readonly target = byId<HTMLInputElement>('target');
  private readonly where = byId<HTMLInputElement>('where');
  private readonly holdout = byId<HTMLInputElement>('holdout');
  private readonly mappingError = byId('mapping-error');
  private readonly fitCount = byId('fit-count');
  private preflightTimer: ReturnType<typeof setTimeout> | undefined;
  private preflightSerial = 0;
  /** A bad cell a run found in a kept row: shown at the file, cleared once the mapping reads. */
  private runFileError = false;

  /**
   * `onChange`: the file or the mapping changed. `onScale`: the largest |target| over the rows to
   * fit, once a mapping reads (undefined while it does not).
   */
  constructor(
    private readonly onChange: () => void,
    private readonly onScale: (scale: number | undefined) => void = () => {},
  ) {
    // Editing the mapping takes its old error away; the count below says at once whether it reads.
    byId('mapping').addEventListener('input', () => {
      this.showMappingError(undefined);
      this.schedulePreflight();
    });
    this.fileInput.addEventListener('change', () => {
      const f = this.fileInput.files?.[0];
      if (f !== undefined) void this.loadBrowserFile(f);
    });
    const drop = byId('drop-zone');
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('dragging');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('dragging');
      const f = e.dataTransfer?.files[0];
      if (f !== undefined) void this.loadBrowserFile(f);
    });
    byId('example-button').addEventListener('click', () => void this.loadExample());
    for (const el of [this.target, this.where, this.holdout]) el.addEventListener('input', () => this.onChange());
  }

  /** The loaded file, if any. */
  current(): LoadedFile | undefined {
    return this.file;
  }

  async loadExample(): Promise<void> {
    this.fileInput.value = '';
    await this.load({ name: EXAMPLE_NAME, content: exampleCsv() }, EXAMPLE_NOTE);
  }

  private async loadBrowserFile(f: File): Promise<void> {
    await this.load({ name: f.name, content: new Uint8Array(await f.arrayBuffer()) });
  }

  private async load(file: LoadedFile, note?: string): Promise<void> {
    byId('file-info').textContent = `Reading ${file.name}…`;
    const result = await worker().inspect({ name: file.name, content: file.content });
    if (!result.ok) {
      this.file = undefined;
      this.columns = [];
      showFieldError(this.fileError, result.error.message, byId('drop-zone'));
      byId('file-info').textContent = '';
      byId('file-warnings').textContent = '';
      byId('preview').hidden = true;
      byId<HTMLFieldSetElement>('mapping').disabled = true;
      this.onChange();
      return;
    }
    showFieldError(this.fileError, undefined, byId('drop-zone'));
    this.file = file;
    this.columns = result.columns.map((c) => c.name);
    byId('file-info').textContent = `${file.name}: ${result.rowCount} rows, ${result.columns.length} columns (${result.format})${note !== undefined ? ` — ${note}` : ''}`;
    const problems = result.columns.flatMap((c) => (c.problem !== undefined ? [c.problem.message] : []));
    byId('file-warnings').textContent = problems.length > 0 ? `Note: ${problems.join('; ')}` : '';
    this.renderPreview(result);
    byId('column-list').replaceChildren(...this.columns.map((c) => h('option', { value: c })));
    byId<HTMLFieldSetElement>('mapping').disabled = false;
    this.guessMapping(result);
    this.schedulePreflight();
    this.onChange();
  }

  schedulePreflight(): void {
    clearTimeout(this.preflightTimer);
    this.preflightTimer = setTimeout(() => void this.preflight(), 150);
  }

  /** Count the rows the run would fit (worker/preflight.ts), as the mapping stands. */
  private async preflight(): Promise<void> {
    const file = this.file;
    const serial = ++this.preflightSerial;
    if (file === undefined) {
      this.fitCount.textContent = '';
      this.onScale(undefined);
      return;
    }
    const m = this.read();
    const x = Object.entries(m.x).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join(',');
    if (m.y === '') {
      this.fitCount.textContent = 'Name the target column to see how many rows will be fitted.';
      return;
    }
    const r = await worker().preflight({ file, x, y: m.y, ...(m.where !== '' ? { where: m.where } : {}) });
    if (serial !== this.preflightSerial) return;
    this.fitCount.dataset['rows'] = String(r.rows);
    if (r.ok) {
      const left = r.rows - r.fitted;
      this.fitCount.dataset['fitted'] = String(r.fitted);
      this.fitCount.dataset['state'] = 'ok';
      this.fitCount.textContent = `${r.fitted} of ${r.rows} rows will be fitted${left > 0 ? ` (${left} left out${m.where !== '' ? ' by the filter' : ''})` : ''}.`;
      if (this.runFileError) {
        this.runFileError = false;
        showFieldError(this.fileError, undefined, byId('drop-zone'));
      }
      this.onScale(r.targetScale);
    } else {
      delete this.fitCount.dataset['fitted'];
      this.fitCount.dataset['state'] = 'problem';
      this.fitCount.textContent = `Not ready to fit yet: ${r.error.message}`;
      this.onScale(undefined);
    }
  }

  private renderPreview(r: Extract<InspectResult, { ok: true }>): void {
    const numeric = new Set(r.columns.filter((c) => c.numeric).map((c) => c.name));
    const head = h('tr', {}, h('th', {}, 'row'), ...r.columns.map((c) => h('th', { title: c.numeric ? 'numbers' : 'text' }, c.name)));
    const body = r.preview.rows.map((cells, i) =>
      h('tr', {}, h('td', {}, String(r.preview.rowNumbers[i])), ...r.columns.map((c, k) => h('td', { class: numeric.has(c.name) ? undefined : 'text' }, String(cells[k] ?? '')))),
    );
    const more = r.rowCount > r.preview.rows.length ? `first ${r.preview.rows.length} of ${r.rowCount} rows` : `all ${r.rowCount} rows`;
    const preview = byId('preview');
    preview.replaceChildren(h('table', { 'aria-label': `preview: ${more}` }, h('thead', {}, head), h('tbody', {}, ...body)));
    preview.hidden = false;
  }

  /**
   * Keep each field that reads only this file's columns; fill the others from the column names
   * (inputs, target) or clear them (filters), so a new file never runs with the last file's mapping.
   */
  private guessMapping(r: Extract<InspectResult, { ok: true }>): void {
    const cols = this.columns;
    const known = (v: string): boolean => v.trim() !== '' && readsOnly(v, cols);
    for (const el of [this.where, this.holdout]) if (el.value.trim() !== '' && !known(el.value)) el.value = '';
    for (const input of this.inputs) {
      const current = this.values.get(input.name) ?? '';
      if (known(current)) continue;
      const guess = guessColumn(input.name, cols);
      if (guess !== undefined) this.values.set(input.name, guess);
    }
    if (!known(this.target.value)) {
      const numeric = r.columns.filter((c) => c.numeric).map((c) => c.name);
      this.target.value = numeric.find((c) => c.toLowerCase() === 'loss') ?? numeric.find((c) => /loss/i.test(c)) ?? this.target.value;
    }
    this.renderInputRows();
  }

  /** The law inputs the chosen laws need (called by the laws panel whenever the choice changes). */
  setInputs(inputs: InputField[]): void {
    this.inputs = inputs;
    this.schedulePreflight();
    for (const i of inputs) {
      if (!this.values.has(i.name) || this.values.get(i.name) === '') {
        const g = guessColumn(i.name, this.columns);
        if (g !== undefined) this.values.set(i.name, g);
      }
    }
    this.renderInputRows();
  }

  private renderInputRows(): void {
    const rows = this.inputs.map((i) => {
      const input = h('input', { id: `x-${i.name}`, list: 'column-list', value: this.values.get(i.name) ?? '', spellcheck: 'false', placeholder: 'a column or an expression', 'data-input': i.name });
      input.addEventListener('input', () => {
        this.values.set(i.name, input.value);
        this.onChange();
      });
      const what = [i.description, i.unit !== undefined ? `in ${i.unit}` : undefined].filter((s) => s !== undefined).join(', ');
      return h('label', { class: 'row' }, h('span', { title: what }, 'Law input ', h('code', {}, i.name), what !== '' ? h('span', { class: 'unit' }, what) : null), input);
    });
    byId('input-rows').replaceChildren(...rows);
  }

  /** Apply settings (from a share link or the last visit). */
  apply(s: Settings): void {
    for (const [k, v] of Object.entries(s.x)) this.values.set(k, v);
    this.target.value = s.y;
    this.where.value = s.where;
    this.holdout.value = s.holdout;
    this.renderInputRows();
  }

  /** The mapping part of the settings. */
  read(): Pick<Settings, 'x' | 'y' | 'where' | 'holdout'> {
    const x: Record<string, string> = {};
    for (const i of this.inputs) x[i.name] = (this.values.get(i.name) ?? '').trim();
    return { x, y: this.target.value.trim(), where: this.where.value.trim(), holdout: this.holdout.value.trim() };
  }

  /** A problem with the mapping (from a run), shown under the mapping fields; undefined clears it. */
  showMappingError(message: string | undefined): void {
    showFieldError(this.mappingError, message);
  }

  /** A problem with the file's contents found by a run (a bad cell in a kept row). */
  showFileError(message: string | undefined): void {
    this.runFileError = message !== undefined;
    showFieldError(this.fileError, message, byId('drop-zone'));
  }
}

const FUNCTIONS = new Set(dataFunctionNames());

/** True when every name in the expression (outside quoted text) is one of `columns` or a function. */
function readsOnly(expression: string, columns: readonly string[]): boolean {
  const names = expression.replace(/'[^']*'|"[^"]*"/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return names.every((n) => columns.includes(n) || FUNCTIONS.has(n) || /^(top|e\d*)$/.test(n));
}

/** The column a law input most likely means: the same name, or the name followed by '_' (N -> N_params). */
function guessColumn(input: string, columns: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  return columns.find((c) => c === input) ?? columns.find((c) => c.toLowerCase() === lower) ?? columns.find((c) => c.startsWith(`${input}_`));
}
