import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { AssetsSource } from '../../assets/index.js';
import { JobAbortedError } from '../../errors.js';
import { createWorker, EngineCrashedError } from '../index.js';
import type { RuntimeName } from '../runtimes/index.js';
import type { RgbImage } from '../types.js';
import { reviveError } from '../worker-protocol.js';
import { UnknownNetworkError } from './load.js';
import type { FeedForwardWorkerData, FromFeedForwardWorker, ToFeedForwardWorker } from './protocol.js';
import { isNetworkId } from './shipped-networks.js';

export { UnknownNetworkError } from './load.js';
export { NETWORK_IDS, isNetworkId, type NetworkId } from './shipped-networks.js';

/**
 * Feed-forward style transfer (Johnson et al. 2016): one pass of a network trained for one style, well under a
 * second where a Gatys job takes minutes. It runs in its own worker thread, beside the Gatys engine's workers.
 */

/** Default cap on the result's longest side. */
export const FEEDFORWARD_MAX_SIDE = 1024;

export interface FeedForwardConfig {
  /** Where the networks are read from: <assets>/models/fast/<id>/, a folder or an http(s) URL (EASEL_ASSETS). */
  readonly assets: AssetsSource;
  /** Forces one runtime (EASEL_BACKEND); otherwise the first that loads, in the Gatys engine's order. */
  readonly backend?: RuntimeName;
  /** CPU threads for ONNX Runtime. */
  readonly threads: number;
  /** Cap on the result's longest side, FEEDFORWARD_MAX_SIDE by default; the runtime's own cap also applies. */
  readonly maxSide?: number;
  /** Networks loaded before start-up resolves, so their first job does not wait; others load on first use. */
  readonly preload?: readonly string[];
}

export interface FeedForwardRequest {
  /** One of NETWORK_IDS, e.g. "wave". */
  readonly networkId: string;
  readonly image: RgbImage;
  /** The result's longest side in px, aspect ratio kept (up or down); above the engine's `maxSide`, `maxSide`. */
  readonly size: number;
}

export interface FeedForwardResult {
  readonly image: RgbImage;
  /** Time the worker spent on the job (loading the network on first use, resizing, the pass); not time waiting. */
  readonly ms: number;
  readonly backend: string;
}

export interface FeedForwardEngine {
  /** The runtime picked at start-up, e.g. "onnx". */
  readonly backend: string;
  /** Largest result side: the configured cap or the runtime's, whichever is smaller. */
  readonly maxSide: number;
  /**
   * Paints one image. Jobs run one at a time in the order asked. Aborting rejects at once with JobAbortedError; a
   * job still waiting is dropped, a running one (under a second) finishes unseen. An unknown network id rejects with
   * UnknownNetworkError.
   */
  stylize(request: FeedForwardRequest, options?: { readonly signal?: AbortSignal }): Promise<FeedForwardResult>;
  close(): Promise<void>;
}

interface Job {
  readonly resolve: (result: FeedForwardResult) => void;
  readonly reject: (error: Error) => void;
}

/** How long close() waits for the pass in progress to end before terminating the thread. */
const CLOSE_GRACE_MS = 5000;

/** The feed-forward worker thread and the jobs sent to it; restarts the thread if it dies. */
class FeedForwardWorker implements FeedForwardEngine {
  private worker!: Worker;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private closing = false;
  backend = '';
  maxSide = 0;

  constructor(
    private readonly data: FeedForwardWorkerData,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.worker = createWorker(this.data, './feedforward/worker');
    return new Promise((resolve, reject) => {
      this.worker.on('message', (message: FromFeedForwardWorker) => {
        switch (message.type) {
          case 'ready':
            this.backend = message.backend;
            this.maxSide = message.maxSide;
            this.logger.info(
              { skipped: message.skipped, loadMs: Math.round(message.loadMs) },
              `feed-forward backend: ${message.backend}`,
            );
            resolve();
            break;
          case 'fatal':
            reject(reviveError(message.error));
            break;
          default:
            this.settle(message);
        }
      });
      this.worker.on('error', (error) => {
        this.logger.error({ err: error }, 'feed-forward worker failed');
        reject(error);
      });
      this.worker.on('exit', (code) => this.onExit(code));
    });
  }

  stylize(request: FeedForwardRequest, { signal }: { readonly signal?: AbortSignal } = {}): Promise<FeedForwardResult> {
    if (!isNetworkId(request.networkId)) return Promise.reject(new UnknownNetworkError(request.networkId));
    if (!Number.isInteger(request.size) || request.size < 1) {
      return Promise.reject(new RangeError(`size must be a positive integer, got ${request.size}`));
    }
    if (signal?.aborted) return Promise.reject(new JobAbortedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const abort = (): void => {
        this.jobs.delete(id);
        this.post({ type: 'abort', id });
        reject(new JobAbortedError());
      };
      signal?.addEventListener('abort', abort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', abort);
      this.jobs.set(id, {
        resolve: (result) => (done(), resolve(result)),
        reject: (error) => (done(), reject(error)),
      });
      this.post({ type: 'stylize', id, request });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const exited = once(this.worker, 'exit');
    this.post({ type: 'close' });
    // A pass takes a second or two at most; a thread still busy after that is stuck and is terminated.
    const stuck = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    await Promise.race([exited, stuck]);
    await this.worker.terminate();
    this.failAll(new JobAbortedError('The painter was shut down before this one was done.'));
  }

  private post(message: ToFeedForwardWorker): void {
    this.worker.postMessage(message);
  }

  private settle(message: Extract<FromFeedForwardWorker, { type: 'result' | 'error' }>): void {
    const job = this.jobs.get(message.id);
    if (!job) return;
    this.jobs.delete(message.id);
    if (message.type === 'result') job.resolve({ image: message.image, ms: message.ms, backend: this.backend });
    else job.reject(reviveError(message.error));
  }

  private failAll(error: Error): void {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.reject(error);
  }

  private onExit(code: number): void {
    if (this.closing) return;
    this.logger.error({ code }, 'feed-forward worker exited; restarting it');
    this.failAll(new EngineCrashedError());
    this.start().catch((error: unknown) => this.logger.error({ err: error }, 'feed-forward worker could not restart'));
  }
}

/** Starts the feed-forward worker and resolves once its runtime is open and the `preload` networks are ready. */
export async function startFeedForwardEngine(config: FeedForwardConfig, logger: Logger): Promise<FeedForwardEngine> {
  const engine = new FeedForwardWorker({ ...config, maxSide: config.maxSide ?? FEEDFORWARD_MAX_SIDE }, logger);
  try {
    await engine.start();
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}
