import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JobAbortedError, UserError } from '../errors.js';
import type { JobResult, JobSpec } from '../jobs/job.js';
import {
  measureGatys,
  measureNetwork,
  NETWORK_RATE_PREFIX,
  type Lane,
  type LaneCallbacks,
  type LaneName,
} from '../jobs/lanes.js';
import { connectRedis, redisReady, within } from './connection.js';
import { JobLostError, WireFormatError, WorkerLostError, WorkersUnreachableError } from './errors.js';
import { ImageStore, type ImageRef } from './image-store.js';
import { CANCEL_CHANNEL, cancelledKey, PREVIEW_CHANNEL, queueName } from './keys.js';
import { decodePreview } from './previews.js';
import { WorkerRoster } from './registry.js';
import { parseWireOutcome, parseWireProgress, type WireJob, type WireOutcome, type WireProgress } from './wire.js';

/**
 * BullMQ keeps finished jobs this long and this many, for a look with a Redis browser; the bot itself needs none
 * of them once it has read the outcome.
 */
const KEEP_COMPLETED = { age: 3_600, count: 1_000 };
const KEEP_FAILED = { age: 24 * 3_600, count: 1_000 };
/** How long close() waits for BullMQ to close its connections cleanly. */
const CLOSE_WAIT_MS = 3_000;

export interface RemoteLanesOptions {
  readonly redisUrl: string;
  readonly logger: Logger;
  /** Decoded images of more bytes than this go through `sharedDir` instead of Redis. */
  readonly maxInlineBytes: number;
  readonly sharedDir?: string;
  /** The workers' lock time, which paces their heartbeats. */
  readonly lockMs: number;
  /** How long jobs wait while a lane has no worker: a worker restarting is back well within the default. */
  readonly workerWaitMs: number;
  /** The job timeout: images left behind by a bot that died expire a while after it. */
  readonly jobTimeoutMs: number;
  /** The longest side of a network pass's result, as the bot caps it. */
  readonly networkMaxSide: number;
  /** How often the pending jobs' states are read from BullMQ, for an end whose event never came; `lockMs` unless set. */
  readonly recheckMs?: number;
}

/** A job handed to the workers, until its outcome is read. */
interface PendingRun {
  readonly lane: LaneName;
  readonly slot: number;
  readonly log: Logger;
  readonly onProgress: LaneCallbacks['onProgress'];
  readonly signal: AbortSignal;
  readonly images: ImageRef[];
  last?: WireProgress;
  /** On BullMQ: until then a re-check would not find it, and must not take that as lost. */
  sent: boolean;
  /** Its end has been read (by its event or a re-check); whichever reads it second is ignored. */
  settling: boolean;
  readonly resolve: (result: JobResult) => void;
  readonly reject: (error: Error) => void;
}

/** How a job ended, as its event or a re-check reads it from BullMQ; `missing` where BullMQ no longer has it. */
type JobEnd =
  | { readonly state: 'completed'; readonly returnvalue: unknown }
  | { readonly state: 'failed'; readonly failedReason: string }
  | { readonly state: 'missing' };

/**
 * The scale-out mode's lanes: each runs its jobs on `easel worker` processes through a BullMQ queue of its own, and
 * has as many slots as its live workers together (registry.ts), so the bot's JobQueue keeps deciding who goes next
 * (limits, round-robin, ETA, the journal) exactly as it does over local engines. A job's outcome is taken once: a
 * job BullMQ runs twice (its first worker died) or an event heard twice resolves the lane's promise only the first
 * time, so the member gets exactly one result. Events can be missed (a reconnect of their blocking reader, a trimmed
 * stream), so the pending jobs' states are also read every `recheckMs`, and at once when the reader reconnects.
 */
