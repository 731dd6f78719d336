/**
 * The `--per COL:P1,P2` flag of fit and compare: load the data with the group column's labels and
 * make the named parameters per-group (law/groups.ts). One place, so both commands read, check and
 * describe the flag the same way.
 */
import { loadDataset, type DataSpec, type Dataset } from '../data/index.js';
import type { CompiledLaw } from '../law/compile.js';
import { checkClusterDesign, mergePer, parsePerFlag, perGroup, type PerGroupSpec } from '../law/groups.js';

export const PER_USAGE = `  --per COL:P1,P2         per-group parameters: P1, P2 take one value per value of column COL
                          (shown as P1[value]); every other parameter is shared. Starts: the
                          shared law's, copied to each group. In a --formula, E[COL] says the same
`;

export const PER_PARSE_OPTIONS = { per: { type: 'string' } } as const;

type Format = Parameters<typeof loadDataset>[3];

/** Load FILE for `law`; with --per, also the group column, and return the grouped law and data. */
export async function loadForLaw(file: string, spec: DataSpec, law: CompiledLaw, format: Format, perText: string | undefined, indexed?: PerGroupSpec): Promise<{ law: CompiledLaw; dataset: Dataset }> {
  const per = mergePer(perText === undefined ? undefined : parsePerFlag(perText), indexed);
  if (per === undefined) return { law, dataset: await loadDataset(file, spec, law.inputNames, format) };
  const dataset = await loadDataset(file, { ...spec, group: spec.group ?? per.column }, law.inputNames, format);
  // The design's cluster column (spec.group) may differ from the --per column: read that one too.
  const labels = dataset.groupColumn === per.column ? dataset.groups : (await loadDataset(file, { ...spec, group: per.column }, law.inputNames, format)).groups;
  const grouped = perGroup(law, dataset, per, labels);
  checkClusterDesign(grouped.law, spec.group);
  return grouped;
}
