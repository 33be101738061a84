import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';

export interface DisposableDatabaseOptions {
  /** The data directory; in memory without one. */
  readonly dir: string | undefined;
  readonly file: string;
  /** Statements that create the tables if they are not there yet. */
  readonly schema: string;
  readonly logger: Logger;
  /** What it holds, for the log line when it is started afresh, e.g. "the remix store". */
  readonly what: string;
}

function open(file: string, schema: string): Database.Database {
  const db = new Database(file, { timeout: 1_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(schema);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * A SQLite file of what easel can do without (inputs kept for remixes, threads remembered), in WAL mode. One that
 * cannot be read is started afresh, logged, rather than keeping easel from starting.
 */
export function openDisposableDatabase({
  dir,
  file,
  schema,
  logger,
  what,
}: DisposableDatabaseOptions): Database.Database {
  if (dir === undefined) return open(':memory:', schema);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  try {
    return open(path, schema);
  } catch (err) {
    logger.error({ err, file: path }, `${what} could not be read; starting it afresh`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    return open(path, schema);
  }
}
