import type { JobHandle, JobListener, JobRequester, JobSpec } from './job.js';
import type { JobQueue } from './queue.js';

/** A member's place in line, held before anything is downloaded or posted for them. */
export interface Reservation {
  /** Turns the place into a job; throws the queue's UserErrors. */
  submit(spec: JobSpec, listener: JobListener): JobHandle;
  /** Gives the place back, when the request fails before it becomes a job. */
  release(): void;
}

/**
 * The one call site both platforms reserve through. Stand-in until JobQueue.reserve (queue branch) merges:
 * the limits are then checked here, before any download; today they are checked when the job is
 * submitted. At the merge this becomes `return queue.reserve(requester)`.
 */
export function reservePlace(queue: JobQueue, requester: JobRequester): Reservation {
  return { submit: (spec, listener) => queue.submit(spec, listener), release: () => undefined };
}
