/**
 * How much the prior rate counts once a job runs, as a share of the job's cost observed at that rate: a small
 * share, so the job's own pace takes over within its first tenth.
 */
const PRIOR_WEIGHT = 0.02;
/** A new estimate this much above the countdown means the job really slowed; less is noise and is ignored. */
const SLOWDOWN = 0.15;
const SLOWDOWN_SLACK_MS = 2_000;

/**
 * The time left of one running job. It blends the measured throughput (the prior) with the job's own pace so far,
 * weighted by how much of the job has run, and then only counts down: it goes up only when the job really slowed.
 */
export class JobEta {
  readonly #totalUnits: number;
  readonly #priorMsPerUnit: number;
  readonly #startedAt: number;
  #shownMs: number;
  #shownAt: number;

  constructor(totalUnits: number, priorMsPerUnit: number, startedAt: number) {
    this.#totalUnits = totalUnits;
    this.#priorMsPerUnit = priorMsPerUnit;
    this.#startedAt = startedAt;
    this.#shownMs = totalUnits * priorMsPerUnit;
    this.#shownAt = startedAt;
  }

  /** The estimate the job started with. */
  get initialMs(): number {
    return this.#totalUnits * this.#priorMsPerUnit;
  }

  /** Time left as of `now`: the last estimate, counted down. */
  remainingMs(now: number): number {
    return Math.max(0, this.#shownMs - (now - this.#shownAt));
  }

  /** Takes in progress (`fraction` of the cost done at `now`) and returns the time left. */
  update(fraction: number, now: number): number {
    const elapsed = now - this.#startedAt;
    const priorUnits = PRIOR_WEIGHT * this.#totalUnits;
    const msPerUnit = (elapsed + priorUnits * this.#priorMsPerUnit) / (fraction * this.#totalUnits + priorUnits);
    const estimate = (1 - fraction) * this.#totalUnits * msPerUnit;
    const countdown = this.remainingMs(now);
    const slowed = estimate > countdown * (1 + SLOWDOWN) + SLOWDOWN_SLACK_MS;
    this.#shownMs = estimate < countdown || slowed ? estimate : countdown;
    this.#shownAt = now;
    return this.#shownMs;
  }
}
