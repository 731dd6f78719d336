/**
 * Per-group parameters on the paths users take: `fit --per`, the indexed formula syntax, the
 * artifact and `predict --group`, `compare --per-law` with its shared-vs-per-group test, and the
 * bad-input errors (exit 2, one line).
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../support/cli.js';
import { groupedLadder } from '../../src/examples/grouped-ladder.js';
import { sharedFile } from '../support/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'lawfit-per-'));
const PARSCALE = sharedFile('parscale/parscale_48.csv');
const FORM = 'E + (A*1e9/(N*(k*log(P)+1)))^alpha';
const BASE = ['--x', 'N=N_params,P=P_streams', '--y', 'loss', '--space', 'log', '--loss', 'huber:1e-3', '--starts', 'sobol:32', '--threads', '1'];

describe('fit --per and E[COL]', () => {
  test('--per corpus:E,A prints E[pile] ...; the artifact predicts per group; an absent group is refused', async () => {
    const out = join(dir, 'grouped.json');
    const r = await runCliCaptured('fit', PARSCALE, '--formula', FORM, '--per', 'corpus:E,A', ...BASE, '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/with E, A per corpus \(2 groups: stack-v2-python, pile\)/);
    expect(r.out).toMatch(/E\[pile\]:\s+1\.29/);
    expect(r.out).toMatch(/A\[stack-v2-python\]:/);
    expect(r.out).toMatch(/copied to each of 2 groups/);
    const p = await runCliCaptured('predict', out, '--at', 'N=1e9,P=2', '--group', 'pile');
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/corpus = pile:\s+1\.98/);
    const bad = await runCliCaptured('predict', out, '--at', 'N=1e9,P=2', '--group', 'c4');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/group 'c4' of column 'corpus' was not in the fit/);
    // Without --group: every fitted group, each with its own law.
    const all = await runCliCaptured('predict', out, '--at', 'N=1e9,P=2');
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/corpus = stack-v2-python:\s+[\d.]+\n\s+N = 1\.000e\+9, P = 2, corpus = pile:\s+1\.98/);
  }, 120_000);

  test('the indexed syntax E[corpus] gives the same fit as --per corpus:E,A', async () => {
    const a = await runCliCaptured('fit', PARSCALE, '--formula', FORM, '--per', 'corpus:E,A', ...BASE);
    const b = await runCliCaptured('fit', PARSCALE, '--formula', 'E[corpus] + (A[corpus]*1e9/(N*(k*log(P)+1)))^alpha', ...BASE);
    expect(b.code).toBe(0);
    const vars = (s: string) => s.slice(s.indexOf('[[Variables]]'), s.indexOf('[[Correlations]]'));
    expect(vars(b.out)).toBe(vars(a.out));
  }, 120_000);
});

describe('optimal and predict per group (synthetic grouped ladder, known truth)', () => {
  test('every group by default, --group for one, its quantities labelled N_opt[g1] ...; intervals per group; an absent group refused', async () => {
    const lad = groupedLadder({ groups: 3, seed: 5, noise: 0.003 });
    const ds = lad.dataset;
    const csv = join(dir, 'ladder.csv');
    writeFileSync(csv, ['group,N,D,loss', ...Array.from({ length: ds.n }, (_, i) => `${ds.groups![i]},${ds.inputs[2 * i]},${ds.inputs[2 * i + 1]},${ds.y[i]}`)].join('\n') + '\n');
    const out = join(dir, 'ladder.json');
    const fit = await runCliCaptured('fit', csv, '--law', 'chinchilla', '--per', 'group:E,A', '--x', 'N=N,D=D', '--y', 'loss', '--starts', 'sobol:32', '--bootstrap', '40', '--threads', '1', '--out', out, '--plots', join(dir, 'ladder-plots'), '--quiet');
    expect(fit.err).toBe('');
    expect(fit.code).toBe(0);
    // --plots on a grouped fit: the fit plot and the frontier draw each group's own law (test/plots/grouped.test.ts).
    expect(readdirSync(join(dir, 'ladder-plots')).sort()).toEqual(['bootstrap-histograms.svg', 'bootstrap-pairs.svg', 'fit.svg', 'frontier.svg', 'residuals.svg']);
    const planFile = join(dir, 'plan.json');
    const all = await runCliCaptured('optimal', out, '--compute', '1e22', '--target-loss', '2.2', '--out', planFile);
    expect(all.code).toBe(0);
    // The plans as JSON: one per group, each labelled with its group, intervals included.
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(doc.format).toBe('lawfit-optimal');
    expect(doc.plans.map((p: { group: { value: string } }) => p.group.value)).toEqual(lad.levels);
    expect(doc.plans[1].budgets[0].N.interval).toHaveLength(2);
    expect(all.out).toContain(`wrote ${planFile}`);
    expect(all.out).toMatch(/intervals from \d+ bootstrap draws/);
    for (const g of lad.levels) {
      expect(all.out).toContain(`group group = ${g} (its own law: E[${g}], A[${g}] with the shared parameters):`);
      expect(all.out).toMatch(new RegExp(`N_opt\\[${g}\\] \\(parameters\\)\\s+[\\d.e+]+\\s+sd [\\d.e+]+\\s+95 % \\[`));
      expect(all.out).toMatch(new RegExp(`C\\[${g}\\] \\(FLOPs\\)`));
    }
    // The same numbers as the library's plan for that group.
    const one = await runCliCaptured('optimal', out, '--compute', '1e22', '--group', 'g1');
    expect(one.code).toBe(0);
    const block = (text: string, g: string) => text.slice(text.indexOf(`group group = ${g}`)).split('\n').slice(0, 8).join('\n');
    expect(block(all.out, 'g1')).toBe(block(one.out, 'g1'));
    expect(one.out).not.toContain('group group = g0');
    const bad = await runCliCaptured('optimal', out, '--compute', '1e22', '--group', 'g9');
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/group 'g9' of column 'group' was not in the fit, so it has no E, A \(groups: g0, g1, g2\)/);
    const pr = await runCliCaptured('predict', out, '--at', 'N=1e9,D=2e10');
    expect(pr.code).toBe(0);
    expect(pr.out.match(/group = g\d:\s+[\d.]+\s+confidence \[/g)).toHaveLength(3);
    const prBad = await runCliCaptured('predict', out, '--at', 'N=1e9,D=2e10', '--group', 'g9');
    expect(prBad.code).toBe(2);
    expect(prBad.err).toMatch(/predict: group 'g9' of column 'group' was not in the fit/);
  }, 240_000);
});

describe('compare --per-law', () => {
  test('one call: held-out error of both, and the likelihood-ratio test with AIC/BIC', async () => {
    const r = await runCliCaptured('compare', PARSCALE, '--formula', FORM, '--per-law', 'formula-1:corpus:E,A', '--x', 'N=N_params,P=P_streams', '--y', 'loss', '--holdout', 'top:8:N_params');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1\s+formula-1\.per-corpus/);
    expect(r.out).toMatch(/formula-1\.per-corpus vs formula-1: \+2 parameters; LR = [\d.]+, p = [\d.e-]+ \(chi2, 2 dof\); dAIC = -[\d.]+, dBIC = -[\d.]+/);
  }, 120_000);
});

describe('Gadre et al.: do the exponents differ across the three training sets? One compare call', () => {
  test('b shared (joint) vs b per set (separate) vs one law: held-out 1.4B/6.9B errors and every nested test', async () => {
    const gadre = sharedFile('gadre-overtraining/gadre_104_models.csv');
    const where = "((token_multiplier_M == 20 && N_params < 5e8) || (model_config == 'd=96_l=8_h=4' && token_multiplier_M == 320)) || ((model_config == 'open_lm_1b' || model_config == 'open_lm_7b') && token_multiplier_M == 20)";
    const r = await runCliCaptured('compare', gadre, '--laws', 'overtrain', '--per-law', 'joint=overtrain:train_dataset:a,c,E', '--per-law', 'separate=overtrain:train_dataset:a,b,c,E', '--x', 'N=N_params,M=D_tokens/N_params', '--y', 'loss_c4_val', '--where', where, '--holdout', 'N_params > 1e9', '--threads', '1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 laws on 21 runs');
    // The separate fits' mean held-out error is the mean of the three published-protocol fits' (test/reference/grouped.test.ts).
    expect(r.out).toMatch(/1\s+joint\s+1\.09\d\d %/);
    expect(r.out).toMatch(/2\s+separate\s+1\.349\d %/);
    expect(r.out).toMatch(/joint vs overtrain: \+6 parameters/);
    expect(r.out).toMatch(/separate vs overtrain: \+8 parameters/);
    expect(r.out).toMatch(/separate vs joint: \+2 parameters; LR = 0\.4\d+, p = 0\.8\d+ \(chi2, 2 dof\)/);
    const dup = await runCliCaptured('compare', gadre, '--laws', 'overtrain', '--per-law', 'overtrain:train_dataset:E', '--per-law', 'overtrain:train_dataset:a', '--x', 'N=N_params,M=D_tokens/N_params', '--y', 'loss_c4_val', '--where', where, '--holdout', 'N_params > 1e9');
    expect(dup.code).toBe(2);
    expect(dup.err).toMatch(/two laws are named 'overtrain\.per-train_dataset'/);
  }, 120_000);
});

describe('bad input: one line, exit 2', () => {
  const csv = (name: string, rows: string[]): string => {
    const f = join(dir, name);
    writeFileSync(f, ['corpus,N,P,loss', ...rows].join('\n') + '\n');
    return f;
  };
  const run = (f: string, per = 'corpus:E,A') => runCliCaptured('fit', f, '--formula', FORM, '--per', per, '--x', 'N=N,P=P', '--y', 'loss', '--starts', 'sobol:4', '--threads', '1');
  test('a group column with a single value', async () => {
    const r = await run(csv('one.csv', ['pile,1e8,1,3.1', 'pile,2e8,1,3.0', 'pile,4e8,1,2.9', 'pile,8e8,2,2.8', 'pile,1e9,4,2.7']));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/one\.csv, column 'corpus': per-group parameters need at least two groups, but the column has the single value 'pile'/);
  });
  test('a group with fewer runs than its own parameters', async () => {
    const r = await run(csv('few.csv', ['pile,1e8,1,3.1', 'pile,2e8,1,3.0', 'pile,4e8,1,2.9', 'pile,8e8,2,2.8', 'stack,1e9,4,2.7']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/few\.csv, column 'corpus': group 'stack' has 1 run for its 2 own parameters \(E\[stack\], A\[stack\]\); need at least 2/);
  });
  test('a cluster bootstrap over the per-group column itself is refused; over another column it runs', async () => {
    const r = await runCliCaptured('fit', PARSCALE, '--formula', FORM, '--per', 'corpus:E,A', ...BASE, '--bootstrap', '4', '--design', 'clusters:corpus', '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--design clusters:corpus: resampling whole groups of the per-group column 'corpus'/);
    const ok = await runCliCaptured('fit', PARSCALE, '--formula', FORM, '--per', 'corpus:E,A', ...BASE, '--bootstrap', '8', '--design', 'clusters:P_streams');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/\[\[Bootstrap\]\] \(8 replicates, design clusters:P_streams/);
    expect(ok.out).toMatch(/E\[pile\]:\s+[\d.]+\s+sd/);
  }, 120_000);
  test('an unknown parameter, an input, a missing column, a malformed flag', async () => {
    const f = csv('ok.csv', ['pile,1e8,1,3.1', 'stack,2e8,1,3.0']);
    expect((await run(f, 'corpus:F')).err).toMatch(/^lawfit fit: error: --per corpus: law 'formula' has no parameter 'F' \(parameters: E, A, k, alpha\)\n$/);
    expect((await run(f, 'corpus:N')).err).toMatch(/^lawfit fit: error: --per corpus: 'N' is an input of law 'formula', not a parameter; only parameters take one value per group/);
    const missing = await run(f, 'corpsu:E');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^lawfit fit: error: \S*ok\.csv, column 'corpsu': no such column .*did you mean 'corpus'\?/);
    expect((await run(f, 'corpus')).err).toMatch(/--per: expected COLUMN:PARAM/);
  });
  test('E[COL] with a column not in the data, and an indexed input', async () => {
    const f = csv('ok2.csv', ['pile,1e8,1,3.1', 'stack,2e8,1,3.0']);
    const fit = (formula: string) => runCliCaptured('fit', f, '--formula', formula, '--x', 'N=N,P=P', '--y', 'loss', '--starts', 'sobol:4', '--threads', '1');
    const r = await fit('E[corpsu] + (A*1e9/(N*(k*log(P)+1)))^alpha');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/ok2\.csv, column 'corpsu': no such column .*did you mean 'corpus'\?/);
    const input = await fit('E[corpus] + (A*1e9/(N[corpus]*(k*log(P)+1)))^alpha');
    expect(input.code).toBe(2);
    expect(input.err).toMatch(/'N' is an input of law 'formula', not a parameter/);
  });
  test('compare --per-law: a single-valued column, a parameter the law lacks, a missing column', async () => {
    const cmp = (f: string, perLaw: string) => runCliCaptured('compare', f, '--formula', FORM, '--per-law', perLaw, '--x', 'N=N,P=P', '--y', 'loss', '--holdout', 'top:1:N');
    const one = await cmp(csv('cmp-one.csv', ['pile,1e8,1,3.1', 'pile,2e8,1,3.0', 'pile,4e8,1,2.9', 'pile,8e8,2,2.8', 'pile,1e9,4,2.7']), 'formula-1:corpus:E');
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/^lawfit compare: error: \S*cmp-one\.csv, column 'corpus': per-group parameters need at least two groups, but the column has the single value 'pile'/);
    const f = csv('cmp-ok.csv', ['pile,1e8,1,3.1', 'pile,2e8,1,3.0', 'stack,4e8,1,2.9', 'stack,8e8,2,2.8']);
    const q = await cmp(f, 'formula-1:corpus:Q');
    expect(q.code).toBe(2);
    expect(q.err).toBe("lawfit compare: error: --per-law corpus: law 'formula-1' has no parameter 'Q' (parameters: E, A, k, alpha)\n");
    const col = await cmp(f, 'formula-1:corpsu:E');
    expect(col.code).toBe(2);
    expect(col.err).toMatch(/cmp-ok\.csv, column 'corpsu': no such column .*did you mean 'corpus'\?/);
  });
  test('a group column with an empty cell: the file, row and column', async () => {
    const r = await run(csv('empty.csv', ['pile,1e8,1,3.1', 'pile,2e8,1,3.0', ',4e8,1,2.9', 'stack,8e8,2,2.8', 'stack,1e9,4,2.7']));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/empty\.csv, row 4, column 'corpus': the group label is empty/);
  });
});
