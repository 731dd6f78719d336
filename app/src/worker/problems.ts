/**
 * Errors as data for the page: a LawfitError (data, formula or option problem) becomes a
 * ProblemReport carrying the same message the CLI prints, plus the structured place (file, row,
 * column; or formula offset, line, column) so the page can show it next to the field it is about.
 */
import { isLawfitError, type DataLocation, type SourcePosition } from '../../../src/errors.js';
import type { ProblemReport } from './protocol.js';

/** The report of any thrown value; errors lawfit did not raise on purpose get code 'internal'. */
export function problemReport(e: unknown): ProblemReport {
  if (!isLawfitError(e)) return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
  const o = e as { location?: DataLocation; position?: SourcePosition; detail?: string };
  return {
    code: e.code,
    message: e.message,
    ...(o.location !== undefined ? { location: { ...o.location } } : {}),
    ...(o.position !== undefined ? { position: { ...o.position } } : {}),
    ...(o.detail !== undefined ? { detail: o.detail } : {}),
  };
}
