import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import { Journal, type JournalOptions } from '../../src/jobs/journal/index.js';
import type { JobEvent, JobHandle, JobListener, JobSpec } from '../../src/jobs/job.js';
import type { JobRestorer, LostJob } from '../../src/jobs/restore.js';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A logger that keeps every line, for tests that read what was logged. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** A scratch folder per test; `cleanup` removes them all. */
export function scratchDirs(): { make(): Promise<string>; cleanup(): Promise<void> } {
  const made: string[] = [];
  return {
    async make() {
      const dir = await mkdtemp(join(tmpdir(), 'easel-journal-'));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

export function openJournal(dir: string, options: Partial<JournalOptions> = {}): Journal {
  return Journal.open({ dir, maxInputBytes: 64 * 1024 * 1024, logger: pino({ level: 'silent' }), ...options });
}

/** A platform's restorer that records what it was given, and the events of each job it put back. */
export class RecordingRestorer implements JobRestorer {
  readonly restored: Array<{ spec: JobSpec; handle: JobHandle; events: JobEvent[] }> = [];
  readonly lost: LostJob[] = [];

  restore(spec: JobSpec, submit: (spec: JobSpec, listener: JobListener) => JobHandle): JobHandle {
    const events: JobEvent[] = [];
    const handle = submit(spec, (event) => void events.push(event));
    this.restored.push({ spec, handle, events });
    return handle;
  }

  reportLost(job: LostJob): Promise<void> {
    this.lost.push(job);
    return Promise.resolve();
  }
}

/**
 * Damages a journal file where its jobs are not: the page of one of the meta table's index. SQLite's integrity check
 * then fails, but the jobs table can still be read.
 */
export async function wreckBesideTheJobs(file: string): Promise<void> {
  const raw = new Database(file);
  const { rootpage } = raw
    .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'sqlite_autoindex_meta_1'")
    .get() as {
    rootpage: number;
  };
  const pageSize = Number(raw.pragma('page_size', { simple: true }));
  raw.close();
  const bytes = await readFile(file);
  bytes.fill(0x41, (rootpage - 1) * pageSize, rootpage * pageSize);
  await writeFile(file, bytes);
}
