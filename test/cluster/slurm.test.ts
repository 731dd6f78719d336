/**
 * End to end on a real Slurm cluster (.ci/slurm-up.sh starts a one-node one on localhost): a job
 * array `sbatch --array=0-3 --wait` whose tasks run the built CLI (dist/cli/main.js) as
 * `lawfit fit ... --bootstrap N --shard auto/4`, each task's shard index from
 * SLURM_ARRAY_TASK_ID; then `lawfit merge`, whose artifact must be the single-machine run's,
 * byte for byte without its timing lines. In CI (CI=true) it runs and fails when Slurm is absent;
 * elsewhere it is skipped when sbatch is not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { sharedFile } from '../support/shared-data.js';

const CI = process.env.CI === 'true';
const haveSbatch = spawnSync('sbatch', ['--version'], { encoding: 'utf8' }).status === 0;
const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

const withoutTimingLines = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !/^\s*"(createdAt|elapsedMs)": /.test(l))
    .join('\n');

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

describe.skipIf(!haveSbatch && !CI)('Slurm job array (sbatch --array=0-3 --wait)', () => {
  const root = mkdtempSync(join(tmpdir(), 'lawfit-slurm-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('four array tasks run the shards; merged, they equal the single-machine run', () => {
    if (!haveSbatch) throw new Error('CI=true but sbatch is not installed: run .ci/slurm-up.sh (it installs and starts a one-node cluster)');
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
    const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8' });
    if (!/is UP/.test(ping.stdout)) throw new Error(`slurmctld does not answer (scontrol ping: ${ping.stdout.trim() || ping.stderr.trim()}); run .ci/slurm-up.sh`);

    // The README's sbatch script, as a user copies it, with three substitutions: this checkout's
    // CLI for `lawfit`, the testbed's path in ../shared for its file name, and 40 replicates for 10000.
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const block = /```bash\n(#!\/bin\/bash\n#SBATCH --job-name=lawfit-fit\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README: the sbatch script (```bash, #!/bin/bash, #SBATCH --job-name=lawfit-fit)').toBeDefined();
    expect(block).toContain('#SBATCH --array=0-3');
    expect(block).toContain('--shard auto/4');
    const data = sharedFile('gadre-overtraining/gadre_104_models.csv');
    const script = block!
      .replace(/^lawfit /m, `'${process.execPath}' '${CLI}' `)
      .replace(' gadre_104_models.csv ', ` '${data}' `)
      .replace('--bootstrap 10000', '--bootstrap 40');
    const shards = join(root, 'shards');
    const single = join(root, 'single');
    mkdirSync(shards);
    mkdirSync(single);
    writeFileSync(join(shards, 'lawfit-fit.sbatch'), script);
    // One machine: the script's command without --shard, run by bash in another directory.
    const command = script.split('\n').filter((l) => !l.startsWith('#')).join('\n').replace(' --shard auto/4', '');
    sh('bash', ['-c', command], single);
    console.log(`the README's sbatch script, as submitted:\n${script.trim()}`);
    const started = Date.now();
    const submitted = sh('sbatch', ['--array=0-3', '--wait', '--chdir', shards, 'lawfit-fit.sbatch'], shards);
    const job = /Submitted batch job (\d+)/.exec(submitted)?.[1];
    expect(job, submitted).toBeDefined();
    const logs = readdirSync(shards).filter((f) => f.startsWith(`slurm-${job}_`)).sort();
    console.log(`slurm: job ${job}, array 0-3 finished in ${((Date.now() - started) / 1000).toFixed(1)} s; task logs ${logs.join(', ')}`);
    for (const l of logs) console.log(`  ${l}: ${readFileSync(join(shards, l), 'utf8').trim()}`);
    expect(logs).toHaveLength(4);
    const status = sh(process.execPath, [CLI, 'merge', '--status', '.'], shards);
    console.log(status.trim());
    expect(status).toMatch(/fit \(4 shards\): 4 done, 0 running, 0 failed, 0 not started/);

    const merged = sh(process.execPath, [CLI, 'merge', '.', '--quiet'], shards);
    console.log(merged.trim());
    expect(merged).toContain('merged 4 shards (40 replicates); wrote fit.json');
    const want = readFileSync(join(single, 'fit.json'), 'utf8');
    const got = readFileSync(join(shards, 'fit.json'), 'utf8');
    expect(withoutTimingLines(got)).toBe(withoutTimingLines(want));
    const draws = JSON.parse(got).summary.bootstrap;
    console.log(`equal to the single-machine run: ${draws.replicates} replicates (${draws.succeeded} usable), ${want.length} bytes, only createdAt/elapsedMs lines differ`);
    // Each task took its own index from SLURM_ARRAY_TASK_ID.
    for (let k = 0; k < 4; k++) expect(readFileSync(join(shards, `slurm-${job}_${k}.out`), 'utf8')).toContain(`shard ${k}/4: replicates ${k * 10}..${k * 10 + 9} of 40`);
  }, 300_000);
});
