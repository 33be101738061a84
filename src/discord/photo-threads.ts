import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { sameFingerprint } from '../images/fingerprint.js';
import { openDisposableDatabase } from '../jobs/disposable-database.js';

/** How long a photo's thread is remembered, like its inputs for the remix buttons. */
const REMEMBER_MS = 24 * 3_600_000;
/** Threads remembered at most; the oldest are forgotten first. */
const MAX_THREADS = 1_000;
/** The file in the data directory, beside the journal and the remix store. */
export const PHOTO_THREADS_FILE = 'discord-threads.db';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS photo_threads (
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    photo TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS photo_threads_member ON photo_threads (channel_id, user_id, at);
`;

export interface PhotoThreadsOptions {
  /** The data directory; in memory without one. */
  readonly dataDir?: string | undefined;
  readonly logger: Logger;
  /** The clock, for tests; Date.now by default. */
  readonly now?: () => number;
}

interface Row {
  readonly photo: string;
  readonly thread_id: string;
}

/**
 * The thread each member's photo was painted in, per channel, so that /stylize with the same photo again goes into
 * that thread and one photo's tries and remixes stay together. Photos are matched by fingerprint, so the same
 * picture uploaded again (or at another size) finds its thread. Kept in the data directory when given one, so that
 * a restart keeps them too (a file that cannot be read is started afresh); in memory otherwise.
 */
export class PhotoThreads {
  readonly #db: Database.Database;
  readonly #now: () => number;

  constructor({ dataDir, logger, now = Date.now }: PhotoThreadsOptions) {
    this.#now = now;
    this.#db = openDisposableDatabase({
      dir: dataDir,
      file: PHOTO_THREADS_FILE,
      schema: SCHEMA,
      logger,
      what: "Discord's photo threads",
    });
  }

  find(channelId: string, userId: string, photo: bigint): string | undefined {
    const rows = this.#db
      .prepare<[string, string, number], Row>(
        'SELECT photo, thread_id FROM photo_threads WHERE channel_id = ? AND user_id = ? AND at >= ? ORDER BY at DESC, rowid DESC',
      )
      .all(channelId, userId, this.#now() - REMEMBER_MS);
    return rows.find((row) => sameFingerprint(BigInt(`0x${row.photo}`), photo))?.thread_id;
  }

  remember(channelId: string, userId: string, photo: bigint, threadId: string): void {
    const now = this.#now();
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO photo_threads (channel_id, user_id, photo, thread_id, at) VALUES (?, ?, ?, ?, ?)')
        .run(channelId, userId, photo.toString(16), threadId, now);
      this.#db
        .prepare(
          'DELETE FROM photo_threads WHERE at < ? OR rowid NOT IN (SELECT rowid FROM photo_threads ORDER BY at DESC LIMIT ?)',
        )
        .run(now - REMEMBER_MS, MAX_THREADS);
    })();
  }

  /** Forgets a thread that turned out to be gone (deleted, or archived and locked). */
  forget(threadId: string): void {
    this.#db.prepare('DELETE FROM photo_threads WHERE thread_id = ?').run(threadId);
  }

  close(): void {
    this.#db.close();
  }
}
