/**
 * The `--per COL:P1,P2` flag of fit (its row: src/run-spec/run-options.ts): load the data with the
 * group column's labels and make the named parameters per-group (law/groups.ts).
 */
import { loadDataset, type DataSpec, type Dataset } from '../data/index.js';
import type { CompiledLaw } from '../law/compile.js';
import { checkClusterDesign, mergePer, perGroup, type PerGroupSpec } from '../law/groups.js';

type Format = Parameters<typeof loadDataset>[3];

/** Load FILE for `law`; with --per, also the group column, and return the grouped law and data. */
export async function loadForLaw(file: string, spec: DataSpec, law: CompiledLaw, format: Format, perFlag: PerGroupSpec | undefined, indexed?: PerGroupSpec): Promise<{ law: CompiledLaw; dataset: Dataset }> {
  const per = mergePer(perFlag, indexed);
  if (per === undefined) return { law, dataset: await loadDataset(file, spec, law.inputNames, format) };
  const dataset = await loadDataset(file, { ...spec, group: spec.group ?? per.column }, law.inputNames, format);
  // The design's cluster column (spec.group) may differ from the --per column: read that one too.
  const labels = dataset.groupColumn === per.column ? dataset.groups : (await loadDataset(file, { ...spec, group: per.column }, law.inputNames, format)).groups;
  const grouped = perGroup(law, dataset, per, labels);
  checkClusterDesign(grouped.law, spec.group);
  return grouped;
}
