/**
 * The page's settings kept across a reload, in localStorage: the mapping, the laws and formulas,
 * the run options (settings.ts), never the data (nor its name). Saved on every change; restored
 * when the page opens without a share link (a link wins: it is what the visitor was sent). A store
 * that cannot be read or written (private mode, quota, a damaged entry) is ignored: the page then
 * starts from its defaults, as it did before it kept anything.
 */
import type { Settings } from './settings.js';
import { settingsFrom } from './share.js';

const KEY = 'lawfit:settings:v1';

export function saveSettings(s: Settings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // Not kept: the next visit starts from the defaults.
  }
}

export function loadSettings(): Settings | undefined {
  try {
    const text = localStorage.getItem(KEY);
    return text === null ? undefined : settingsFrom(JSON.parse(text));
  } catch {
    return undefined;
  }
}
