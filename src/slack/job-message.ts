import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { MessageView } from './blocks.js';
import { describeSlackError } from './logging.js';

/** Where a job's messages go: a channel, and the thread in it if there is one. */
export interface MessagePlace {
  readonly channel: string;
  readonly threadTs: string | undefined;
}

/**
 * One job's status message. The first view is posted, later ones edit it, at most one edit every
 * `intervalMs` and never two at once; views that arrive meanwhile collapse into the newest.
 * Failures to post or edit are logged, never thrown: a missed progress line must not stop a job.
 */
export class JobMessage {
  readonly #client: webApi.WebClient;
  readonly #place: MessagePlace;
  readonly #intervalMs: number;
  readonly #log: Logger;
  #ts: string | undefined;
  #pending: MessageView | undefined;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(client: webApi.WebClient, place: MessagePlace, intervalMs: number, log: Logger) {
    this.#client = client;
    this.#place = place;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  /** The message's timestamp once it has been posted. */
  get ts(): string | undefined {
    return this.#ts;
  }

  /** Shows `view` soon; a newer view given before then replaces it. */
  show(view: MessageView): void {
    if (this.#closed) return;
    this.#pending = view;
    this.#schedule();
  }

  /** Shows `view` now, after any edit in flight, and ignores later views. */
  async finish(view: MessageView): Promise<void> {
    this.#closed = true;
    this.#pending = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    await this.#send(view);
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined || this.#inFlight !== undefined || this.#pending === undefined) return;
    const wait = Math.max(0, this.#lastSentAt + this.#intervalMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const view = this.#pending;
      this.#pending = undefined;
      if (view === undefined) return;
      this.#inFlight = this.#send(view).finally(() => {
        this.#inFlight = undefined;
        this.#schedule();
      });
    }, wait);
  }

  async #send(view: MessageView): Promise<void> {
    this.#lastSentAt = performance.now();
    const { channel, threadTs } = this.#place;
    try {
      if (this.#ts === undefined) {
        const posted = await this.#client.chat.postMessage({ channel, text: view.text, blocks: view.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
        this.#ts = posted.ts;
      } else {
        await this.#client.chat.update({ channel, ts: this.#ts, text: view.text, blocks: view.blocks });
      }
    } catch (err) {
      this.#log.warn({ err: describeSlackError(err), channel }, 'could not post or update the job message');
    }
  }
}
