/**
 * Small helpers for the data tests: capture a thrown/rejected error so its code, location and
 * exact message can be asserted (a test that only checks "it throws" could pass for the wrong
 * reason), and temporary files for the loaders.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DataError } from '../../src/errors.js';

/** The error `fn` throws; fails the test if it returns normally. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejected(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Assert `e` is a DataError with this code, and return it. Its message must be one line. */
export function asDataError(e: Error, code: string): DataError {
  expect(e).toBeInstanceOf(DataError);
  const d = e as DataError;
  expect(d.code).toBe(code);
  expect(d.message).not.toContain('\n');
  return d;
}

/** A fresh temporary directory with helpers to write files into it; call `cleanup` when done. */
export function tempDir(): { dir: string; write(name: string, content: string | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lawfit-data-'));
  return {
    dir,
    write(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
