import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { RgbImage, StylizeOptions } from '../../engine/types.js';
import type { JobRequester, JobSpec, ReplyTo } from '../job.js';
import type { Recipe } from '../recipe.js';
import type { JobObserver, ObservedJob } from '../observer.js';
import { JournalError, openDatabase, type SalvagedRow } from './database.js';
import { InputFiles, isJobId, pixelBytes, type ImageSize } from './inputs.js';

export const JOURNAL_FILE = 'journal.db';

export interface JournalOptions {
  /** The data directory: the journal file and the input images of unfinished jobs. */
  readonly dir: string;
  /** Most bytes of input images kept at once; a job whose images would go past it is journaled without them. */
  readonly maxInputBytes: number;
  readonly logger: Logger;
  /** Members whose jobs are not kept: easel's own work (the gallery's tiles), which it does again at every start. */
  readonly ignore?: readonly JobRequester[];
}

interface StoredBase {
  readonly label: string;
  readonly quiet?: boolean;
  readonly replyTo?: ReplyTo;
  readonly recipe?: Recipe;
  /** The content image's size, then each style image's (a network job has none). */
  readonly images: readonly ImageSize[];
}

export interface StoredGatysRequest extends StoredBase {
  readonly kind: 'gatys';
  readonly options: StylizeOptions;
  readonly previewIntervalMs?: number;
}

export interface StoredNetworkRequest extends StoredBase {
  readonly kind: 'network';
  readonly networkId: string;
  readonly size: number;
}

/**
 * What a job was queued with, apart from who asked and its images' pixels: the `request` column, as JSON. `kind`
 * says which lane it goes back to.
 */
export type StoredRequest = StoredGatysRequest | StoredNetworkRequest;

/** An unfinished job from before a restart, as the journal has it. */
export interface JournaledJob {
  readonly id: string;
  readonly requester: JobRequester;
  readonly submittedAt: number;
  /** How many times easel went down while this job was running. */
  readonly crashes: number;
  readonly inputsKept: boolean;
  /** Undefined when the record could not be read back. */
  readonly request: StoredRequest | undefined;
}

interface JobRow {
  readonly id: string;
  readonly platform: string;
  readonly user_id: string;
  readonly submitted_at: number;
  readonly crashes: number;
  readonly inputs_kept: number;
  readonly request: string;
}

function isSize(value: unknown): value is ImageSize {
  const { width, height } = (value ?? {}) as Partial<ImageSize>;
  return Number.isInteger(width) && Number.isInteger(height) && width! > 0 && height! > 0;
}

function isReplyTo(value: unknown): value is ReplyTo {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}

/** As far as the journal can tell: the settings are an object and the preset a name; the schema parsed them before. */
export function isRecipe(value: unknown): value is Recipe {
  const { presetId, settings } = (value ?? {}) as Partial<Recipe>;
  return (
    (presetId === undefined || typeof presetId === 'string') &&
    typeof settings === 'object' &&
    settings !== null &&
    !Array.isArray(settings)
  );
}

/** Whether a read-back request's own fields are of its kind's shape. */
function isKindShaped(value: Partial<StoredGatysRequest> | Partial<StoredNetworkRequest>): boolean {
  if (value.kind === 'network') {
    const { networkId, size, images } = value;
    return typeof networkId === 'string' && Number.isInteger(size) && size! > 0 && images?.length === 1;
  }
  if (value.kind !== 'gatys') return false;
  const { options, previewIntervalMs } = value;
  return typeof options === 'object' && options !== null && ['undefined', 'number'].includes(typeof previewIntervalMs);
}

/** A request read back, checked as far as the journal itself can: the platform checks its own `replyTo`. */
export function parseRequest(json: string): StoredRequest | undefined {
  try {
    const value = JSON.parse(json) as Partial<StoredGatysRequest> | Partial<StoredNetworkRequest>;
    const { label, quiet, replyTo, recipe, images } = value;
    if (typeof label !== 'string' || !['undefined', 'boolean'].includes(typeof quiet)) return undefined;
    if (!Array.isArray(images) || images.length < 1 || !images.every(isSize)) return undefined;
    if (replyTo !== undefined && !isReplyTo(replyTo)) return undefined;
    if (recipe !== undefined && !isRecipe(recipe)) return undefined;
    return isKindShaped(value) ? (value as StoredRequest) : undefined;
  } catch {
    return undefined;
  }
}

