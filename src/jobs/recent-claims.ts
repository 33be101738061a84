/** Enough to recognise repeats over days of traffic without growing for ever. */
const DEFAULT_CAPACITY = 10_000;

/**
 * Remembers which requests were taken, so that one asked for many times (the same emoji added to the
 * same message by several members) is served once. A request that was refused is released, so asking
 * again may succeed. Only the newest `capacity` keys are kept.
 */
export class RecentClaims {
  readonly #claimed = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
  }

  /** True the first time `key` is claimed, false while it is held. */
  claim(key: string): boolean {
    if (this.#claimed.has(key)) return false;
    this.#claimed.add(key);
    if (this.#claimed.size > this.#capacity) {
      const oldest = this.#claimed.values().next().value;
      if (oldest !== undefined) this.#claimed.delete(oldest);
    }
    return true;
  }

  release(key: string): void {
    this.#claimed.delete(key);
  }
}
