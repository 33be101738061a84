import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { JobAbortedError } from '../errors.js';
import type { EngineConfig, StyleEngine, StylizeCallbacks } from './engine.js';
import { EngineCrashedError, EngineStoppedError, WorkerKilledError } from './errors.js';
import { DEFAULT_RESTART_LIMITS, RestartPolicy } from './restart-policy.js';
import type { RgbImage, StylizeRequest, StylizeResult } from './types.js';
import { reviveError as revive, type FromWorker, type ToWorker } from './worker-protocol.js';

export type { EngineConfig, StyleEngine, StylizeCallbacks } from './engine.js';
export { EngineCrashedError, EngineStoppedError, WorkerKilledError } from './errors.js';

/** How long close() waits for a worker to end; one stuck in a native call ends only when that call returns. */
const CLOSE_GRACE_MS = 5000;

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

/** A timer that does not keep the process alive: a slot waiting to restart must not hold up an exit. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The pixels in a buffer of their own, so they can be moved to the worker (in the transfer list, with no second copy
 * for serialising) while the caller keeps its image: a preset's style image goes to every job that uses the preset.
 */
function ownCopy(image: RgbImage): RgbImage & { readonly data: Uint8Array<ArrayBuffer> } {
  return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
}

interface ActiveJob {
  readonly id: number;
  readonly callbacks: StylizeCallbacks;
  /** The worker it was posted to; unset while it waits for a worker to be ready. */
  worker?: Worker;
  readonly finish: (outcome: StylizeResult | Error) => void;
}

/** A start that a later replace() or close() made pointless; nobody waits for its outcome any more. */
class SupersededStartError extends Error {
  constructor() {
    super('the engine slot was replaced or closed before its new worker was ready');
  }
}

/**
 * One worker slot: a worker thread with one runtime, running one job at a time. Restarts its worker when it dies
 * (with backoff), replaces it on request, and gives up when starts keep failing.
 */
class WorkerSlot {
  backend = '';
  maxSide = 0;
  /** The worker in use or starting; events from any other (a terminated one) are ignored. */
  private current: Worker | undefined;
  /** The worker jobs are posted to, once ready; rejects with EngineStoppedError when the slot gave up. */
  private ready!: Promise<Worker>;
  /** Bumped by each restart, replace and close, so that a start they superseded stops. */
  private generation = 0;
  private job: ActiveJob | undefined;
  private closed = false;
  private readonly policy = new RestartPolicy();

  constructor(
    private readonly index: number,
    private readonly config: EngineConfig,
    private readonly logger: Logger,
  ) {}

  /** The first start, which fails fast with the worker's own error: at start-up a bad setting is the likely cause. */
  async open(): Promise<void> {
    this.ready = this.launch();
    this.ready.catch(() => undefined);
    await this.ready;
    this.policy.started();
  }

