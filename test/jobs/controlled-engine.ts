import type { StyleEngine, StylizeCallbacks } from '../../src/engine/engine.js';
import type { LossParts, RgbImage, StylizeRequest, StylizeResult } from '../../src/engine/types.js';
import { JobAbortedError } from '../../src/errors.js';

const LOSSES: LossParts = { total: 1, content: 1, style: 1, tv: 1 };

/** One job on the ControlledEngine; the test decides when it reports progress and how it ends. */
export class ControlledRun {
  readonly #callbacks: StylizeCallbacks;
  readonly #resolve: (result: StylizeResult) => void;
  readonly #reject: (error: Error) => void;
  readonly #startedAt = Date.now();
  #settled = false;

  constructor(
    readonly request: StylizeRequest,
    callbacks: StylizeCallbacks,
    resolve: (result: StylizeResult) => void,
    reject: (error: Error) => void,
  ) {
    this.#callbacks = callbacks;
    this.#resolve = resolve;
    this.#reject = reject;
    const abort = (): void => this.#settle(() => this.#reject(new JobAbortedError()));
    if (callbacks.signal?.aborted) abort();
    else callbacks.signal?.addEventListener('abort', abort, { once: true });
  }

  /** True once the run has finished, failed or been aborted. */
  get settled(): boolean {
    return this.#settled;
  }

  get aborted(): boolean {
    return this.#callbacks.signal?.aborted ?? false;
  }

  /** Reports iteration `iteration` of the job's options.iterations, with an optional preview image. */
  progress(iteration: number, extra: { readonly etaMs?: number; readonly preview?: RgbImage } = {}): void {
    if (this.#settled) throw new Error('progress on a run that has ended');
    const { iterations } = this.request.options;
    this.#callbacks.onProgress?.({
      scale: 1,
      scales: 1,
      width: this.request.content.width,
      height: this.request.content.height,
      iteration,
      iterations,
      losses: LOSSES,
      elapsedMs: Date.now() - this.#startedAt,
      etaMs: extra.etaMs ?? 0,
      ...(extra.preview ? { preview: extra.preview } : {}),
    });
  }

  /** Ends the run successfully; the result is the content image unless one is given. */
  finish(image: RgbImage = this.request.content): void {
    this.#settle(() =>
      this.#resolve({
        image,
        backend: 'controlled',
        iterations: this.request.options.iterations,
        ms: Date.now() - this.#startedAt,
        losses: { initial: LOSSES, final: LOSSES },
      }),
    );
  }

  fail(error: Error): void {
    this.#settle(() => this.#reject(error));
  }

  #settle(action: () => void): void {
    if (this.#settled) return;
    this.#settled = true;
    action();
  }
}

/**
 * A StyleEngine whose jobs do nothing until the test says so: `nextRun()` hands over each job as it
 * starts, and the test steps its progress and ends it. Counts and orders in chat tests are then exact,
 * whatever the speed of the machine.
 */
export class ControlledEngine implements StyleEngine {
  readonly backend = 'controlled';
  readonly maxSide = 1024;
  readonly runs: ControlledRun[] = [];
  readonly #unclaimed: ControlledRun[] = [];
  readonly #claims: Array<(run: ControlledRun) => void> = [];

  constructor(readonly slots = 1) {}

  /** Jobs running now. */
  get running(): ControlledRun[] {
    return this.runs.filter((run) => !run.settled);
  }

  /** The next job to start that no earlier call has taken, as soon as it starts. */
  nextRun(): Promise<ControlledRun> {
    const ready = this.#unclaimed.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.#claims.push(resolve));
  }

  stylize(request: StylizeRequest, callbacks: StylizeCallbacks = {}): Promise<StylizeResult> {
    return new Promise((resolve, reject) => {
      const run = new ControlledRun(request, callbacks, resolve, reject);
      this.runs.push(run);
      const claim = this.#claims.shift();
      if (claim) claim(run);
      else this.#unclaimed.push(run);
    });
  }

  async close(): Promise<void> {
    for (const run of this.running) run.fail(new JobAbortedError());
  }
}
