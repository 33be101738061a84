import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { jobCost, type CostOptions } from '../engine/cost.js';
import { UserError } from '../errors.js';
import { encodeImage } from '../images/encode.js';
import { JobEta } from './eta.js';
import { refuseIfTooBig } from './fit.js';
import type {
  CancelOutcome,
  CancelReason,
  JobEvent,
  JobHandle,
  JobListener,
  JobRequester,
  JobSpec,
  ReplyTo,
} from './job.js';
import {
  gatysLane,
  LANE_PRIORS,
  networkLane,
  type Lane,
  type LaneName,
  type QueueEngine,
  type QueueNetworkEngine,
} from './lanes.js';
import { userMessage } from './messages.js';
import { JobObservers, type JobObserver, type ObservedJob } from './observer.js';
import { memberOf, Scheduler } from './scheduler.js';
import { Throughput } from './throughput.js';

export type { LaneName, QueueEngine, QueueNetworkEngine } from './lanes.js';

/** 15 minutes: a 1024 px job takes about 11 on two CPU cores with ONNX Runtime. */
export const JOB_TIMEOUT_MS = 15 * 60_000;
/** A stopped job's worker reads the abort between iterations; one stuck in a native call gets this long. */
export const STOP_GRACE_MS = 10_000;

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

/** Every engine worker failed to come back after being replaced. */
export class EngineDownError extends UserError {
  constructor() {
    super('engine-down', "My painter is out of order, so I can't take jobs right now. Please try again later.");
  }
}

/** The engines in this process, each behind its lane. */
export interface LocalEngines {
  readonly engine: QueueEngine;
  /** Serves network jobs (presets with a style network) in a lane of their own; without it they are refused. */
  readonly networkEngine?: QueueNetworkEngine;
}

/** Lanes built elsewhere, e.g. the scale-out mode's, whose jobs run on workers in other processes. */
export interface GivenLanes {
  readonly lanes: { readonly gatys: Lane; readonly network?: Lane };
}

export type JobQueueOptions = QueueSettings & (LocalEngines | GivenLanes);

interface QueueSettings {
  readonly logger: Logger;
  /** Most unfinished jobs (waiting or running) plus reservations one member may have. Default 2. */
  readonly maxPerUser?: number;
  /** Most jobs waiting to start plus reservations, over all members. Default 20. */
  readonly maxWaiting?: number;
  /** A running job is stopped after this long; one estimated to take longer is refused. Default JOB_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** How long a stopped job may take to end before its worker is replaced. Default STOP_GRACE_MS. */
  readonly graceMs?: number;
  readonly throughput?: Throughput;
  /** Follow every job's life (metrics, the journal); see JobObserver. */
  readonly observers?: readonly JobObserver[];
}

/** A job brought back from the journal keeps the id and place in time it had before the restart. */
export interface RestoredEntry {
  readonly id: string;
  readonly submittedAt: number;
}

/**
 * A member's place in the queue, held while their images download. It counts against the same limits as a job.
 * Use it exactly once: `submit` when the images are ready, or `release` when they could not be fetched.
 */
export interface Reservation {
  /** Puts the job in line in place of the reservation; throws the queue's UserErrors, and then the place is gone. */
  submit(spec: JobSpec, listener: JobListener): JobHandle;
  /** Gives the place back; does nothing once the reservation is used or released. */
  release(): void;
}

/** A reservation's hold on a member's place, until it is used or released. */
interface Hold {
  readonly member: string;
}

/** A lane and its line: the one scheduler that decides what runs next on the lane's slots. */
interface LaneLine {
  readonly lane: Lane;
  readonly scheduler: Scheduler<Job>;
  /** Since the lane lost its last slot, while its slotlessGraceMs runs; it fires once and the lane is then down. */
  slotless?: NodeJS.Timeout;
  down: boolean;
}

