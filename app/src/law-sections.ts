/** The law picker's sections, as pure data (the panel draws them; test/app/app-logic.test.ts checks them). */
import { groupByFamily } from '../../src/law/declaration.js';
import type { LawInfo } from './worker/protocol.js';

/**
 * The picker's sections: the catalogue's families (the same grouping as `lawfit laws`), then any
 * law without a family under 'other'.
 */
export function pickerSections(laws: readonly LawInfo[]): Array<{ label: string; laws: LawInfo[] }> {
  const sections = groupByFamily(laws).map((g) => ({ label: g.label, laws: g.items }));
  const other = laws.filter((l) => l.family === undefined);
  return other.length > 0 ? [...sections, { label: 'other', laws: other }] : sections;
}

