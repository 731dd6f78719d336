/**
 * `--help` text of the run options, from the table (run-options.ts): per section, one entry per
 * row (`  --flag ARG   doc (default: ...)`), the doc wrapped to the terminal's 100 columns.
 */
import { commandRows } from './argv.js';
import { SECTIONS, type OptionRow, type Section, type SpecCommand } from './option-row.js';

const WIDTH = 100;
const COLUMN = 26;

/** Words of `text` in lines of at most `width - indent` characters after an indent. */
function wrap(text: string, first: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export function rowDoc(r: OptionRow<unknown>, command: SpecCommand): string {
  const doc = r.docFor?.[command] ?? r.doc;
  const def = r.defaultTextFor?.[command] ?? r.defaultText ?? (r.default !== undefined ? r.print(r.default).join(' ') : undefined);
  return def !== undefined && def !== '' ? `${doc} (default: ${def})` : doc;
}

/** One row's help lines (a doc's own line breaks start new lines, indented by two more). */
export function rowHelp(r: OptionRow<unknown>, command: SpecCommand): string {
  const arg = r.argFor?.[command] ?? r.arg;
  const head = `  ${r.short !== undefined ? `-${r.short}, ` : ''}--${r.flag}${arg !== undefined ? ` ${arg}` : ''}`;
  const fits = head.length + 2 <= COLUMN;
  const [firstPara, ...more] = rowDoc(r, command).split('\n');
  const lines = wrap(firstPara!, fits ? head.padEnd(COLUMN) : ' '.repeat(COLUMN), COLUMN);
  for (const p of more) lines.push(...wrap(p, ' '.repeat(COLUMN + 2), COLUMN + 4));
  return (fits ? '' : `${head}\n`) + lines.join('\n') + '\n';
}

/** The help of `command`'s options in `section` (empty when it takes none there). */
export function sectionHelp(command: SpecCommand, section: Section): string {
  return commandRows(command).filter(([, r]) => r.section === section).map(([, r]) => rowHelp(r, command)).join('');
}

/**
 * Every section, titled, with `extra` lines appended to a section (the command's own flags that
 * are not run options: --shard, progress, --per-law...).
 */
export function optionsHelp(command: SpecCommand, extra: Partial<Record<Section, string>> = {}): string {
  return SECTIONS.map((s) => {
    const body = sectionHelp(command, s) + (extra[s] ?? '');
    return body === '' ? '' : `${s}\n${body}`;
  }).join('');
}
