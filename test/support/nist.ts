/**
 * The NIST StRD nonlinear regression suite (27 problems, two official starts each) as test support:
 * a parser for the `.dat` files, the 27 models written in the lawfit law language, the runner that
 * fits them with the float64 engine through the public pipeline (compileLaw -> prepareData ->
 * makeStarts -> solveRange), and NIST's scoring (log relative error, LRE).
 *
 * The data are read in place from ../shared/data/nist-strd beside the repository (read-only, never
 * copied in; its SOURCE.md gives the provenance and how solvers are judged).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileLaw, naturalFromInternal, type CompiledLaw } from '../../src/law/compile.js';
import type { LawDeclaration } from '../../src/law/declaration.js';
import type { Dataset } from '../../src/data/dataset.js';
import { allocateBatchResult, prepareData, type BatchProblem, type PreparedData } from '../../src/fit/problem.js';
import { makeStarts } from '../../src/fit/starts.js';
import { solveRange } from '../../src/fit/cpu/batch.js';
import { resolveLmOptions, type LmOptions } from '../../src/fit/options.js';
import { statusInfo } from '../../src/fit/status.js';
import { sharedFile } from './shared-data.js';

// ---- the .dat format -----------------------------------------------------------------------------

export interface NistProblem {
  name: string;
  /** The model as NIST writes it (the lines under "Model:" after the parameter count), joined. */
  model: string;
  /** NIST's difficulty class line, e.g. "Exponential Class". */
  modelClass: string;
  nParams: number;
  start1: number[];
  start2: number[];
  certified: number[];
  certifiedSd: number[];
  certifiedRss: number;
  residualSd: number;
  degreesOfFreedom: number;
  /** Predictor names from the data header: ['x'], or ['x1', 'x2'] for Nelson. */
  predictors: string[];
  n: number;
  /** Response, as printed in the file (Nelson's is y itself; its model is for log y). */
  y: Float64Array;
  /** Predictors, row-major n x predictors.length. */
  x: Float64Array;
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function num(s: string | undefined, what: string, file: string): number {
  if (s === undefined || !NUMBER.test(s)) throw new Error(`${file}: ${what}: expected a number, found '${s ?? '(nothing)'}'`);
  return Number(s);
}

function lineRange(lines: readonly string[], label: string, file: string): [number, number] {
  const re = new RegExp(`^\\s*${label}\\s*\\(lines\\s+(\\d+)\\s+to\\s+(\\d+)\\)`, 'i');
  for (const l of lines.slice(0, 12)) {
    const m = re.exec(l);
    if (m !== null) return [Number(m[1]), Number(m[2])];
  }
  throw new Error(`${file}: no '${label} (lines a to b)' entry in the header`);
}

function labelled(lines: readonly string[], label: string, file: string): number {
  const l = lines.find((s) => s.startsWith(label));
  if (l === undefined) throw new Error(`${file}: no '${label}' line`);
  return num(l.slice(label.length).trim(), label, file);
}

/**
 * Parse one StRD nonlinear `.dat` file. Uses the header's own line ranges for the starting/certified
 * values and the data, and cross-checks every count the file states (parameters, observations,
 * degrees of freedom), so a damaged file fails here rather than as a bad fit.
 */
