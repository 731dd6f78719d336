/**
 * The lawfit app's page: four numbered steps (Data, Laws, Run, Results), each a panel module in
 * ./panels, wired together here; settings restored from a share link, else from the last visit
 * (saved-settings.ts: never the data); errors that a change has fixed taken away as it is made;
 * the fitting worker created on first use; the service worker registered in production builds so
 * the page works offline.
 */
import './style.css';
import { isLawfitError } from '../../src/errors.js';
import { functionNames } from '../../src/law/functions.js';
import { byId, showFieldError } from './dom.js';
import { probeEngine, showEngineUsed } from './engine-note.js';
import { DataPanel } from './panels/data.js';
import { IsoflopPanel } from './panels/isoflop.js';
import { LawsPanel } from './panels/laws.js';
import { ResultsPanel } from './panels/results.js';
import { RunPanel } from './panels/run.js';
import { RunOptionsPanel } from './panels/run-options.js';
import { preloadPlotting } from './plots.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';
import { loadSettings, saveSettings } from './saved-settings.js';
import { settingsFromHash, shareUrl } from './share.js';
import type { RunRequest, WorkerError } from './worker/protocol.js';
import { holdoutText, parseHoldout } from '../../src/cli/holdout-flag.js';

const results = new ResultsPanel();
// Step 3's "More options", one field per run option of the run specification's table.
const runOptions = new RunOptionsPanel(byId('run-options'));
const laws = new LawsPanel(() => {
  if (mode() === 'fit') data.setInputs(laws.inputs());
  changed();
});
const data = new DataPanel(
  () => {
    if (mode() === 'isoflop') isoflop.guessBudget();
    changed();
  },
  (scale) => laws.setTargetScale(scale),
);

const isoflop = new IsoflopPanel({
  file: () => data.current(),
  mapping: () => {
    const m = data.read();
    return { N: m.x['N'] ?? '', D: m.x['D'] ?? '', y: m.y, where: m.where };
  },
});

/** Fit and compare laws (steps 2-4), or the IsoFLOP analysis (its own step 2): the data step serves both. */
function mode(): 'fit' | 'isoflop' {
  return byId<HTMLInputElement>('mode-isoflop').checked ? 'isoflop' : 'fit';
}

function applyMode(): void {
  const iso = mode() === 'isoflop';
  for (const id of ['step-laws', 'step-run', 'step-results']) byId(id).hidden = iso;
  byId('holdout-row').hidden = iso;
  byId('step-isoflop').hidden = !iso;
  if (iso) isoflop.guessBudget();
  // An IsoFLOP sweep has two inputs, mapped in the same rows as a law's.
  data.setInputs(iso ? [{ name: 'N', description: 'model size (parameters)' }, { name: 'D', description: 'training tokens' }] : laws.inputs());
}
for (const id of ['mode-fit', 'mode-isoflop']) byId(id).addEventListener('change', () => applyMode());

/** False until the settings are restored at start (so the defaults do not overwrite the saved ones). */
let restored = false;
/** The run error's kind: a missing step (re-checked on each change) or a run's error (cleared by any change). */
let runErrorKind: 'missing' | 'run' | undefined;

/** Anything the user can change changed: keep the settings, and take away errors the change fixed. */
function changed(): void {
  if (!restored) return;
  saveSettings(settings());
  if (runErrorKind === 'run') {
    runErrorKind = undefined;
    run.showError(undefined);
  } else if (runErrorKind === 'missing') {
    const r = request();
    if (typeof r === 'string') run.showError(r);
    else {
      runErrorKind = undefined;
      run.showError(undefined);
    }
  }
  laws.showError(undefined);
}
// Every field on the page reports here (built-in law boxes, formulas, mapping, run options).
for (const type of ['input', 'change']) document.addEventListener(type, () => changed());

function settings(): Settings {
  return { ...DEFAULT_SETTINGS, ...data.read(), ...laws.read(), ...run.read(), ...runOptions.read(), isoflop: isoflop.read() };
}

