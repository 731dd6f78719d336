/**
 * Sharded runs through the CLI as users run them: `--shard K/N` on fit, compare and sweep, then
 * `lawfit merge`, must give the artifact one machine writes, byte for byte once the timing fields
 * (createdAt, elapsedMs) are removed; merge refuses mismatched, missing and conflicting shards.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { parseShard, shardRange, shardArtifactPath, withoutShardFlag, INDEX_VARIABLES } from '../../src/shard/shard.js';
import { makeShardArtifact, runShard } from '../../src/shard/artifact.js';
import { checkShardSet } from '../../src/shard/merge.js';
import { shardStatus } from '../../src/shard/status.js';
import { runCliCaptured } from '../support/cli.js';
import { sharedFile } from '../support/shared-data.js';

const GADRE = sharedFile('gadre-overtraining/gadre_104_models.csv');
const root = mkdtempSync(join(tmpdir(), 'lawfit-shard-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The artifact's text without the lines of its timing fields: everything else must match byte for byte. */
export function withoutTimingLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*"(createdAt|elapsedMs)": /.test(l))
    .join('\n');
}

/** Run the CLI in `dir` (the artifacts' relative paths and the recorded command are the same in every directory). */
async function inDir(dir: string, ...argv: string[]) {
  mkdirSync(dir, { recursive: true });
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await runCliCaptured(...argv);
  } finally {
    process.chdir(cwd);
  }
}

const FIT = ['fit', GADRE, '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss_c4_val', '--where', "train_dataset == 'rpj'", '--starts', 'sobol:8', '--bootstrap', '15', '--seed', '4', '--quiet', '--out', 'fit.json'];

describe('--shard K/N', () => {
  test('K/N and auto/N from each job-array variable; clear errors otherwise', () => {
    expect(parseShard('2/4', {})).toEqual({ index: 2, count: 4 });
    for (const v of INDEX_VARIABLES) expect(parseShard('auto/8', { [v]: '5' })).toEqual({ index: 5, count: 8 });
    expect(() => parseShard('4/4', {})).toThrow(/shard 4 does not exist in 4 shards/);
    expect(() => parseShard('auto/4', {})).toThrow(/none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set/);
    expect(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '7' })).toThrow(/shard 7 \(from SLURM_ARRAY_TASK_ID=7\) does not exist in 4 shards/);
    expect(() => parseShard('1-4', {})).toThrow(/expected K\/N/);
    expect(withoutShardFlag(['a', '--shard', '1/2', 'b', '--shard=3/4'])).toEqual(['a', 'b']);
    expect(shardArtifactPath('out/fit.json', { index: 1, count: 3 })).toBe('out/fit.shard-1-of-3.json');
  });

  test('property: K/N round-trips, and the N ranges partition the items contiguously, sizes within one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 64 }), (items, n0) => {
        const n = Math.min(n0, items);
        let at = 0;
        const sizes: number[] = [];
        for (let k = 0; k < n; k++) {
          const s = parseShard(`${k}/${n}`, {});
          expect(s).toEqual({ index: k, count: n });
          const r = shardRange(items, s);
          expect(r.from).toBe(at);
          sizes.push(r.to - r.from);
          at = r.to;
        }
        expect(at).toBe(items);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
    fc.assert(fc.property(fc.string(), (t) => {
      try {
        const s = parseShard(t, {});
        expect(s.index).toBeLessThan(s.count);
      } catch (e) {
        expect((e as Error).message).toMatch(/^--shard/);
      }
    }));
  });
});

