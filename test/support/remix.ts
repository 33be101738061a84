import type { Logger } from 'pino';
import { RemixStore } from '../../src/jobs/remix/index.js';

/** Remix buttons for a chat test's bot, with their inputs kept in `dataDir` (a new bot on it is easel restarted). */
export interface RemixSetup {
  readonly dataDir: string;
  readonly keepMs?: number;
  readonly maxBytes?: number;
  /** The remix store's clock. */
  readonly now?: () => number;
  /** A Variation's new seed. */
  readonly newSeed?: () => number;
}

/** The store a test bot keeps its results' inputs in: a day and 64 MB unless the test says otherwise. */
export function openRemixStore(remix: RemixSetup | undefined, logger: Logger): RemixStore | undefined {
  return (
    remix &&
    RemixStore.open({
      dir: remix.dataDir,
      keepMs: remix.keepMs ?? 24 * 3_600_000,
      maxBytes: remix.maxBytes ?? 64 * 1024 * 1024,
      logger,
      ...(remix.now ? { now: remix.now } : {}),
    })
  );
}