function request(): RunRequest | string {
  const file = data.current();
  if (file === undefined) return 'Load a data file in step 1 first (or use the built-in example).';
  const s = settings();
  const choices = laws.choices();
  const invalid = laws.invalidFormula();
  if (invalid !== undefined) return `Your formula ${invalid} in step 2 does not check yet: correct it or remove it.`;
  if (choices.length === 0) return 'Choose at least one law in step 2.';
  const unmapped = Object.entries(s.x).filter(([, v]) => v === '').map(([k]) => k);
  if (unmapped.length > 0) return `Map the law input${unmapped.length > 1 ? 's' : ''} ${unmapped.join(', ')} to a column in step 1.`;
  if (s.y === '') return 'Name the target column (y) in step 1.';
  if (!(s.level > 0 && s.level < 100)) return 'The interval level must be between 0 and 100 (percent).';
  // The held-out runs' text, read by the --holdout row's own parser (src/run-spec/run-options.ts).
  let holdout: RunRequest['spec']['holdout'];
  try {
    holdout = s.holdout.trim() !== '' ? parseHoldout(s.holdout) : undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  const more = runOptions.spec();
  if (typeof more === 'string') return more;
  return {
    file: { name: file.name, content: file.content },
    spec: {
      ...more,
      x: { ...s.x },
      y: s.y,
      ...(s.where !== '' ? { where: s.where } : {}),
      ...(holdout !== undefined ? { holdout } : {}),
      ...(s.replicates > 0 ? { bootstrap: s.replicates, ci: s.level } : {}),
      seed: s.seed,
    },
    laws: choices,
    engine: s.engine,
  };
}

/** Put a run's error next to the field it concerns: the file, the mapping, the formula, or the run. */
function routeError(e: unknown): void {
  const err = e as Partial<WorkerError>;
  const message = e instanceof Error ? e.message : String(e);
  runErrorKind = 'run';
  if (!isLawfitError(e)) return run.showError(`Internal error (please report it): ${message}`);
  const code = err.code ?? '';
  if (code === 'data-file' || code === 'data-parse' || (code === 'data-value' && err.location?.row !== undefined)) return data.showFileError(message);
  if (code.startsWith('data-') || /--(x|y|where|holdout|weights)\b/.test(message)) return data.showMappingError(message);
  if (code.startsWith('formula-') || code === 'unknown-parameter' || code === 'law-declaration') return laws.showError(message);
  run.showError(message);
}

const run = new RunPanel({
  request,
  onStart: () => {
    // The last results stay until this run's replace them (marked as the previous run's meanwhile).
    results.markStale();
    data.showMappingError(undefined);
    laws.showError(undefined);
    runErrorKind = undefined;
  },
  onResult: (r, req) => {
    showEngineUsed(r.engine);
    void results.show(r, req.spec.holdout !== undefined ? holdoutText(req.spec.holdout) : undefined, req.file);
  },
  onMissing: (message) => {
    runErrorKind = 'missing';
    run.showError(message);
  },
  onStopped: () => results.unmarkStale(),
  onError: (e) => {
    results.unmarkStale();
    routeError(e);
  },
});

byId('share-button').addEventListener('click', () => {
  const url = shareUrl(settings(), location.href);
  history.replaceState(null, '', url);
  const status = byId('share-status');
  status.dataset['url'] = url;
  navigator.clipboard
    .writeText(url)
    .then(() => (status.textContent = 'Link copied: it holds the laws and options, not the data.'))
    .catch(() => (status.textContent = 'The link is in the address bar (copying was not allowed): it holds the laws and options, not the data.'));
});

async function start(): Promise<void> {
  // The formula language's functions, listed from its own table.
  byId('formula-functions').textContent = functionNames().join(' ');
  let shared: Settings | undefined;
  try {
    shared = settingsFromHash(location.hash);
  } catch (e) {
    run.showError(e instanceof Error ? e.message : String(e));
  }
  const saved = shared === undefined ? loadSettings() : undefined;
  const initial = shared ?? saved ?? DEFAULT_SETTINGS;
  run.apply(initial);
  runOptions.apply(initial);
  data.apply(initial);
  await laws.init(initial.laws);
  if (shared !== undefined || saved !== undefined) {
    laws.apply(initial);
    data.apply(initial);
    byId('file-info').textContent =
      shared !== undefined
        ? 'Settings restored from a share link. Load your copy of the data (links never carry data).'
        : 'Settings restored from your last visit (kept in this browser; the data never is). Load your data file again.';
  }
  // The IsoFLOP mode's form, and the mode itself when it was the one in use.
  isoflop.apply(initial.isoflop);
  if (initial.isoflop.active) applyMode();
  restored = true;
  void probeEngine();
  setTimeout(() => void preloadPlotting(), 500);
}

void start().catch((e: unknown) => showFieldError(byId('run-error'), `The page could not start: ${e instanceof Error ? e.message : String(e)}`));

// Built pages only: the dev server (which alone defines import.meta.hot) serves no sw.js. Not
// import.meta.env.PROD: that follows NODE_ENV, which test runners set to 'test' while building.
if (import.meta.hot === undefined && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('./sw.js').catch(() => {
    // Offline use is a convenience: the page works online without it.
  });
}
