export interface RestartLimits {
  /** Wait before the first restart; each further one in a row waits twice as long as the one before. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Starts that may fail in a row (e.g. the weights would not load) before the slot gives up. */
  readonly maxFailedStarts: number;
}

export const DEFAULT_RESTART_LIMITS: RestartLimits = { firstDelayMs: 1000, maxDelayMs: 30_000, maxFailedStarts: 3 };

/**
 * When to restart a worker that died or could not start, and when to give up on it. Waits 1 s, 2 s, 4 s … (capped)
 * over consecutive troubles, so a worker that crashes on every job or cannot start does not spin; a job that
 * finishes proves the worker healthy and starts the count afresh.
 */
export class RestartPolicy {
  private troubles = 0;
  private failedStarts = 0;

  constructor(private readonly limits: RestartLimits = DEFAULT_RESTART_LIMITS) {}

  /** The worker died: milliseconds to wait before starting another. */
  crashed(): number {
    return this.nextDelay();
  }

  /** A start failed: milliseconds to wait before trying again, or undefined to give up. */
  startFailed(): number | undefined {
    this.failedStarts++;
    return this.failedStarts >= this.limits.maxFailedStarts ? undefined : this.nextDelay();
  }

  started(): void {
    this.failedStarts = 0;
  }

  finishedJob(): void {
    this.troubles = 0;
  }

  private nextDelay(): number {
    this.troubles++;
    return Math.min(this.limits.maxDelayMs, this.limits.firstDelayMs * 2 ** (this.troubles - 1));
  }
}
