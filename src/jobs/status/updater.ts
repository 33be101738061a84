import type { Logger } from 'pino';
import type { StatusView } from './view.js';

/** Where a status message lives, as a platform renders it: `post` creates it, `edit` changes it. */
export interface StatusSink {
  post(view: StatusView): Promise<void>;
  edit(view: StatusView): Promise<void>;
}

/** Attempts at the final view, and the pause before each retry: a member should always learn how a job ended. */
const FINAL_ATTEMPTS = 3;
const RETRY_PAUSE_MS = 1000;

/** A superseded view's preview is kept when its successor has none, so a slow edit never loses the only preview. */
function merge(older: StatusView, newer: StatusView): StatusView {
  if (newer.preview || newer.result || !older.preview) return newer;
  return { ...newer, preview: older.preview };
}

/**
 * Keeps one status message showing a job's newest view without ever holding up the job: `show` only
 * records the view, and the message is posted, then edited, one call at a time and at most once every
 * `intervalMs`; views that arrive meanwhile collapse into the newest. A quiet view is never posted, only edited
 * in. A failed post or edit is logged and dropped (the next view replaces it; a post that failed is posted
 * again); only the final view is retried.
 * Nothing here throws.
 */
export class StatusUpdater {
  readonly #sink: StatusSink;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  #posted = false;
  #pending: StatusView | undefined;
  #inFlight = false;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #final = false;
  #finalSent: (() => void) | undefined;

  constructor(sink: StatusSink, intervalMs: number, logger: Logger) {
    this.#sink = sink;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
  }

  /** Shows `view` soon; a newer view given before then takes its place. Ignored once `finish` was called. */
  show(view: StatusView): void {
    if (this.#final) return;
    this.#pending = this.#pending === undefined ? view : merge(this.#pending, view);
    this.#schedule();
  }

  /**
   * Sends `view` at once, so that no later view can take its place before a member has seen it: for a view that
   * says something the next ones do not (easel restarted). Like `show` when a call is already in flight.
   */
  announce(view: StatusView): void {
    if (this.#final || this.#inFlight) return this.show(view);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = view;
    void this.#flush();
  }

  /** Shows a last view as soon as the call in flight is done, retrying it; settles (never rejects) once it is sent or given up. */
  finish(view: StatusView): Promise<void> {
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
    if (this.#inFlight || this.#timer !== undefined || this.#pending === undefined) return;
    const wait = Math.max(0, this.#lastSentAt + this.#intervalMs - Date.now());
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
      await (final ? this.#sendWithRetries(view) : this.#send(view));
    } catch (err) {
      this.#logger.warn(
        { err, final },
        final ? 'could not show how the job ended' : 'status update failed; the next one replaces it',
      );
    } finally {
      this.#inFlight = false;
      if (final) this.#finalSent?.();
      else if (this.#final) void this.#flush();
      else this.#schedule();
    }
  }

  async #send(view: StatusView): Promise<void> {
    if (this.#posted) return this.#sink.edit(view);
    if (view.quiet) return;
    await this.#sink.post(view);
    this.#posted = true;
  }

  async #sendWithRetries(view: StatusView): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#send(view);
      } catch (err) {
        if (attempt >= FINAL_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, attempt * RETRY_PAUSE_MS));
      }
    }
  }
}
