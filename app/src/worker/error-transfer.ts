/**
 * How a thrown error crosses from the worker to the page. comlink's own 'throw' handler sends
 * only an Error's message, name and stack; this sends lawfit's data too (code, badInput,
 * file/row/column location, formula position, detail). comlink rebuilds the error on the page as
 * `Object.assign(new Error(message), data)`, so those fields arrive on it and `isLawfitError` /
 * `isCancelled` (which check name and code) work there (protocol.ts `WorkerError`).
 */

/** The fields of a LawfitError (and its subclasses) worth sending, besides message/name/stack. */
const ERROR_FIELDS = ['code', 'badInput', 'location', 'position', 'detail'] as const;

/** comlink's wire shape for a thrown value. */
export type SerializedThrown = { isError: true; value: Record<string, unknown> } | { isError: false; value: unknown };

export function serializeThrown(value: unknown): SerializedThrown {
  if (!(value instanceof Error)) return { isError: false, value };
  const data: Record<string, unknown> = { message: value.message, name: value.name, stack: value.stack };
  for (const k of ERROR_FIELDS) {
    const v = (value as unknown as Record<string, unknown>)[k];
    // Plain copies: structured clone keeps plain objects and primitives, nothing else is needed.
    if (v !== undefined) data[k] = typeof v === 'object' && v !== null ? { ...v } : v;
  }
  return { isError: true, value: data };
}
