import type { RuntimeName } from './runtimes/names.js';
import type { Progress, StylizeRequest, StylizeResult } from './types.js';
import type { LayerName } from './vgg19.js';
import type { WeightsSource } from './weights/types.js';

export interface EngineConfig {
  readonly weights: WeightsSource;
  /** Forces one runtime (EASEL_BACKEND); otherwise the best that loads is used. */
  readonly backend?: RuntimeName;
  /** Jobs that run at once, each in its own worker with its own copy of the network. */
  readonly slots: number;
  /** CPU threads per runtime, where the runtime can be told. */
  readonly threads: number;
  /** Every layer any job may use, so the weights are loaded once up to the deepest of them. */
  readonly layers: readonly LayerName[];
  /** Operator's cap on the output's longest side; the runtime's own cap applies too. */
  readonly maxSide?: number;
}

/** What the engine tells its owner about its workers, for the metrics. */
export interface EngineEvents {
  /** Worker `slot` is being restarted: it died (`crashed`), or replace() ended it (`replaced`). */
  readonly onWorkerRestart?: (slot: number, why: 'crashed' | 'replaced') => void;
}

export interface StylizeCallbacks {
  /** Called after every iteration. */
  readonly onProgress?: (progress: Progress) => void;
  /**
   * Least time between two previews (Progress.preview). Undefined or 0: no previews, and the worker never renders one.
   * The first comes one interval after the job started.
   */
  readonly previewIntervalMs?: number;
  /** Aborting stops the job within one iteration; the promise then rejects with JobAbortedError. */
  readonly signal?: AbortSignal;
}

/**
 * The style-transfer engine as its callers see it: a fixed set of worker slots, each running one job at a time off
 * the caller's event loop, so a long optimisation never stalls a chat client's heartbeat. Which job runs where, and
 * when, is the caller's to decide (the job queue's scheduler); the engine keeps no line of its own.
 */
export interface StyleEngine {
  /** The runtime that was picked at start-up, e.g. "tfjs-node-gpu", "onnx", "wasm". */
  readonly backend: string;
  /** Largest output side the backend supports, within the operator's cap. */
  readonly maxSide: number;
  /** Number of worker slots; slot ids are 0..slots-1. */
  readonly slots: number;
  /**
   * Runs on worker `slot`, which the caller (the scheduler) guarantees is idle. Rejects with JobAbortedError when
   * callbacks.signal aborts (within one iteration), EngineCrashedError if the worker dies, EngineStoppedError if the
   * slot gave up on starting a worker. The request's pixels are copied: the caller may reuse its images.
   */
  stylize(slot: number, request: StylizeRequest, callbacks?: StylizeCallbacks): Promise<StylizeResult>;
  /**
   * Terminates worker `slot` at once (even if stuck inside a native call), rejects its job with WorkerKilledError
   * (a UserError saying the job took too long and was stopped), and starts a fresh worker; resolves when the new
   * worker is ready, rejects with EngineStoppedError if none could be started.
   */
  replace(slot: number): Promise<void>;
  close(): Promise<void>;
}
