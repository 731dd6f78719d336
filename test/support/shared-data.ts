/** Paths into ../shared/data (read in place, never copied into the repo). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_DATA = resolve(import.meta.dirname, '../../../shared/data');

export function sharedFile(rel: string): string {
  const p = resolve(SHARED_DATA, rel);
  if (!existsSync(p)) throw new Error(`reference data missing: ${p} (the tests expect ../shared beside the repository)`);
  return p;
}
