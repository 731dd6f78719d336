/**
 * The IsoFLOP mode's form as settings (panels/isoflop.ts reads and applies them): part of the
 * page's one Settings object (settings.ts), so they are kept across a reload in local storage
 * (saved-settings.ts) and carried by a share link like the fit mode's, never the data. The
 * defaults come from the tables the CLI's flags come from (QC_THRESHOLDS, ISOFLOP_DESIGNS,
 * FRONTIER_WEIGHTS); the reader keeps what is well formed and the default for the rest.
 */
import { ISOFLOP_DESIGNS, type IsoflopDesign } from '../../src/stats/isoflop.js';
import { FRONTIER_WEIGHTS, type FrontierWeights } from '../../src/stats/isoflop-frontier.js';
import { QC_THRESHOLDS } from '../../src/stats/isoflop-qc.js';

export interface IsoflopSettings {
  /** The IsoFLOP mode is the one shown (rather than fit and compare). */
  active: boolean;
  /** --budget, --group, --weights (column or expression; '' for none). */
  budget: string;
  group: string;
  weights: string;
  /** Quality control on (--qc all) or off (--qc none). */
  qc: boolean;
  /** QC thresholds by flag name, as typed (QC_THRESHOLDS). */
  thresholds: Record<string, string>;
  frontierWeights: FrontierWeights;
  /** Bootstrap replicates; 0 runs none. */
  replicates: number;
  design: IsoflopDesign;
  /** --ci, percent. */
  level: number;
  seed: number;
  /** --at, as typed. */
  at: string;
  /** --also, as typed: built-in laws, comma-separated. */
  also: string;
}

export const DEFAULT_ISOFLOP_SETTINGS: Readonly<IsoflopSettings> = Object.freeze({
  active: false,
  budget: '',
  group: '',
  weights: '',
  qc: true,
  thresholds: Object.freeze(Object.fromEntries(QC_THRESHOLDS.map((t) => [t.flag, String(t.toFlag(t.default))]))) as Record<string, string>,
  frontierWeights: 'equal',
  replicates: 200,
  design: 'runs',
  level: 95,
  seed: 0,
  at: '',
  also: '',
});

const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** IsoFLOP settings from parsed JSON, field by field over the defaults (a fresh object each time). */
export function readIsoflopSettings(raw: unknown): IsoflopSettings {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof IsoflopSettings, unknown>>;
  const d = DEFAULT_ISOFLOP_SETTINGS;
  const thresholds = { ...d.thresholds };
  if (typeof o.thresholds === 'object' && o.thresholds !== null) {
    for (const t of QC_THRESHOLDS) {
      const v = (o.thresholds as Record<string, unknown>)[t.flag];
      if (isString(v)) thresholds[t.flag] = v;
    }
  }
  return {
    active: typeof o.active === 'boolean' ? o.active : d.active,
    budget: isString(o.budget) ? o.budget : d.budget,
    group: isString(o.group) ? o.group : d.group,
    weights: isString(o.weights) ? o.weights : d.weights,
    qc: typeof o.qc === 'boolean' ? o.qc : d.qc,
    thresholds,
    frontierWeights: (FRONTIER_WEIGHTS as readonly unknown[]).includes(o.frontierWeights) ? (o.frontierWeights as FrontierWeights) : d.frontierWeights,
    replicates: isFiniteNumber(o.replicates) && o.replicates >= 0 ? Math.floor(o.replicates) : d.replicates,
    design: (ISOFLOP_DESIGNS as readonly unknown[]).includes(o.design) ? (o.design as IsoflopDesign) : d.design,
    level: isFiniteNumber(o.level) ? o.level : d.level,
    seed: isFiniteNumber(o.seed) ? o.seed : d.seed,
    at: isString(o.at) ? o.at : d.at,
    also: isString(o.also) ? o.also : d.also,
  };
}
