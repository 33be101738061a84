import { UserError } from '../errors.js';

/** Redis could not be reached to hand a job to a worker, or to fetch its result. */
export class WorkersUnreachableError extends UserError {
  constructor(options?: ErrorOptions) {
    super('workers-unreachable', "I can't reach my painters right now. Please try again in a few minutes.", options);
  }
}

/** A job's worker went away more often than BullMQ retries a stalled job (see MAX_STALLED_RUNS). */
export class WorkerLostError extends UserError {
  constructor() {
    super('worker-lost', 'The painter working on your picture went away twice, so I gave up. Please try again.');
  }
}

/** BullMQ no longer knows a job the bot is waiting for (Redis was flushed, or lost it in a restart). */
export class JobLostError extends UserError {
  constructor() {
    super('job-lost', 'My painters lost track of your picture. Please try again.');
  }
}

/** An image larger than Redis takes, with no shared store to put it in (EASEL_SHARED_STORE_DIR unset). */
export class ImageTooLargeForRedisError extends UserError {
  constructor() {
    super('image-too-large', 'That picture is too large for my painters to receive. Please try a smaller one.');
  }
}

/** What a worker sent back could not be read: another version of easel, or a bug. Never the member's doing. */
export class WireFormatError extends Error {
  constructor(what: string) {
    super(`unreadable ${what} from Redis`);
    this.name = 'WireFormatError';
  }
}
