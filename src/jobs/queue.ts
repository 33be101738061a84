import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { StyleEngine } from '../engine/engine.js';
import type { Progress } from '../engine/types.js';
import { UserError } from '../errors.js';
import { encodeImage } from '../images/encode.js';
import type { CancelOutcome, CancelReason, JobEvent, JobHandle, JobListener, JobSpec } from './job.js';
import { userMessage } from './messages.js';
import { Throughput } from './throughput.js';

/** 15 minutes: a 1024 px job takes about 11 on two CPU cores with ONNX Runtime. */
export const JOB_TIMEOUT_MS = 15 * 60_000;

export class TooManyJobsError extends UserError {
  constructor(limit: number) {
    const jobs = limit === 1 ? 'a job' : `${limit} jobs`;
    super('too-many-jobs', `You already have ${jobs} in line. Wait for one to finish (or cancel one), then try again.`);
  }
}

export class QueueFullError extends UserError {
  constructor(limit: number) {
    super('queue-full', `The queue is full right now (${limit} jobs waiting). Please try again in a few minutes.`);
  }
}

export class QueueClosedError extends UserError {
  constructor() {
    super('shutting-down', "I'm restarting and not taking new jobs. Please try again in a minute.");
  }
}

export interface JobQueueOptions {
  readonly engine: Pick<StyleEngine, 'slots' | 'stylize'>;
  readonly logger: Logger;
  /** Most unfinished jobs (waiting or running) one user may have. Default 2. */
  readonly maxPerUser?: number;
  /** Most jobs waiting to start, over all users. Default 20. */
  readonly maxWaiting?: number;
  /** A running job is stopped after this long. Default JOB_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  readonly throughput?: Throughput;
}

interface Job {
  readonly id: string;
  readonly spec: JobSpec;
  readonly listener: JobListener;
  readonly estimateMs: number;
  readonly submittedAt: number;
  state: 'waiting' | 'running' | 'finished';
  /** Takes a waiting job out of p-queue's line; never touches a running one. */
  readonly dequeue: AbortController;
  /** Stops the engine mid-run. */
  readonly abort: AbortController;
  cancelReason?: CancelReason;
  startedAt?: number;
  lastProgress?: Progress;
  reportedPosition?: number;
  settle(): void;
}

/**
 * The line of style-transfer jobs in front of the engine. Runs as many at once as the engine has
 * slots, tells every job where it stands and when it should start, and makes sure no job, and no
 * listener, can hurt another.
 */
export class JobQueue {
  readonly #engine: JobQueueOptions['engine'];
  readonly #logger: Logger;
  readonly #maxPerUser: number;
  readonly #maxWaiting: number;
  readonly #timeoutMs: number;
  readonly #throughput: Throughput;
  readonly #pool: PQueue;
  readonly #jobs = new Map<string, Job>();
  /** Waiting jobs in the order they will start. */
  #line: Job[] = [];
  #closed = false;

  constructor(options: JobQueueOptions) {
    this.#engine = options.engine;
    this.#logger = options.logger;
    this.#maxPerUser = options.maxPerUser ?? 2;
    this.#maxWaiting = options.maxWaiting ?? 20;
    this.#timeoutMs = options.timeoutMs ?? JOB_TIMEOUT_MS;
    this.#throughput = options.throughput ?? new Throughput();
    this.#pool = new PQueue({ concurrency: options.engine.slots });
  }

  /** Number of jobs waiting to start. */
  get waiting(): number {
    return this.#line.length;
  }

