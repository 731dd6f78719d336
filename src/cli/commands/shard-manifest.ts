/**
 * `lawfit shard-manifest --k8s SPEC.json --shards N [...]`: a Kubernetes Indexed Job (shard/k8s.ts)
 * that runs the sweep SPEC as N shards, printed (or written with --out) as YAML or JSON.
 */
import { parseFlags } from '../parse-flags.js';
import { LawfitError } from '../../errors.js';
import { readFileBytes } from '../../data/index.js';
import { writeTextFileAtomically } from '../../report/artifact-file.js';
import { indexedJobManifest, toYaml } from '../../shard/k8s.js';
import { parseSweepSpec, sweepCombinations } from '../../shard/sweep.js';
import { parsePositiveInt } from '../args.js';
import type { Io } from '../io.js';
import { LAWFIT_VERSION } from '../../version.js';

export const SHARD_MANIFEST_USAGE = `usage: lawfit shard-manifest --k8s SPEC.json --shards N [options]

A Kubernetes Indexed Job that runs the sweep SPEC as N shards ('lawfit sweep SPEC --shard auto/N',
the index from JOB_COMPLETION_INDEX) on a shared volume; merge afterwards with
'lawfit merge OUT-directory'.

  --k8s SPEC          the sweep spec, as its path inside the container (relative to --mount)
  --shards N          completions: how many shards (at most the sweep's combinations)
  --parallelism P     pods at once (default N)
  --image IMAGE       a container image with lawfit installed (default lawfit:${LAWFIT_VERSION})
  --sweep-out FILE    the sweep's artifact inside the container (default sweep.json)
  --claim NAME        the PersistentVolumeClaim holding spec, data and results (default lawfit-work)
  --mount DIR         where it is mounted, the pods' working directory (default /work)
  --retries K         retries per index (backoffLimitPerIndex, default 1)
  --name NAME         the Job's name (default lawfit-sweep)
  --format F          yaml (default) or json
  --out FILE          write the manifest here instead of printing it
`;

export async function shardManifestCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      k8s: { type: 'string' },
      shards: { type: 'string' },
      parallelism: { type: 'string' },
      image: { type: 'string' },
      'sweep-out': { type: 'string' },
      claim: { type: 'string' },
      mount: { type: 'string' },
      retries: { type: 'string' },
      name: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(SHARD_MANIFEST_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new LawfitError('bad-option', `shard-manifest: unexpected ${positionals.join(' ')} (the spec goes after --k8s)`);
  if (values.k8s === undefined) throw new LawfitError('bad-option', `shard-manifest: --k8s SPEC.json is required (the only target so far)\n\n${SHARD_MANIFEST_USAGE}`);
  if (values.shards === undefined) throw new LawfitError('bad-option', 'shard-manifest: --shards N is required');
  const shards = parsePositiveInt('--shards', values.shards);
  // Read the spec here too: a manifest for a spec that does not parse, or for more shards than combinations, would fail in every pod.
  const spec = parseSweepSpec(new TextDecoder().decode(await readFileBytes(values.k8s)), values.k8s);
  const combos = sweepCombinations(spec).length;
  if (shards > combos) throw new LawfitError('bad-option', `--shards ${shards}: the sweep has ${combos} combinations; use at most ${combos} shards`);
  const format = values.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new LawfitError('bad-option', `--format: expected yaml or json, got '${format}'`);
  const manifest = indexedJobManifest({
    name: values.name ?? 'lawfit-sweep',
    shards,
    parallelism: values.parallelism !== undefined ? parsePositiveInt('--parallelism', values.parallelism) : shards,
    image: values.image ?? `lawfit:${LAWFIT_VERSION}`,
    spec: values.k8s,
    out: values['sweep-out'] ?? 'sweep.json',
    claim: values.claim ?? 'lawfit-work',
    mountPath: values.mount ?? '/work',
    retries: values.retries !== undefined ? parsePositiveInt('--retries', values.retries) : 1,
  });
  const text = format === 'json' ? JSON.stringify(manifest, null, 2) + '\n' : toYaml(manifest);
  if (values.out !== undefined) {
    await writeTextFileAtomically(values.out, text);
    io.out(`wrote ${values.out}\n`);
  } else io.out(text);
  return 0;
}
