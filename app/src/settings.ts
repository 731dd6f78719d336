/**
 * The page's settings: everything a user chooses except the data itself (the column mapping, the
 * laws and formula, the run options). One shape serves the share link (share.ts) and the run
 * request, so a shared link restores exactly what the run used. Defaults live here, once.
 */
import { DEFAULT_ISOFLOP_SETTINGS, type IsoflopSettings } from './isoflop-settings.js';

export type EngineChoice = 'auto' | 'webgpu' | 'cpu';

export interface FormulaSettings {
  /** The formula text in the law language. */
  text: string;
  /** Names in the formula that are inputs (mapped to columns in step 1); the rest are parameters. */
  inputs: string[];
  /** Parameters kept positive (fitted as log). */
  positive: string[];
  /** Start ranges the user edited, natural units. */
  ranges: Record<string, [number, number]>;
}

export interface Settings {
  /** Law input name -> column or expression (the CLI's --x, one entry per input). */
  x: Record<string, string>;
  y: string;
  where: string;
  holdout: string;
  /** Ticked built-in laws, by name. */
  laws: string[];
  /** Typed laws, in page order (labelled formula-1, formula-2, ...). */
  formulas: FormulaSettings[];
  /** The IsoFLOP mode's form (isoflop-settings.ts). */
  isoflop: IsoflopSettings;
  /** Bootstrap replicates; 0 runs no bootstrap. */
  replicates: number;
  /** Interval level in percent, as the CLI's --ci. */
  level: number;
  seed: number;
  engine: EngineChoice;
  /** "More options" as typed, by flag name (panels/run-options.ts reads them with the run specification's parsers). */
  options: Record<string, string>;
}

/** What the page starts with: the built-in example's mapping and the Chinchilla law, ready to run. */
export const DEFAULT_SETTINGS: Settings = {
  x: { N: 'N', D: 'D' },
  y: 'loss',
  where: '',
  holdout: '',
  laws: ['chinchilla'],
  formulas: [],
  isoflop: DEFAULT_ISOFLOP_SETTINGS,
  replicates: 100,
  level: 95,
  seed: 0,
  engine: 'auto',
  options: {},
};
