/**
 * The span of the job, as a share of its cost, over which its pace is averaged: short enough that a slow-down shows
 * within a few iterations, long enough that one slow line search does not. After the first tenth of a job the
 * prior weighs e^-2 ≈ 14 %.
 */
const PACE_SPAN = 0.05;
/** A new estimate this much above the last one means the job really slowed; less is noise and is ignored. */
const SLOWDOWN = 0.15;
const SLOWDOWN_SLACK_MS = 2_000;

/**
 * The time left of one running job. Its pace (ms per cost unit) starts at the measured throughput and moves to the
 * job's own as its cost gets done; what it reports never goes up, unless the job really slowed.
 */
export class JobEta {
  readonly #totalUnits: number;
  readonly #initialMs: number;
  #msPerUnit: number;
  #fraction = 0;
  #fractionAt: number;
  #shownMs: number;
  #shownAt: number;

  constructor(totalUnits: number, priorMsPerUnit: number, startedAt: number) {
    this.#totalUnits = totalUnits;
    this.#msPerUnit = priorMsPerUnit;
    this.#initialMs = totalUnits * priorMsPerUnit;
    this.#fractionAt = startedAt;
    this.#shownMs = this.#initialMs;
    this.#shownAt = startedAt;
  }

  /** The estimate the job started with. */
  get initialMs(): number {
    return this.#initialMs;
  }

  /** Time left as of `now`: the last estimate, counted down. */
  remainingMs(now: number): number {
    return Math.max(0, this.#shownMs - (now - this.#shownAt));
  }

  /** Takes in progress (`fraction` of the cost done at `now`) and returns the time left. */
  update(fraction: number, now: number): number {
    const step = fraction - this.#fraction;
    if (step > 0) {
      const msPerUnit = (now - this.#fractionAt) / (step * this.#totalUnits);
      this.#msPerUnit += (1 - Math.exp(-step / PACE_SPAN)) * (msPerUnit - this.#msPerUnit);
      this.#fraction = fraction;
      this.#fractionAt = now;
    }
    const estimate = (1 - fraction) * this.#totalUnits * this.#msPerUnit;
    const slowed = estimate > this.#shownMs * (1 + SLOWDOWN) + SLOWDOWN_SLACK_MS;
    // Held, not counted down, while the job runs a little slower than thought: a countdown that ran ahead of the
    // job would have to jump back up.
    this.#shownMs = slowed ? estimate : Math.min(this.#shownMs, estimate);
    this.#shownAt = now;
    return this.#shownMs;
  }
}
