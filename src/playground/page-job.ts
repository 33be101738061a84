import { encodeImage } from '../images/encode.js';
import type { JobEvent } from '../jobs/job.js';
import type { RemixOffer } from '../jobs/remix/index.js';
import {
  isFinal,
  progressPercent,
  type Delivery,
  type FinishedPainting,
  type JobStage,
  type StatusSurface,
  type StatusView,
} from '../jobs/status/index.js';

/**
 * What the page shows of a job at one moment, sent as one Server-Sent Event: the status presenter's words (the same
 * as in chat), the numbers the page draws its bar and badge from, and where its images are.
 */
export interface PageFrame {
  readonly stage: JobStage;
  /** What is painted, e.g. "The Great Wave" (a preset's name) or "Custom style". */
  readonly label: string;
  /** The presenter's line, e.g. "You're #2 in line · starts in about 40 s"; may hold `code` spans and line breaks. */
  readonly line: string;
  /** Place in line while waiting (1 runs next). */
  readonly position?: number;
  /** Whole percentage of the job done while painting. */
  readonly percent?: number;
  /** URL of the newest preview, while painting. */
  readonly preview?: string;
  /** URL of the finished painting, to show; `download` is the same picture as a file to keep. */
  readonly result?: string;
  readonly download?: string;
  /** Whether the page should offer Cancel. */
  readonly cancellable: boolean;
  /** The finished painting's remix buttons: what each does (the last part of its POST path) and what it says. */
  readonly remixes: readonly RemixOffer[];
}

type FrameListener = (frame: PageFrame) => void;

/**
 * One playground job as the page follows it. It is the job's StatusSurface: trackJob posts and edits its status
 * views here, and the page's event streams receive them as frames. Results go on the status itself.
 */
export class PageJob implements StatusSurface {
  /** The visitor who asked; only they may follow, download or cancel it. */
  readonly visitor: string;
  /** The queue's id for the job; set once it is in line, before its first event. */
  id = '';
  readonly #listeners = new Set<FrameListener>();
  #frame: PageFrame | undefined;
  #finished = false;
  #meter: { position?: number; percent?: number } = {};
  #preview: Buffer | undefined;
  #previews = 0;
  #result: Buffer | undefined;
  #onFinal: (() => void) | undefined;

  constructor(visitor: string, onFinal?: () => void) {
    this.visitor = visitor;
    this.#onFinal = onFinal;
  }

  /** The newest frame, once there is one. */
  get frame(): PageFrame | undefined {
    return this.#frame;
  }

  get preview(): Buffer | undefined {
    return this.#preview;
  }

  get result(): Buffer | undefined {
    return this.#result;
  }

  /** True once the last frame went out: the job is over, one way or another. */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * Notes the numbers behind each of the job's events as it reaches trackJob. Views go out collapsed to the newest
   * (StatusUpdater), so the numbers noted by the time a view goes out are those of the event it was made from.
   */
  observe(event: JobEvent): void {
    switch (event.type) {
      case 'queued':
      case 'moved':
        this.#meter = { position: event.position };
        break;
      case 'started':
        this.#meter = { percent: 0 };
        break;
      case 'progress':
        this.#meter = { percent: progressPercent(event.progress) };
        break;
      default:
        this.#meter = {};
    }
  }

  /** Calls `listener` with the newest frame at once, if there is one, and with every frame after; returns the unsubscribe. */
  follow(listener: FrameListener): () => void {
    if (this.#frame) listener(this.#frame);
    if (this.finished) return () => undefined;
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async post(view: StatusView): Promise<void> {
    await this.#show(view);
  }

  async edit(view: StatusView): Promise<void> {
    await this.#show(view);
  }

  deliver(painting: FinishedPainting): Promise<Delivery> {
    this.#result = painting.png;
    return Promise.resolve({ kind: 'on-status' });
  }

  async #show(view: StatusView): Promise<void> {
    const meter = this.#meter;
    if (view.preview) {
      this.#preview = await encodeImage(view.preview, 'png');
      this.#previews++;
    }
    const base = `/api/jobs/${this.id}`;
    const painting = view.stage === 'painting';
    const frame: PageFrame = {
      stage: view.stage,
      label: view.headline.label,
      line: view.line,
      ...meter,
      ...(painting && this.#preview ? { preview: `${base}/preview.png?v=${this.#previews}` } : {}),
      ...(view.result ? { result: `${base}/result.png`, download: `${base}/result.png?download` } : {}),
      cancellable: view.buttons.some((button) => button.kind === 'cancel'),
      remixes: view.buttons.flatMap((button) =>
        button.kind === 'remix' ? [{ action: button.action, label: button.label }] : [],
      ),
    };
    this.#frame = frame;
    this.#finished = isFinal(view);
    for (const listener of this.#listeners) listener(frame);
    if (this.#finished) {
      this.#listeners.clear();
      this.#onFinal?.();
      this.#onFinal = undefined;
    }
  }
}
