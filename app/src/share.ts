/**
 * Share links: the page's settings (laws, formula, column mapping, run options; never the data)
 * in the URL's hash as base64url-encoded JSON, `#run=...`. The hash never reaches a server, and
 * opening such a link restores the settings; the visitor then loads their own copy of the data.
 */
import { DEFAULT_SETTINGS, type EngineChoice, type FormulaSettings, type Settings } from './settings.js';
import { readIsoflopSettings } from './isoflop-settings.js';

const KEY = 'run';

function toBase64Url(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string {
  const binary = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The share link for `settings`, on the page at `pageUrl`. */
export function shareUrl(settings: Settings, pageUrl: string): string {
  const url = new URL(pageUrl);
  url.hash = `${KEY}=${toBase64Url(JSON.stringify(settings))}`;
  return url.href;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringRecord = (v: unknown): v is Record<string, string> => typeof v === 'object' && v !== null && Object.values(v).every(isString);

function readFormula(v: unknown): FormulaSettings | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const f = v as Partial<FormulaSettings>;
  if (!isString(f.text)) return undefined;
  const ranges: Record<string, [number, number]> = {};
  for (const [k, r] of Object.entries(f.ranges ?? {})) {
    if (Array.isArray(r) && r.length === 2 && isFiniteNumber(r[0]) && isFiniteNumber(r[1])) ranges[k] = [r[0], r[1]];
  }
  return {
    text: f.text,
    inputs: Array.isArray(f.inputs) ? f.inputs.filter(isString) : [],
    positive: Array.isArray(f.positive) ? f.positive.filter(isString) : [],
    ranges,
  };
}

/**
 * The settings in a share link's hash, field by field over the defaults (a link from an older or
 * newer page keeps what it can), or undefined when the hash holds no share link. Throws a one-line
 * message when the hash is a damaged link.
 */
export function settingsFromHash(hash: string): Settings | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const encoded = params.get(KEY);
  if (encoded === null) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fromBase64Url(encoded));
  } catch {
    throw new Error('this share link is damaged (its settings could not be read); the page starts with its defaults');
  }
  return settingsFrom(raw);
}

/**
 * Settings from parsed JSON (a share link's or the saved ones: saved-settings.ts), field by field
 * over the defaults: what is missing or malformed keeps its default.
 */
export function settingsFrom(raw: unknown): Settings {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof Settings, unknown>>;
  const s: Settings = { ...DEFAULT_SETTINGS, x: { ...DEFAULT_SETTINGS.x }, laws: [...DEFAULT_SETTINGS.laws], formulas: [], options: {} };
  if (isStringRecord(o.x)) s.x = { ...o.x };
  if (isString(o.y)) s.y = o.y;
  if (isString(o.where)) s.where = o.where;
  if (isString(o.holdout)) s.holdout = o.holdout;
  if (Array.isArray(o.laws)) s.laws = o.laws.filter(isString);
  // Links from before several formulas were allowed carry one, as `formula`.
  const old = (o as { formula?: unknown }).formula;
  const formulas = Array.isArray(o.formulas) ? o.formulas : old !== undefined ? [old] : [];
  s.formulas = formulas.flatMap((f) => readFormula(f) ?? []);
  s.isoflop = readIsoflopSettings(o.isoflop);
  if (isFiniteNumber(o.replicates) && o.replicates >= 0) s.replicates = Math.floor(o.replicates);
  if (isFiniteNumber(o.level)) s.level = o.level;
  if (isFiniteNumber(o.seed)) s.seed = o.seed;
  if (o.engine === 'auto' || o.engine === 'webgpu' || o.engine === 'cpu') s.engine = o.engine satisfies EngineChoice;
  if (isStringRecord(o.options)) s.options = { ...o.options };
  return s;
}
