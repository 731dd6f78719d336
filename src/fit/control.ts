/**
 * Run control: how a caller watches a long run and stops it. One shape for every layer (engines,
 * fitLaw/fitBatch, the bootstrap, comparisons), so the CLI's progress bar and Ctrl-C and the app's
 * progress bar and cancel button drive the same code.
 *
 * - Progress counts fits (problems: one start under one weight vector) finished out of the total the
 *   whole call will run, across its phases, so `done / total` is the share of the work and an ETA is
 *   `elapsed * (total - done) / done`. `done` never goes backwards and never exceeds `total`; the
 *   last report of a call that finishes has `done === total`. `total` may change when a later
 *   phase's size becomes known (the bootstrap learns how many distinct basins its replicates start
 *   from only after the full-data fit).
 * - Cancellation is an AbortSignal. Engines check it between chunks of work (never mid-write; the
 *   WebGPU engine also stops waiting for a round in flight), free what they hold (GPU buffers,
 *   worker threads), and reject with `cancelledError()`; callers that write files write nothing
 *   half-done.
 * - Work that runs on the caller's thread (the single-thread engine, the float64 polish, screening)
 *   lets the event loop turn every SLICE_MS when a signal is given: a Web Worker receives the app's
 *   cancel message, and Node its SIGINT handler, only between tasks.
 *
 * Layers compose through PhasedProgress: each layer reports its own {done, total}, and the layer
 * above maps it into its own count with `phase(i, label)`.
 */
import { LawfitError, isLawfitError } from '../errors.js';

export interface Progress {
  /** What is running, for people: "fits", "bootstrap replicates", "jackknife", a law's name... */
  phase: string;
  /** Fits finished so far, over the whole call. */
  done: number;
  /** Fits the whole call will run (may change when a later phase's size becomes known). */
  total: number;
}

export interface RunControl {
  /** Abort to stop the run at the next chunk boundary; the call rejects with code 'cancelled'. */
  signal?: AbortSignal;
  /** Called as fits finish (at chunk granularity: often enough for a bar, rarely enough to be free). */
  onProgress?: (p: Progress) => void;
}

export function cancelledError(message = 'cancelled: the run was stopped before it finished; nothing was written'): LawfitError {
  return new LawfitError('cancelled', message, false);
}

/** True for the error a cancelled run rejects with (also after crossing a worker boundary). */
export function isCancelled(e: unknown): boolean {
  return isLawfitError(e) && e.code === 'cancelled';
}

/** Throw the cancellation error if the signal has been aborted. Call between chunks of work. */
export function throwIfCancelled(control: RunControl | undefined): void {
  if (control?.signal?.aborted === true) throw cancelledError();
}

/**
 * How long synchronous work on the caller's thread runs between two turns of the event loop when
 * a signal is given: 50 ms keeps a cancel button or Ctrl-C answered within a blink, and costs one
 * macrotask (microseconds) per slice.
 */
export const SLICE_MS = 50;

/**
 * Let the event loop turn once (a macrotask, not a microtask: messages and signals are tasks).
 * setImmediate in Node; a MessageChannel round trip in browsers and workers, which, unlike
 * setTimeout(0), is not clamped to 4 ms.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/**
 * For loops of synchronous work on the caller's thread: `await pause()` between items. With a
 * signal, every SLICE_MS it yields to the event loop and throws the cancellation error if the run
 * was aborted; without one it returns at once (the loop runs as fast as before).
 */
export function slicer(control: RunControl | undefined): () => Promise<void> {
  const signal = control?.signal;
  if (signal === undefined) return () => Promise.resolve();
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < SLICE_MS) return;
    await yieldToEventLoop();
    last = performance.now();
    if (signal.aborted) throw cancelledError();
  };
}

/**
 * `work`, or the cancellation error as soon as the signal aborts, whichever comes first: for waits
 * that cannot be interrupted themselves (a GPU round in flight), so a cancel is not held up by
 * them. The abandoned `work` keeps running; its eventual rejection is swallowed here, so the
 * caller may free what it uses (destroying a buffer rejects its pending map).
 */
export function abortable<T>(work: Promise<T>, control: RunControl | undefined): Promise<T> {
  const signal = control?.signal;
  if (signal === undefined) return work;
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(cancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Progress over a sequence of phases, each a number of fits (an estimate until the phase reports
 * its own total). The caller's onProgress sees one monotone count over all phases.
 *
 *   const prog = new PhasedProgress(control, [nFits, nPolish]);
 *   await engine.solve(problem, prog.phase(0, 'fits'));   // engine reports 0..nFits
 *   prog.advance(1, 'float64 polish', k);                 // k of nPolish done
 *   prog.finish();                                        // done === total
 */
export class PhasedProgress {
  private readonly sizes: number[];
  private readonly doneIn: number[];
  private lastDone = 0;
  private lastPhase = '';

  constructor(
    private readonly control: RunControl | undefined,
    sizes: readonly number[],
  ) {
    this.sizes = sizes.map((s) => Math.max(0, s));
    this.doneIn = sizes.map(() => 0);
  }

  get total(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  /** Change phase i's size (when it becomes known); finished work is kept. */
  resize(i: number, size: number): void {
    this.sizes[i] = Math.max(size, this.doneIn[i]!);
  }

  /** Record `done` of phase i's fits as finished, and report (phases without work report nothing). */
  advance(i: number, phase: string, done: number): void {
    if (this.control === undefined) return; // nobody watches: sizes may not even have been worked out
    this.doneIn[i] = Math.min(Math.max(done, this.doneIn[i]!), this.sizes[i]!);
    if (this.sizes[i]! > 0) this.report(phase);
  }

  /** Phase i is over (it may have run fewer fits than its estimate: they count as done). */
  complete(i: number, phase: string): void {
    this.advance(i, phase, this.sizes[i]!);
  }

  /** Every phase is over: report done === total. */
  finish(): void {
    if (this.control === undefined) return;
    for (let i = 0; i < this.sizes.length; i++) this.doneIn[i] = this.sizes[i]!;
    this.report(this.lastPhase);
  }

  /**
   * The control to hand a sub-run that is phase i: the same signal; its own {done, total} become
   * this phase's count and size, under the label `phase`. Undefined when this run has no control,
   * so the sub-run takes its uncontrolled (fastest) path.
   */
  phase(i: number, phase: string): RunControl | undefined {
    if (this.control === undefined) return undefined;
    const child: RunControl = {
      onProgress: (p) => {
        this.resize(i, p.total);
        this.advance(i, phase, p.done);
      },
    };
    if (this.control.signal !== undefined) child.signal = this.control.signal;
    return child;
  }

  private report(phase: string): void {
    this.lastPhase = phase;
    const total = this.total;
    const done = Math.min(total, Math.max(this.lastDone, this.doneIn.reduce((a, b) => a + b, 0)));
    this.lastDone = done;
    this.control?.onProgress?.({ phase, done, total });
  }
}
