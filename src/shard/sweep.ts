/**
 * Sweeps: many (dataset, target, law) combinations of one command (`fit` or `compare`) described in
 * one JSON file, run one after another, or split over a job array by combination (--shard K/N).
 *
 *   {
 *     "command": "fit",                       // or "compare"; default fit
 *     "datasets": [{ "name": "rpj", "file": "runs.csv", "where": "train_dataset == 'rpj'" }],
 *     "targets": ["loss_c4_val", "loss_openlm"],
 *     "laws": [{ "name": "chinchilla", "args": ["--law", "chinchilla", "--x", "N=N_params,D=D_tokens"] }],
 *     "args": ["--starts", "sobol:16"]        // given to every combination
 *   }
 *
 * A dataset may carry its own "args"; a law may be a plain name (`--law NAME` for fit, `--laws
 * NAME` for compare). Files are relative to the spec's directory. Combinations are numbered
 * datasets x targets x laws, the law varying fastest; each is the command's own argv
 * (combinationArgv), so a combination's result is exactly what `lawfit fit ...` gives for it.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { LawfitError } from '../errors.js';
import { artifactHeader, type ArtifactHeader } from '../report/artifact.js';
import type { ShardArtifact } from './artifact.js';

export const SWEEP_FORMAT = 'lawfit-sweep';
export const SWEEP_FORMAT_VERSION = 1;
export const SWEEP_COMMANDS = ['fit', 'compare'] as const;
export type SweepCommand = (typeof SWEEP_COMMANDS)[number];

export interface SweepDataset {
  name: string;
  file: string;
  where?: string;
  args?: string[];
}

export interface SweepLaw {
  name: string;
  args: string[];
}

export interface SweepSpec {
  command: SweepCommand;
  datasets: SweepDataset[];
  targets: string[];
  laws: SweepLaw[];
  args: string[];
}

export interface Combination {
  index: number;
  id: string;
  dataset: string;
  target: string;
  law: string;
  /** The command's argv (after `lawfit`), without --out. */
  argv: string[];
}

export interface CombinationResult extends Combination {
  /** The command's exit code: 0 done, 2 bad input (e.g. too few runs), 1 internal error. */
  exitCode: number;
  /** The artifact the command wrote (exit code 0). */
  artifact?: unknown;
  /** The command's error line (exit code not 0). */
  error?: string;
}

export interface SweepArtifact extends ArtifactHeader<typeof SWEEP_FORMAT> {
  command: string[];
  spec: SweepSpec;
  specDigest: string;
  combinations: CombinationResult[];
}

const bad = (file: string, detail: string): never => {
  throw new LawfitError('data-parse', `${file}: ${detail}`);
};

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Read and check a sweep spec; `file` names it in errors, and resolves the data files' paths. */
export function parseSweepSpec(text: string, file: string): SweepSpec {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return bad(file, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) bad(file, 'expected an object with "datasets", "targets" and "laws"');
  const known = ['command', 'datasets', 'targets', 'laws', 'args'];
  const extra = Object.keys(o).filter((k) => !known.includes(k));
  if (extra.length > 0) bad(file, `unknown key "${extra[0]}" (expected ${known.join(', ')})`);
  const command = o.command ?? 'fit';
  if (!SWEEP_COMMANDS.includes(command as SweepCommand)) bad(file, `"command": expected "fit" or "compare", got ${JSON.stringify(command)}`);
  const list = (key: string): unknown[] => {
    const v = o[key];
    if (!Array.isArray(v) || v.length === 0) bad(file, `"${key}": expected a non-empty array`);
    return v as unknown[];
  };
  const base = dirname(file);
  const datasets = list('datasets').map((d, i): SweepDataset => {
    const x = d as Record<string, unknown>;
    if (x === null || typeof x !== 'object' || typeof x.file !== 'string') return bad(file, `"datasets"[${i}]: expected { "name", "file", "where"?, "args"? }`);
    if (x.where !== undefined && typeof x.where !== 'string') bad(file, `"datasets"[${i}].where: expected a string`);
    if (x.args !== undefined && !isStringArray(x.args)) bad(file, `"datasets"[${i}].args: expected an array of strings`);
    return {
      name: typeof x.name === 'string' ? x.name : x.file,
      file: isAbsolute(x.file) ? x.file : resolve(base, x.file),
      ...(x.where !== undefined ? { where: x.where as string } : {}),
      ...(x.args !== undefined ? { args: x.args as string[] } : {}),
    };
  });
  const targets = list('targets').map((t, i) => (typeof t === 'string' && t.trim() !== '' ? t : bad(file, `"targets"[${i}]: expected a column name or expression`)));
  const laws = list('laws').map((l, i): SweepLaw => {
    if (typeof l === 'string') return { name: l, args: [command === 'compare' ? '--laws' : '--law', l] };
    const x = l as Record<string, unknown>;
    if (x === null || typeof x !== 'object' || typeof x.name !== 'string' || !isStringArray(x.args)) return bad(file, `"laws"[${i}]: expected a law name or { "name", "args": [...] }`);
    return { name: x.name, args: x.args };
  });
  const args = o.args ?? [];
  if (!isStringArray(args)) bad(file, '"args": expected an array of strings');
  for (const [key, names] of [['datasets', datasets.map((d) => d.name)], ['laws', laws.map((l) => l.name)], ['targets', targets]] as const) {
    const dup = names.find((nm, k) => names.indexOf(nm) !== k);
    if (dup !== undefined) bad(file, `"${key}": '${dup}' appears twice (combination ids must be unique)`);
  }
  return { command: command as SweepCommand, datasets, targets, laws, args: args as string[] };
}

/** Every combination, in order (datasets x targets x laws, the law fastest). */
export function sweepCombinations(spec: SweepSpec): Combination[] {
  const out: Combination[] = [];
  for (const d of spec.datasets) {
    for (const t of spec.targets) {
      for (const l of spec.laws) {
        out.push({
          index: out.length,
          id: `${d.name}/${t}/${l.name}`,
          dataset: d.name,
          target: t,
          law: l.name,
          argv: [spec.command, d.file, ...(d.where !== undefined ? ['--where', d.where] : []), ...(d.args ?? []), '--y', t, ...l.args, ...spec.args],
        });
      }
    }
  }
  return out;
}

export interface SweepShardPayload {
  /** The sweep artifact's fields but the combinations. */
  head: Omit<SweepArtifact, 'combinations'>;
  combinations: CombinationResult[];
}

export function makeSweepArtifact(command: string[], spec: SweepSpec, specDigest: string, combinations: CombinationResult[]): SweepArtifact {
  return { ...artifactHeader(SWEEP_FORMAT, SWEEP_FORMAT_VERSION), command, spec, specDigest, combinations };
}

/** The single-machine sweep artifact from a complete, checked set of sweep shards (in index order). */
export function mergeSweepShards(shards: ReadonlyArray<ShardArtifact<SweepShardPayload>>): SweepArtifact {
  const head = shards[0]!.payload.head;
  return makeSweepArtifact(head.command, head.spec, head.specDigest, shards.flatMap((s) => s.payload.combinations));
}
