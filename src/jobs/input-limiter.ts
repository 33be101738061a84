import PQueue from 'p-queue';

/** Downloads and decodes at once by default: each can hold a large image in memory while it runs. */
export const INPUT_CONCURRENCY = 2;

/**
 * One cap on image downloads and decodes over all members and platforms, so a flood of requests holds at most
 * `concurrency` of them in memory at once. The rest wait in arrival order; how many can wait is already bounded,
 * since each request reserves its place in the JobQueue before it gets here.
 */
export class InputLimiter {
  readonly #pool: PQueue;

  constructor(concurrency = INPUT_CONCURRENCY) {
    this.#pool = new PQueue({ concurrency });
  }

  /**
   * Runs `task` (fetch and decode one request's images) once fewer than `concurrency` others run, and settles as
   * it does. The place is held until the task itself settles; no signal is taken, since p-queue would free the
   * place on abort while the task still held its memory.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    return this.#pool.add(task);
  }

  /** Tasks running now. */
  get active(): number {
    return this.#pool.pending;
  }

  /** Tasks waiting for a turn. */
  get waiting(): number {
    return this.#pool.size;
  }
}
