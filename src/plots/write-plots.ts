/**
 * Writing a set of plots as SVG files into a directory (Node only; the browser app renders the
 * same specs itself). The directory is created if needed; each file is rendered in full, then
 * written atomically (write-atomic.ts), so a failure or Ctrl-C never leaves a truncated SVG.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LawfitError } from '../errors.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import type { NamedPlot } from './plot-set.js';
import { renderSvg } from './render.js';

/** Render and write each plot as DIR/file; returns the paths written, in order. */
export async function writePlots(dir: string, plots: readonly NamedPlot[]): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new LawfitError('bad-option', `--plots ${dir}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const written: string[] = [];
  for (const plot of plots) {
    const svg = await renderSvg(plot.spec);
    const path = join(dir, plot.file);
    try {
      await writeFileAtomic(path, svg);
    } catch (e) {
      throw new LawfitError('bad-option', `${path}: cannot write the plot (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    written.push(path);
  }
  return written;
}