export function parseNistDat(text: string, name: string): NistProblem {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = (k: number): string => lines[k - 1] ?? '';

  const modelAt = lines.findIndex((l) => l.startsWith('Model:'));
  if (modelAt < 0) throw new Error(`${name}: no 'Model:' section`);
  const modelClass = lines[modelAt]!.slice('Model:'.length).trim();
  const countLine = lines[modelAt + 1] ?? '';
  const cm = /^\s*(\d+)\s+Parameters?\s*\(b1/.exec(countLine);
  if (cm === null) throw new Error(`${name}: expected 'N Parameters (b1 ...)' after 'Model:', found '${countLine.trim()}'`);
  const nParams = Number(cm[1]);
  const modelLines: string[] = [];
  for (let k = modelAt + 2; k < lines.length && !/Starting\s+values/i.test(lines[k]!); k++) {
    const t = lines[k]!.trim();
    if (t !== '') modelLines.push(t);
  }
  const model = modelLines.join(' ').replace(/\s+/g, ' ');

  const [s0, s1] = lineRange(lines, 'Starting Values', name);
  const [c0, c1] = lineRange(lines, 'Certified Values', name);
  const [d0, d1] = lineRange(lines, 'Data', name);
  if (s1 - s0 + 1 !== nParams) throw new Error(`${name}: ${nParams} parameters but starting values on lines ${s0}-${s1}`);
  if (c0 !== s0) throw new Error(`${name}: certified values are expected on the starting-value lines`);

  const start1: number[] = [];
  const start2: number[] = [];
  const certified: number[] = [];
  const certifiedSd: number[] = [];
  for (let j = 0; j < nParams; j++) {
    const l = at(s0 + j);
    const m = /^\s*b(\d+)\s*=\s*(.*)$/.exec(l);
    if (m === null || Number(m[1]) !== j + 1) throw new Error(`${name}, line ${s0 + j}: expected 'b${j + 1} = ...', found '${l.trim()}'`);
    const f = m[2]!.trim().split(/\s+/);
    if (f.length !== 4) throw new Error(`${name}, line ${s0 + j}: expected start 1, start 2, certified value and sd, found ${f.length} fields`);
    start1.push(num(f[0], `b${j + 1} start 1`, name));
    start2.push(num(f[1], `b${j + 1} start 2`, name));
    certified.push(num(f[2], `b${j + 1} certified`, name));
    certifiedSd.push(num(f[3], `b${j + 1} sd`, name));
  }
  const summary = lines.slice(s1, c1);
  const certifiedRss = labelled(summary, 'Residual Sum of Squares:', name);
  const residualSd = labelled(summary, 'Residual Standard Deviation:', name);
  const degreesOfFreedom = labelled(summary, 'Degrees of Freedom:', name);
  const nObs = labelled(summary, 'Number of Observations:', name);

  const header = at(d0 - 1);
  const hm = /^Data:\s+(.*)$/.exec(header);
  if (hm === null) throw new Error(`${name}, line ${d0 - 1}: expected the 'Data:  y  x ...' column header, found '${header.trim()}'`);
  const cols = hm[1]!.trim().split(/\s+/);
  if (cols[0] !== 'y' || cols.length < 2) throw new Error(`${name}: the data columns must be y then predictors, found '${cols.join(' ')}'`);
  const predictors = cols.slice(1);
  const n = d1 - d0 + 1;
  if (n !== nObs) throw new Error(`${name}: data lines ${d0}-${d1} hold ${n} rows, the header says ${nObs} observations`);
  // Degrees of freedom are not cross-checked here: Rat43.dat states 9 where its residual standard
  // deviation (and n - p) say 11, a slip in NIST's file. The test checks RSS against sd^2 (n - p).
  const nx = predictors.length;
  const y = new Float64Array(n);
  const x = new Float64Array(n * nx);
  for (let i = 0; i < n; i++) {
    const f = at(d0 + i).trim().split(/\s+/);
    if (f.length !== 1 + nx) throw new Error(`${name}, line ${d0 + i}: expected ${1 + nx} numbers, found ${f.length}`);
    y[i] = num(f[0], `line ${d0 + i} y`, name);
    for (let k = 0; k < nx; k++) x[i * nx + k] = num(f[1 + k], `line ${d0 + i} ${predictors[k]}`, name);
  }
  const trailing = lines.slice(d1).filter((l) => l.trim() !== '');
  if (trailing.length > 0) throw new Error(`${name}: unexpected text after the data (line ${d1 + 1}): '${trailing[0]!.trim()}'`);

  return { name, model, modelClass, nParams, start1, start2, certified, certifiedSd, certifiedRss, residualSd, degreesOfFreedom, predictors, n, y, x };
}

/** Every `.dat` file in the suite folder, parsed, in NIST's order of difficulty (see NIST_ORDER). */
export function loadNistSuite(dir = sharedFile('nist-strd')): NistProblem[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.dat'));
  const byName = new Map(files.map((f) => [f.slice(0, -4), parseNistDat(readFileSync(resolve(dir, f), 'utf8'), f.slice(0, -4))]));
  const unknown = [...byName.keys()].filter((k) => !NIST_ORDER.includes(k));
  if (unknown.length > 0) throw new Error(`${dir}: unexpected problem files: ${unknown.join(', ')}`);
  const missing = NIST_ORDER.filter((k) => !byName.has(k));
  if (missing.length > 0) throw new Error(`${dir}: missing problem files: ${missing.join(', ')}`);
  return NIST_ORDER.map((k) => byName.get(k)!);
}

// ---- the 27 models in the law language -------------------------------------------------------

/** NIST's listing order: Lower, Average, Higher difficulty. */
export const NIST_ORDER: readonly string[] = [
  'Misra1a', 'Chwirut2', 'Chwirut1', 'Lanczos3', 'Gauss1', 'Gauss2', 'DanWood', 'Misra1b',
  'Kirby2', 'Hahn1', 'Nelson', 'MGH17', 'Lanczos1', 'Lanczos2', 'Gauss3', 'Misra1c', 'Misra1d', 'Roszman1', 'ENSO',
  'MGH09', 'Thurber', 'BoxBOD', 'Rat42', 'MGH10', 'Eckerle4', 'Rat43', 'Bennett5',
];

// pi is not a name in the law language; a float64 literal is exact to the last bit that matters
// (NIST's own Roszman1 model line likewise defines pi as a number).
const PI = '3.141592653589793';

const lanczos = 'b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)';
const gauss = 'b1*exp(-b2*x) + b3*exp(-(x - b4)^2/b5^2) + b6*exp(-(x - b7)^2/b8^2)';
const cubicOverCubic = '(b1 + b2*x + b3*x^2 + b4*x^3)/(1 + b5*x + b6*x^2 + b7*x^3)';

/**
 * Each model transcribed by hand from its file's model line (the NIST text is in the comment).
 * Everything is a plain linear-space least-squares law on the file's y, except Nelson (below).
 */
const FORMULAS: Readonly<Record<string, string>> = {
  Misra1a: 'b1*(1 - exp(-b2*x))', //                               y = b1*(1-exp[-b2*x])
  Chwirut2: 'exp(-b1*x)/(b2 + b3*x)', //                            y = exp(-b1*x)/(b2+b3*x)
  Chwirut1: 'exp(-b1*x)/(b2 + b3*x)', //                            y = exp[-b1*x]/(b2+b3*x)
  Lanczos3: lanczos, //                                 y = b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)
  Gauss1: gauss, //          y = b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )
  Gauss2: gauss,
  DanWood: 'b1*x^b2', //                                            y = b1*x**b2
  Misra1b: 'b1*(1 - (1 + b2*x/2)^(-2))', //                         y = b1 * (1-(1+b2*x/2)**(-2))
  Kirby2: '(b1 + b2*x + b3*x^2)/(1 + b4*x + b5*x^2)', //            y = (b1 + b2*x + b3*x**2) / (1 + b4*x + b5*x**2)
  Hahn1: cubicOverCubic, //     y = (b1+b2*x+b3*x**2+b4*x**3) / (1+b5*x+b6*x**2+b7*x**3)
  // log[y] = b1 - b2*x1 * exp[-b3*x2]: residuals in log y. Declared as the law y = exp(...) fitted in
  // 'log' space, so the file's y goes in untouched, the host takes log y in float64, and the compiler's
  // log(exp(u)) = u makes the model in residual space exactly NIST's right-hand side.
  Nelson: 'exp(b1 - b2*x1*exp(-b3*x2))',
  MGH17: 'b1 + b2*exp(-x*b4) + b3*exp(-x*b5)', //                   y = b1 + b2*exp[-x*b4] + b3*exp[-x*b5]
  Lanczos1: lanczos,
  Lanczos2: lanczos,
  Gauss3: gauss,
  Misra1c: 'b1*(1 - (1 + 2*b2*x)^(-.5))', //                         y = b1 * (1-(1+2*b2*x)**(-.5))
  Misra1d: 'b1*b2*x*(1 + b2*x)^(-1)', //                             y = b1*b2*x*((1+b2*x)**(-1))
  // y = b1 - b2*x - arctan[b3/(x-b4)]/pi
  Roszman1: `b1 - b2*x - atan(b3/(x - b4))/${PI}`,
  // y = b1 + b2*cos( 2*pi*x/12 ) + b3*sin( 2*pi*x/12 ) + b5*cos( 2*pi*x/b4 ) + b6*sin( 2*pi*x/b4 )
  //        + b8*cos( 2*pi*x/b7 ) + b9*sin( 2*pi*x/b7 )
  ENSO:
    `b1 + b2*cos(2*${PI}*x/12) + b3*sin(2*${PI}*x/12)` +
    ` + b5*cos(2*${PI}*x/b4) + b6*sin(2*${PI}*x/b4)` +
    ` + b8*cos(2*${PI}*x/b7) + b9*sin(2*${PI}*x/b7)`,
  MGH09: 'b1*(x^2 + x*b2)/(x^2 + x*b3 + b4)', //                    y = b1*(x**2+x*b2) / (x**2+x*b3+b4)
  Thurber: cubicOverCubic, //   y = (b1 + b2*x + b3*x**2 + b4*x**3) / (1 + b5*x + b6*x**2 + b7*x**3)
  BoxBOD: 'b1*(1 - exp(-b2*x))', //                                 y = b1*(1-exp[-b2*x])
  Rat42: 'b1/(1 + exp(b2 - b3*x))', //                              y = b1 / (1+exp[b2-b3*x])
  MGH10: 'b1*exp(b2/(x + b3))', //                                  y = b1 * exp[b2/(x+b3)]
  Eckerle4: '(b1/b2)*exp(-0.5*((x - b3)/b2)^2)', //                 y = (b1/b2) * exp[-0.5*((x-b3)/b2)**2]
  Rat43: 'b1/(1 + exp(b2 - b3*x))^(1/b4)', //                       y = b1 / ((1+exp[b2-b3*x])**(1/b4))
  Bennett5: 'b1*(b2 + x)^(-1/b3)', //                               y = b1 * (b2+x)**(-1/b3)
};

const PARAM_COUNT: Readonly<Record<string, number>> = {
  Misra1a: 2, Chwirut2: 3, Chwirut1: 3, Lanczos3: 6, Gauss1: 8, Gauss2: 8, DanWood: 2, Misra1b: 2,
  Kirby2: 5, Hahn1: 7, Nelson: 3, MGH17: 5, Lanczos1: 6, Lanczos2: 6, Gauss3: 8, Misra1c: 2, Misra1d: 2, Roszman1: 4, ENSO: 9,
  MGH09: 4, Thurber: 7, BoxBOD: 2, Rat42: 3, MGH10: 3, Eckerle4: 3, Rat43: 4, Bennett5: 3,
};

/** The LawDeclaration of one NIST problem: inputs x (or x1, x2), parameters b1..bk, no transforms, nothing fixed. */
export function nistLaw(name: string): LawDeclaration {
  const formula = FORMULAS[name];
  const k = PARAM_COUNT[name];
  if (formula === undefined || k === undefined) throw new Error(`no NIST law '${name}'`);
  const inputs = name === 'Nelson' ? [{ name: 'x1' }, { name: 'x2' }] : [{ name: 'x' }];
  return {
    name: `nist-${name}`,
    formula,
    inputs,
    params: Array.from({ length: k }, (_, j) => ({ name: `b${j + 1}` })),
    space: name === 'Nelson' ? 'log' : 'linear',
    description: `NIST StRD nonlinear regression problem ${name}`,
    citation: 'NIST Statistical Reference Datasets, nonlinear regression',
  };
}

export const NIST_LAWS: Readonly<Record<string, LawDeclaration>> = Object.fromEntries(NIST_ORDER.map((k) => [k, nistLaw(k)]));

// ---- data in lawfit's form -------------------------------------------------------------------

export function nistDataset(problem: NistProblem): Dataset {
  return {
    source: `nist-strd:${problem.name}.dat`,
    inputNames: problem.predictors,
    inputExpressions: problem.predictors,
    targetExpression: 'y',
    n: problem.n,
    inputs: problem.x,
    y: problem.y,
    rowNumbers: Int32Array.from({ length: problem.n }, (_, i) => i + 1),
  };
}

/** Residual sum of squares of a compiled law at natural parameter values (in the law's residual space). */
export function rssAt(law: CompiledLaw, data: PreparedData, natural: readonly number[]): number {
  const u = Float64Array.from(natural);
  const nF = law.js.nFeatures;
  let s = 0;
  for (let i = 0; i < data.n; i++) {
    const r = data.yt[i]! - law.js.value(u, data.X, i * nF);
    s += r * r;
  }
  return s;
}

// ---- scoring -------------------------------------------------------------------------------------

export const LRE_CAP = 11;

/** NIST's log relative error, -log10(|estimate - certified| / |certified|), capped at 11; 0 when not finite. */
export function lre(estimate: number, certified: number): number {
  if (!Number.isFinite(estimate)) return 0;
  const err = Math.abs(estimate - certified);
  if (err === 0) return LRE_CAP;
  const rel = certified === 0 ? err : err / Math.abs(certified);
  return Math.max(0, Math.min(LRE_CAP, -Math.log10(rel)));
}

// ---- running the suite ---------------------------------------------------------------------------

/** The tolerances of the reference runs (scipy/MINPACK at 1e-15), with room to iterate. */
export const NIST_LM_OPTIONS: Readonly<Partial<LmOptions>> = Object.freeze({
  ftol: 1e-15,
  xtol: 1e-15,
  gtol: 1e-15,
  maxIterations: 10_000,
});

export interface NistRun {
  problem: string;
  start: 1 | 2;
  estimate: number[];
  lre: number[];
  minLre: number;
  status: string;
  iterations: number;
  rss: number;
  certifiedRss: number;
}

/** Fit one problem from both official starts (one batch of two starts). */
export function runNistProblem(problem: NistProblem, options: Partial<LmOptions>): NistRun[] {
  const decl = NIST_LAWS[problem.name];
  if (decl === undefined) throw new Error(`no law for NIST problem ${problem.name}`);
  const law = compileLaw(decl);
  const data = prepareData(law, nistDataset(problem));
  const starts = makeStarts(law, { kind: 'points', points: [problem.start1, problem.start2] });
  const batch: BatchProblem = {
    law,
    data,
    starts: starts.u,
    nStarts: starts.count,
    weights: data.baseWeights,
    nWeightSets: 1,
    options: resolveLmOptions(options),
  };
  const p = law.free.length;
  const out = allocateBatchResult(starts.count, p);
  solveRange(batch, 0, starts.count, out);
  return ([1, 2] as const).map((start, s) => {
    const estimate = Array.from(naturalFromInternal(law, out.u.subarray(s * p, (s + 1) * p)));
    const lres = estimate.map((v, j) => lre(v, problem.certified[j]!));
    return {
      problem: problem.name,
      start,
      estimate,
      lre: lres,
      minLre: Math.min(...lres),
      status: statusInfo(out.status[s]!).name,
      iterations: out.iterations[s]!,
      rss: 2 * out.cost[s]!, // cost = RSS / 2 for the plain least-squares loss
      certifiedRss: problem.certifiedRss,
    };
  });
}

export function runNistSuite(problems: readonly NistProblem[], options: Partial<LmOptions>): NistRun[] {
  return problems.flatMap((pr) => runNistProblem(pr, options));
}

export interface NistSummary {
  runs: number;
  atLeast4: number;
  atLeast6: number;
  below4: NistRun[];
  below6: NistRun[];
}

export function summarise(runs: readonly NistRun[]): NistSummary {
  return {
    runs: runs.length,
    atLeast4: runs.filter((r) => r.minLre >= 4).length,
    atLeast6: runs.filter((r) => r.minLre >= 6).length,
    below4: runs.filter((r) => r.minLre < 4),
    below6: runs.filter((r) => r.minLre < 6),
  };
}

export const runLabel = (r: NistRun): string => `${r.problem}/${r.start}`;

/** The per-run digits table (one line per run) and a summary line. */
export function formatNistTable(title: string, runs: readonly NistRun[]): string {
  const head = ['problem', 'start', 'min LRE', 'status', 'iters', 'RSS', 'certified RSS', 'RSS LRE'];
  const rows = runs.map((r) => [
    r.problem,
    String(r.start),
    r.minLre.toFixed(1),
    r.status,
    String(r.iterations),
    r.rss.toExponential(10),
    r.certifiedRss.toExponential(10),
    lre(r.rss, r.certifiedRss).toFixed(1),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const fmt = (row: readonly string[]): string => row.map((v, c) => (c === 0 || c === 3 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  const s = summarise(runs);
  const iters = runs.reduce((a, r) => a + r.iterations, 0);
  return [
    `== ${title}`,
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...rows.map(fmt),
    `>= 4 digits: ${s.atLeast4}/${s.runs}   >= 6 digits: ${s.atLeast6}/${s.runs}   iterations: ${iters}`,
    `below 6 digits: ${s.below6.map((r) => `${runLabel(r)} (${r.minLre.toFixed(1)}, ${r.status}, RSS ${r.rss.toExponential(4)})`).join(', ') || 'none'}`,
  ].join('\n');
}
