/**
 * Step 3, Run: the run options (bootstrap replicates, interval level, seed, engine), the Run and
 * Cancel buttons, and the progress bar with an ETA. The run itself happens in the worker; this
 * panel only sends the request and draws progress, so the page stays responsive throughout.
 */
import { isCancelled } from '../../../src/fit/control.js';
import { byId, showFieldError } from '../dom.js';
import { formatDuration } from '../format.js';
import type { EngineChoice, Settings } from '../settings.js';
import { progressCallback, worker } from '../worker-client.js';
import type { RunProgress, RunRequest, RunResult } from '../worker/protocol.js';

export type RunState = 'idle' | 'running' | 'cancelling' | 'cancelled' | 'done' | 'failed';

export interface RunHooks {
  /** The request for the current page state, or a message saying what is missing. */
  request(): RunRequest | string;
  /** A run finished: its result and the request it answers. */
  onResult(result: RunResult, request: RunRequest): void;
  /** A run rejected with bad input (not a cancel); the page routes it to the field it concerns. */
  onError(e: unknown): void;
  /** Called when a run starts (the page clears old errors and marks the last results as previous). */
  onStart(): void;
  /** The page is missing something a run needs (the message says what). */
  onMissing(message: string): void;
  /** A run was cancelled (nothing new to show). */
  onStopped(): void;
}

/** Whole-run share done: steps finished plus the current step's share, over the steps. */
export function runShare(p: RunProgress): number {
  const within = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  return Math.min(1, (p.step - 1 + within) / Math.max(1, p.steps));
}

export class RunPanel {
  private readonly runButton = byId<HTMLButtonElement>('run-button');
  private readonly cancelButton = byId<HTMLButtonElement>('cancel-button');
  private readonly progress = byId<HTMLProgressElement>('progress');
  private readonly text = byId('progress-text');
  private readonly error = byId('run-error');
  private readonly replicates = byId<HTMLInputElement>('replicates');
  private readonly level = byId<HTMLInputElement>('level');
  private readonly seed = byId<HTMLInputElement>('seed');
  private readonly engine = byId<HTMLSelectElement>('engine-choice');

  constructor(private readonly hooks: RunHooks) {
    this.runButton.addEventListener('click', () => void this.run());
    this.cancelButton.addEventListener('click', () => void this.cancel());
  }

  private setState(state: RunState, message: string): void {
    this.text.dataset['state'] = state;
    // When the state last changed (performance.now()), for scripts that time a run from outside.
    this.text.dataset['since'] = String(performance.now());
    this.text.textContent = message;
    const busy = state === 'running' || state === 'cancelling';
    this.runButton.disabled = busy;
    this.cancelButton.hidden = !busy;
    this.cancelButton.disabled = state === 'cancelling';
    this.progress.hidden = state === 'idle' || state === 'failed';
  }

  async run(): Promise<void> {
    const request = this.hooks.request();
    if (typeof request === 'string') {
      this.hooks.onMissing(request);
      return;
    }
    showFieldError(this.error, undefined);
    this.hooks.onStart();
    this.progress.value = 0;
    this.setState('running', 'Starting…');
    const started = performance.now();
    const onProgress = progressCallback((p) => {
      if (this.text.dataset['state'] !== 'running') return;
      const share = runShare(p);
      this.progress.value = share;
      const elapsed = performance.now() - started;
      const eta = share > 0.02 ? ` · about ${formatDuration((elapsed * (1 - share)) / share)} left` : '';
      this.text.textContent = `${p.law}: ${p.phase} ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')} (step ${p.step} of ${p.steps})${eta}`;
    });
    try {
      const result = await worker().run(request, onProgress);
      this.progress.value = 1;
      this.setState('done', `Done in ${formatDuration(performance.now() - started)}.`);
      this.hooks.onResult(result, request);
    } catch (e) {
      if (isCancelled(e)) {
        this.setState('cancelled', 'Cancelled: the run was stopped; the results below (if any) are the previous run’s. Change anything and run again.');
        this.hooks.onStopped();
      } else {
        this.setState('failed', 'The run stopped with an error (see the message next to the field it concerns).');
        this.hooks.onError(e);
      }
    }
  }

  async cancel(): Promise<void> {
    this.setState('cancelling', 'Cancelling…');
    await worker().cancel();
  }

  /** Show a run problem that concerns no particular field (undefined clears it). */
  showError(message: string | undefined): void {
    showFieldError(this.error, message);
  }

  read(): Pick<Settings, 'replicates' | 'level' | 'seed' | 'engine'> {
    return {
      replicates: Math.max(0, Math.floor(Number(this.replicates.value) || 0)),
      level: Number(this.level.value),
      seed: Math.floor(Number(this.seed.value) || 0),
      engine: this.engine.value as EngineChoice,
    };
  }

  apply(s: Settings): void {
    this.replicates.value = String(s.replicates);
    this.level.value = String(s.level);
    this.seed.value = String(s.seed);
    this.engine.value = s.engine;
  }
}
