/**
 * The app's pure logic, without a browser: the misspelt-input check, start ranges from the data's
 * scale, labels that pass the law-name rule, settings (share links and the saved copy) with any
 * number of formulas, the pair grid's thinning, and held-out runs ringed on the fit and residual
 * plots.
 */
import { describe, expect, test } from 'vitest';
import { looksLikeTypo, nearInputs, oneEditApart } from '../../app/src/near-names.js';
import { settingsFrom, settingsFromHash, shareUrl } from '../../app/src/share.js';
import { DEFAULT_SETTINGS } from '../../app/src/settings.js';
import { exponentNames, roundUp2, scaledRange } from '../../app/src/worker/start-ranges.js';
import { choiceLabels, compileChoice, labelAsName, listLaws } from '../../app/src/worker/laws.js';
import { pickerSections } from '../../app/src/law-sections.js';
import { lawsByFamily } from '../../src/laws/index.js';
import { thinDraws } from '../../app/src/worker/plots.js';
import { fitPlotSpec } from '../../src/plots/fit-plot.js';
import { residualsSpec } from '../../src/plots/residuals-plot.js';
import { renderSvg } from '../../src/plots/render.js';
import { ladderInputs } from '../plots/support.js';
import { comparisonVerdict } from '../../app/src/verdict.js';
import type { Comparison } from '../../src/stats/compare.js';

describe('a parameter that looks like a misspelt input', () => {
  test('doubled keys, case and one edit in longer names are flagged; the one-letter names of scaling laws are not', () => {
    expect(looksLikeTypo('Dd', 'D')).toBe(true);
    expect(looksLikeTypo('NN', 'N')).toBe(true);
    expect(looksLikeTypo('n', 'N')).toBe(true);
    expect(looksLikeTypo('tokesn', 'tokens')).toBe(true);
    expect(looksLikeTypo('Nparam', 'Nparams')).toBe(true);
    // Chinchilla's and Kaplan's own parameters beside their inputs N and D.
    for (const p of ['A', 'B', 'E', 'alpha', 'beta', 'Nc', 'Dc', 'alphaN']) for (const i of ['N', 'D']) expect(looksLikeTypo(p, i), `${p} ~ ${i}`).toBe(false);
    expect(nearInputs(['E', 'A', 'alpha', 'Dd', 'beta'], ['N', 'D'])).toEqual([{ parameter: 'Dd', input: 'D' }]);
  });

  test('oneEditApart agrees with the edit distance on every pair of words up to 3 letters over a, b, D, N', () => {
    const osa = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) {
          d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
        }
      return d[a.length]![b.length]!;
    };
    const words = [''];
    for (let n = 0; n < 3; n++) for (const w of [...words]) if (w.length === n) for (const c of ['a', 'b', 'D', 'N']) words.push(w + c);
    let pairs = 0;
    for (const a of words) for (const b of words) {
      expect(oneEditApart(a, b), `${a} ~ ${b}`).toBe(osa(a, b) === 1);
      pairs++;
    }
    expect(pairs).toBe(85 * 85);
  });
});

describe('start ranges from the data', () => {
  test('exponents 0 to 1, other parameters ± the largest |target|, positive ones over six decades', () => {
    const formula = 'E + A / N^alpha + B / D^(-beta)';
    expect([...exponentNames(formula)].sort()).toEqual(['alpha', 'beta']);
    expect(roundUp2(3.94)).toBe(4);
    expect(roundUp2(0.1234)).toBe(0.13);
    const ex = exponentNames(formula);
    expect(scaledRange('alpha', ex, false, 3.94)).toEqual([0, 1]);
    expect(scaledRange('E', ex, false, 3.94)).toEqual([-4, 4]);
    expect(scaledRange('A', ex, true, 3.94)).toEqual([0.004, 4000]);
  });
});