interface Job {
  readonly id: string;
  readonly member: string;
  readonly spec: JobSpec;
  readonly listener: JobListener;
  readonly line: LaneLine;
  /** Its cost in its lane's units, and the size its lane's rate is kept under. */
  readonly units: number;
  readonly size: number;
  readonly submittedAt: number;
  readonly handle: JobHandle;
  state: 'waiting' | 'running' | 'finished';
  /** Stops the engine mid-run. */
  readonly abort: AbortController;
  cancelReason?: CancelReason;
  slot?: number;
  eta?: JobEta;
  fraction: number;
  reportedPosition?: number;
  /** Runs out when a stopped job has not ended in time; its worker is then replaced. */
  grace?: NodeJS.Timeout;
  readonly settle: () => void;
}

/** A function, not an inline check, because TypeScript narrows `state` across the engine's await. */
function finished(job: Job): boolean {
  return job.state === 'finished';
}

/** Content of unknown shape, before download: a square has the most pixels for its longest side. */
const SQUARE = { width: 1, height: 1 };

/**
 * The line of style-transfer jobs in front of the engine, and the one place that decides what runs next (through
 * its Scheduler). It tells every job where it stands and when it should start, refuses what cannot finish in time,
 * frees a slot for sure when a job outlives its timeout, and makes sure no job, and no listener, can hurt another.
 * It schedules onto the engines' slots itself: a p-queue in front would hold a second line with its own order.
 * Each kind of job has its lane (src/jobs/lanes.ts), a line and a Scheduler over its own engine's slots, so a
 * preset's network pass runs while a Gatys job paints; a member's limits count over all lanes.
 */
export class JobQueue {
  readonly #logger: Logger;
  readonly #maxPerUser: number;
  readonly #maxWaiting: number;
  readonly #timeoutMs: number;
  readonly #graceMs: number;
  readonly #throughput: Throughput;
  /** One line per lane; the network lane only when there is an engine for it. */
  readonly #lines: Partial<Record<LaneName, LaneLine>>;
  /** Unfinished jobs by id. */
  readonly #jobs = new Map<string, Job>();
  readonly #holds = new Set<Hold>();
  readonly #observers: JobObservers;
  #closed = false;

