/**
 * Issue 14: the README's NIST claim checked the way a user would reproduce it: every problem's
 * model as a --formula, its data as a CSV, each official start as a one-point --grid, through
 * `lawfit fit` (support/nist-cli.ts), digits read from the artifact. At the defaults (ftol 1e-12,
 * 1,000 iterations) three runs fall short, and exactly those the README names; with the options
 * the README gives, all 54 reach 6 digits in both damping modes.
 */
import { describe, expect, test } from 'vitest';
import { loadNistSuite, type NistRun } from '../support/nist.js';
import { runNistCli } from '../support/nist-cli.js';

const suite = loadNistSuite();

async function runAll(flags: readonly string[]): Promise<NistRun[]> {
  const runs: NistRun[] = [];
  for (const p of suite) for (const s of [1, 2] as const) runs.push(await runNistCli(p, s, flags));
  return runs;
}

function table(title: string, runs: readonly NistRun[]): string {
  const lines = runs.map((r) => `  ${`${r.problem}/${r.start}`.padEnd(12)} ${r.minLre.toFixed(1).padStart(5)} digits  ${r.status} (${r.iterations} iterations)`);
  return `${title}: ${runs.filter((r) => r.minLre >= 6).length}/54 at >= 6 digits\n${lines.join('\n')}`;
}

describe('NIST StRD through lawfit fit', () => {
  test('at the defaults: 52/54; ENSO (both starts, ~5.2 digits) falls short; MGH10 from start 1 is solved by variable projection', async () => {
    const runs = await runAll([]);
    console.log(table('lawfit fit, default options', runs));
    for (const r of runs) expect((r as { error?: string }).error, `${r.problem}/${r.start}`).toBe('');
    const short = runs.filter((r) => r.minLre < 6).map((r) => `${r.problem}/${r.start}`);
    expect(short).toEqual(['ENSO/1', 'ENSO/2']);
    for (const r of runs.filter((x) => x.problem === 'ENSO')) expect(r.minLre).toBeGreaterThan(5);
    expect(Math.min(...runs.filter((r) => !short.includes(`${r.problem}/${r.start}`)).map((r) => r.minLre))).toBeGreaterThanOrEqual(6);
  }, 300_000);

  test('with --projection off (the full LM alone): 51/54, MGH10 from start 1 hits the iteration cap', async () => {
    const runs = await runAll(['--projection', 'off']);
    const short = runs.filter((r) => r.minLre < 6).map((r) => `${r.problem}/${r.start}`);
    expect(short).toEqual(['ENSO/1', 'ENSO/2', 'MGH10/1']);
    expect(runs.find((r) => r.problem === 'MGH10' && r.start === 1)!.status).toBe('max-iterations');
  }, 300_000);

  test.each([
    [['--ftol', '1e-15', '--max-iter', '2000']],
    [['--ftol', '1e-15', '--max-iter', '2000', '--damping', 'marquardt']],
    [['--ftol', '1e-15', '--damping', 'marquardt']],
  ])('with %j: 54/54 at >= 6 digits', async (flags) => {
    const runs = await runAll(flags);
    console.log(table(`lawfit fit ${flags.join(' ')}`, runs));
    expect(runs.filter((r) => r.minLre < 6).map((r) => `${r.problem}/${r.start} ${r.minLre.toFixed(1)}`)).toEqual([]);
  }, 300_000);
});
