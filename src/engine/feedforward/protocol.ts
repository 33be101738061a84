import type { RgbImage } from '../types.js';
import type { SerializedError, WorkerStarted } from '../worker-protocol.js';
import type { FeedForwardConfig, FeedForwardRequest } from './index.js';

/** What crosses the feed-forward worker's boundary; errors travel as in the Gatys engine's protocol. */

export type FeedForwardWorkerData = Omit<FeedForwardConfig, 'maxSide'> & { readonly maxSide: number };

export type ToFeedForwardWorker =
  | { readonly type: 'stylize'; readonly id: number; readonly request: FeedForwardRequest }
  /** Drops the job if it has not started; a started one finishes and its result is ignored. */
  | { readonly type: 'abort'; readonly id: number }
  /** Drops every job that has not started, lets the running pass end, then ends the thread. */
  | { readonly type: 'close' };

export type FromFeedForwardWorker =
  | WorkerStarted
  | { readonly type: 'result'; readonly id: number; readonly image: RgbImage; readonly ms: number }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