  /** Number of jobs the engine is working on. */
  get running(): number {
    return [...this.#jobs.values()].filter((job) => job.state === 'running').length;
  }

  /**
   * Puts a job in line. Throws TooManyJobsError, QueueFullError or QueueClosedError (all UserErrors).
   * Events reach `listener` asynchronously and in order, so the handle is always known by then.
   */
  submit(spec: JobSpec, listener: JobListener): JobHandle {
    if (this.#closed) throw new QueueClosedError();
    const { userId, platform } = spec.requester;
    const mine = [...this.#jobs.values()].filter(
      (job) => job.spec.requester.userId === userId && job.spec.requester.platform === platform,
    );
    if (mine.length >= this.#maxPerUser) throw new TooManyJobsError(this.#maxPerUser);
    if (this.#line.length >= this.#maxWaiting) throw new QueueFullError(this.#maxWaiting);

    let settle = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const job: Job = {
      id: randomUUID(),
      spec,
      listener,
      estimateMs: this.#throughput.estimateMs(spec.content, spec.options),
      submittedAt: Date.now(),
      state: 'waiting',
      dequeue: new AbortController(),
      abort: new AbortController(),
      settle,
    };
    this.#jobs.set(job.id, job);
    this.#line.push(job);
    const position = this.#line.length;
    const etaMs = this.#startEstimates().get(job.id) ?? 0;
    job.reportedPosition = position;
    this.#log(job).info({ position, etaMs, label: spec.label }, 'job queued');
    this.#emit(job, { type: 'queued', position, etaMs });
    // A job taken out of line rejects here with the abort reason; #cancelWaiting has already reported it.
    this.#pool.add(() => this.#run(job), { signal: job.dequeue.signal }).catch(() => undefined);
    return { id: job.id, done };
  }

  /** Cancels a job on behalf of `userId`; only the job's own requester may. */
  cancel(jobId: string, userId: string): CancelOutcome {
    const job = this.#jobs.get(jobId);
    if (!job || job.state === 'finished') return 'not-found';
    if (job.spec.requester.userId !== userId) return 'not-yours';
    this.#stop(job, 'user');
    return 'cancelled';
  }

  /** Stops taking jobs, cancels every job, and waits until the engine is free. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of [...this.#jobs.values()]) this.#stop(job, 'shutdown');
    await this.#pool.onIdle();
  }

  #stop(job: Job, reason: CancelReason): void {
    if (job.state === 'finished' || job.cancelReason) return;
    job.cancelReason = reason;
    if (job.state === 'waiting') {
      this.#line = this.#line.filter((other) => other !== job);
      job.dequeue.abort();
      this.#finish(job, { type: 'cancelled', reason });
      this.#reportMoves();
    } else {
      job.abort.abort();
    }
  }

  async #run(job: Job): Promise<void> {
    if (job.state !== 'waiting') return;
    this.#line = this.#line.filter((other) => other !== job);
    job.state = 'running';
    job.startedAt = Date.now();
    const log = this.#log(job);
    log.info({ waitedMs: job.startedAt - job.submittedAt }, 'job started');
    this.#emit(job, { type: 'started', etaMs: job.estimateMs });
    this.#reportMoves();

    const timer = setTimeout(() => this.#stop(job, 'timeout'), this.#timeoutMs);
    const { content, styles, options } = job.spec;
    try {
      const result = await this.#engine.stylize(
        0,
        { content, styles, options },
        {
          signal: job.abort.signal,
          onProgress: (progress) => {
            job.lastProgress = progress;
            this.#emit(job, { type: 'progress', progress });
          },
        },
      );
      const png = await encodeImage(result.image, 'png');
      const ms = Date.now() - job.startedAt;
      this.#throughput.record(content, options, ms);
      log.info({ ms, engineMs: result.ms, backend: result.backend }, 'job done');
      this.#finish(job, { type: 'done', result, png });
    } catch (err) {
      if (job.cancelReason) {
        log.info({ reason: job.cancelReason, ms: Date.now() - job.startedAt }, 'job cancelled');
        this.#finish(job, { type: 'cancelled', reason: job.cancelReason });
      } else {
        log.warn({ err, ms: Date.now() - job.startedAt }, 'job failed');
        this.#finish(job, { type: 'failed', message: userMessage(err) });
      }
    } finally {
      clearTimeout(timer);
      this.#reportMoves();
    }
  }

  #finish(job: Job, event: JobEvent): void {
    job.state = 'finished';
    this.#jobs.delete(job.id);
    this.#emit(job, event);
    // Queued after the event's own delivery, so `done` settles once the listener has seen it.
    queueMicrotask(job.settle);
  }

  /** Tells every waiting job whose place changed where it now stands. */
  #reportMoves(): void {
    const estimates = this.#startEstimates();
    this.#line.forEach((job, index) => {
      const position = index + 1;
      if (job.reportedPosition === position) return;
      job.reportedPosition = position;
      this.#emit(job, { type: 'moved', position, etaMs: estimates.get(job.id) ?? 0 });
    });
  }

  /** Expected wait until each waiting job starts: running jobs' remaining time, then the line dealt out to the slots. */
  #startEstimates(): Map<string, number> {
    const now = Date.now();
    const slotsFreeIn = [...this.#jobs.values()]
      .filter((job) => job.state === 'running')
      .map((job) => job.lastProgress?.etaMs ?? Math.max(0, job.estimateMs - (now - (job.startedAt ?? now))));
    while (slotsFreeIn.length < this.#engine.slots) slotsFreeIn.push(0);
    const estimates = new Map<string, number>();
    for (const job of this.#line) {
      const soonest = slotsFreeIn.indexOf(Math.min(...slotsFreeIn));
      const startsIn = slotsFreeIn[soonest] ?? 0;
      estimates.set(job.id, startsIn);
      slotsFreeIn[soonest] = startsIn + job.estimateMs;
    }
    return estimates;
  }

  /** Delivers an event on a later microtask; a listener that throws or rejects is logged and otherwise ignored. */
  #emit(job: Job, event: JobEvent): void {
    queueMicrotask(() => {
      try {
        const returned: unknown = job.listener(event);
        if (returned instanceof Promise) {
          returned.catch((err: unknown) => this.#log(job).error({ err, event: event.type }, 'job listener failed'));
        }
      } catch (err) {
        this.#log(job).error({ err, event: event.type }, 'job listener failed');
      }
    });
  }

  #log(job: Job): Logger {
    const { platform, userId } = job.spec.requester;
    return this.#logger.child({ jobId: job.id, platform, userId });
  }
}
