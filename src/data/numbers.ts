/**
 * What counts as a number in a data cell. Deliberately stricter than `Number()`, which accepts
 * '' (as 0), 'Infinity', '0x1F' and whitespace-only text: a fit on a silently zeroed cell is
 * worse than an error. Accepted: decimal numbers with optional sign, fraction and exponent
 * (`1e9`, `1.5E+10`, `-.5`), surrounded by optional spaces; JSON numbers; booleans (JSON
 * true/false, or the text `true`/`false` in any case, as pandas writes them) as 1/0. Everything
 * else is refused with a reason and a fix.
 */
import type { Cell } from './table.js';

export type NumericCell = { ok: true; value: number } | { ok: false; problem: string; fix: string };

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const THOUSANDS = /^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$/;
const DECIMAL_COMMA = /^[+-]?[0-9]+,[0-9]+$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

const EXCLUDE = 'correct the cell or exclude the row with a where filter';

/** Show a cell's text in a message: quoted, and shortened if long. */
export function showCell(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${t}'`;
}

/** Parse one cell as a finite float64, or say why it is not one. */
export function parseNumericCell(cell: Cell): NumericCell {
  if (typeof cell === 'number') {
    return Number.isFinite(cell) ? { ok: true, value: cell } : { ok: false, problem: `${cell} is not a finite number`, fix: EXCLUDE };
  }
  if (typeof cell === 'boolean') return { ok: true, value: cell ? 1 : 0 };
  if (cell === undefined) return { ok: false, problem: 'the record has no value for this column', fix: `add it or ${EXCLUDE}` };
  if (cell === null) return { ok: false, problem: 'the value is null', fix: `fill it in or exclude the row with a where filter` };
  const text = cell.trim();
  if (text === '') return { ok: false, problem: 'the cell is empty', fix: `fill it in or exclude the row with a where filter` };
  if (DECIMAL.test(text)) {
    const value = Number(text);
    if (Number.isFinite(value)) return { ok: true, value };
    return { ok: false, problem: `${showCell(text)} is outside the float64 range`, fix: EXCLUDE };
  }
  const lower = text.toLowerCase();
  if (lower === 'true') return { ok: true, value: 1 };
  if (lower === 'false') return { ok: true, value: 0 };
  if (NON_FINITE.test(text)) return { ok: false, problem: `${showCell(text)} is not a finite number`, fix: EXCLUDE };
  if (THOUSANDS.test(text)) return { ok: false, problem: `${showCell(text)} is not a number`, fix: `remove the thousands separators (write ${text.replace(/,/g, '')})` };
  if (DECIMAL_COMMA.test(text)) return { ok: false, problem: `${showCell(text)} is not a number`, fix: `use '.' as the decimal separator (write ${text.replace(',', '.')})` };
  return { ok: false, problem: `${showCell(text)} is not a number`, fix: EXCLUDE };
}
