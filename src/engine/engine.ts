import type { Progress, StylizeRequest, StylizeResult } from './types.js';

export interface StylizeCallbacks {
  /** Called after every iteration; `preview` is set every `options.previewEvery` iterations. */
  readonly onProgress?: (progress: Progress) => void;
  /** Aborting stops the job within one iteration; the promise then rejects with JobAbortedError. */
  readonly signal?: AbortSignal;
}

/**
 * The style-transfer engine as its callers see it. The work runs off the caller's event loop,
 * so a long optimisation never stalls a chat client's heartbeat.
 */
export interface StyleEngine {
  /** The runtime that was picked at start-up, e.g. "tfjs-node-gpu", "onnx", "wasm". */
  readonly backend: string;
  /** How many jobs can run at once. */
  readonly slots: number;
  /** Largest output side the backend supports. */
  readonly maxSide: number;
  stylize(request: StylizeRequest, callbacks?: StylizeCallbacks): Promise<StylizeResult>;
  close(): Promise<void>;
}
