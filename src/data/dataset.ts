/**
 * A dataset as the engines see it: validated, numeric, mapped onto a law's inputs. Produced by the
 * loaders in this folder from CSV/TSV/JSON/JSONL files or from in-memory rows; nothing downstream
 * parses text again.
 */

export interface Dataset {
  /** Where the rows came from: a file path, or a label such as `synthetic:chinchilla-ladder`. */
  source: string;
  /** The law's input names, in the order of the columns of `inputs`. */
  inputNames: readonly string[];
  /** What each input was computed from (`N_params`, `D_tokens / N_params`, ...). */
  inputExpressions: readonly string[];
  /** The target column (or expression). */
  targetExpression: string;
  /** The weights column, if any. */
  weightExpression?: string;
  /** The row filter, if any. */
  where?: string;
  /** Number of rows kept (after filtering). */
  n: number;
  /** Raw input values, row-major: n x inputNames.length. */
  inputs: Float64Array;
  /** Observed targets. */
  y: Float64Array;
  /** Observation weights (>= 0), if a weights column was given. */
  weights?: Float64Array;
  /** For each kept row, its row number in the source (1-based, as a person counts lines; CSV header is row 1). */
  rowNumbers: Int32Array;
  /** Optional group label per kept row (cluster bootstrap, leave-one-group-out). */
  groups?: readonly string[];
  /** The column `groups` was read from, if any. */
  groupColumn?: string;
  /** SHA-256 (hex) of the source bytes, for artifacts; undefined for in-memory data. */
  digest?: string;
}
