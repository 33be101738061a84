/** Says whether one part of easel can do its work now; a check that throws or rejects counts as not ready. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why a check failed when it did not simply answer false: what it threw, or that it timed out. */
  readonly error?: unknown;
}

export interface ReadinessReport {
  /** True when every check passed (and so when none is registered). */
  readonly ready: boolean;
  readonly results: readonly CheckResult[];
}

/** A check that has not answered after this long is failing: /readyz must answer before the prober gives up. */
export const CHECK_TIMEOUT_MS = 2_000;

export class CheckTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`readiness check "${name}" did not answer within ${ms} ms`);
    this.name = 'CheckTimeoutError';
  }
}

/**
 * The readiness checks, one per part (engine, each platform, the journal). Each part registers its own, so the ops
 * server needs to know none of them. Register a part's check before it starts, so it reads "not ready" until then.
 */
export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;

  constructor(options: { readonly timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  }

  /** Adds a check; names are unique, since /readyz reports failures by name. */
  register(name: string, check: ReadinessCheck): void {
    if (this.#checks.has(name)) throw new Error(`a readiness check named "${name}" is already registered`);
    this.#checks.set(name, check);
  }

  /** Runs every check at once. */
  async report(): Promise<ReadinessReport> {
    const results = await Promise.all([...this.#checks].map(([name, check]) => this.#run(name, check)));
    return { ready: results.every((result) => result.ok), results };
  }

  async #run(name: string, check: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeoutError(name, this.#timeoutMs)), this.#timeoutMs);
    });
    try {
      // Called inside the async context, so a check that throws synchronously is caught like one that rejects.
      const ok = await Promise.race([(async () => check())(), timeout]);
      return { name, ok: ok === true };
    } catch (error) {
      return { name, ok: false, error };
    } finally {
      clearTimeout(timer);
    }
  }
}
