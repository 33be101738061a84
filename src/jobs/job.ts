import type { Progress, RgbImage, StylizeOptions, StylizeResult } from '../engine/types.js';

/** Who asked for a job, as the platform knows them. */
export interface JobRequester {
  readonly platform: string;
  readonly userId: string;
}

/** Everything the queue needs to run one style transfer. */
export interface JobSpec {
  readonly requester: JobRequester;
  readonly content: RgbImage;
  readonly styles: readonly RgbImage[];
  readonly options: StylizeOptions;
  /** A short human name for logs and messages, e.g. "Great Wave" or "custom style". */
  readonly label: string;
  /** Least time between two preview images in progress events; undefined or 0 asks for none. */
  readonly previewIntervalMs?: number;
}

export type CancelReason = 'user' | 'timeout' | 'shutdown';

/**
 * What a job tells its platform, in order: queued, then any number of moved, then started,
 * progress…, and exactly one of done / failed / cancelled. Positions are 1-based (1 runs next);
 * `etaMs` is the expected wait until the job starts (queued, moved) or finishes (started).
 */
export type JobEvent =
  | { readonly type: 'queued'; readonly position: number; readonly etaMs: number }
  | { readonly type: 'moved'; readonly position: number; readonly etaMs: number }
  | { readonly type: 'started'; readonly etaMs: number }
  /** `progress.etaMs` is the queue's steadied estimate of the time left, which only goes up if the job slowed. */
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'done'; readonly result: StylizeResult; readonly png: Buffer }
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