describe('labels and settings', () => {
  test('formulas are labelled formula-1, formula-2, ...; a user label becomes a valid law name', () => {
    expect(choiceLabels([{ law: 'chinchilla' }, { formula: 'a*x' }, { formula: 'b*x' }, { label: 'your formula', formula: 'c*x' }])).toEqual(['chinchilla', 'formula-1', 'formula-2', 'your-formula']);
    expect(labelAsName('  2 my law! ')).toBe('my-law');
    // The label the page used to give ('your formula') compiles once made a name.
    expect(compileChoice({ formula: 'E + A/N^alpha' }, labelAsName('your formula'), ['N']).law.name).toBe('your-formula');
  });

  test('settings with several formulas round-trip through a share link; an old link with one formula still opens', () => {
    const s = { ...DEFAULT_SETTINGS, formulas: [{ text: 'E + A/N^a', inputs: ['N'], positive: [], ranges: { a: [0, 1] as [number, number] } }, { text: 'E + B/D^b', inputs: ['D'], positive: ['B'], ranges: {} }], options: { 'max-radius': '0.5', damping: 'marquardt' } };
    const url = new URL(shareUrl(s, 'https://example.org/lawfit/'));
    expect(settingsFromHash(url.hash)).toEqual(s);
    expect(settingsFrom({ formula: { text: 'x^a', inputs: ['x'] } }).formulas).toEqual([{ text: 'x^a', inputs: ['x'], positive: [], ranges: {} }]);
    expect(settingsFrom('garbage')).toEqual({ ...DEFAULT_SETTINGS, formulas: [] });
  });
});

describe('plots', () => {
  test('the pair grid shows at most 300 evenly spaced draws; the others keep every draw', async () => {
    const inputs = await ladderInputs();
    const many = { ...inputs, summary: { ...inputs.summary, bootstrap: { ...inputs.summary.bootstrap!, draws: Array.from({ length: 1000 }, (_, i) => inputs.summary.bootstrap!.draws[i % 40]!) } } };
    const thin = thinDraws(many, 300);
    expect([thin.shown, thin.total]).toEqual([300, 1000]);
    expect(thin.inputs.summary.bootstrap!.draws).toHaveLength(300);
    expect(many.summary.bootstrap.draws).toHaveLength(1000);
    expect(thinDraws(inputs, 300).inputs).toBe(inputs);
  });

  test('held-out runs are ringed on the fit and residual plots, and the subtitle says so', async () => {
    const inputs = await ladderInputs();
    const rows = inputs.points.slice(-3).map((p) => p.row);
    const marked = { ...inputs, heldOut: { rows, label: 'top:3:N*D' } };
    for (const spec of [fitPlotSpec(marked), residualsSpec(marked)]) {
      expect(JSON.stringify(spec)).toContain('"shape":"diamond"');
      const svg = await renderSvg(spec);
      expect(svg).toContain('red diamonds: the 3 runs held out in the comparison (top:3:N*D)');
    }
    expect(JSON.stringify(fitPlotSpec(inputs))).not.toContain('diamond');
  }, 60_000);
});

describe('the comparison in words', () => {
  const law = (name: string, err: number, interval?: [number, number]) => ({ law: name, meanAbsRelError: err, ...(interval !== undefined ? { interval } : {}) });
  const cmp = (...laws: ReturnType<typeof law>[]) => ({ laws }) as unknown as Comparison;
  test('ties, overlapping and separate intervals, and no intervals', () => {
    expect(comparisonVerdict(cmp(law('a', 0.01234), law('b', 0.012341), law('c', 0.05)))).toBe(
      'a has the lowest held-out error (1.23 %). It ties with b (equal errors to four significant digits): the order between them means nothing. Run with bootstrap replicates for intervals that say whether the differences are settled.',
    );
    expect(comparisonVerdict(cmp(law('a', 0.01, [0.008, 0.012]), law('b', 0.011, [0.0115, 0.02]), law('c', 0.05, [0.04, 0.06])))).toBe(
      'a has the lowest held-out error (1 %). Its interval overlaps that of b: the data do not separate the two. Its interval does not overlap that of c.',
    );
    expect(comparisonVerdict(cmp())).toBeUndefined();
  });
});

describe('the law picker', () => {
  test('groups the catalogue by the same families as lawfit laws, in the same order', () => {
    const sections = pickerSections(listLaws());
    expect(sections.map((s) => [s.label, s.laws.map((l) => l.name)])).toEqual(lawsByFamily().map((g) => [g.label, g.items.map((l) => l.name)]));
  });

  test('a law without a family is listed last, under other', () => {
    const laws = listLaws();
    const plain = { ...laws[0]!, name: 'mine' };
    delete plain.family;
    const sections = pickerSections([...laws, plain]);
    expect(sections.at(-1)).toEqual({ label: 'other', laws: [plain] });
  });
});
