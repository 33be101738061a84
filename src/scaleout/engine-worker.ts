import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FeedForwardEngine } from '../engine/feedforward/index.js';
import type { StyleEngine } from '../engine/index.js';
import type { Progress } from '../engine/types.js';
import { UserError } from '../errors.js';
import type { LaneName } from '../jobs/lanes.js';
import type { EaselMetrics } from '../ops/index.js';
import { connectRedis, redisReady, within } from './connection.js';
import { ImageStore } from './image-store.js';
import { CANCEL_CHANNEL, cancelledKey, PREVIEW_CHANNEL, queueName } from './keys.js';
import { encodePreview } from './previews.js';
import { WorkerHeartbeat } from './registry.js';
import { parseWireJob, type WireJob, type WireOutcome, type WireResult } from './wire.js';

/**
 * How often BullMQ runs a job whose worker vanished (its lock ran out) before failing it: once more on another
 * worker. A job that takes down every worker it lands on must not go round the whole row of them.
 */
export const MAX_STALLED_RUNS = 1;
/** How long each shutdown step that needs Redis may take. */
const CLOSE_STEP_MS = 3_000;
/** Progress goes to Redis at most this often; the platforms show it every few seconds at best. */
const PROGRESS_INTERVAL_MS = 500;

export interface EngineWorkerOptions {
  readonly redisUrl: string;
  readonly logger: Logger;
  readonly metrics: EaselMetrics;
  /** The Gatys engine, for a worker that serves the gatys lane. */
  readonly engine?: StyleEngine;
  /** The feed-forward engine, for a worker that serves the network lane. */
  readonly networkEngine?: FeedForwardEngine;
  readonly lockMs: number;
  readonly maxInlineBytes: number;
  readonly sharedDir?: string;
  /** Results not taken by the bot expire after this. */
  readonly resultTtlMs: number;
}

/** Sends a job's progress to BullMQ: the first at once, then at most one per interval, always the newest. */
class ProgressSender {
  #waiting: Progress | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastSentAt = 0;

  constructor(
    private readonly send: (progress: Omit<Progress, 'preview'>) => void,
    private readonly intervalMs: number,
  ) {}

  report({ preview: _preview, ...progress }: Progress): void {
    this.#waiting = progress;
    if (this.#timer) return;
    const dueIn = this.#lastSentAt + this.intervalMs - Date.now();
    if (dueIn <= 0) this.#flush();
    else this.#timer = setTimeout(() => this.#flush(), dueIn);
  }

  #flush(): void {
    this.#timer = undefined;
    const progress = this.#waiting;
    this.#waiting = undefined;
    if (!progress) return;
    this.#lastSentAt = Date.now();
    this.send(progress);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * `easel worker`'s engine side: takes jobs from the BullMQ queue of each lane it has an engine for, as many at once
 * as the engine has slots, and paints them. The engines run in worker threads, so this event loop stays free for
 * BullMQ's lock renewals however long a job paints. A job whose worker dies is run again by BullMQ on another.
 */
export class EngineWorker {
  readonly #options: EngineWorkerOptions;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #store: ImageStore;
  readonly #workers: Worker[] = [];
  /** Free Gatys engine slots; BullMQ's concurrency never runs more jobs than there are. */
  readonly #freeSlots: number[];
  #heartbeat: WorkerHeartbeat | undefined;

  private constructor(options: EngineWorkerOptions) {
    this.#options = options;
    this.#redis = connectRedis(options.redisUrl, options.logger, 'worker');
    this.#subscriber = connectRedis(options.redisUrl, options.logger, 'worker cancels');
    this.#store = new ImageStore({
      redis: this.#redis,
      maxInlineBytes: options.maxInlineBytes,
      sharedDir: options.sharedDir,
      ttlMs: options.resultTtlMs,
    });
    this.#freeSlots = Array.from({ length: options.engine?.slots ?? 0 }, (_, slot) => slot);
  }

  static async start(options: EngineWorkerOptions): Promise<EngineWorker> {
    const worker = new EngineWorker(options);
    try {
      await worker.#start();
    } catch (err) {
      await worker.close(0);
      throw err;
    }
    return worker;
  }

  /** The lanes served, with the jobs each runs at once. */
  get slots(): Partial<Record<LaneName, number>> {
    const { engine, networkEngine } = this.#options;
    return { ...(engine ? { gatys: engine.slots } : {}), ...(networkEngine ? { network: 1 } : {}) };
  }

