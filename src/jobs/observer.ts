import type { Logger } from 'pino';
import type { Progress } from '../engine/types.js';
import type { UserError } from '../errors.js';
import type { JobEvent, JobRequester, JobSpec, ReplyTo } from './job.js';
import type { LaneName } from './lanes.js';

/** A job as the queue's observers see it. */
export interface ObservedJob {
  readonly id: string;
  /** The lane it waits in: its kind of job. */
  readonly lane: LaneName;
  readonly spec: JobSpec;
  /** When it was first put in line, before any restart (ms since the epoch). */
  readonly submittedAt: number;
}

/** How a job ended for good. */
export type JobEnd = 'done' | 'failed' | 'cancelled';

/**
 * Someone who follows every job through the queue without taking part in it: the metrics, the journal. Hooks are
 * called synchronously, as the queue's state changes and before the job's own listener hears of it, so a record
 * written in `onQueued` exists before the member is told their place. A hook that throws is logged and ignored.
 */
export interface JobObserver {
  /** Put in line; `restored` when it was brought back from the journal after a restart. */
  onQueued?(job: ObservedJob, restored: boolean): void;
  onStarted?(job: ObservedJob): void;
  onProgress?(job: ObservedJob, progress: Progress): void;
  onFinished?(job: ObservedJob, end: JobEnd): void;
  /** Stopped because easel is restarting (JobQueue.suspend); it is to run again after the restart. */
  onSuspended?(job: ObservedJob): void;
  /** Turned away before it was put in line: full queue, too many jobs, too big, shutting down. */
  onRefused?(requester: JobRequester, error: UserError): void;
  /**
   * More of where its platform reports, known only after it was queued (its status message): keys to add to, or
   * replace in, the job's `replyTo`. See JobQueue.noteReplyTo.
   */
  onReplyTo?(job: ObservedJob, replyTo: ReplyTo): void;
}

/** The queue's observers, each shielded from the others and from the queue. */
export class JobObservers {
  readonly #observers: readonly JobObserver[];
  readonly #logger: Logger;

  constructor(observers: readonly JobObserver[], logger: Logger) {
    this.#observers = observers;
    this.#logger = logger;
  }

  /** Passes a job's event on to the hook it stands for; `moved` stands for none. */
  event(job: ObservedJob, event: JobEvent): void {
    switch (event.type) {
      case 'queued':
        return this.#each('onQueued', (o) => o.onQueued?.(job, event.restored === true));
      case 'moved':
        return;
      case 'started':
        return this.#each('onStarted', (o) => o.onStarted?.(job));
      case 'progress':
        return this.#each('onProgress', (o) => o.onProgress?.(job, event.progress));
      case 'done':
      case 'failed':
        return this.#each('onFinished', (o) => o.onFinished?.(job, event.type));
      case 'cancelled':
        if (event.reason === 'restart') return this.#each('onSuspended', (o) => o.onSuspended?.(job));
        return this.#each('onFinished', (o) => o.onFinished?.(job, 'cancelled'));
    }
  }

  refused(requester: JobRequester, error: UserError): void {
    this.#each('onRefused', (o) => o.onRefused?.(requester, error));
  }

  replyTo(job: ObservedJob, replyTo: ReplyTo): void {
    this.#each('onReplyTo', (o) => o.onReplyTo?.(job, replyTo));
  }

  #each(hook: keyof JobObserver, call: (observer: JobObserver) => void): void {
    for (const observer of this.#observers) {
      try {
        call(observer);
      } catch (err) {
        this.#logger.error({ err, hook }, 'job observer failed');
      }
    }
  }
}
