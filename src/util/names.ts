/**
 * Tables keyed by names a user chose (parameters, inputs, columns). A plain `{}` inherits
 * `constructor`, `toString`, `__proto__` ... from Object.prototype: a lookup of a parameter named
 * `constructor` that was never set returns a function, and assigning `__proto__` replaces the
 * prototype instead of storing a value (issue 14). Every such table is built with no prototype,
 * and lookups into tables that may come from elsewhere (JSON, a caller) go through `own`.
 */

/** An empty table with no prototype, optionally filled from entries. */
export function nameTable<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const t = Object.create(null) as Record<string, T>;
  if (entries !== undefined) for (const [k, v] of entries) t[k] = v;
  return t;
}

/** `table[name]` only when `name` is the table's own key; never an inherited member. */
export function own<T>(table: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}
