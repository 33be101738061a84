import pino from 'pino';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import type { StylizeOptions } from '../../src/engine/types.js';
import type { GatysJobSpec, JobEvent, JobHandle, JobSpec } from '../../src/jobs/job.js';
import type { JobQueue, Reservation } from '../../src/jobs/queue.js';
import { solidImage } from '../fixtures/images.js';

export const logger = pino({ level: 'silent' });

/** A small job for `userId` on the test platform: one 32 px scale of `iterations`, unless options say otherwise. */
export function spec(userId: string, options: Partial<StylizeOptions> = {}, side = 32): GatysJobSpec {
  return {
    kind: 'gatys',
    requester: { platform: 'test', userId },
    content: solidImage(side, side, [200, 100, 50]),
    styles: [solidImage(side, side, [10, 20, 30])],
    options: { ...DEFAULT_OPTIONS, size: 32, iterations: 4, ...options },
    label: `${userId}'s job`,
  };
}

export interface Tracked extends JobHandle {
  readonly events: JobEvent[];
  types(): string[];
  last(): JobEvent | undefined;
  /** Places this job was told, in order (queued, then each move). */
  positions(): number[];
}

/** Submits a job (through `reservation` when given) and records every event it gets. */
export function track(queue: JobQueue, job: JobSpec, reservation?: Reservation): Tracked {
  const events: JobEvent[] = [];
  const handle = (reservation ?? queue).submit(job, (event) => {
    events.push(event);
  });
  return {
    ...handle,
    events,
    types: () => events.map((event) => event.type),
    last: () => events.at(-1),
    positions: () => events.flatMap((event) => ('position' in event ? [event.position] : [])),
  };
}

/** Lets every queued event and promise callback run; real setImmediate, so use it with fake timers too. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
