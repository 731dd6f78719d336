/**
 * The CLI as users meet it: exit codes (0 ok, 2 bad input, 1 internal), one clear error line
 * naming the file, row, column or formula position, and artifacts that reprint the same report.
 */
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { runCliCaptured } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-cli-'));
const EPOCH = resolve(import.meta.dirname, '../../../shared/data/chinchilla-epoch/chinchilla_epoch_245.csv');

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const run = runCliCaptured;

// A small clean power-law ladder: L = 2 + 5 x^-0.3.
const xs = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
const good = file('good.csv', 'x,loss,w\n' + xs.map((x) => `${x},${2 + 5 * x ** -0.3},1`).join('\n') + '\n');

describe('lawfit fit: success path and artifacts', () => {
  test('fits a built-in law, writes an artifact, and `report` prints the same report', async () => {
    const out = join(dir, 'result.json');
    const r = await run('fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--threads', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[[Variables]]');
    expect(r.out).toMatch(/alpha:\s+0\.3\b/);
    const again = await run('report', out);
    expect(again.code).toBe(0);
    expect(r.out.startsWith(again.out)).toBe(true);
    const art = JSON.parse(readFileSync(out, 'utf8'));
    expect(art.format).toBe('lawfit-fit');
    expect(art.summary.data.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(art.summary.law.declaration.formula).toContain('alpha');
    expect(art.command).toContain('--law');
  });

  test('a formula typed on the command line, with positive parameters', async () => {
    const r = await run('fit', good, '--formula', 'E + A * x^-alpha', '--positive', 'A', '--x', 'x=x', '--y', 'loss', '--threads', '1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/E:\s+2\b/);
    expect(r.out).toContain('Sobol (256 points');
  });

  test('the Epoch Chinchilla data with a filter, from the README', async () => {
    const r = await run('fit', EPOCH, '--law', 'chinchilla', '--x', 'N=N_params,D=D_tokens', '--y', 'loss', '--where', 'excluded_outlier == 0', '--starts', 'sobol:64');
    expect(r.err).toBe('');
    expect(r.out).toContain('# data points          = 240');
  });
});

test("Gadre et al.'s loss fit as one command line, selecting runs with text filters", async () => {
  const gadre = resolve(import.meta.dirname, '../../../shared/data/gadre-overtraining/gadre_104_models.csv');
  const where = "train_dataset == 'rpj' && ((token_multiplier_M == 20 && N_params < 5e8) || (model_config == 'd=96_l=8_h=4' && token_multiplier_M == 320))";
  const r = await run('fit', gadre, '--law', 'overtrain', '--x', 'N=N_params,M=D_tokens/N_params', '--y', 'loss_c4_val', '--where', where, '--threads', '1');
  expect(r.err).toBe('');
  expect(r.out).toContain('# data points          = 5');
  expect(r.out).toMatch(/a:\s+166\.21/);
  expect(r.out).toMatch(/E:\s+1\.8366/);
});

test('--engine webgpu fits on the GPU (or says it falls back) and reports the float64 polish', async () => {
  const r = await run('fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--engine', 'webgpu', '--threads', '1');
  expect(r.code).toBe(0);
  if (r.err === '') {
    expect(r.out).toMatch(/engine: WebGPU f32 on .*finished in float64/);
    expect(r.out).toMatch(/float64 polish: \d+ iterations moved/);
  } else {
    expect(r.err).toMatch(/fitting on the CPU instead/);
  }
  expect(r.out).toMatch(/alpha:\s+0\.3\b/);
}, 60_000);

test('--bootstrap: a Bootstrap section, every draw in the artifact, and report reprints it', async () => {
  const out = join(dir, 'boot.json');
  const r = await run('fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '100', '--seed', '3', '--ci', '90', '--threads', '1', '--out', out);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/\[\[Bootstrap\]\] \(100 replicates, design rows, seed 3/);
  expect(r.out).toMatch(/alpha:\s+0\.3\s+sd .* 90 % \[.*\]\s+BCa \[/);
  const art = JSON.parse(readFileSync(out, 'utf8'));
  expect(art.summary.bootstrap.draws.length).toBe(100);
  expect(art.summary.bootstrap.parameters.map((q: { name: string }) => q.name)).toEqual(['E', 'A', 'alpha']);
  // Per-replicate diagnostics: each replicate's status and the share of its starts reaching its best.
  expect(art.summary.bootstrap.replicateStatus.length).toBe(100);
  expect(art.summary.bootstrap.replicateShareReachedBest.length).toBe(100);
  expect(r.out).toMatch(/replicates' best fits: \d+ converged-/);
  const again = await run('report', out);
  expect(again.out).toContain('[[Bootstrap]]');
  expect(again.out).toMatch(/replicates' best fits: \d+ converged-/);
});

test('--bootstrap with --replicate-starts law: the share of each replicate\'s starts reaching its best', async () => {
  const r = await run('fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '20', '--replicate-starts', 'law', '--threads', '1');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/share of each replicate's starts reaching its best: median \d+ %, lowest [\d.]+ %; all starts in \d+ of 20/);
});

test('demo --bootstrap says whether the intervals cover the true values', async () => {
  const r = await run('demo', '--bootstrap', '200', '--threads', '1');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/the 95 % percentile intervals cover \d of 5 true values/);
}, 120_000);

describe('lawfit compare', () => {
  const gadre = resolve(import.meta.dirname, '../../../shared/data/gadre-overtraining/gadre_104_models.csv');
  const where =
    "train_dataset == 'rpj' && ((token_multiplier_M == 20 && N_params < 5e8) || (model_config == 'd=96_l=8_h=4' && token_multiplier_M == 320) || (model_config == 'open_lm_1b' && token_multiplier_M == 640) || model_config == 'open_lm_7b')";
  const holdout = "(model_config == 'open_lm_1b' && token_multiplier_M == 640) || model_config == 'open_lm_7b'";

  test("Gadre et al.'s protocol as a compare call: the over-training law's published errors, beside the other laws", async () => {
    const out = join(dir, 'gadre-compare.json');
    const r = await run('compare', gadre, '--laws', 'overtrain,chinchilla-tied,power', '--x', 'N=N_params,M=D_tokens/N_params,D=D_tokens,x=flops_6ND', '--y', 'loss_c4_val', '--where', where, '--holdout', holdout, '--threads', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 laws on 7 runs; held out: the runs where');
    expect(r.out).toMatch(/overtrain\s+0\.721\d %\s+1\/1/);
    expect(r.out).toMatch(/power\s+\d+\.\d+ %/);
    // Per held-out run, from the JSON: Gadre et al.'s 0.7103 % (1.4B, M = 640) and 0.7320 % (6.9B).
    const c = JSON.parse(readFileSync(out, 'utf8')).comparison;
    const overtrain = c.laws.find((l: { law: string }) => l.law === 'overtrain');
    expect(overtrain.folds[0].heldOut.map((h: { absRelError: number }) => (100 * h.absRelError).toFixed(4))).toEqual(['0.7103', '0.7320']);
    expect(r.out).toMatch(/^\s+1\s+69\s+2\.50205\s.*0\.7103 %/m);
  }, 120_000);

  test('top:K holdout and bad input', async () => {
    const r = await run('compare', good, '--laws', 'power,power-no-offset', '--x', 'x=x', '--y', 'loss', '--holdout', 'top:2:x', '--threads', '1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('held out: the 2 runs with the largest x');
    expect(r.out).toMatch(/^\s+1\s+the 2 largest x\s+8\s+2\s/m);
    expect(r.out).toMatch(/^\s+1\s+11\s/m);
    expect((await run('compare', good, '--laws', 'power', '--x', 'x=x', '--y', 'loss')).err).toMatch(/--holdout is required/);
    expect((await run('compare', good, '--laws', 'chinchilla', '--x', 'x=x', '--y', 'loss', '--holdout', 'top:1:x')).err).toMatch(/law 'chinchilla' takes 'N', 'D', which --x does not map/);
    expect((await run('compare', good, '--laws', 'power', '--x', 'x=x', '--y', 'loss', '--holdout', 'rolling:x:0')).err).toMatch(/--holdout rolling:EXPR:K: '0' is not a positive whole number/);
    expect((await run('compare', good, '--laws', 'power', '--x', 'x=x', '--y', 'loss', '--holdout', 'top:2:x', '--design', 'bayes')).err).toMatch(/--design needs --bootstrap N/);
    // --format is checked as fit checks it (an unknown format used to reach the reader unchecked).
    const badFormat = await run('compare', good, '--laws', 'power', '--x', 'x=x', '--y', 'loss', '--holdout', 'top:2:x', '--format', 'xlsx');
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toMatch(/--format: expected csv, tsv, json or jsonl, got 'xlsx'/);
  }, 60_000);

  test('--holdout rolling:EXPR:K with --bootstrap and --out: the table and the JSON comparison', async () => {
    const out = join(dir, 'rolling.json');
    const r = await run('compare', good, '--laws', 'power,power-no-offset', '--x', 'x=x', '--y', 'loss', '--holdout', 'rolling:x:2', '--bootstrap', '30', '--seed', '3', '--threads', '1', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('rolling cut-offs over x: 2 folds, each fitted below its cut-off and predicting every run at and beyond it');
    expect(r.out).toContain('interval: 95 % percentile over 30 bootstrap replicates');
    expect(r.out).toMatch(/^\s+1\s+power\s+0\.0000 %\s+0\.0000 % – 0\.0000 %\s+2\/2/m);
    expect(r.out).toMatch(/^\s+1\s+x >= 256\.0\s+8\s+2\s/m);
    expect(r.out).toContain(`wrote ${out}`);
    const a = JSON.parse(readFileSync(out, 'utf8'));
    expect(a).toMatchObject({ format: 'lawfit-compare', formatVersion: 1, seed: 3, command: expect.arrayContaining(['compare', '--holdout', 'rolling:x:2']) });
    expect(a.lawfitVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(a.data.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(a.comparison.holdout).toEqual({ kind: 'rolling', expression: 'x', cutoffs: 2 });
    expect(a.comparison.folds.map((f: { cutoff: number; heldOutRows: number[] }) => [f.cutoff, f.heldOutRows])).toEqual([[256, [10, 11]], [512, [11]]]);
    expect(a.comparison.bootstrap).toMatchObject({ replicates: 30, seed: 3, level: 0.95 });
    const [first, second] = a.comparison.laws;
    expect(first.law).toBe('power');
    expect(first.folds).toHaveLength(2);
    expect(first.interval).toHaveLength(2);
    expect(first.bootstrap.draws).toHaveLength(30);
    expect(second.meanAbsRelError).toBeGreaterThan(first.meanAbsRelError);
    expect(typeof first.aic).toBe('number');
    // lawfit report prints the saved comparison as compare printed it (the run's own lines, without 'wrote').
    const again = await run('report', out);
    expect(again.code).toBe(0);
    expect(again.out).toBe(r.out.replace(`wrote ${out}\n`, ''));
  }, 120_000);
});

describe('lawfit optimal and predict read a saved fit', () => {
  const art = join(dir, 'demo-boot.json');
  test('optimal: the allocation at a budget and the budget for a target loss, with intervals', async () => {
    expect((await run('demo', '--bootstrap', '100', '--threads', '1', '--out', art)).code).toBe(0);
    const r = await run('optimal', art, '--compute', '5.88e23', '--target-loss', '2.0');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/intervals from \d+ bootstrap draws/);
    expect(r.out).toMatch(/N_opt \(parameters\)\s+[\d.]+e\+10\s+sd/);
    expect(r.out).toMatch(/budget C \(FLOPs\)/);
  }, 120_000);

  test('predict: estimate, confidence and prediction bands, and a warning outside the fitted range', async () => {
    const r = await run('predict', art, '--at', 'N=7e10,D=1.4e12');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/confidence \[[\d.]+, [\d.]+\]\s+prediction \[[\d.]+, [\d.]+\]/);
    expect(r.out).toMatch(/outside the fitted range by 1\.34 decades of N \(above\)/);
  });

  test('bad input: missing --at, unknown input, a law without Chinchilla parameters', async () => {
    expect((await run('predict', art)).err).toMatch(/--at is required/);
    expect((await run('predict', art, '--at', 'N=1e9,T=3')).err).toMatch(/no input 'T'/);
    const plain = join(dir, 'power.json');
    await run('fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--threads', '1', '--out', plain);
    const r = await run('optimal', plain, '--compute', '1e20');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Chinchilla-type law with parameters A, B, E, alpha/);
  });
});

describe('lawfit fit: bad input is exit code 2 with one clear line', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no file', ['fit', '--law', 'power', '--x', 'x=x', '--y', 'loss'], /fit takes one data file/],
    ['missing --x', ['fit', good, '--law', 'power', '--y', 'loss'], /--x is required/],
    ['missing --y', ['fit', good, '--law', 'power', '--x', 'x=x'], /--y is required/],
    ['both --law and --formula', ['fit', good, '--law', 'power', '--formula', 'a*x', '--x', 'x=x', '--y', 'loss'], /exactly one of --law/],
    ['unknown law', ['fit', good, '--law', 'chinchila', '--x', 'N=x,D=x', '--y', 'loss'], /unknown.*'chinchila'.*did you mean 'chinchilla'/],
    ['file not found', ['fit', join(dir, 'nope.csv'), '--law', 'power', '--x', 'x=x', '--y', 'loss'], /nope\.csv/],
    ['unknown column', ['fit', good, '--law', 'power', '--x', 'x=xx', '--y', 'loss'], /'xx'.*did you mean 'x'/],
    ['unmapped law input', ['fit', good, '--law', 'chinchilla', '--x', 'N=x', '--y', 'loss'], /law input 'D' is not mapped/],
    ['formula typo', ['fit', good, '--formula', 'E + A * x^-alpha + sqr(x)', '--x', 'x=x', '--y', 'loss'], /col 20: unknown function 'sqr'; did you mean 'sqrt'\?/],
    ['formula syntax', ['fit', good, '--formula', 'E + (A * x', '--x', 'x=x', '--y', 'loss'], /col 11: expected '\)'/],
    ['unknown parameter in --fix', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--fix', 'alpah=0.3'], /no parameter 'alpah'.*did you mean 'alpha'/],
    ['bad loss', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--loss', 'hubber:1'], /--loss: expected/],
    ['bad starts', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--starts', 'lots'], /--starts: expected/],
    ['bad engine', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--engine', 'gpu'], /--engine: expected cpu or webgpu, got 'gpu'/],
    ['bad design', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '10', '--design', 'cols'], /--design: expected rows, clusters:COL, bayes, residuals\[:raw\|:leverage\] or wild\[:rademacher\|:mammen\]\[:leverage\], got 'cols'/],
    ['bad design modifier', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '10', '--design', 'wild:raw'], /--design: expected .*, got 'wild:raw'/],
    ['numpy-legacy with a fixed design', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '10', '--design', 'residuals', '--generator', 'numpy-legacy'], /numpy-legacy reproduces numpy's row resampling only/],
    ['bad ci', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '10', '--ci', '150'], /--ci: expected a level between 0 and 100/],
    ['design without bootstrap', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--design', 'bayes'], /--design needs --bootstrap N/],
    ['cluster column missing', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '10', '--design', 'clusters:run'], /'run'/],
    ['bad grid parameter', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--grid', 'beta=1,2'], /no free parameter 'beta'/],
    ['unknown flag', ['fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [name, argv, pattern] of cases) {
    test(name, async () => {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err).not.toMatch(/internal error|at .*\.ts:\d+/);
    });
  }

  test('a non-numeric cell names file, row and column', async () => {
    const f = file('bad-cell.csv', 'x,loss\n1,3\n2,abc\n4,2.5\n');
    const r = await run('fit', f, '--law', 'power', '--x', 'x=x', '--y', 'loss');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad-cell\.csv.*row 3.*column 'loss'/);
  });

  test('a non-finite value names row and column', async () => {
    const f = file('inf.csv', 'x,loss\n1,3\n2,inf\n4,2.5\n8,2.4\n');
    const r = await run('fit', f, '--law', 'power', '--x', 'x=x', '--y', 'loss');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/row 3.*column 'loss'/);
  });

  test('a duplicated column is named', async () => {
    const f = file('dup.csv', 'x,loss,x\n1,3,1\n2,2.8,2\n');
    const r = await run('fit', f, '--law', 'power', '--x', 'x=x', '--y', 'loss');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/'x'.*(twice|duplicat)/i);
  });

  test('a non-positive input where the law takes its log names the row', async () => {
    const f = file('zero.csv', 'N,D,loss\n1e8,2e9,3.0\n0,4e9,2.9\n4e8,8e9,2.7\n8e8,2e10,2.5\n1e9,3e10,2.4\n2e9,4e10,2.3\n');
    const r = await run('fit', f, '--law', 'chinchilla', '--x', 'N=N,D=D', '--y', 'loss');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/zero\.csv, row 3: law 'chinchilla' is undefined at N = 0/);
  });

  test('a non-positive target in log space names row and column', async () => {
    const f = file('neg.csv', 'x,loss\n1,3\n2,-1\n4,2.5\n8,2.4\n');
    const r = await run('fit', f, '--law', 'power', '--space', 'log', '--x', 'x=x', '--y', 'loss');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/row 3, column 'loss'.*log space need a target > 0/);
  });

  test('fewer points than parameters', async () => {
    const f = file('few.csv', 'x,loss\n1,3\n2,2.8\n');
    const r = await run('fit', f, '--law', 'power', '--x', 'x=x', '--y', 'loss');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/2 usable data points for 3 free parameters/);
  });

  test('a failed run writes no artifact', async () => {
    const out = join(dir, 'never.json');
    const r = await run('fit', join(dir, 'nope.csv'), '--law', 'power', '--x', 'x=x', '--y', 'loss', '--out', out);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  test('report on a file that is not an artifact', async () => {
    const r = await run('report', good);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/good\.csv: not valid JSON/);
  });

  test('unknown command and no command', async () => {
    expect((await run('fitt')).code).toBe(2);
    expect((await run()).code).toBe(2);
  });
});

describe('lawfit laws and demo', () => {
  test('laws lists every built-in law; laws NAME shows the formula, grid and reference', async () => {
    const all = await run('laws');
    for (const name of ['power', 'power-no-offset', 'chinchilla', 'chinchilla-tied', 'kaplan', 'overtrain', 'downstream-exp', 'downstream-sigmoid', 'bnsl-1', 'bnsl-2', 'data-constrained', 'vit']) {
      expect(all.out).toContain(name);
    }
    const one = await run('laws', 'chinchilla');
    expect(one.out).toContain('4,500 points');
    expect(one.out).toContain('Hoffmann');
    expect(one.out).toContain('huber:1e-3');
  });

  test('the built binary (the bundle package.json names as bin) runs the demo and shows the truth next to the estimates', () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { bin: { lawfit: string } };
    const bin = resolve(import.meta.dirname, '../..', pkg.bin.lawfit);
    if (!existsSync(bin)) throw new Error('dist/ is missing: run `npm run build` (npm install does it)');
    const r = spawnSync(process.execPath, [bin, 'demo'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('synthetic:chinchilla-ladder');
    expect(r.stdout).toMatch(/alpha:.*true = 0\.339/);
    expect(r.stdout).toMatch(/reached the best objective/);
  }, 120_000);
});

test('--engine is checked, and --audit with --bootstrap is refused rather than ignored', async () => {
  const bad = await run('fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--engine', 'gpu');
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/--engine: expected cpu or webgpu, got 'gpu'/);
  const both = await run('fit', good, '--law', 'power', '--x', 'x=x', '--y', 'loss', '--bootstrap', '10', '--audit', '4');
  expect(both.code).toBe(2);
  expect(both.err).toMatch(/--audit checks a single fit/);
  const cmp = await run('compare', good, '--laws', 'power', '--x', 'x=x', '--y', 'loss', '--holdout', 'top:2:x', '--engine', 'gpu');
  expect(cmp.code).toBe(2);
  expect(cmp.err).toMatch(/--engine: expected cpu or webgpu/);
});

test('report names what is wrong with a file that is not a lawfit artifact', async () => {
  const other = file('other.json', '{"format": "something-else"}');
  const r = await run('report', other);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${other}: not a lawfit artifact ("format": "something-else"; expected lawfit-fit, lawfit-compare, lawfit-chain, lawfit-isoflop or lawfit-hpopt)`);
  const broken = file('broken.json', 'nope');
  expect((await run('report', broken)).err).toMatch(/broken\.json: not valid JSON/);
});
