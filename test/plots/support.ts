/**
 * Shared fixtures for the plot tests: one bootstrapped fit of the chinchilla law to the synthetic
 * ladder (small enough to run in seconds, with truth), and counting the marks Vega drew in an SVG.
 */
import { HOFFMANN_TRUTH, chinchillaLadder } from '../../src/examples/chinchilla-ladder.js';
import { poolEngine } from '../../src/fit/cpu/pool.js';
import { compileLaw } from '../../src/law/compile.js';
import { findLaw } from '../../src/laws/index.js';
import { resolveBootstrapFlags, runBootstrap, summarizeBootstrap } from '../../src/cli/bootstrap-flags.js';
import { summarizeFit } from '../../src/report/summary.js';
import { plotInputsFromFit, type PlotInputs } from '../../src/plots/inputs.js';

export const LADDER_RUNS = 56;
export const REPLICATES = 40;

let cached: Promise<PlotInputs> | undefined;

/** The ladder fitted with a 40-replicate bootstrap (computed once per test file). */
export function ladderInputs(): Promise<PlotInputs> {
  cached ??= (async () => {
    const law = compileLaw(findLaw('chinchilla'));
    const data = chinchillaLadder();
    const boot = resolveBootstrapFlags({ bootstrap: String(REPLICATES) })!;
    const b = await runBootstrap(law, data, boot, 3, { starts: { kind: 'default' }, lm: {}, engine: poolEngine({ threads: 1 }) });
    const summary = summarizeFit(b.fit, { ...HOFFMANN_TRUTH });
    summary.bootstrap = summarizeBootstrap(b, boot, 3);
    return plotInputsFromFit(b.fit, summary);
  })();
  return cached;
}

/**
 * Items Vega drew as marks of one type (`symbol` for points, `rule`, `text`, `rect` for bars,
 * `area`, `line`): the children of every `<g class="mark-TYPE role-mark ...">` group.
 */
export function countMarks(svg: string, type: string): number {
  let count = 0;
  const open = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>`, 'g');
  for (const m of svg.matchAll(open)) {
    const start = m.index + m[0].length;
    const end = svg.indexOf('</g>', start);
    const body = svg.slice(start, end);
    count += (body.match(type === 'text' ? /<text/g : type === 'rule' ? /<line/g : /<path/g) ?? []).length;
  }
  return count;
}

/** The texts of an SVG (axis titles, labels, titles), unescaped enough for matching. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&#x27;|&apos;/g, "'"));
}
