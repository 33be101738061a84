import type { EngineConfig } from './engine.js';
import type { Progress, StylizeRequest, StylizeResult } from './types.js';

/** What crosses the worker boundary. Errors travel as plain data: class identity does not survive a postMessage. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

export type ToWorker =
  | {
      readonly type: 'stylize';
      readonly id: number;
      readonly request: StylizeRequest;
      /** StylizeCallbacks.previewIntervalMs; 0 for none. */
      readonly previewIntervalMs: number;
    }
  | { readonly type: 'abort'; readonly id: number };

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string; readonly maxSide: number; readonly skipped: readonly string[]; readonly loadMs: number }
  | { readonly type: 'fatal'; readonly error: SerializedError }
  | { readonly type: 'progress'; readonly id: number; readonly progress: Progress }
  | { readonly type: 'result'; readonly id: number; readonly result: StylizeResult; readonly tensors: number }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

export type WorkerData = EngineConfig;