  ready(): boolean {
    return redisReady(this.#redis) && this.#workers.every((worker) => worker.isRunning());
  }

  async #start(): Promise<void> {
    const { logger, lockMs, engine, networkEngine } = this.#options;
    // Subscribed before taking jobs, so no cancel for a job of ours can be missed.
    await this.#subscriber.subscribe(CANCEL_CHANNEL);
    this.#subscriber.on('message', (_channel: string, key: string) => {
      for (const worker of this.#workers) worker.cancelJob(key, 'cancelled by the member');
    });
    for (const [lane, concurrency] of Object.entries(this.slots) as Array<[LaneName, number]>) {
      const worker = new Worker(queueName(lane), (job, _token, signal) => this.#process(lane, job, signal), {
        connection: this.#redis,
        concurrency,
        // Renewed every lockDuration / 2 while the job runs; a dead worker's jobs are found by the others' stalled
        // check, which runs as often as a lock lasts.
        lockDuration: lockMs,
        stalledInterval: lockMs,
        maxStalledCount: MAX_STALLED_RUNS,
      });
      worker.on('error', (err) => logger.warn({ err, lane }, 'BullMQ worker error'));
      this.#workers.push(worker);
    }
    await Promise.all(this.#workers.map((worker) => worker.waitUntilReady()));
    const backend = engine?.backend ?? networkEngine?.backend ?? 'none';
    this.#heartbeat = await WorkerHeartbeat.start(
      this.#redis,
      { id: randomUUID(), backend, slots: this.slots },
      lockMs,
      logger,
    );
  }

  async #process(lane: LaneName, job: Job, signal: AbortSignal | undefined): Promise<WireOutcome> {
    const { logger, metrics } = this.#options;
    const key = job.id ?? '';
    let data: WireJob;
    try {
      data = parseWireJob(job.data);
    } catch (err) {
      logger.error({ err, bullJob: key, lane }, 'job data unreadable; is the bot another version of easel?');
      metrics.workerJob(lane, 'failed');
      return { outcome: 'failed' };
    }
    const log = logger.child({ jobId: data.jobId, bullJob: key, lane });
    if ((await this.#redis.exists(cancelledKey(key))) === 1) {
      log.info('job cancelled before it started');
      metrics.workerJob(lane, 'cancelled');
      return { outcome: 'cancelled' };
    }
    log.info({ run: job.attemptsStarted, label: data.label }, 'job started');
    const startedAt = Date.now();
    let iterationsSeen = 0;
    const progress = new ProgressSender((p) => {
      job.updateProgress(p).catch((err: unknown) => log.warn({ err }, 'could not send progress'));
    }, PROGRESS_INTERVAL_MS);
    const onProgress = (p: Progress): void => {
      metrics.iterations(p.iteration - iterationsSeen);
      iterationsSeen = Math.max(iterationsSeen, p.iteration);
      progress.report(p);
      if (p.preview) {
        this.#redis
          .publish(PREVIEW_CHANNEL, encodePreview({ jobKey: key, preview: p.preview }))
          .catch((err: unknown) => log.warn({ err }, 'could not send a preview'));
      }
    };
    try {
      const result = await this.#paint(key, data, signal, onProgress);
      progress.stop();
      log.info({ ms: Date.now() - startedAt, backend: result.backend }, 'job done');
      metrics.workerJob(lane, 'done');
      return { outcome: 'done', result };
    } catch (err) {
      progress.stop();
      if (signal?.aborted) {
        log.info({ ms: Date.now() - startedAt }, 'job cancelled');
        metrics.workerJob(lane, 'cancelled');
        return { outcome: 'cancelled' };
      }
      log.warn({ err, ms: Date.now() - startedAt }, 'job failed');
      metrics.workerJob(lane, 'failed');
      return err instanceof UserError ? { outcome: 'failed', message: err.message } : { outcome: 'failed' };
    }
  }

  async #paint(
    key: string,
    data: WireJob,
    signal: AbortSignal | undefined,
    onProgress: (p: Progress) => void,
  ): Promise<WireResult> {
    const { engine, networkEngine } = this.#options;
    const content = await this.#store.get(data.content);
    if (data.kind === 'network') {
      // Present: BullMQ only hands this worker jobs of the lanes it has engines for.
      const result = await networkEngine!.stylize(
        { networkId: data.networkId, image: content, size: data.size },
        signal ? { signal } : {},
      );
      const image = await this.#store.put(key, 'result', result.image);
      return { kind: 'network', image, ms: result.ms, backend: result.backend };
    }
    const styles = await Promise.all(data.styles.map((ref) => this.#store.get(ref)));
    const slot = this.#freeSlots.shift();
    if (slot === undefined) throw new Error('no free engine slot; BullMQ ran more jobs than its concurrency');
    try {
      const { image, ...rest } = await engine!.stylize(
        slot,
        { content, styles, options: data.options },
        { onProgress, ...(signal ? { signal } : {}), previewIntervalMs: data.previewIntervalMs },
      );
      return { kind: 'gatys', image: await this.#store.put(key, 'result', image), ...rest };
    } finally {
      this.#freeSlots.push(slot);
    }
  }

  /**
   * Stops taking jobs, gives running ones `graceMs` to finish, then leaves them: their locks run out and BullMQ runs
   * them again on another worker. The card goes first, so the bot stops counting this worker's slots at once.
   */
  async close(graceMs: number): Promise<void> {
    // Each step is bounded: with Redis gone, a command would wait for it for ever.
    if (this.#heartbeat) await within(CLOSE_STEP_MS, this.#heartbeat.stop());
    await within(graceMs, Promise.allSettled(this.#workers.map((worker) => worker.close())));
    await within(CLOSE_STEP_MS, Promise.allSettled(this.#workers.map((worker) => worker.close(true))));
    this.#subscriber.disconnect();
    this.#redis.disconnect();
  }
}