/** A spec's images, the content first, and what is stored of it (also by the remix store, src/jobs/remix). */
export function storedOf(spec: JobSpec): { images: RgbImage[]; request: StoredRequest } {
  const images = spec.kind === 'network' ? [spec.content] : [spec.content, ...spec.styles];
  const common = {
    label: spec.label,
    images: images.map(({ width, height }) => ({ width, height })),
    ...(spec.quiet === undefined ? {} : { quiet: spec.quiet }),
    ...(spec.replyTo === undefined ? {} : { replyTo: spec.replyTo }),
    ...(spec.recipe === undefined ? {} : { recipe: spec.recipe }),
  };
  if (spec.kind === 'network') {
    const { networkId, size } = spec;
    return { images, request: { kind: 'network', ...common, networkId, size } };
  }
  const { options, previewIntervalMs } = spec;
  const request: StoredGatysRequest = {
    kind: 'gatys',
    ...common,
    options,
    ...(previewIntervalMs === undefined ? {} : { previewIntervalMs }),
  };
  return { images, request };
}

/** The spec a stored request was made from, given who asked and its images read back (the content first). */
export function specFrom(request: StoredRequest, requester: JobRequester, images: readonly RgbImage[]): JobSpec {
  const [content, ...styles] = images;
  if (content === undefined) throw new Error('a stored job has no content image');
  const common = {
    requester,
    content,
    label: request.label,
    ...(request.quiet === undefined ? {} : { quiet: request.quiet }),
    ...(request.replyTo === undefined ? {} : { replyTo: request.replyTo }),
    ...(request.recipe === undefined ? {} : { recipe: request.recipe }),
  };
  if (request.kind === 'network') {
    return { kind: 'network', ...common, networkId: request.networkId, size: request.size };
  }
  const { options, previewIntervalMs } = request;
  return {
    kind: 'gatys',
    ...common,
    styles,
    options,
    ...(previewIntervalMs === undefined ? {} : { previewIntervalMs }),
  };
}

/**
 * The job journal: every unfinished job's request and state in SQLite, and its decoded input images in files
 * beside it, so that a job waiting or running when easel stops can run again when it is back. It follows the queue
 * as a JobObserver; a job's row and files go when it ends. One per data directory, held exclusively.
 */
export class Journal implements JobObserver {
  readonly #db: Database.Database;
  readonly #inputs: InputFiles;
  readonly #maxInputBytes: number;
  readonly #ignore: readonly JobRequester[];
  readonly #logger: Logger;
  /** Jobs read out of a damaged journal that was moved aside at open: they cannot run again. */
  readonly salvaged: readonly JournaledJob[];
  readonly #insert: Database.Statement<[JobRow & { input_bytes: number }]>;
  readonly #setState: Database.Statement<[string, string]>;
  readonly #start: Database.Statement<[number, string]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #addReplyTo: Database.Statement<[string, string]>;
  readonly #kept: Database.Statement<[string], { kept: number }>;
  readonly #keptBytes: Database.Statement<[], { bytes: number }>;