  run(id: number, request: StylizeRequest, callbacks: StylizeCallbacks): Promise<StylizeResult> {
    if (this.closed) return Promise.reject(new Error('the engine is closed'));
    if (this.job) {
      return Promise.reject(new Error(`engine slot ${this.index} is busy; its scheduler must wait until it is idle`));
    }
    if (callbacks.signal?.aborted) return Promise.reject(new JobAbortedError());
    return new Promise((resolve, reject) => {
      const { signal } = callbacks;
      const onAbort = (): void => {
        if (job.worker) this.post(job.worker, { type: 'abort', id });
        else this.settle(job, new JobAbortedError());
      };
      const job: ActiveJob = {
        id,
        callbacks,
        finish: (outcome) => {
          signal?.removeEventListener('abort', onAbort);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        },
      };
      this.job = job;
      signal?.addEventListener('abort', onAbort, { once: true });
      // Ready at once unless the worker is restarting; the job then waits for its successor.
      this.ready.then(
        (worker) => {
          if (this.job !== job) return;
          job.worker = worker;
          const content = ownCopy(request.content);
          const styles = request.styles.map(ownCopy);
          const previewIntervalMs = callbacks.previewIntervalMs ?? 0;
          this.post(worker, { type: 'stylize', id, request: { ...request, content, styles }, previewIntervalMs }, [
            content.data.buffer,
            ...styles.map((style) => style.data.buffer),
          ]);
        },
        (error: unknown) => this.settle(job, error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  async replace(): Promise<void> {
    if (this.closed) throw new Error('the engine is closed');
    const stuck = this.current;
    this.current = undefined;
    // Not awaited: a thread inside a native call ends only when the call returns, and the slot must not wait for it.
    void stuck?.terminate();
    this.logger.warn({ slot: this.index }, 'engine worker terminated; starting a fresh one');
    const ready = this.restart(0);
    if (this.job) this.settle(this.job, new WorkerKilledError());
    await ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    const worker = this.current;
    this.current = undefined;
    if (this.job) this.settle(this.job, new JobAbortedError());
    if (worker) await Promise.race([worker.terminate(), sleep(CLOSE_GRACE_MS)]);
  }

  private post(worker: Worker, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    worker.postMessage(message, transfer);
  }

  private settle(job: ActiveJob, outcome: StylizeResult | Error): void {
    if (this.job !== job) return;
    this.job = undefined;
    job.finish(outcome);
  }

  /** Starts a worker thread; resolves once it has loaded its weights and runtime. */
  private launch(): Promise<Worker> {
    this.logger.debug({ slot: this.index }, 'engine worker starting');
    const worker = createWorker(this.config);
    this.current = worker;
    return new Promise((resolve, reject) => {
      let started = false;
      const fail = (error: Error): void => {
        if (this.current === worker) this.current = undefined;
        void worker.terminate();
        reject(error);
      };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          started = true;
          this.backend = message.backend;
          this.maxSide = message.maxSide;
          const { backend, skipped } = message;
          const loadMs = Math.round(message.loadMs);
          this.logger.info({ slot: this.index, backend, skipped, loadMs }, `engine backend: ${backend}`);
          resolve(worker);
        } else if (message.type === 'fatal') {
          fail(revive(message.error));
        } else if (worker === this.current) {
          this.onJobMessage(message);
        }
      });
      worker.on('error', (error) => {
        if (started) this.logger.error({ slot: this.index, err: error }, 'engine worker failed');
        else fail(error);
      });
      worker.on('exit', (code) => {
        if (started) this.onExit(worker, code);
        else fail(new Error(`the engine worker exited (code ${code}) before it was ready`));
      });
    });
  }

  private onJobMessage(message: Exclude<FromWorker, { type: 'ready' | 'fatal' }>): void {
    const job = this.job;
    if (!job || job.id !== message.id) return;
    if (message.type === 'progress') {
      try {
        job.callbacks.onProgress?.(message.progress);
      } catch (error) {
        this.logger.warn({ err: error }, 'progress listener threw; ignored');
      }
      return;
    }
    this.policy.finishedJob();
    if (message.type === 'result') {
      this.logger.debug({ slot: this.index, job: message.id, tensors: message.tensors }, 'engine job finished');
      this.settle(job, message.result);
    } else {
      this.settle(job, revive(message.error));
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.current || this.closed) return;
    this.current = undefined;
    const restartInMs = this.policy.crashed();
    this.logger.error({ slot: this.index, code, restartInMs }, 'engine worker died; restarting it');
    void this.restart(restartInMs);
    if (this.job) this.settle(this.job, new EngineCrashedError());
  }

  private restart(delayMs: number): Promise<Worker> {
    const generation = ++this.generation;
    this.ready = this.startWithRetries(generation, delayMs);
    // Whoever needs the worker next (a job, replace()) sees a failure; nobody else has to.
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private async startWithRetries(generation: number, firstDelayMs: number): Promise<Worker> {
    let delayMs = firstDelayMs;
    for (;;) {
      if (delayMs > 0) await sleep(delayMs);
      if (generation !== this.generation) throw new SupersededStartError();
      try {
        const worker = await this.launch();
        if (generation !== this.generation) {
          void worker.terminate();
          throw new SupersededStartError();
        }
        this.policy.started();
        return worker;
      } catch (error) {
        if (generation !== this.generation || error instanceof SupersededStartError) throw error;
        const retryInMs = this.policy.startFailed();
        if (retryInMs === undefined) {
          const times = DEFAULT_RESTART_LIMITS.maxFailedStarts;
          this.logger.error(
            { slot: this.index, err: error },
            `engine slot ${this.index} stopped: its worker failed to start ${times} times in a row`,
          );
          throw new EngineStoppedError();
        }
        this.logger.warn({ slot: this.index, err: error, retryInMs }, 'engine worker could not start; trying again');
        delayMs = retryInMs;
      }
    }
  }
}

/**
 * Starts `config.slots` engine workers and resolves once all have loaded their weights and runtime. A worker that
 * cannot start here fails the whole start-up with its own error, since a bad setting is then the likely cause.
 */
export async function startEngine(config: EngineConfig, logger: Logger): Promise<StyleEngine> {
  const slots = Array.from({ length: config.slots }, (_, index) => new WorkerSlot(index, config, logger));
  try {
    await Promise.all(slots.map((slot) => slot.open()));
  } catch (error) {
    await Promise.all(slots.map((slot) => slot.close()));
    throw error;
  }
  const slotAt = (slot: number): WorkerSlot => {
    const found = Number.isInteger(slot) ? slots[slot] : undefined;
    if (!found) throw new RangeError(`no engine slot ${slot}; slots are 0..${slots.length - 1}`);
    return found;
  };
  let nextId = 1;
  return {
    backend: slots[0]!.backend,
    maxSide: slots[0]!.maxSide,
    slots: slots.length,
    async stylize(slot, request, callbacks = {}) {
      return slotAt(slot).run(nextId++, request, callbacks);
    },
    async replace(slot) {
      await slotAt(slot).replace();
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.close()));
    },
  };
}
