import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { JobAbortedError, UserError } from '../errors.js';
import type { StyleEngine, StylizeCallbacks } from './engine.js';
import type { RuntimeName } from './runtimes/index.js';
import type { StylizeRequest, StylizeResult } from './types.js';
import type { LayerName } from './vgg19.js';
import type { WeightsSource } from './weights/types.js';
import { reviveError as revive, type FromWorker, type ToWorker } from './worker-protocol.js';

export type { StyleEngine, StylizeCallbacks } from './engine.js';

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

export class EngineCrashedError extends UserError {
  constructor() {
    super('engine-crashed', 'The painter stopped unexpectedly while working on this one. Please try again; if it keeps happening, try a smaller size.');
  }
}

/**
 * Starts the worker module `entry` (relative to this folder, without extension; the engine's own by default).
 * Built code runs its .js directly. From TypeScript sources (tests, tsx) the worker first registers tsx's loader,
 * since Node 20 does not pass the parent's loader on to worker threads.
 */
export function createWorker(workerData: unknown, entry = './worker'): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`${entry}.js`, import.meta.url), { workerData });
  const url = JSON.stringify(new URL(`${entry}.ts`, import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${url}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

interface ActiveJob {
  readonly id: number;
  readonly callbacks: StylizeCallbacks;
  readonly resolve: (result: StylizeResult) => void;
  readonly reject: (error: Error) => void;
}

/** One worker thread with one runtime; restarts itself if the thread dies. */
class EngineWorker {
  private worker!: Worker;
  private active: ActiveJob | undefined;
  private closing = false;
  backend = '';
  maxSide = 0;

  constructor(
    private readonly config: EngineConfig,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.worker = createWorker(this.config);
    return new Promise((resolve, reject) => {
      this.worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            this.backend = message.backend;
            this.maxSide = message.maxSide;
            this.logger.info({ backend: message.backend, skipped: message.skipped, loadMs: Math.round(message.loadMs) }, `engine backend: ${message.backend}`);
            resolve();
            break;
          case 'fatal':
            reject(revive(message.error));
            break;
          default:
            this.onJobMessage(message);
        }
      });
      this.worker.on('error', (error) => {
        this.logger.error({ err: error }, 'engine worker failed');
        reject(error);
      });
      this.worker.on('exit', (code) => this.onExit(code));
    });
  }

  get busy(): boolean {
    return this.active !== undefined;
  }

  run(id: number, request: StylizeRequest, callbacks: StylizeCallbacks): Promise<StylizeResult> {
    return new Promise((resolve, reject) => {
      const abort = (): void => this.post({ type: 'abort', id });
      const cleanUp = (): void => callbacks.signal?.removeEventListener('abort', abort);
      this.active = {
        id,
        callbacks,
        resolve: (result) => (cleanUp(), resolve(result)),
        reject: (error) => (cleanUp(), reject(error)),
      };
      this.post({ type: 'stylize', id, request });
      // After the job is posted, so an abort that came while waiting for this worker reaches the running job.
      if (callbacks.signal?.aborted) abort();
      else callbacks.signal?.addEventListener('abort', abort, { once: true });
    });
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private onJobMessage(message: Exclude<FromWorker, { type: 'ready' | 'fatal' }>): void {
    const job = this.active;
    if (!job || job.id !== message.id) return;
    if (message.type === 'progress') {
      try {
        job.callbacks.onProgress?.(message.progress);
      } catch (error) {
        this.logger.warn({ err: error }, 'progress listener threw; ignored');
      }
      return;
    }
    this.active = undefined;
    if (message.type === 'result') {
      this.logger.debug({ job: message.id, tensors: message.tensors }, 'engine job finished');
      job.resolve(message.result);
    } else {
      job.reject(revive(message.error));
    }
  }

  private onExit(code: number): void {
    if (this.closing) return;
    this.logger.error({ code }, 'engine worker exited; restarting it');
    this.active?.reject(new EngineCrashedError());
    this.active = undefined;
    this.start().catch((error: unknown) => this.logger.error({ err: error }, 'engine worker could not restart'));
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

/** Starts `config.slots` engine workers and resolves once all have loaded their weights and runtime. */
export async function startEngine(config: EngineConfig, logger: Logger): Promise<StyleEngine> {
  const workers = Array.from({ length: config.slots }, () => new EngineWorker(config, logger));
  try {
    await Promise.all(workers.map((w) => w.start()));
  } catch (error) {
    await Promise.all(workers.map((w) => w.close()));
    throw error;
  }
  const waiting: Array<() => void> = [];
  let nextId = 1;

  async function acquire(): Promise<EngineWorker> {
    for (;;) {
      const free = workers.find((w) => !w.busy);
      if (free) return free;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }

  return {
    backend: workers[0]!.backend,
    slots: workers.length,
    maxSide: workers[0]!.maxSide,
    async stylize(request, callbacks = {}) {
      if (callbacks.signal?.aborted) throw new JobAbortedError();
      const worker = await acquire();
      try {
        if (callbacks.signal?.aborted) throw new JobAbortedError();
        return await worker.run(nextId++, request, callbacks);
      } finally {
        waiting.shift()?.();
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
