import type { FeedForwardResult } from '../engine/feedforward/index.js';
import type { Progress, RgbImage, StylizeOptions, StylizeResult } from '../engine/types.js';
import type { Recipe } from './recipe.js';

/** Who asked for a job, as the platform knows them. */
export interface JobRequester {
  readonly platform: string;
  readonly userId: string;
}

interface JobBase {
  readonly requester: JobRequester;
  /** The photo to repaint. */
  readonly content: RgbImage;
  /** A short human name for logs and messages, e.g. "Great Wave" or "custom style". */
  readonly label: string;
  /**
   * Sub-second work: the member is told its place in line only when others are ahead of it, and then sees the
   * result with no progress in between.
   */
  readonly quiet?: boolean;
  /**
   * Where the platform reports on this job, in its own terms (a channel, a thread): kept in the job journal so that
   * after a restart the platform can post about the job again. Each platform reads back only what it wrote.
   */
  readonly replyTo?: ReplyTo;
  /**
   * How the member asked for it, for its "made with" line and its remix buttons; every job a member asked for (in
   * chat or on the playground) has one, the gallery's tiles none.
   */
  readonly recipe?: Recipe;
}

/** A Gatys optimisation: the photo repainted until its features match the style images'. Minutes of work. */
export interface GatysJobSpec extends JobBase {
  readonly kind: 'gatys';
  readonly styles: readonly RgbImage[];
  readonly options: StylizeOptions;
  /** Least time between two preview images in progress events; undefined or 0 asks for none. */
  readonly previewIntervalMs?: number;
}

/** A platform's note of where a job's messages go: a few named strings, stored as JSON. */
export type ReplyTo = Readonly<Record<string, string>>;

/** One pass of a feed-forward style network (a preset's): well under a second, in a lane of its own. */
export interface NetworkJobSpec extends JobBase {
  readonly kind: 'network';
  /** One of the shipped networks, e.g. "wave". */
  readonly networkId: string;
  /** The result's longest side in px, within the network engine's cap. */
  readonly size: number;
}

/** Everything the queue needs to run one style transfer; `kind` picks the lane it runs in. */
export type JobSpec = GatysJobSpec | NetworkJobSpec;

/** What a finished job made: a Gatys job's result, or a network pass's (the image, its backend and time only). */
export type JobResult = StylizeResult | FeedForwardResult;

/** `shutdown`: easel stopped for good; `restart`: it is restarting, and the job runs again once it is back. */
export type CancelReason = 'user' | 'timeout' | 'shutdown' | 'restart';

/**
 * What a job tells its platform, in order: queued, then any number of moved, then started,
 * progress…, and exactly one of done / failed / cancelled. Positions are 1-based (1 runs next);
 * `etaMs` is the expected wait until the job starts (queued, moved) or finishes (started). A waiting job has no
 * `etaMs` while its lane has no slot to start it on (its remote workers are away).
 */
export type JobEvent =
  /** `restored`: brought back in line after easel restarted. */
  | { readonly type: 'queued'; readonly position: number; readonly etaMs?: number; readonly restored?: true }
  | { readonly type: 'moved'; readonly position: number; readonly etaMs?: number }
  | { readonly type: 'started'; readonly etaMs: number }
  /** `progress.etaMs` is the queue's steadied estimate of the time left, which only goes up if the job slowed. */
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'done'; readonly result: JobResult; readonly png: Buffer }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'cancelled'; readonly reason: CancelReason };

/** May be async: the queue logs a rejection as it logs a throw, and goes on. */
export type JobListener = (event: JobEvent) => void | Promise<void>;

export interface JobHandle {
  readonly id: string;
  /** Settles (never rejects) once the job's last event has been delivered. */
  readonly done: Promise<void>;
}

export type CancelOutcome = 'cancelled' | 'not-found' | 'not-yours';
