import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { RgbImage } from '../../engine/types.js';
import type { JobRequester, JobSpec } from '../job.js';
import { InputFiles, pixelBytes } from '../journal/inputs.js';
import { parseRequest, specFrom, storedOf, type StoredRequest } from '../journal/journal.js';
import { openDisposableDatabase } from '../disposable-database.js';
import type { JobEnd, JobObserver, ObservedJob } from '../observer.js';

export const REMIX_FILE = 'remix.db';

export interface RemixStoreOptions {
  /** The data directory, the journal's: kept images survive a restart with it. */
  readonly dir: string;
  /** How long a finished job's inputs are kept; 0 keeps none. */
  readonly keepMs: number;
  /** Most bytes of images kept in all; the oldest go first to make room. */
  readonly maxBytes: number;
  readonly logger: Logger;
  /** The clock, for tests; Date.now by default. */
  readonly now?: () => number;
}

/** A finished job whose inputs are kept, so its remix buttons need no upload. */
export interface KeptJob {
  readonly id: string;
  readonly requester: JobRequester;
  readonly keptAt: number;
  /** What it was made with; its `images` are those kept (a preset's painting is not: the preset has it). */
  readonly request: StoredRequest;
}

interface KeptRow {
  readonly id: string;
  readonly platform: string;
  readonly user_id: string;
  readonly kept_at: number;
  readonly bytes: number;
  readonly request: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kept (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kept_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    request TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS kept_by_age ON kept (kept_at);
`;

/** The images a remix needs: the photo, and the style images unless a preset paints the style. */
function keptImages(spec: JobSpec): { images: RgbImage[]; request: StoredRequest } {
  const { images, request } = storedOf(spec);
  if (spec.recipe?.presetId === undefined) return { images, request };
  return { images: images.slice(0, 1), request: { ...request, images: request.images.slice(0, 1) } };
}

/**
 * The inputs and settings of finished jobs, kept for a while so that their results' remix buttons work without an
 * upload, also after a restart: rows in `remix.db` and raw images under `remix/` in the data directory, next to the
 * journal. It follows the queue as a JobObserver and keeps every job that finished with a recipe (a member's, in
 * chat or on the playground).
 * Bounded by age (keepMs) and by bytes on disk (maxBytes), the oldest going first. Synchronous, like the journal.
 */
export class RemixStore implements JobObserver {
  readonly #db: Database.Database;
  readonly #files: InputFiles;
  readonly #keepMs: number;
  readonly #maxBytes: number;
  readonly #logger: Logger;
  readonly #now: () => number;

  private constructor(db: Database.Database, files: InputFiles, options: RemixStoreOptions) {
    this.#db = db;
    this.#files = files;
    this.#keepMs = options.keepMs;
    this.#maxBytes = options.maxBytes;
    this.#logger = options.logger.child({ component: 'remix-store' });
    this.#now = options.now ?? Date.now;
  }

  /**
   * Opens the store in `options.dir`. What it keeps is a convenience, so a file that cannot be read is started
   * afresh (logged) rather than keeping easel from starting.
   */
  static open(options: RemixStoreOptions): RemixStore {
    const { dir, logger } = options;
    const db = openDisposableDatabase({ dir, file: REMIX_FILE, schema: SCHEMA, logger, what: 'the remix store' });
    const store = new RemixStore(db, new InputFiles(join(options.dir, 'remix')), options);
    store.#removeExpired();
    store.#removeStrayFiles();
    return store;
  }

  onFinished(job: ObservedJob, end: JobEnd): void {
    if (end === 'done' && job.spec.recipe !== undefined) this.#keep(job.id, job.spec);
  }

  /** A job kept for remixing, or undefined once it is gone: expired, evicted, or never kept. */
  kept(jobId: string): KeptJob | undefined {
    this.#removeExpired();
    const row = this.#db.prepare('SELECT * FROM kept WHERE id = ?').get(jobId) as KeptRow | undefined;
    const request = row && parseRequest(row.request);
    if (!row || !request) return undefined;
    return {
      id: row.id,
      requester: { platform: row.platform, userId: row.user_id },
      keptAt: row.kept_at,
      request,
    };
  }

  /** The kept job as a spec for `requester`; throws when its images cannot be read back. */
  specOf(job: KeptJob, requester: JobRequester): JobSpec {
    return specFrom(job.request, requester, this.#files.read(job.id, job.request.images));
  }

  /** Bytes of images kept now. */
  get bytes(): number {
    return (this.#db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes FROM kept').get() as { bytes: number }).bytes;
  }

  close(): void {
    this.#db.close();
  }

  #keep(jobId: string, spec: JobSpec): void {
    const { images, request } = keptImages(spec);
    const bytes = images.reduce((sum, image) => sum + pixelBytes(image), 0);
    if (this.#keepMs === 0 || bytes > this.#maxBytes) return;
    this.#removeExpired();
    this.#makeRoom(bytes);
    try {
      this.#files.write(jobId, images);
      this.#db
        .prepare(
          'INSERT OR REPLACE INTO kept (id, platform, user_id, kept_at, bytes, request) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(jobId, spec.requester.platform, spec.requester.userId, this.#now(), bytes, JSON.stringify(request));
    } catch (err) {
      // A remix then answers that the picture is too old; the result itself is unharmed.
      this.#files.remove(jobId);
      this.#logger.error({ err, jobId }, "could not keep a result's images for its remix buttons");
    }
  }

  /** Evicts the oldest kept jobs until `bytes` more fit under maxBytes. */
  #makeRoom(bytes: number): void {
    const oldest = this.#db.prepare('SELECT id, bytes FROM kept ORDER BY kept_at, rowid').all() as Pick<
      KeptRow,
      'id' | 'bytes'
    >[];
    let used = oldest.reduce((sum, row) => sum + row.bytes, 0);
    for (const row of oldest) {
      if (used + bytes <= this.#maxBytes) return;
      this.#remove(row.id);
      used -= row.bytes;
    }
  }

  #removeExpired(): void {
    const cutoff = this.#now() - this.#keepMs;
    const expired = this.#db.prepare('SELECT id FROM kept WHERE kept_at <= ?').all(cutoff) as Pick<KeptRow, 'id'>[];
    for (const { id } of expired) this.#remove(id);
  }

  #remove(jobId: string): void {
    this.#db.prepare('DELETE FROM kept WHERE id = ?').run(jobId);
    this.#files.remove(jobId);
  }

  /** Images no row owns: left by a crash between writing them and the row. */
  #removeStrayFiles(): void {
    const known = this.#db.prepare('SELECT 1 FROM kept WHERE id = ?');
    for (const id of this.#files.jobIds()) if (known.get(id) === undefined) this.#files.remove(id);
  }
}