describe('fit --bootstrap --shard, merged', () => {
  const single = join(root, 'fit-single');
  const shards = join(root, 'fit-shards');

  test('any shard count gives the single-machine artifact and report', async () => {
    expect((await inDir(single, ...FIT)).code).toBe(0);
    const want = readFileSync(join(single, 'fit.json'), 'utf8');
    for (const n of [1, 3, 4]) {
      const dir = join(shards, `n${n}`);
      for (let k = 0; k < n; k++) {
        const r = await inDir(dir, ...FIT, '--shard', `${k}/${n}`);
        expect(r.code, r.err).toBe(0);
      }
      const m = await inDir(dir, 'merge', '.', '--quiet');
      expect(m.code, m.err).toBe(0);
      expect(m.out).toContain(`merged ${n} shards (15 replicates); wrote fit.json`);
      const got = readFileSync(join(dir, 'fit.json'), 'utf8');
      expect(withoutTimingLines(got)).toBe(withoutTimingLines(want));
      const engineTime = (t: string) => t.replace(/(engine: .*?), [\d.]+ s$/m, '$1');
      expect(engineTime((await runCliCaptured('report', join(dir, 'fit.json'))).out)).toBe(engineTime((await runCliCaptured('report', join(single, 'fit.json'))).out));
    }
  });

  test('merge refuses mismatched, missing and conflicting shards, each with its message', async () => {
    const dir = join(shards, 'n3');
    const other = join(root, 'fit-other');
    // Mismatched: a shard of the same command with another seed.
    expect((await inDir(other, ...FIT.map((a) => (a === '4' ? '5' : a)), '--shard', '1/3')).code).toBe(0);
    let r = await runCliCaptured('merge', join(dir, 'fit.shard-0-of-3.json'), join(other, 'fit.shard-1-of-3.json'), join(dir, 'fit.shard-2-of-3.json'), '--out', join(root, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fit-other\/fit\.shard-1-of-3\.json: not a shard of the same run as .*fit\.shard-0-of-3\.json: seed differs \(4 vs 5\)/);
    // Missing: named, with the file it would be.
    r = await runCliCaptured('merge', join(dir, 'fit.shard-0-of-3.json'), join(dir, 'fit.shard-2-of-3.json'), '--out', join(root, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing shard 1\/3 \(.*fit\.shard-1-of-3\.json\); have 2 of 3/);
    // Duplicated, identical: deduplicated with a note.
    const dup = join(root, 'fit-dup');
    mkdirSync(dup, { recursive: true });
    copyFileSync(join(dir, 'fit.shard-1-of-3.json'), join(dup, 'fit.shard-1-of-3.json'));
    r = await runCliCaptured('merge', dir, dup, '--quiet', '--out', join(root, 'x.json'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/shard 1\/3: 2 identical copies/);
    // Duplicated, different contents (a shard edited or from another machine): refused, unless --prefer-newer.
    const a = JSON.parse(readFileSync(join(dir, 'fit.shard-1-of-3.json'), 'utf8'));
    a.payload.part.draws[0] = 1.5;
    a.createdAt = '2999-01-01T00:00:00.000Z';
    writeFileSync(join(dup, 'fit.shard-1-of-3.json'), JSON.stringify(a, null, 2));
    r = await runCliCaptured('merge', dir, dup, '--quiet', '--out', join(root, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/shard 1\/3 is given twice with different results: .*fit-shards\/n3\/fit\.shard-1-of-3\.json \(.*\) and .*fit-dup\/fit\.shard-1-of-3\.json \(2999-01-01T00:00:00\.000Z\); remove the stale copy, or pass --prefer-newer/);
    r = await runCliCaptured('merge', dir, dup, '--quiet', '--prefer-newer', '--out', join(root, 'x.json'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/using the newest, .*fit-dup\/fit\.shard-1-of-3\.json/);
    expect(JSON.parse(readFileSync(join(root, 'x.json'), 'utf8')).summary.bootstrap.draws[5][0]).toBe(1.5);
    // Shards whose full-data fits disagree (another engine or machine): refused, naming the parameter.
    const b = JSON.parse(readFileSync(join(dir, 'fit.shard-2-of-3.json'), 'utf8'));
    b.payload.estimates[0].value *= 1 + 1e-12;
    writeFileSync(join(dup, 'fit.shard-2-of-3.json'), JSON.stringify(b));
    r = await runCliCaptured('merge', join(dir, 'fit.shard-0-of-3.json'), join(dir, 'fit.shard-1-of-3.json'), join(dup, 'fit.shard-2-of-3.json'), '--out', join(root, 'x.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/shard 2\/3's full-data fit differs from shard 0\/3's \(A: .* vs .*\): the shards ran on engines or machines that disagree/);
    // A truncated or older shard: one line naming the field, never a TypeError inside the merge.
    for (const [edit, field] of [
      [(c: any) => delete c.payload.part.fewRows, /part\.fewRows: missing/],
      [(c: any) => (c.payload.part.status = c.payload.part.status.slice(1)), /part\.status: has \d+ entries for \d+ replicates/],
      [(c: any) => (c.payload.part.draws = 'x'), /part\.draws: expected an array/],
    ] as const) {
      const c = JSON.parse(readFileSync(join(dir, 'fit.shard-2-of-3.json'), 'utf8'));
      edit(c);
      writeFileSync(join(dup, 'fit.shard-2-of-3.json'), JSON.stringify(c));
      r = await runCliCaptured('merge', join(dir, 'fit.shard-0-of-3.json'), join(dir, 'fit.shard-1-of-3.json'), join(dup, 'fit.shard-2-of-3.json'), '--out', join(root, 'x.json'));
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(field);
      expect(r.err).not.toMatch(/internal error/);
    }
    // Not a shard at all.
    r = await runCliCaptured('merge', join(dir, 'fit.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fit\.json: not a lawfit shard artifact/);
  });

  test('--shard needs --bootstrap and --out, and at most one shard per replicate', async () => {
    const base = FIT.filter((a, i) => a !== '--bootstrap' && FIT[i - 1] !== '--bootstrap');
    expect((await inDir(root, ...base, '--shard', '0/2')).err).toMatch(/--shard splits the bootstrap's replicates: add --bootstrap N/);
    expect((await inDir(root, ...FIT.slice(0, -2), '--shard', '0/2')).err).toMatch(/--shard 0\/2: needs --out FILE/);
    expect((await inDir(root, ...FIT, '--shard', '0/16')).err).toMatch(/16 shards for 15 replicates; use at most 15 shards/);
  });
});

describe('compare --bootstrap --shard, merged', () => {
  test('equals the single-machine comparison', async () => {
    const argv = ['compare', GADRE, '--laws', 'overtrain,chinchilla-tied', '--x', 'N=N_params,D=D_tokens,M=D_tokens/N_params', '--y', 'loss_c4_val', '--where', "train_dataset == 'rpj'", '--holdout', 'top:3:N_params*D_tokens', '--bootstrap', '9', '--seed', '2', '--out', 'cmp.json'];
    const single = join(root, 'cmp-single');
    const dir = join(root, 'cmp-shards');
    expect((await inDir(single, ...argv)).code).toBe(0);
    for (let k = 0; k < 2; k++) expect((await inDir(dir, ...argv, '--shard', `${k}/2`)).code).toBe(0);
    expect((await inDir(dir, 'merge', '.')).code).toBe(0);
    expect(withoutTimingLines(readFileSync(join(dir, 'cmp.json'), 'utf8'))).toBe(withoutTimingLines(readFileSync(join(single, 'cmp.json'), 'utf8')));
  });
});

describe('chain --bootstrap --shard, merged', () => {
  test('equals the single-machine chain, failed replicates and prediction bands included', async () => {
    // Rows resampling of the 5-run ladder fails often (not identified): the residual noise of the
    // prediction bands runs over the successful replicates only, so this checks merge rebuilds it.
    const small = "(model_config == 'd=96_l=8_h=4' || model_config == 'd=512_l=8_h=4' || model_config == 'd=576_l=24_h=8' || model_config == 'd=1024_l=24_h=8')";
    const argv = [
      'chain', GADRE, '--law', 'overtrain', '--x', 'N=N_params,M=D_tokens/N_params', '--y', 'loss_c4_val',
      '--where', `train_dataset == 'rpj' && ((${small} && token_multiplier_M == 20) || (model_config == 'd=96_l=8_h=4' && token_multiplier_M == 320))`,
      '--then', 'downstream-exp', '--then-x', 'L=@', '--then-y', 'err_avg_17',
      '--then-where', `train_dataset == 'rpj' && (${small} || model_config == 'open_lm_1b')`,
      '--at', 'N=1439795200,M=640', '--at', 'N=6.9e9,M=20', '--bootstrap', '24', '--seed', '3', '--quiet', '--out', 'chain.json',
    ];
    const single = join(root, 'chain-single');
    const dir = join(root, 'chain-shards');
    const one = await inDir(single, ...argv);
    expect(one.code, one.err).toBe(0);
    for (let k = 0; k < 3; k++) {
      const r = await inDir(dir, ...argv, '--shard', `${k}/3`);
      expect(r.code, r.err).toBe(0);
    }
    expect((await inDir(dir, 'merge', '.')).code).toBe(0);
    const want = readFileSync(join(single, 'chain.json'), 'utf8');
    const a = JSON.parse(want);
    expect(a.summary.bootstrap.failed.length).toBeGreaterThan(0);
    expect(a.summary.bootstrap.succeeded).toBeGreaterThan(1);
    expect(withoutTimingLines(readFileSync(join(dir, 'chain.json'), 'utf8'))).toBe(withoutTimingLines(want));
    expect((await runCliCaptured('report', join(dir, 'chain.json'))).out).toBe((await runCliCaptured('report', join(single, 'chain.json'))).out);
  });
});

describe('isoflop --bootstrap --shard, merged', () => {
  const ISO = sharedFile('isoflops/isoflops.csv');
  const BASE = ['isoflop', ISO, '--budget', 'budget', '--x', 'N=params,D=tokens', '--y', 'loss'];
  const runs = {
    // The Llama 3 experiment, as test/cli/isoflop.test.ts runs it.
    llama: [...BASE, '--where', "experiment == 'llama_3__raw_loss'", '--at', '3.8e25', '--bootstrap', '30', '--seed', '3', '--quiet', '--out', 'iso.json'],
    // Two studies, each its own frontier and seed (seed + group); whole budgets resampled.
    grouped: [...BASE, '--where', "experiment == 'marin_202603__comma__llama_2' || experiment == 'marin_202603__dclm__llama_2'", '--group', 'experiment', '--design', 'budgets', '--at', '1e22,1e23', '--bootstrap', '25', '--seed', '7', '--quiet', '--out', 'iso.json'],
    // Two budgets resampled whole: about half the replicates draw one budget twice and fail.
    failing: [...BASE, '--where', "experiment == 'llama_3__raw_loss' && budget < 2e19", '--design', 'budgets', '--bootstrap', '30', '--seed', '1', '--quiet', '--out', 'iso.json'],
    // Fixed designs: each replicate's losses drawn per budget from its own stream (isoflop.ts).
    residuals: [...BASE, '--where', "experiment == 'llama_3__raw_loss'", '--design', 'residuals:leverage', '--at', '3.8e25', '--bootstrap', '30', '--seed', '5', '--quiet', '--out', 'iso.json'],
    wild: [...BASE, '--where', "experiment == 'marin_202603__comma__llama_2' || experiment == 'marin_202603__dclm__llama_2'", '--group', 'experiment', '--design', 'wild:mammen', '--bootstrap', '20', '--seed', '2', '--quiet', '--out', 'iso.json'],
  };

  for (const [name, argv] of Object.entries(runs)) {
    test(`${name}: 1, 3 and 4 shards give the single-machine artifact and report`, async () => {
      const single = join(root, `iso-${name}-single`);
      const one = await inDir(single, ...argv);
      expect(one.code, one.err).toBe(0);
      const want = readFileSync(join(single, 'iso.json'), 'utf8');
      const groups = JSON.parse(want).result.groups;
      expect(groups.length).toBe(name === 'grouped' || name === 'wild' ? 2 : 1);
      for (const g of groups) expect(g.bootstrap.draws.length).toBe(Number(argv[argv.indexOf('--bootstrap') + 1]));
      if (name === 'failing') expect(groups[0].bootstrap.failed.length).toBeGreaterThan(5);
      // The report's one timing figure, the bootstrap's seconds, is what differs.
      const report = async (path: string) => (await runCliCaptured('report', path)).out.replace(/(refitted on each); [\d.]+ s$/gm, '$1');
      const wantReport = await report(join(single, 'iso.json'));
      expect(wantReport).toMatch(/bootstrap: \d+ replicates .*refitted on each$/m);
      for (const n of [1, 3, 4]) {
        const dir = join(root, `iso-${name}-n${n}`);
        for (let k = 0; k < n; k++) {
          const r = await inDir(dir, ...argv, '--shard', `${k}/${n}`);
          expect(r.code, r.err).toBe(0);
        }
        const m = await inDir(dir, 'merge', '.');
        expect(m.code, m.err).toBe(0);
        expect(m.out).toContain(`merged ${n} shards (${argv[argv.indexOf('--bootstrap') + 1]} replicates); wrote iso.json`);
        const got = readFileSync(join(dir, 'iso.json'), 'utf8');
        expect(withoutTimingLines(got)).toBe(withoutTimingLines(want));
        expect(await report(join(dir, 'iso.json'))).toBe(wantReport);
      }
    });
  }

  test('a shard draws only its replicates: its slice is the same rows of the single run', async () => {
    const dir = join(root, 'iso-llama-n3');
    const single = JSON.parse(readFileSync(join(root, 'iso-llama-single', 'iso.json'), 'utf8')).result.groups[0].bootstrap;
    const s = JSON.parse(readFileSync(join(dir, 'iso.shard-1-of-3.json'), 'utf8'));
    expect(s.work).toEqual({ from: 10, to: 20 });
    expect(s.payload.groups[0].replicates.draws).toEqual(single.draws.slice(10, 20));
    expect(s.payload.artifact.result.groups[0].bootstrap).toBeUndefined();
  });

  test('merge refuses a shard with another seed; --shard needs --bootstrap and refuses --plots', async () => {
    const other = join(root, 'iso-other');
    const argv = runs.llama;
    expect((await inDir(other, ...argv.map((a, i) => (argv[i - 1] === '--seed' ? '4' : a)), '--shard', '1/3')).code).toBe(0);
    const dir = join(root, 'iso-llama-n3');
    const r = await runCliCaptured('merge', join(dir, 'iso.shard-0-of-3.json'), join(other, 'iso.shard-1-of-3.json'), join(dir, 'iso.shard-2-of-3.json'), '--out', join(root, 'iso-x.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/iso-other\/iso\.shard-1-of-3\.json: not a shard of the same run as .*iso\.shard-0-of-3\.json: seed differs \(3 vs 4\)/);
    expect(existsSync(join(root, 'iso-x.json'))).toBe(false);
    const noBoot = argv.filter((a, i) => a !== '--bootstrap' && argv[i - 1] !== '--bootstrap');
    expect((await inDir(other, ...noBoot, '--shard', '0/2')).err).toMatch(/--shard splits the bootstrap's replicates: add --bootstrap N/);
    expect((await inDir(other, ...argv, '--plots', 'p', '--shard', '0/2')).err).toMatch(/--plots: draw them from a single run/);
    expect((await inDir(other, ...argv, '--shard', '0/31')).err).toMatch(/31 shards for 30 replicates; use at most 30 shards/);
  });
});

describe('lawfit sweep', () => {
  const spec = join(root, 'sweep.json');
  writeFileSync(
    spec,
    JSON.stringify({
      datasets: [{ name: 'rpj', file: GADRE, where: "train_dataset == 'rpj'" }],
      targets: ['loss_c4_val', 'loss_openlm'],
      laws: [
        { name: 'chinchilla-tied', args: ['--law', 'chinchilla-tied', '--x', 'N=N_params,D=D_tokens'] },
        { name: 'overtrain', args: ['--law', 'overtrain', '--x', 'N=N_params,M=D_tokens/N_params'] },
        { name: 'bad', args: ['--law', 'overtrain', '--x', 'N=no_such_column,M=D_tokens/N_params'] },
      ],
      args: ['--starts', 'sobol:8', '--bootstrap', '5'],
    }),
  );

  test('sharded by combination and merged equals the unsharded sweep; a failed combination is recorded, not fatal', async () => {
    const single = join(root, 'sweep-single');
    const dir = join(root, 'sweep-shards');
    const one = await inDir(single, 'sweep', spec, '--out', 'sweep.json');
    expect(one.code, one.err).toBe(0);
    expect(one.out).toContain('4 of 6 combinations done, 2 failed');
    for (let k = 0; k < 4; k++) expect((await inDir(dir, 'sweep', spec, '--out', 'sweep.json', '--shard', `${k}/4`)).code).toBe(0);
    const st = await runCliCaptured('merge', '--status', dir);
    expect(st.out).toMatch(/sweep \(4 shards\): 4 done, 0 running, 0 failed, 0 not started/);
    expect((await inDir(dir, 'merge', '.')).out).toContain('merged 4 shards (6 combinations); wrote sweep.json');
    const text = readFileSync(join(dir, 'sweep.json'), 'utf8');
    expect(withoutTimingLines(text)).toBe(withoutTimingLines(readFileSync(join(single, 'sweep.json'), 'utf8')));
    const sweep = JSON.parse(text);
    expect(sweep.combinations.map((c: { id: string }) => c.id)).toEqual([
      'rpj/loss_c4_val/chinchilla-tied', 'rpj/loss_c4_val/overtrain', 'rpj/loss_c4_val/bad',
      'rpj/loss_openlm/chinchilla-tied', 'rpj/loss_openlm/overtrain', 'rpj/loss_openlm/bad',
    ]);
    const bad = sweep.combinations[2];
    expect(bad.exitCode).toBe(2);
    expect(bad.error).toMatch(/no_such_column/);
    // A combination's artifact is the one `lawfit fit` writes for its argv (the command recorded without --out).
    const c = sweep.combinations[1];
    expect(c.artifact.command).toEqual(['lawfit', ...c.argv]);
    const alone = await inDir(join(root, 'sweep-alone'), ...c.argv, '--no-progress', '--quiet', '--out', 'one.json');
    expect(alone.code).toBe(0);
    const oneArtifact = JSON.parse(readFileSync(join(root, 'sweep-alone', 'one.json'), 'utf8'));
    expect(withoutTimingLines(JSON.stringify(oneArtifact.summary, null, 2))).toBe(withoutTimingLines(JSON.stringify(c.artifact.summary, null, 2)));
  });

  test('bad specs are one clear line naming the file and key', async () => {
    const bad = join(root, 'bad-sweep.json');
    writeFileSync(bad, JSON.stringify({ datasets: [{ file: 'x.csv' }], targets: [], laws: ['power'] }));
    const r = await runCliCaptured('sweep', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad-sweep\.json: "targets": expected a non-empty array/);
  });
});

describe('checkShardSet', () => {
  const run = { kind: 'sweep' as const, command: ['lawfit', 'sweep', 's.json'], seed: 0, dataDigests: ['a'.repeat(64), 'b'.repeat(64)], dataFiles: ['s.json', 'runs.csv'], items: 4 };
  const shard = (index: number, over: object = {}) => ({
    path: `out/sweep.shard-${index}-of-2.json`,
    artifact: { ...makeShardArtifact({ index, count: 2 }, { ...run, ...over }, shardRange(4, { index, count: 2 }), { n: index }), createdAt: '2026-01-01T00:00:00.000Z' },
  });
  test('names the data file whose digest differs, and the field that differs', () => {
    expect(() => checkShardSet([shard(0), shard(1, { dataDigests: ['a'.repeat(64), 'c'.repeat(64)] })])).toThrow(
      /out\/sweep\.shard-1-of-2\.json: not a shard of the same run as out\/sweep\.shard-0-of-2\.json: the SHA-256 of runs\.csv differs \(bbbbbbbbbbbbbbbb\.\.\. vs cccccccccccccccc\.\.\.\)/,
    );
    expect(() => checkShardSet([shard(0), shard(1, { command: ['lawfit', 'sweep', 't.json'] })])).toThrow(/command \(options\) differs \(\["lawfit","sweep","s.json"\] vs \["lawfit","sweep","t.json"\]\)/);
    const wrongRange = shard(1);
    wrongRange.artifact.work = { from: 1, to: 4 };
    expect(() => checkShardSet([shard(0), wrongRange])).toThrow(/shard 1\/2 did items \[1, 4\), its share is \[2, 4\)/);
    expect(checkShardSet([shard(1), shard(0)]).shards.map((s) => s.shard.index)).toEqual([0, 1]);
  });
});

describe('markers and merge --status', () => {
  test('running while the shard works, failed with its error, done with its artifact', async () => {
    const dir = join(root, 'markers');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'run.json');
    const run = { kind: 'fit' as const, command: ['lawfit', 'fit'], seed: 0, dataDigests: ['x'], items: 3 };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const working = runShard(out, { index: 0, count: 3 }, run, { from: 0, to: 1 }, async () => {
      await gate;
      return { ok: true };
    });
    await new Promise((r) => setTimeout(r, 20));
    await expect(runShard(out, { index: 1, count: 3 }, run, { from: 1, to: 2 }, async () => Promise.reject(new Error('out of memory\nmore')))).rejects.toThrow('out of memory');
    let s = shardStatus([dir]);
    expect(s).toHaveLength(1);
    expect(s[0]!.shards.map((x) => x.state)).toEqual(['running', 'failed', 'not started']);
    expect(s[0]!.shards[1]!.detail).toMatch(/^out of memory \(on /);
    const r = await runCliCaptured('merge', join(dir, 'nothing.shard-0-of-3.json'));
    expect(r.err).toMatch(/cannot read the shard/);
    release();
    await working;
    s = shardStatus([dir]);
    expect(s[0]!.shards.map((x) => x.state)).toEqual(['done', 'failed', 'not started']);
    expect(existsSync(join(dir, 'run.shard-0-of-3.running'))).toBe(false);
    // A running marker left by a process that is gone (killed, or cancelled with Ctrl-C) reads as stale.
    writeFileSync(join(dir, 'run.shard-2-of-3.running'), JSON.stringify({ host: hostname(), pid: 2 ** 22 + 12345, startedAt: 'then' }));
    expect(shardStatus([dir])[0]!.shards[2]!.detail).toMatch(/stale: no process 4206649 on this host/);
    rmSync(join(dir, 'run.shard-2-of-3.running'));
    const text = (await runCliCaptured('merge', '--status', dir)).out;
    expect(text).toMatch(/run \(3 shards\): 1 done, 0 running, 1 failed, 1 not started/);
    // merge names the missing shards and what their markers say.
    const m = await runCliCaptured('merge', join(dir, 'run.shard-0-of-3.json'));
    expect(m.err).toMatch(/missing shards 1\/3 \(.*run\.shard-1-of-3\.json: it failed on .*: out of memory\), 2\/3/);
    expect(readdirSync(dir).sort()).toEqual(['run.shard-0-of-3.json', 'run.shard-1-of-3.failed']);
  });
});

describe('lawfit shard-manifest --k8s', () => {
  test('an Indexed Job whose pods run the sweep with --shard auto/N (YAML and JSON, same structure)', async () => {
    const spec = join(root, 'k8s-sweep.json');
    writeFileSync(spec, JSON.stringify({ datasets: [{ file: 'runs.csv' }], targets: ['loss', 'loss2'], laws: ['power', 'vit'] }));
    const y = await runCliCaptured('shard-manifest', '--k8s', spec, '--shards', '4', '--parallelism', '2', '--image', 'ghcr.io/me/lawfit:1', '--sweep-out', 'results/sweep.json');
    expect(y.code, y.err).toBe(0);
    const job = parseYaml(y.out);
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed', completions: 4, parallelism: 2, template: { spec: { restartPolicy: 'Never' } } } });
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('ghcr.io/me/lawfit:1');
    expect(c.command).toEqual(['lawfit', 'sweep', spec, '--out', 'results/sweep.json', '--shard', 'auto/4']);
    expect(c.volumeMounts[0].mountPath).toBe(c.workingDir);
    expect(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe('lawfit-work');
    const j = await runCliCaptured('shard-manifest', '--k8s', spec, '--shards', '4', '--parallelism', '2', '--image', 'ghcr.io/me/lawfit:1', '--sweep-out', 'results/sweep.json', '--format', 'json');
    expect(JSON.parse(j.out)).toEqual(job);
    // The pods' command, given the index Kubernetes sets, is a valid shard of the sweep.
    expect(parseShard(c.command.at(-1), { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    const tooMany = await runCliCaptured('shard-manifest', '--k8s', spec, '--shards', '5');
    expect(tooMany.err).toMatch(/--shards 5: the sweep has 4 combinations; use at most 4 shards/);
  });
});
