import type { Logger } from 'pino';

/**
 * Keeps one chat message showing the latest state without ever holding up the caller: `show` only
 * records the newest view, and edits go out one at a time, at most every `minIntervalMs`. A failed or
 * rate-limited edit is dropped (the next view supersedes it); only the final view is retried.
 */
export class LiveMessage<View> {
  #pending: View | undefined;
  #inFlight = false;
  #lastSentAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #final = false;
  #finalSent: (() => void) | undefined;

  constructor(
    private readonly send: (view: View) => Promise<void>,
    private readonly minIntervalMs: number,
    private readonly logger: Logger,
    /** Combines a superseded view into its successor, e.g. to keep a preview image that was never sent. */
    private readonly merge: (older: View, newer: View) => View = (_older, newer) => newer,
  ) {}

  show(view: View): void {
    if (this.#final) return;
    this.#pending = this.#pending === undefined ? view : this.merge(this.#pending, view);
    this.#schedule();
  }

  /** Shows a last view as soon as the edit in flight is done, retrying a few times; later `show`s are ignored. */
  finish(view: View): Promise<void> {
    this.#final = true;
    this.#pending = view;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return new Promise((resolve) => {
      this.#finalSent = resolve;
      if (!this.#inFlight) void this.#flush();
    });
  }

  #schedule(): void {
    if (this.#inFlight || this.#timer || this.#pending === undefined) return;
    const wait = Math.max(0, this.#lastSentAt + this.minIntervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, wait);
  }

  async #flush(): Promise<void> {
    const view = this.#pending;
    if (view === undefined) return;
    this.#pending = undefined;
    this.#inFlight = true;
    this.#lastSentAt = Date.now();
    const final = this.#final;
    try {
      await (final ? this.#sendWithRetries(view) : this.send(view));
    } catch (err) {
      this.logger.warn({ err }, 'message edit failed; the next update replaces it');
    } finally {
      this.#inFlight = false;
      if (final) this.#finalSent?.();
      else if (this.#final) void this.#flush();
      else this.#schedule();
    }
  }

  async #sendWithRetries(view: View): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send(view);
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((resolve) => setTimeout(resolve, attempt * 1000));
      }
    }
  }
}
