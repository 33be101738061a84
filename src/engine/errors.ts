import { UserError } from '../errors.js';

/** The worker thread died while painting this job; it is restarted for the next one. */
export class EngineCrashedError extends UserError {
  constructor() {
    super(
      'engine-crashed',
      'The painter stopped unexpectedly while working on this one. Please try again; if it keeps happening, try a smaller size.',
    );
  }
}

/** The worker was terminated on purpose, because its job ran past the time allowed. */
export class WorkerKilledError extends UserError {
  constructor() {
    super(
      'worker-killed',
      'That one took too long, so I stopped it. A smaller size or fewer iterations will finish sooner.',
    );
  }
}

/** The slot gave up on starting a worker (its weights would not load, several times in a row); see the log. */
export class EngineStoppedError extends UserError {
  constructor() {
    super('engine-stopped', 'The painter is out of order right now: it failed to start up. Please try again later.');
  }
}
