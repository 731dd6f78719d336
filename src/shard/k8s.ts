/**
 * A Kubernetes Indexed Job for a sweep: N pods, each given its completion index in
 * JOB_COMPLETION_INDEX (Kubernetes sets it for completionMode: Indexed), each running
 * `lawfit sweep SPEC --out OUT --shard auto/N` on a shared volume; `lawfit merge` joins them
 * afterwards. The same contract as a Slurm array: only the index variable differs.
 * https://kubernetes.io/docs/concepts/workloads/controllers/job/#completion-mode
 */

export interface IndexedJobOptions {
  name: string;
  shards: number;
  parallelism: number;
  image: string;
  /** The sweep spec and the artifact, as paths inside the container (on the shared volume). */
  spec: string;
  out: string;
  claim: string;
  mountPath: string;
  /** Retries per index (backoffLimitPerIndex, Kubernetes >= 1.29). */
  retries: number;
}

export function indexedJobManifest(o: IndexedJobOptions): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, labels: { app: 'lawfit' } },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.parallelism,
      backoffLimitPerIndex: o.retries,
      template: {
        metadata: { labels: { app: 'lawfit' } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'lawfit',
              image: o.image,
              workingDir: o.mountPath,
              command: ['lawfit', 'sweep', o.spec, '--out', o.out, '--shard', `auto/${o.shards}`],
              volumeMounts: [{ name: 'work', mountPath: o.mountPath }],
            },
          ],
          volumes: [{ name: 'work', persistentVolumeClaim: { claimName: o.claim } }],
        },
      },
    },
  };
}

/**
 * Plain data (objects, arrays, strings, numbers, booleans) as block YAML. Strings are written
 * double-quoted with JSON's escapes, which YAML reads the same way, so no string can be mistaken
 * for a number, a boolean or a key.
 */
export function toYaml(v: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  const scalar = (x: unknown): string => (typeof x === 'string' ? JSON.stringify(x) : String(x));
  const isEmpty = (x: unknown): boolean => (Array.isArray(x) ? x.length === 0 : x !== null && typeof x === 'object' && Object.keys(x).length === 0);
  const inline = (x: unknown): string | undefined => (x === null || typeof x !== 'object' ? scalar(x) : isEmpty(x) ? (Array.isArray(x) ? '[]' : '{}') : undefined);
  if (Array.isArray(v)) {
    return v
      .map((x) => {
        const s = inline(x);
        if (s !== undefined) return `${pad}- ${s}\n`;
        const body = toYaml(x, indent + 2);
        return `${pad}- ${body.slice(indent + 2)}`;
      })
      .join('');
  }
  if (v !== null && typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => {
        const s = inline(x);
        return s !== undefined ? `${pad}${k}: ${s}\n` : `${pad}${k}:\n${toYaml(x, indent + 2)}`;
      })
      .join('');
  }
  return `${pad}${scalar(v)}\n`;
}
