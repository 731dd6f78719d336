/**
 * Outputs are written whole or not at all: writeFileAtomic replaces a file in one rename and
 * leaves no temporary file behind, whether it succeeds or fails; writeArtifactFile uses it and
 * words its failures as one line naming the file.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeFileAtomic } from '../../src/report/write-atomic.js';
import { writeArtifactFile } from '../../src/report/artifact-file.js';
import { isLawfitError } from '../../src/errors.js';
import type { FitArtifact } from '../../src/report/artifact.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-atomic-'));

describe('writeFileAtomic', () => {
  test('writes text and bytes, replaces an existing file, and leaves only the target', async () => {
    const a = join(dir, 'a.txt');
    writeFileSync(a, 'old contents, longer than the new ones');
    await writeFileAtomic(a, 'new');
    expect(readFileSync(a, 'utf8')).toBe('new');
    const b = join(dir, 'b.bin');
    await writeFileAtomic(b, new Uint8Array([0, 1, 255]));
    expect(Array.from(readFileSync(b))).toEqual([0, 1, 255]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.bin']);
  });

  test('a failed write leaves the old target and no temporary file, and rethrows', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'lawfit-atomic-fail-'));
    const target = join(sub, 'plots');
    mkdirSync(target); // renaming a file over a directory fails
    await expect(writeFileAtomic(target, 'x')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(readdirSync(sub)).toEqual(['plots']);
    await expect(writeFileAtomic(join(sub, 'missing', 'f.txt'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(sub)).toEqual(['plots']);
  });

  test('writeArtifactFile: a failure is one line naming the file', async () => {
    const path = join(dir, 'no-such-dir', 'fit.json');
    const err = await writeArtifactFile(path, { format: 'lawfit-fit' } as unknown as FitArtifact).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isLawfitError(err) && err.code === 'artifact').toBe(true);
    expect((err as Error).message).toBe(`${path}: cannot write the artifact (ENOENT)`);
  });
});