  private constructor(db: Database.Database, inputs: InputFiles, options: JournalOptions, salvaged: SalvagedRow[]) {
    this.#db = db;
    this.#inputs = inputs;
    this.#maxInputBytes = options.maxInputBytes;
    this.#ignore = options.ignore ?? [];
    this.#logger = options.logger.child({ component: 'journal' });
    this.salvaged = salvaged.map((row) => ({
      id: String(row.id),
      requester: { platform: String(row.platform), userId: String(row.user_id) },
      submittedAt: 0,
      crashes: 0,
      inputsKept: false,
      request: typeof row.request === 'string' ? parseRequest(row.request) : undefined,
    }));
    this.#insert = db.prepare(
      `INSERT INTO jobs (id, platform, user_id, state, submitted_at, crashes, inputs_kept, input_bytes, request)
       VALUES (@id, @platform, @user_id, 'waiting', @submitted_at, @crashes, @inputs_kept, @input_bytes, @request)`,
    );
    this.#setState = db.prepare('UPDATE jobs SET state = ? WHERE id = ?');
    this.#start = db.prepare("UPDATE jobs SET state = 'running', started_at = ? WHERE id = ?");
    this.#delete = db.prepare('DELETE FROM jobs WHERE id = ?');
    // json_patch merges the new keys into the request's replyTo in one statement, so no read can see half of it.
    this.#addReplyTo = db.prepare(
      `UPDATE jobs SET request = json_set(request, '$.replyTo', json_patch(COALESCE(request ->> '$.replyTo', '{}'), ?))
       WHERE id = ?`,
    );
    this.#kept = db.prepare('SELECT inputs_kept AS kept FROM jobs WHERE id = ?');
    this.#keptBytes = db.prepare('SELECT COALESCE(SUM(input_bytes), 0) AS bytes FROM jobs');
  }

  /** Opens the journal in `options.dir`, making the folder if need be; throws JournalError when it cannot. */
  static open(options: JournalOptions): Journal {
    try {
      mkdirSync(options.dir, { recursive: true });
    } catch (err) {
      throw new JournalError(`The data directory ${options.dir} could not be made: ${(err as Error).message}.`, {
        cause: err,
      });
    }
    const { db, salvaged } = openDatabase(join(options.dir, JOURNAL_FILE), options.logger);
    const journal = new Journal(db, new InputFiles(join(options.dir, 'inputs')), options, [...salvaged]);
    journal.#removeStrayInputs();
    journal.#countCrashes();
    return journal;
  }

  onQueued(job: ObservedJob, restored: boolean): void {
    if (restored) {
      this.#setState.run('waiting', job.id);
      return;
    }
    const { spec } = job;
    // Not kept, so never restored; the hooks that follow touch no row of it.
    const { platform, userId } = spec.requester;
    if (this.#ignore.some((member) => member.platform === platform && member.userId === userId)) return;
    const { images, request } = storedOf(spec);
    const bytes = images.reduce((sum, image) => sum + pixelBytes(image), 0);
    const kept = this.#keep(job.id, images, bytes);
    try {
      this.#insert.run({
        id: job.id,
        platform: spec.requester.platform,
        user_id: spec.requester.userId,
        submitted_at: job.submittedAt,
        crashes: 0,
        inputs_kept: kept ? 1 : 0,
        input_bytes: kept ? bytes : 0,
        request: JSON.stringify(request),
      });
    } catch (err) {
      this.#inputs.remove(job.id);
      throw err;
    }
  }

  onStarted(job: ObservedJob): void {
    this.#start.run(Date.now(), job.id);
  }

  onFinished(job: ObservedJob): void {
    this.forget(job.id);
  }

  onSuspended(job: ObservedJob): void {
    this.#setState.run('waiting', job.id);
  }

  onReplyTo(job: ObservedJob, replyTo: ReplyTo): void {
    this.#addReplyTo.run(JSON.stringify(replyTo), job.id);
    this.#logger.debug({ jobId: job.id, keys: Object.keys(replyTo) }, "noted where the job's messages are");
  }

  /** Whether a job can run again after a restart: it is journaled with its images. */
  holds(jobId: string): boolean {
    return this.#kept.get(jobId)?.kept === 1;
  }

  /**
   * The jobs the journal holds, in the order they should go back in line after a restart: those that had started
   * first, then by when they were queued.
   */
  unfinished(): JournaledJob[] {
    const rows = this.#db
      .prepare(
        `SELECT id, platform, user_id, submitted_at, crashes, inputs_kept, request FROM jobs
         ORDER BY started_at IS NULL, submitted_at`,
      )
      .all() as JobRow[];
    return rows.map((row) => ({
      id: row.id,
      requester: { platform: row.platform, userId: row.user_id },
      submittedAt: row.submitted_at,
      crashes: row.crashes,
      inputsKept: row.inputs_kept === 1,
      request: parseRequest(row.request),
    }));
  }

  /** A journaled job as the queue runs it; throws when its images cannot be read back. */
  specOf(job: JournaledJob & { readonly request: StoredRequest }): JobSpec {
    return specFrom(job.request, job.requester, this.#inputs.read(job.id, job.request.images));
  }

  /** Drops a job and its images. */
  forget(jobId: string): void {
    this.#delete.run(jobId);
    if (isJobId(jobId)) this.#inputs.remove(jobId);
  }

  /** For /readyz: a write goes through (not read-only, not out of disk). */
  writable(): boolean {
    this.#db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('ready_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(new Date().toISOString());
    return true;
  }

  close(): void {
    this.#db.close();
  }

  /** Writes a job's images when they fit under the cap; says whether they were kept. */
  #keep(jobId: string, images: readonly RgbImage[], bytes: number): boolean {
    const used = this.#keptBytes.get()?.bytes ?? 0;
    if (used + bytes > this.#maxInputBytes) {
      this.#logger.warn(
        { jobId, bytes, used, maxBytes: this.#maxInputBytes },
        "the data directory is at its size cap: this job's images are not kept, so it cannot resume after a restart",
      );
      return false;
    }
    try {
      this.#inputs.write(jobId, images);
      return true;
    } catch (err) {
      this.#logger.error({ err, jobId }, "could not write this job's images; it cannot resume after a restart");
      return false;
    }
  }

  /**
   * At open, a job still marked running was cut short by the end of the last run: SIGTERM would have put it back
   * to waiting, so easel went down with it. It counts a crash, and waits to run again.
   */
  #countCrashes(): void {
    const { changes } = this.#db
      .prepare("UPDATE jobs SET crashes = crashes + 1, state = 'waiting' WHERE state = 'running'")
      .run();
    if (changes > 0) this.#logger.warn({ jobs: changes }, 'easel went down while painting; those jobs will run again');
  }

  /** Image files no journaled job owns: left by a crash between writing them and the row, or a damaged journal. */
  #removeStrayInputs(): void {
    const known = this.#db.prepare('SELECT 1 FROM jobs WHERE id = ?');
    const stray = this.#inputs.jobIds().filter((id) => known.get(id) === undefined);
    for (const id of stray) this.#inputs.remove(id);
    if (stray.length > 0)
      this.#logger.warn({ jobIds: stray }, 'removed input images of jobs the journal does not hold');
  }
}
