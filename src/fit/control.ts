/**
 * Run control: how a caller watches a long run and stops it. One shape for every layer (engines,
 * fitLaw/fitBatch, the bootstrap, comparisons), so the CLI's progress bar and Ctrl-C and the app's
 * progress bar and cancel button drive the same code.
 *
 * - Progress counts fits (problems: one start under one weight vector) finished out of the total the
 *   whole call will run, across its phases, so `done / total` is the share of the work and an ETA is
 *   `elapsed * (total - done) / done`. Calls may report the same count twice but never go backwards.
 * - Cancellation is an AbortSignal. Engines check it between chunks of work (never mid-write), free
 *   what they hold (GPU buffers, worker threads), and reject with `cancelledError()`; callers that
 *   write files write nothing half-done.
 */
import { LawfitError, isLawfitError } from '../errors.js';

export interface Progress {
  /** What is running, for people: "fits", "bootstrap replicates", "jackknife", a law's name... */
  phase: string;
  /** Fits finished so far, over the whole call. */
  done: number;
  /** Fits the whole call will run (may grow once, when a later phase's size becomes known). */
  total: number;
}

export interface RunControl {
  /** Abort to stop the run at the next chunk boundary; the call rejects with code 'cancelled'. */
  signal?: AbortSignal;
  /** Called as fits finish (at chunk granularity: often enough for a bar, rarely enough to be free). */
  onProgress?: (p: Progress) => void;
}

export function cancelledError(): LawfitError {
  return new LawfitError('cancelled', 'cancelled: the run was stopped before it finished; nothing was written', false);
}

/** True for the error a cancelled run rejects with (also after crossing a worker boundary). */
export function isCancelled(e: unknown): boolean {
  return isLawfitError(e) && e.code === 'cancelled';
}

/** Throw the cancellation error if the signal has been aborted. Call between chunks of work. */
export function throwIfCancelled(control: RunControl | undefined): void {
  if (control?.signal?.aborted === true) throw cancelledError();
}
