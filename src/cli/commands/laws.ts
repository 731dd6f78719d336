/** `lawfit laws [NAME]`: the built-in catalogue, or one law in full. */
import { parseFlags } from '../parse-flags.js';
import { lossInfo } from '../../fit/losses.js';
import { LAW_FAMILIES, type LawDeclaration } from '../../law/declaration.js';
import { describeTransform, NO_TRANSFORM } from '../../law/transforms.js';
import { BUILTIN_LAWS, findLaw, lawsByFamily } from '../../laws/index.js';
import { formatNumber } from '../../report/text.js';
import type { Io } from '../io.js';
import { formatCount } from '../../util/format-count.js';

export const LAWS_USAGE = `usage: lawfit laws [NAME]

List the built-in laws grouped by family (loss, downstream, data, hyperparameters, sampling,
precision, architecture), one line each; or show one: family, formula, parameters, defaults,
start grid and reference.
`;

/** Number of points in a declaration's default start grid (product over free parameters). */
export function gridSize(d: LawDeclaration): number {
  return d.params.filter((p) => p.fixed === undefined).reduce((n, p) => n * Math.max(1, p.start?.length ?? 1), 1);
}

export function describeLaw(d: LawDeclaration): string {
  const lines: string[] = [];
  lines.push(`${d.name}: ${d.description ?? ''}`);
  const family = LAW_FAMILIES.find((f) => f.id === d.family);
  if (family !== undefined) lines.push(`  family:     ${family.label}`);
  if (d.display !== undefined) lines.push(`  law:        ${d.display}`);
  lines.push(`  formula:    ${d.formula.split('\n').map((l) => l.trim()).filter((l) => l !== '').join('\n              ')}`);
  lines.push(`  inputs:     ${d.inputs.map((i) => `${i.name}${i.description !== undefined ? ` (${i.description}${i.unit !== undefined ? `, ${i.unit}` : ''})` : ''}`).join('; ')}`);
  lines.push(`  residuals:  ${d.space} space; default loss ${d.defaultLoss ?? 'linear'}${d.defaultLoss !== undefined ? ` (${lossInfo(d.defaultLoss.split(':')[0] as 'huber').summary})` : ''}`);
  lines.push('  parameters:');
  const w = Math.max(...d.params.map((p) => p.name.length));
  for (const p of d.params) {
    const t = describeTransform(p.transform ?? NO_TRANSFORM);
    const fixed = p.fixed !== undefined ? `fixed at ${formatNumber(p.fixed, 8)}` : t;
    const start = p.start !== undefined ? `starts {${p.start.map((v) => formatNumber(v, 4)).join(', ')}}` : 'no start axis';
    const range = p.range !== undefined ? `, range [${formatNumber(p.range[0], 4)}, ${formatNumber(p.range[1], 4)}]` : '';
    lines.push(`    ${p.name.padEnd(w)}  ${fixed}; ${start}${range}${p.description !== undefined ? `  — ${p.description}` : ''}`);
  }
  lines.push(`  start grid: ${formatCount(gridSize(d))} points${d.screen !== undefined ? `, LM from the best ${d.screen} by starting objective` : ''}`);
  if (d.startNote !== undefined) lines.push(`              ${d.startNote}`);
  if (d.citation !== undefined) lines.push(`  reference:  ${d.citation}`);
  return lines.join('\n') + '\n';
}

export async function lawsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags({ args: argv, allowPositionals: true, strict: true, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.out(LAWS_USAGE);
    return 0;
  }
  if (positionals.length > 0) {
    for (const name of positionals) io.out(describeLaw(findLaw(name)));
    return 0;
  }
  const w = Math.max(...BUILTIN_LAWS.map((d) => d.name.length));
  io.out('Built-in laws by family (lawfit laws NAME for details):\n');
  for (const group of lawsByFamily()) {
    io.out(`\n${group.label}\n`);
    for (const d of group.items) {
      const inputs = d.inputs.map((i) => i.name).join(',');
      const free = d.params.filter((p) => p.fixed === undefined).length;
      io.out(`  ${d.name.padEnd(w)}  (${inputs}) ${String(free).padStart(2)} params  ${d.description ?? ''}\n`);
    }
  }
  return Promise.resolve(0);
}
