import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { UserError } from '../../errors.js';

/** The journal could not be opened: a clear start-up error that names the file and what to do. */
export class JournalError extends UserError {
  constructor(message: string, options?: ErrorOptions) {
    super('journal', message, options);
  }
}

/** SQLite's integrity check found damage in a file that opened. */
class DamageFound extends Error {}

const SCHEMA_VERSION = 1;

/**
 * One row per unfinished job; a job's row goes when it ends. `request` is JSON (a StoredRequest); `input_bytes` is
 * the size of its image files, 0 when they were not kept (the data directory was at its cap).
 */
const SCHEMA = `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'running')),
    submitted_at INTEGER NOT NULL,
    started_at INTEGER,
    crashes INTEGER NOT NULL DEFAULT 0,
    inputs_kept INTEGER NOT NULL CHECK (inputs_kept IN (0, 1)),
    input_bytes INTEGER NOT NULL,
    request TEXT NOT NULL
  ) STRICT;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
`;

/** What could be read out of a damaged journal, so that its jobs are at least named. */
export interface SalvagedRow {
  readonly id: string;
  readonly platform: string;
  readonly user_id: string;
  readonly request: string;
}

export interface OpenedDatabase {
  readonly db: Database.Database;
  /** Rows read from a damaged journal that was moved aside, when one was: their jobs are lost. */
  readonly salvaged: readonly SalvagedRow[];
}

function isDamage(err: unknown): boolean {
  return (
    err instanceof DamageFound || (err instanceof Database.SqliteError && /^SQLITE_(NOTADB|CORRUPT)/.test(err.code))
  );
}

function reason(err: unknown): string {
  if (err instanceof Database.SqliteError && err.code === 'SQLITE_BUSY') {
    return 'another easel is using it (one data directory per easel)';
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Opens (or creates) the journal at `file`: WAL mode, held exclusively by this process. A damaged file is moved
 * aside as `<file>.corrupt-<time>` and a fresh journal started, with an error logged naming what was lost, so a bad
 * file never keeps easel from starting. Anything else (no permission, disk full, in use) is a JournalError.
 */
export function openDatabase(file: string, logger: Logger): OpenedDatabase {
  try {
    return { db: openChecked(file), salvaged: [] };
  } catch (err) {
    if (err instanceof JournalError) throw err;
    if (!isDamage(err))
      throw new JournalError(`The job journal ${file} could not be opened: ${reason(err)}.`, { cause: err });
    const movedTo = moveAside(file);
    const salvaged = salvage(movedTo);
    logger.error(
      { err, movedTo, lost: salvaged.map(({ id, platform, user_id: userId }) => ({ id, platform, userId })) },
      `the job journal was damaged; it was moved to ${movedTo} and easel starts with an empty one. ` +
        `${salvaged.length} unfinished job(s) could be read from it; any others it held are lost`,
    );
    try {
      return { db: openChecked(file), salvaged };
    } catch (again) {
      throw new JournalError(
        `The job journal ${file} was damaged and a fresh one could not be made: ${reason(again)}.`,
        {
          cause: again,
        },
      );
    }
  }
}

function openChecked(file: string): Database.Database {
  const db = new Database(file, { timeout: 1_000 });
  try {
    // Exclusive: a second easel on the same data directory would run every restored job twice.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL survives the process being killed; only a power cut may lose the last few commits.
    db.pragma('synchronous = NORMAL');
    const check: unknown = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DamageFound(`SQLite's integrity check says: ${String(check)}`);
    migrate(db, file);
    // A write now takes the exclusive lock at once, rather than at the first job.
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('opened_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(new Date().toISOString());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Database.Database, file: string): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version === SCHEMA_VERSION) return;
  if (version !== 0) {
    throw new JournalError(
      `The job journal ${file} has schema version ${version}, which this easel does not know (it writes ` +
        `${SCHEMA_VERSION}). Run the easel that wrote it, or move the file away to start with an empty journal.`,
    );
  }
  db.transaction(() => {
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** Renames the file (and its write-ahead log, which holds its latest commits) out of the way. */
function moveAside(file: string): string {
  const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, movedTo);
  if (existsSync(`${file}-wal`)) renameSync(`${file}-wal`, `${movedTo}-wal`);
  rmSync(`${file}-shm`, { force: true });
  return movedTo;
}

/** Whatever rows the damaged file still gives up; none when it gives up nothing. */
function salvage(file: string): SalvagedRow[] {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT id, platform, user_id, request FROM jobs').all() as SalvagedRow[];
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}
