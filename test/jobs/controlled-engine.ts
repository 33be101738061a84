import { fractionDone, jobCost, type JobCost } from '../../src/engine/cost.js';
import type { StyleEngine, StylizeCallbacks } from '../../src/engine/engine.js';
import { WorkerKilledError } from '../../src/engine/errors.js';
import type { ScaleCost } from '../../src/engine/cost.js';
import type { LossParts, RgbImage, StylizeRequest, StylizeResult } from '../../src/engine/types.js';
import { JobAbortedError } from '../../src/errors.js';

const LOSSES: LossParts = { total: 1, content: 1, style: 1, tv: 1 };

/** One job on the ControlledEngine; the test decides when it reports progress and how it ends. */
export class ControlledRun {
  readonly #callbacks: StylizeCallbacks;
  readonly #resolve: (result: StylizeResult) => void;
  readonly #reject: (error: Error) => void;
  readonly #startedAt = Date.now();
  /** The coarse-to-fine schedule the real engine would run for this request, with its cost. */
  readonly #cost: JobCost;
  #settled = false;
  #stuck = false;

  constructor(
    readonly slot: number,
    readonly request: StylizeRequest,
    callbacks: StylizeCallbacks,
    resolve: (result: StylizeResult) => void,
    reject: (error: Error) => void,
  ) {
    this.#callbacks = callbacks;
    this.#resolve = resolve;
    this.#reject = reject;
    const { content, options } = request;
    this.#cost = jobCost(content.width, content.height, options);
    const abort = (): void => {
      if (!this.#stuck) this.#settle(() => this.#reject(new JobAbortedError()));
    };
    if (callbacks.signal?.aborted) abort();
    else callbacks.signal?.addEventListener('abort', abort, { once: true });
  }

  /** The coarse-to-fine schedule the real engine would run for this request. */
  get scales(): readonly ScaleCost[] {
    return this.#cost.perScale;
  }

  /**
   * The whole percentage of the job's cost done after `iteration` (over all scales), as a member sees it;
   * set-up counts too, so it is not iteration / iterations.
   */
  percentAt(iteration: number): number {
    const { index, doneHere } = this.#locate(iteration);
    return Math.floor(fractionDone(this.#cost, index, doneHere) * 100);
  }

  #locate(iteration: number): { index: number; doneHere: number } {
    let before = 0;
    const found = this.scales.findIndex((scale) => (before += scale.iterations) >= iteration);
    const index = found === -1 ? this.scales.length - 1 : found;
    return { index, doneHere: iteration - (before - this.scales[index]!.iterations) };
  }

  /** True once the run has finished, failed or been aborted. */
  get settled(): boolean {
    return this.#settled;
  }

  get aborted(): boolean {
    return this.#callbacks.signal?.aborted ?? false;
  }

  get previewIntervalMs(): number | undefined {
    return this.#callbacks.previewIntervalMs;
  }

  /** From now on the run ignores its abort signal, like a worker stuck inside one native call. */
  stick(): void {
    this.#stuck = true;
  }

  /**
   * Reports iteration `iteration` of the job's options.iterations (counted over all scales, as the engine does),
   * at the scale of the schedule that iteration belongs to, with an optional preview image.
   */
  progress(iteration: number, extra: { readonly etaMs?: number; readonly preview?: RgbImage } = {}): void {
    if (this.#settled) throw new Error('progress on a run that has ended');
    const { iterations } = this.request.options;
    const { index, doneHere } = this.#locate(iteration);
    const scale = this.scales[index]!;
    this.#callbacks.onProgress?.({
      scale: index + 1,
      scales: this.scales.length,
      fraction: fractionDone(this.#cost, index, doneHere),
      width: scale.width,
      height: scale.height,
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

  /** Ends the run as a terminated worker's: stuck or not. */
  kill(): void {
    this.#stuck = false;
    this.fail(new WorkerKilledError());
  }

  #settle(action: () => void): void {
    if (this.#settled) return;
    this.#settled = true;
    action();
  }
}

/**
 * A slot engine whose jobs do nothing until the test says so: `nextRun()` hands over each job as it starts, and
 * the test steps its progress and ends it. Counts and orders in chat tests are then exact, whatever the speed of
 * the machine. It holds its caller to the slot contract: a job sent to a busy or unknown slot fails the test.
 */
export class ControlledEngine implements StyleEngine {
  readonly backend = 'controlled';
  readonly maxSide = 1024;
  readonly runs: ControlledRun[] = [];
  /** Slots replaced, in order. */
  readonly replaced: number[] = [];
  /** Errors in how the engine was driven (a second job on a busy slot…); a test expects none. */
  readonly misuse: string[] = [];
  /** When set, a fresh worker fails to start: `replace` rejects. */
  replaceFails = false;
  readonly #unclaimed: ControlledRun[] = [];
  readonly #claims: Array<(run: ControlledRun) => void> = [];

  /** `replaceMs`: how long a fresh worker takes to be ready (under fake timers, the test moves the clock). */
  constructor(
    readonly slots = 1,
    readonly replaceMs = 0,
  ) {}

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

  stylize(slot: number, request: StylizeRequest, callbacks: StylizeCallbacks = {}): Promise<StylizeResult> {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots) this.misuse.push(`stylize on unknown slot ${slot}`);
    if (this.running.some((run) => run.slot === slot)) this.misuse.push(`stylize on busy slot ${slot}`);
    return new Promise((resolve, reject) => {
      const run = new ControlledRun(slot, request, callbacks, resolve, reject);
      this.runs.push(run);
      const claim = this.#claims.shift();
      if (claim) claim(run);
      else this.#unclaimed.push(run);
    });
  }

  /** From now on every job runs to its end as soon as it starts, for tests about what happens around the jobs. */
  finishEveryRun(): this {
    void this.nextRun().then((run) => {
      run.progress(run.request.options.iterations);
      run.finish();
      this.finishEveryRun();
    });
    return this;
  }

  async replace(slot: number): Promise<void> {
    this.replaced.push(slot);
    for (const run of this.running) if (run.slot === slot) run.kill();
    await new Promise((resolve) => setTimeout(resolve, this.replaceMs));
    if (this.replaceFails) throw new Error('the fresh worker could not load its weights');
  }

  close(): Promise<void> {
    for (const run of this.running) run.kill();
    return Promise.resolve();
  }
}
