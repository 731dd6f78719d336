/**
 * The true parameter values of a fit, when they are known: the data is the built-in synthetic
 * example (app/src/example.ts, recognised by its SHA-256, so a copy saved and dropped back in counts
 * too) and the law is the one the example was drawn from. The CLI's `lawfit demo` passes the same
 * values (HOFFMANN_TRUTH) to summarizeFit; with them in FitSummary.truth, the report prints them
 * beside the estimates and counts the intervals that cover them, the artifact records them and
 * the bootstrap histograms draw them.
 *
 * "The law the example was drawn from" is decided by evaluation, not by name: every free parameter
 * must have a true value, and the law at those values must give the ladder's noise-free loss at
 * every run it is fitted to, with the target being the file's loss column. So a typed formula
 * `E + A/N^alpha + B/D^beta` gets the truth, while a law that merely shares parameter names
 * (E + A/N^alpha), swapped input columns, a transformed target or a parameter fixed away from its
 * true value do not.
 */
import { sha256Hex, type Dataset } from '../../../src/data/index.js';
import { chinchillaLadder, HOFFMANN_TRUTH } from '../../../src/examples/chinchilla-ladder.js';
import { internalFromNatural, type CompiledLaw } from '../../../src/law/compile.js';
import { exampleCsv } from '../example.js';

/** Agreement between the law at the truth and the noise-free ladder: far above rounding, far below any real misfit. */
const TOLERANCE = 1e-9;

let exampleDigest: Promise<string> | undefined;

/** The truth for `law` fitted to `dataset` read from a file with SHA-256 `digest`, or undefined when it is not known. */
export async function knownTruth(law: CompiledLaw, dataset: Dataset, digest: string): Promise<Record<string, number> | undefined> {
  exampleDigest ??= sha256Hex(exampleCsv());
  if (digest !== (await exampleDigest)) return undefined;
  const truth: Readonly<Record<string, number>> = HOFFMANN_TRUTH;
  if (!law.free.every((f) => f.name in truth)) return undefined;
  const values = law.free.map((f) => truth[f.name]!);
  const u = internalFromNatural(law, values);
  if (!u.every(Number.isFinite)) return undefined;
  const observed = chinchillaLadder();
  const exact = chinchillaLadder({ noise: 0 });
  // The ladder's runs by the row they take in its CSV file (the ladder numbers them as the file does).
  const runOfRow = new Map(Array.from(observed.rowNumbers, (row, k) => [row, k]));
  const X = law.js.features(dataset.inputs, law.inputNames.length, dataset.n);
  for (let i = 0; i < dataset.n; i++) {
    const k = runOfRow.get(dataset.rowNumbers[i]!);
    if (k === undefined || dataset.y[i] !== observed.y[k]) return undefined;
    const f = law.js.prediction(u, X, i * law.js.nFeatures);
    if (!(Math.abs(f - exact.y[k]!) <= TOLERANCE * Math.abs(exact.y[k]!))) return undefined;
  }
  return Object.fromEntries(law.free.map((f, j) => [f.name, values[j]!]));
}