export class RemoteLanes {
  readonly gatys: Lane;
  readonly network: Lane;
  readonly roster: WorkerRoster;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  /** What the QueueEvents' blocking connections are copied from: they wait out an outage, as BullMQ requires. */
  readonly #eventsBase: Redis;
  readonly #store: ImageStore;
  readonly #queues: Record<LaneName, Queue>;
  readonly #events: QueueEvents[];
  readonly #pending = new Map<string, PendingRun>();
  readonly #options: RemoteLanesOptions;
  readonly #imageTtlMs: number;
  #recheckTimer: NodeJS.Timeout | undefined;
  /** A re-check is in flight: with Redis slow, ticks do not pile up. */
  #rechecking = false;

  private constructor(options: RemoteLanesOptions) {
    this.#options = options;
    this.#redis = connectRedis(options.redisUrl, options.logger, 'bot', { failFast: true });
    this.#subscriber = connectRedis(options.redisUrl, options.logger, 'bot previews');
    this.#eventsBase = connectRedis(options.redisUrl, options.logger, 'bot events');
    // Twice the timeout: long enough for any job that can still finish, short enough to clean up after a crash.
    this.#imageTtlMs = 2 * options.jobTimeoutMs;
    this.#store = new ImageStore({
      redis: this.#redis,
      maxInlineBytes: options.maxInlineBytes,
      sharedDir: options.sharedDir,
      ttlMs: this.#imageTtlMs,
    });
    this.roster = new WorkerRoster(this.#redis, options.logger);
    const connection = this.#redis;
    this.#queues = {
      gatys: new Queue(queueName('gatys'), { connection }),
      network: new Queue(queueName('network'), { connection }),
    };
    this.#events = (['gatys', 'network'] as const).map((lane) => this.#follow(lane));
    this.gatys = this.#lane('gatys');
    this.network = this.#lane('network');
  }

  /** Connects, subscribes to previews, and reads the workers once, so the lanes start with their real slots. */
  static async start(options: RemoteLanesOptions): Promise<RemoteLanes> {
    const lanes = new RemoteLanes(options);
    try {
      await Promise.all(lanes.#events.map((events) => events.waitUntilReady()));
      await lanes.#subscriber.subscribe(PREVIEW_CHANNEL);
      lanes.#subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => lanes.#preview(message));
      await lanes.roster.start(options.lockMs);
      await lanes.#startRechecks();
    } catch (err) {
      await lanes.close();
      throw err;
    }
    return lanes;
  }

  /** Whether Redis takes commands now; for /readyz. */
  ready(): boolean {
    return redisReady(this.#redis);
  }

  /** Closes the connections; with Redis gone, after a few seconds at most. */
  async close(): Promise<void> {
    clearInterval(this.#recheckTimer);
    this.roster.stop();
    const closing = [...this.#events, ...Object.values(this.#queues)].map((part) => part.close());
    await within(CLOSE_WAIT_MS, Promise.allSettled(closing));
    this.#subscriber.disconnect();
    this.#eventsBase.disconnect();
    this.#redis.disconnect();
  }

  #lane(name: LaneName): Lane {
    const { roster } = this;
    return {
      name,
      get slots() {
        return roster.slots(name);
      },
      // Rates are kept per backend, as in one process; "remote" only until a worker has said which it runs.
      get rateKey() {
        const backend = roster.backend(name) ?? 'remote';
        return name === 'gatys' ? backend : `${NETWORK_RATE_PREFIX}${backend}`;
      },
      onSlotsChanged: (listener) => roster.onChange(listener),
      slotlessGraceMs: this.#options.workerWaitMs,
      measure: name === 'gatys' ? measureGatys : measureNetwork(this.#options.networkMaxSide),
      run: (slot, spec, callbacks) => this.#run(name, slot, spec, callbacks),
      // The queue gave up on the job in this slot (it would not stop): stop waiting for it. A worker that is stuck
      // keeps its lock until its process is restarted; nothing here can end it.
      replace: (slot) => {
        for (const [key, run] of this.#pending) if (run.lane === name && run.slot === slot) this.#drop(key, run);
        return Promise.resolve();
      },
    };
  }

  #run(lane: LaneName, slot: number, spec: JobSpec, { jobId, signal, onProgress }: LaneCallbacks): Promise<JobResult> {
    // A fresh BullMQ id each time: a job restored after a restart keeps the queue's id, and BullMQ ignores an add
    // under an id it still keeps.
    const key = `${jobId}-${randomUUID().slice(0, 8)}`;
    const log = this.#options.logger.child({ jobId, bullJob: key, lane });
    return new Promise<JobResult>((resolve, reject) => {
      const run: PendingRun = {
        lane,
        slot,
        log,
        onProgress,
        signal,
        images: [],
        sent: false,
        settling: false,
        resolve,
        reject,
      };
      this.#pending.set(key, run);
      signal.addEventListener('abort', () => void this.#cancel(key, log), { once: true });
      this.#send(key, lane, spec, jobId).then(
        () => {
          run.sent = true;
          log.debug('job sent to the workers');
          if (signal.aborted) void this.#cancel(key, log);
        },
        (err: unknown) => this.#fail(key, err instanceof UserError ? err : new WorkersUnreachableError({ cause: err })),
      );
    });
  }

  async #send(key: string, lane: LaneName, spec: JobSpec, jobId: string): Promise<void> {
    const images = this.#pending.get(key)?.images ?? [];
    const put = async (name: string, image: JobSpec['content']): Promise<ImageRef> => {
      const ref = await this.#store.put(key, name, image);
      images.push(ref);
      return ref;
    };
    const content = await put('content', spec.content);
    const data: WireJob =
      spec.kind === 'gatys'
        ? {
            kind: 'gatys',
            jobId,
            label: spec.label,
            content,
            styles: await Promise.all(spec.styles.map((style, i) => put(`style${i}`, style))),
            options: spec.options,
            ...(spec.previewIntervalMs ? { previewIntervalMs: spec.previewIntervalMs } : {}),
          }
        : { kind: 'network', jobId, label: spec.label, content, networkId: spec.networkId, size: spec.size };
    await this.#queues[lane].add(spec.kind, data, {
      jobId: key,
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
    });
  }

  /**
   * Tells whichever worker holds the job to stop, and marks it so that a worker taking it later never starts it.
   * A job no worker has taken yet is removed outright, and ends here; otherwise its worker's answer ends it.
   */
  async #cancel(key: string, log: Logger): Promise<void> {
    try {
      await this.#redis.set(cancelledKey(key), '1', 'PX', this.#imageTtlMs);
      await this.#redis.publish(CANCEL_CHANNEL, key);
      const lane = this.#pending.get(key)?.lane;
      if (lane && (await this.#queues[lane].remove(key)) === 1) {
        log.info('job removed before a worker took it');
        this.#fail(key, new JobAbortedError());
      }
    } catch (err) {
      log.warn({ err }, 'could not pass the cancel on to the workers');
    }
  }

  /** Follows one lane's BullMQ events: progress, and each job's end. */
  #follow(lane: LaneName): QueueEvents {
    const events = new QueueEvents(queueName(lane), { connection: this.#eventsBase });
    events.on('progress', ({ jobId, data }) => {
      const run = this.#pending.get(jobId);
      const progress = parseWireProgress(data);
      if (!run || !progress) return;
      run.last = progress;
      run.onProgress(progress);
    });
    events.on('completed', ({ jobId, returnvalue }) =>
      this.#settle(jobId, { state: 'completed', returnvalue }, 'event'),
    );
    events.on('failed', ({ jobId, failedReason }) => this.#settle(jobId, { state: 'failed', failedReason }, 'event'));
    events.on('error', (err) => this.#options.logger.warn({ err, lane }, 'BullMQ events connection failed'));
    return events;
  }

  /** Re-checks every `recheckMs`, and whenever an events reader reconnects: it may have missed an end meanwhile. */
  async #startRechecks(): Promise<void> {
    const { recheckMs, lockMs } = this.#options;
    this.#recheckTimer = setInterval(() => void this.#recheck(), recheckMs ?? lockMs).unref();
    for (const events of this.#events) (await events.client).on('ready', () => void this.#recheck());
  }

  /** Reads the state of each of this bot's jobs on BullMQ, and settles those that ended. Never rejects. */
  async #recheck(): Promise<void> {
    if (this.#rechecking) return;
    this.#rechecking = true;
    const due = [...this.#pending].filter(([, run]) => run.sent && !run.settling);
    await Promise.all(
      due.map(async ([key, run]) => {
        try {
          const end = await this.#readEnd(key, run.lane);
          if (end) this.#settle(key, end, 're-check');
        } catch (err) {
          run.log.debug({ err }, 'could not re-check the job on Redis');
        }
      }),
    );
    this.#rechecking = false;
  }

  /** How the job ended, or undefined while it has not. */
  async #readEnd(key: string, lane: LaneName): Promise<JobEnd | undefined> {
    const job = await Job.fromId(this.#queues[lane], key);
    const state = job ? await job.getState() : 'unknown';
    if (!job || state === 'unknown') return { state: 'missing' };
    if (state === 'completed') return { state, returnvalue: job.returnvalue as unknown };
    if (state === 'failed') return { state, failedReason: job.failedReason };
    return undefined;
  }

  /** Takes a job's end, whichever path read it: only the first reading of a run counts. */
  #settle(key: string, end: JobEnd, via: 'event' | 're-check'): void {
    const run = this.#pending.get(key);
    if (!run || run.settling) return;
    run.settling = true;
    // A re-check that finds an end means its event was lost: worth a warning, as a hint about the Redis link.
    run.log[via === 'event' ? 'debug' : 'warn']({ via, state: end.state }, 'job end taken');
    if (end.state === 'completed') return void this.#complete(key, run, end.returnvalue);
    if (end.state === 'failed') {
      run.log.warn({ failedReason: end.failedReason }, 'job failed on the workers');
      return this.#fail(key, new WorkerLostError());
    }
    // A member's cancel removes a job that no worker took yet; that is no loss.
    this.#fail(key, run.signal.aborted ? new JobAbortedError() : new JobLostError());
  }

  async #complete(key: string, run: PendingRun, returnvalue: unknown): Promise<void> {
    let outcome: WireOutcome;
    try {
      outcome = parseWireOutcome(returnvalue);
    } catch (err) {
      return this.#fail(key, err instanceof Error ? err : new WireFormatError('job outcome'));
    }
    if (outcome.outcome === 'cancelled') return this.#fail(key, new JobAbortedError());
    if (outcome.outcome === 'failed') {
      const { message } = outcome;
      return this.#fail(
        key,
        message ? new UserError('worker-failed', message) : new Error('the job failed on a worker'),
      );
    }
    const { result } = outcome;
    run.images.push(result.image);
    try {
      const image = await this.#store.get(result.image);
      if (!this.#pending.has(key)) return;
      this.#drop(key, run);
      run.resolve({ ...result, image });
    } catch (err) {
      this.#fail(key, new WorkersUnreachableError({ cause: err }));
    }
  }

  #preview(message: Buffer): void {
    const decoded = decodePreview(message);
    const run = decoded && this.#pending.get(decoded.jobKey);
    if (!decoded || !run?.last) return;
    run.onProgress({ ...run.last, preview: decoded.preview });
  }

  #fail(key: string, error: Error): void {
    const run = this.#pending.get(key);
    if (!run) return;
    this.#drop(key, run);
    run.reject(error);
  }

  /** Forgets a run, so that any later event about it is ignored, and deletes its images. */
  #drop(key: string, run: PendingRun): void {
    this.#pending.delete(key);
    this.#store
      .delete(run.images)
      .catch((err: unknown) => run.log.warn({ err }, 'could not delete the images of a finished job'));
  }
}
