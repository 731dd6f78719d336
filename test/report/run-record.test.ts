/**
 * The artifact's typed record of its run (`run`, src/run-spec/record.ts): the CLI and the app
 * write the same record for the same options; `lawfit plot` and `lawfit coverage` read their
 * options from it, and from the argv (`command`) of an artifact that has no record; the record is
 * checked on read.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as api from '../../app/src/worker/api.js';
import { runCliCaptured } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-run-record-'));
// A small power law, noisy, as a tab-separated file: `--format tsv` is an option the readers need.
const rows = Array.from({ length: 12 }, (_, i) => {
  const x = 10 ** (1 + i / 3);
  return `${x}\t${(1.5 + 40 * x ** -0.4) * (1 + 0.01 * Math.sin(7 * i))}`;
});
const TSV = `x\tloss\n${rows.join('\n')}\n`;
const data = join(dir, 'runs.tsv');
writeFileSync(data, TSV);
const FLAGS = ['--law', 'power', '--x', 'x=x', '--y', 'loss', '--format', 'tsv', '--seed', '2', '--bootstrap', '8', '--ci', '95', '--generator', 'numpy-legacy'];

type Json = Record<string, unknown> & { run?: { command: string; options: Record<string, string[]> }; command?: string[] };
const read = (p: string): Json => JSON.parse(readFileSync(p, 'utf8')) as Json;
/** A copy of the artifact with `edit` applied, written beside it. */
function variant(src: string, name: string, edit: (a: Json) => void): string {
  const a = read(src);
  edit(a);
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(a, null, 2));
  return p;
}

describe("the artifact's typed record of the run", () => {
  const cliArtifact = join(dir, 'fit.json');

  test('a CLI fit and the same fit in the app record the same run (outputs left out)', async () => {
    const r = await runCliCaptured('fit', data, ...FLAGS, '--threads', '1', '--quiet', '--out', cliArtifact);
    expect(r.code, r.err).toBe(0);
    const cli = read(cliArtifact);
    expect(cli.run).toEqual({
      command: 'fit',
      options: { law: ['power'], x: ['x=x'], y: ['loss'], format: ['tsv'], seed: ['2'], bootstrap: ['8'], ci: ['95'], generator: ['numpy-legacy'] },
    });
    expect(cli.command).toEqual(['lawfit', 'fit', data, ...FLAGS, '--threads', '1', '--quiet', '--out', cliArtifact]);
    const result = await api.run({
      file: { name: 'runs.tsv', content: TSV, format: 'tsv' },
      spec: { x: { x: 'x' }, y: 'loss', seed: 2, bootstrap: 8, generator: 'numpy-legacy' },
      laws: [{ law: 'power' }],
      engine: 'cpu',
    });
    const law = result.laws[0]!;
    if (!law.ok) throw new Error(law.error.message);
    const app = JSON.parse(law.artifact) as Json;
    expect(app.run).toEqual(cli.run);
    // The same run, so the same fit: the record is not just equal text.
    const cliParams = (cli['summary'] as { params: Array<{ value: number }> }).params.map((p) => p.value);
    expect(law.summary.params.map((p) => p.value)).toEqual(cliParams);
  }, 120_000);

  test('lawfit plot reads --format from the record, and from the argv of an artifact without one', async () => {
    const ok = async (art: string) => {
      const r = await runCliCaptured('plot', art, '--out', join(dir, `plots-${art.length}-${Math.random().toString(36).slice(2)}`));
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/wrote \d+ plots/);
    };
    await ok(cliArtifact);
    // An artifact of an older lawfit: no record, --format tsv only in its argv.
    await ok(variant(cliArtifact, 'no-record.json', (a) => delete a.run));
    // The record is what is read: json there (the argv still says tsv) cannot read the tab-separated file.
    const wrong = variant(cliArtifact, 'record-json.json', (a) => (a.run!.options['format'] = ['json']));
    const r = await runCliCaptured('plot', wrong, '--out', join(dir, 'plots-wrong'));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/runs\.tsv.*JSON/i);
  }, 120_000);

  test('lawfit coverage reads --generator from the record, and from the argv of an artifact without one', async () => {
    const refused = /--designs: the artifact used --generator numpy-legacy, which draws rows only/;
    const cov = (art: string) => runCliCaptured('coverage', art, '--sets', '2', '--replicates', '4', '--no-bca', '--designs', 'bayes', '--threads', '1', '--no-progress');
    expect((await cov(cliArtifact)).err).toMatch(refused);
    expect((await cov(variant(cliArtifact, 'cov-no-record.json', (a) => delete a.run))).err).toMatch(refused);
    // The record says lawfit's own generator: the bayes design is checked (the argv's numpy-legacy is not read).
    const own = await cov(variant(cliArtifact, 'cov-lawfit.json', (a) => (a.run!.options['generator'] = ['lawfit'])));
    expect(own.code, own.err).toBe(0);
    expect(own.out).toMatch(/bayes/);
  }, 240_000);

  test('a malformed record is refused on read, one line naming the field', async () => {
    const bad = variant(cliArtifact, 'bad-record.json', (a) => ((a.run!.options as Record<string, unknown>)['seed'] = 3));
    const r = await runCliCaptured('report', bad);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/invalid artifact: run\.options\.seed/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