  constructor(options: JobQueueOptions) {
    this.#logger = options.logger;
    this.#maxPerUser = options.maxPerUser ?? 2;
    this.#maxWaiting = options.maxWaiting ?? 20;
    this.#timeoutMs = options.timeoutMs ?? JOB_TIMEOUT_MS;
    this.#graceMs = options.graceMs ?? STOP_GRACE_MS;
    this.#throughput = options.throughput ?? new Throughput(LANE_PRIORS);
    const line = (lane: Lane): LaneLine => {
      const scheduler = new Scheduler<Job>(lane.slots);
      // A lane whose slots come and go (remote workers) may free slots, or lose its last one, at any time.
      lane.onSlotsChanged?.(() => {
        scheduler.resize(lane.slots);
        this.#dispatch();
      });
      return { lane, scheduler, down: false };
    };
    const lanes =
      'lanes' in options
        ? options.lanes
        : {
            gatys: gatysLane(options.engine),
            ...(options.networkEngine ? { network: networkLane(options.networkEngine) } : {}),
          };
    this.#lines = {
      gatys: line(lanes.gatys),
      ...(lanes.network ? { network: line(lanes.network) } : {}),
    };
    this.#observers = new JobObservers(options.observers ?? [], options.logger);
  }

  /** Number of jobs waiting to start. */
  get waiting(): number {
    return this.#count((job) => job.state === 'waiting');
  }

  /** Number of jobs the engine is working on. */
  get running(): number {
    return this.#count((job) => job.state === 'running');
  }

  /**
   * Holds a place for `requester` before their images are downloaded, for a job in `lane`. Throws TooManyJobsError,
   * QueueFullError, QueueClosedError or EngineDownError, and JobTooBigError when `options` (of a Gatys job) cannot
   * finish within the timeout (checked for a square picture, the largest there is for a size).
   */
  reserve(requester: JobRequester, options?: CostOptions, lane: LaneName = 'gatys'): Reservation {
    const reservation = this.#refusing(requester, () => this.#reserve(requester, options, lane));
    return {
      submit: (spec, listener) => this.#refusing(spec.requester, () => reservation.submit(spec, listener)),
      release: () => reservation.release(),
    };
  }

  /** Runs one step of taking a job; a UserError from it turned the job away, and the observers hear of that. */
  #refusing<T>(requester: JobRequester, step: () => T): T {
    try {
      return step();
    } catch (err) {
      if (err instanceof UserError) this.#observers.refused(requester, err);
      throw err;
    }
  }

  #reserve(requester: JobRequester, options: CostOptions | undefined, lane: LaneName): Reservation {
    if (this.#closed) throw new QueueClosedError();
    if (!this.#lineUp(lane)) throw new EngineDownError();
    const member = memberOf(requester);
    const holds = [...this.#holds];
    const mine = this.#count((job) => job.member === member) + holds.filter((hold) => hold.member === member).length;
    if (mine >= this.#maxPerUser) throw new TooManyJobsError(this.#maxPerUser);
    if (this.waiting + holds.length >= this.#maxWaiting) throw new QueueFullError(this.#maxWaiting);
    if (options) this.#refuseIfTooBig(SQUARE.width, SQUARE.height, options);

    const hold: Hold = { member };
    this.#holds.add(hold);
    const release = (): void => void this.#holds.delete(hold);
    return {
      submit: (spec, listener) => {
        if (!this.#holds.has(hold)) throw new Error('This reservation was already used or released.');
        if (memberOf(spec.requester) !== member) throw new Error('This reservation is for another member.');
        release();
        if (this.#closed) throw new QueueClosedError();
        if (!this.#lineUp(spec.kind)) throw new EngineDownError();
        if (spec.kind === 'gatys') this.#refuseIfTooBig(spec.content.width, spec.content.height, spec.options);
        return this.#enqueue(member, spec, listener);
      },
      release,
    };
  }

  /**
   * Puts a job in line: reserve and submit in one step. Throws the UserErrors `reserve` and `Reservation.submit` do.
   * Events reach `listener` asynchronously and in order, so the handle is always known by then.
   */
  submit(spec: JobSpec, listener: JobListener): JobHandle {
    return this.reserve(spec.requester, undefined, spec.kind).submit(spec, listener);
  }

  /** Refuses new jobs from now on; a lane waiting for slots stops waiting, since nothing will run in it again. */
  #takeNoMore(): void {
    this.#closed = true;
    for (const line of this.#eachLine()) clearTimeout(line.slotless);
  }

  /** Whether jobs of `lane` can be taken: it has a slot in service, or is waiting for one to come back. */
  #lineUp(lane: LaneName): boolean {
    const line = this.#lines[lane];
    return line !== undefined && (line.scheduler.liveSlots().length > 0 || !line.down);
  }

  #eachLine(): LaneLine[] {
    return Object.values(this.#lines);
  }

  /**
   * Puts a job from the journal back in line after a restart, under its old id. It was taken before, so the limits
   * that turn new jobs away do not apply. It goes back in its own lane; throws QueueClosedError once the queue is
   * closed, and EngineDownError when that lane cannot take jobs now.
   */
  restore(entry: RestoredEntry, spec: JobSpec, listener: JobListener): JobHandle {
    if (this.#closed) throw new QueueClosedError();
    if (!this.#lineUp(spec.kind)) throw new EngineDownError();
    if (this.#jobs.has(entry.id)) throw new Error(`job ${entry.id} is already in the queue`);
    return this.#enqueue(memberOf(spec.requester), spec, listener, entry);
  }

  /**
   * Adds to an unfinished job's `replyTo` what its platform learns once the job is queued, e.g. its status message,
   * so that after a restart the platform finds that too (the journal keeps it). Does nothing once the job has ended.
   */
  noteReplyTo(jobId: string, replyTo: ReplyTo): void {
    const job = this.#jobs.get(jobId);
    if (job) this.#observers.replyTo(this.#observed(job), replyTo);
  }

  /** Cancels a job on behalf of `userId`; only the job's own requester may. */
  cancel(jobId: string, userId: string): CancelOutcome {
    const job = this.#jobs.get(jobId);
    if (!job) return 'not-found';
    if (job.spec.requester.userId !== userId) return 'not-yours';
    this.#stop(job, 'user');
    return 'cancelled';
  }

  /**
   * Stops taking jobs and cancels every job. Returns once each has ended, which a job stuck on its worker does
   * after the grace period; the engine's own close ends that worker.
   */
  async close(): Promise<void> {
    this.#takeNoMore();
    const jobs = [...this.#jobs.values()];
    for (const job of jobs) this.#stop(job, 'shutdown');
    await Promise.all(jobs.map((job) => job.handle.done));
  }

  /**
   * Stops for a restart: takes no more jobs, tells each waiting member at once that their job will run again after
   * the restart (cancelled, reason `restart`), and gives running jobs `graceMs` to finish before stopping them the
   * same way. A job `resumable` says no to (nothing kept to run it again) is cancelled for `shutdown` instead.
   * Returns once every job has ended.
   */
  async suspend(graceMs: number, resumable: (jobId: string) => boolean): Promise<void> {
    this.#takeNoMore();
    const jobs = [...this.#jobs.values()];
    const stop = (job: Job): void => this.#stop(job, resumable(job.id) ? 'restart' : 'shutdown');
    for (const job of jobs) if (job.state === 'waiting') stop(job);
    const overtime = setTimeout(() => jobs.forEach(stop), graceMs);
    await Promise.all(jobs.map((job) => job.handle.done));
    clearTimeout(overtime);
  }

  #count(predicate: (job: Job) => boolean): number {
    let count = 0;
    for (const job of this.#jobs.values()) if (predicate(job)) count++;
    return count;
  }

  #refuseIfTooBig(width: number, height: number, options: CostOptions): void {
    const estimateMs = (size: number, iterations: number): number => {
      const { total } = jobCost(width, height, { ...options, size, iterations });
      // Present: the Gatys lane is always there.
      return this.#throughput.estimateMs(this.#lines.gatys!.lane.rateKey, size, total);
    };
    refuseIfTooBig(estimateMs, this.#timeoutMs, options.size, options.iterations);
  }

  #enqueue(member: string, spec: JobSpec, listener: JobListener, restored?: RestoredEntry): JobHandle {
    let settle = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const id = restored?.id ?? randomUUID();
    // Present: submit and restore checked that the lane is up.
    const line = this.#lines[spec.kind]!;
    const { units, size } = line.lane.measure(spec);
    const job: Job = {
      id,
      member,
      spec,
      listener,
      line,
      units,
      size,
      submittedAt: restored?.submittedAt ?? Date.now(),
      handle: { id, done },
      state: 'waiting',
      abort: new AbortController(),
      fraction: 0,
      settle,
    };
    this.#jobs.set(job.id, job);
    line.scheduler.add(job);
    const position = line.scheduler.line().indexOf(job) + 1;
    const etaMs = this.#startEstimates(line).get(job);
    job.reportedPosition = position;
    this.#log(job).info({ position, etaMs, label: spec.label, restored: restored !== undefined }, 'job queued');
    this.#emit(job, {
      type: 'queued',
      position,
      ...(etaMs !== undefined && { etaMs }),
      ...(restored ? { restored: true } : {}),
    });
    this.#dispatch();
    return job.handle;
  }

  /** Starts waiting jobs on free slots in every lane, then tells the rest where they now stand. */
  #dispatch(): void {
    for (const line of this.#eachLine()) {
      const { scheduler } = line;
      if (scheduler.liveSlots().length === 0) {
        this.#slotless(line);
        continue;
      }
      if (line.slotless !== undefined) {
        clearTimeout(line.slotless);
        line.slotless = undefined;
        // Their lines said "waiting for a painter": now they can say when.
        this.#forgetPositions(line);
      }
      line.down = false;
      for (const { entry, slot } of scheduler.dispatch()) void this.#run(entry, slot);
    }
    this.#reportMoves();
  }

  /**
   * A lane with no slots: down at once, or after its slotlessGraceMs if its slots can come back. Once down, its
   * waiting jobs fail and it refuses new ones until a slot returns.
   */
  #slotless(line: LaneLine): void {
    const graceMs = line.lane.slotlessGraceMs;
    if (graceMs !== undefined && !line.down) {
      if (line.slotless === undefined && !this.#closed) {
        this.#logger.warn({ lane: line.lane.name, graceMs }, 'no slots in this lane; its jobs wait for one');
        // Their lines said when they would start; with no painter there is no saying.
        this.#forgetPositions(line);
        line.slotless = setTimeout(() => {
          line.down = true;
          this.#dispatch();
        }, graceMs).unref();
      }
      return;
    }
    line.down = true;
    for (const job of line.scheduler.line()) {
      line.scheduler.remove(job);
      this.#finish(job, { type: 'failed', message: new EngineDownError().message });
    }
  }

  #stop(job: Job, reason: CancelReason): void {
    if (job.state === 'finished' || job.cancelReason) return;
    job.cancelReason = reason;
    if (job.state === 'waiting') {
      job.line.scheduler.remove(job);
      this.#finish(job, { type: 'cancelled', reason });
      this.#reportMoves();
    } else {
      job.abort.abort();
      job.grace = setTimeout(() => this.#giveUp(job), this.#graceMs);
    }
  }

  /**
   * A stopped job did not end within the grace period: its worker is stuck. Replace the worker, tell the member,
   * and only once the fresh worker is ready hand the slot to the next job.
   */
  #giveUp(job: Job): void {
    const { slot, cancelReason: reason } = job;
    if (job.state !== 'running' || slot === undefined || reason === undefined) return;
    const log = this.#log(job);
    log.warn({ slot, graceMs: this.#graceMs, reason }, 'job did not stop; replacing its worker');
    // When shutting down, the engine's close ends every worker anyway. The async wrapper turns a synchronous
    // throw into a rejection, which retires the slot below instead of escaping from this timer.
    const replaced = this.#closed ? undefined : (async () => job.line.lane.replace(slot))();
    this.#finish(job, { type: 'cancelled', reason });
    replaced?.then(
      () => {
        log.info({ slot }, 'worker replaced');
        job.line.scheduler.release(slot);
        this.#dispatch();
      },
      (err: unknown) => {
        log.error({ err, slot }, 'worker could not be replaced; its slot is out of service');
        job.line.scheduler.retire(slot);
        this.#dispatch();
      },
    );
  }

  async #run(job: Job, slot: number): Promise<void> {
    const { lane, scheduler } = job.line;
    const startedAt = Date.now();
    const eta = new JobEta(job.units, this.#throughput.msPerUnit(lane.rateKey, job.size), startedAt);
    job.state = 'running';
    job.slot = slot;
    job.eta = eta;
    const log = this.#log(job);
    log.info({ slot, waitedMs: startedAt - job.submittedAt }, 'job started');
    this.#emit(job, { type: 'started', etaMs: eta.initialMs });

    const timer = setTimeout(() => this.#stop(job, 'timeout'), this.#timeoutMs);
    try {
      const result = await lane.run(slot, job.spec, {
        jobId: job.id,
        signal: job.abort.signal,
        onProgress: (progress) => {
          if (job.state !== 'running') return;
          job.fraction = Math.max(job.fraction, progress.fraction);
          const etaMs = eta.update(job.fraction, Date.now());
          this.#emit(job, { type: 'progress', progress: { ...progress, fraction: job.fraction, etaMs } });
        },
      });
      clearTimeout(timer);
      // Given up on while the worker was being replaced; the slot is handed on once that is done.
      if (finished(job)) return;
      const png = await encodeImage(result.image, 'png');
      const ms = Date.now() - startedAt;
      this.#throughput.record(lane.rateKey, job.size, job.units, ms);
      log.info({ ms, engineMs: result.ms, backend: result.backend }, 'job done');
      this.#finish(job, { type: 'done', result, png });
    } catch (err) {
      clearTimeout(timer);
      if (finished(job)) return;
      if (job.cancelReason) {
        log.info({ reason: job.cancelReason, ms: Date.now() - startedAt }, 'job cancelled');
        this.#finish(job, { type: 'cancelled', reason: job.cancelReason });
      } else {
        log.warn({ err, ms: Date.now() - startedAt }, 'job failed');
        this.#finish(job, { type: 'failed', message: userMessage(err) });
      }
    }
    scheduler.release(slot);
    this.#dispatch();
  }

  #finish(job: Job, event: JobEvent): void {
    job.state = 'finished';
    clearTimeout(job.grace);
    this.#jobs.delete(job.id);
    this.#emit(job, event);
    // Queued after the event's own delivery, so `done` settles once the listener has seen it.
    queueMicrotask(job.settle);
  }

  /** Tells every waiting job whose place in its lane's line changed where it now stands. */
  #reportMoves(): void {
    for (const line of this.#eachLine()) {
      const estimates = this.#startEstimates(line);
      line.scheduler.line().forEach((job, index) => {
        const position = index + 1;
        if (job.reportedPosition === position) return;
        job.reportedPosition = position;
        const etaMs = estimates.get(job);
        this.#emit(job, { type: 'moved', position, ...(etaMs !== undefined && { etaMs }) });
      });
    }
  }

  /** Has #reportMoves tell the lane's waiting jobs where they stand again, though their places did not change. */
  #forgetPositions(line: LaneLine): void {
    for (const job of line.scheduler.line()) job.reportedPosition = undefined;
  }

  /**
   * Expected wait until each job waiting in a lane starts: its running jobs' time left, then its line dealt out to
   * its slots.
   */
  #startEstimates({ scheduler }: LaneLine): Map<Job, number> {
    const now = Date.now();
    const slotsFreeIn = scheduler.liveSlots().map(({ entry }) => entry?.eta?.remainingMs(now) ?? 0);
    const estimates = new Map<Job, number>();
    if (slotsFreeIn.length === 0) return estimates;
    for (const job of scheduler.line()) {
      const soonest = slotsFreeIn.indexOf(Math.min(...slotsFreeIn));
      const startsIn = slotsFreeIn[soonest] ?? 0;
      estimates.set(job, startsIn);
      slotsFreeIn[soonest] = startsIn + this.#estimateMs(job);
    }
    return estimates;
  }

  /** How long a job should take, from the throughput measured so far. */
  #estimateMs(job: Job): number {
    return this.#throughput.estimateMs(job.line.lane.rateKey, job.size, job.units);
  }

  /**
   * Tells the observers at once, then delivers the event on a later microtask; a listener that throws or rejects
   * is logged and otherwise ignored.
   */
  #emit(job: Job, event: JobEvent): void {
    this.#observers.event(this.#observed(job), event);
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

  #observed(job: Job): ObservedJob {
    return { id: job.id, lane: job.line.lane.name, spec: job.spec, submittedAt: job.submittedAt };
  }

  #log(job: Job): Logger {
    const { platform, userId } = job.spec.requester;
    return this.#logger.child({ jobId: job.id, platform, userId });
  }
}
