import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, JOURNAL_FILE, JournalError } from '../../src/jobs/journal/index.js';
import type { FeedForwardRequest, FeedForwardResult } from '../../src/engine/feedforward/index.js';
import { JobAbortedError } from '../../src/errors.js';
import type { NetworkJobSpec } from '../../src/jobs/job.js';
import type { ObservedJob } from '../../src/jobs/observer.js';
import { EngineDownError, JobQueue, type QueueNetworkEngine } from '../../src/jobs/queue.js';
import { solidImage } from '../fixtures/images.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { flush, logger, spec, track } from '../jobs/queue-support.js';
import { openJournal, recordingLogger, scratchDirs, wreckBesideTheJobs } from './support.js';

const dirs = scratchDirs();

/** A feed-forward engine whose passes never end by themselves: a network job stays running until it is stopped. */
class HeldNetworkEngine implements QueueNetworkEngine {
  readonly backend = 'held';
  readonly maxSide = 1024;
  readonly asked: string[] = [];

  stylize(request: FeedForwardRequest, { signal }: { readonly signal?: AbortSignal } = {}): Promise<FeedForwardResult> {
    this.asked.push(request.networkId);
    return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new JobAbortedError())));
  }
}
const opened: Journal[] = [];

function open(dir: string, options: Parameters<typeof openJournal>[1] = {}): Journal {
  const journal = openJournal(dir, options);
  opened.push(journal);
  return journal;
}

/** Closes a journal the way a killed process leaves it: nothing finished, nothing tidied. */
function crash(journal: Journal): void {
  journal.close();
  opened.splice(opened.indexOf(journal), 1);
}

function queueOn(journal: Journal, engine = new ControlledEngine()): { queue: JobQueue; engine: ControlledEngine } {
  return { queue: new JobQueue({ engine, logger, observers: [journal] }), engine };
}

const inputsOf = (dir: string, jobId: string): string[] =>
  existsSync(join(dir, 'inputs', jobId)) ? readdirSync(join(dir, 'inputs', jobId)).sort() : [];

afterEach(async () => {
  for (const journal of opened.splice(0)) journal.close();
  await dirs.cleanup();
});

describe('the job journal', () => {
  it("keeps a queued job's request and images until it ends, and then removes both", async () => {
    const dir = await dirs.make();
    const journal = open(dir);
    const { queue, engine } = queueOn(journal);
    const running = track(queue, spec('ada'));
    const waiting = track(queue, spec('bob'));
    const run = await engine.nextRun();

    expect(journal.holds(running.id)).toBe(true);
    expect(journal.holds(waiting.id)).toBe(true);
    expect(inputsOf(dir, running.id)).toEqual(['0.rgb', '1.rgb']);
    expect(readFileSync(join(dir, 'inputs', running.id, '0.rgb'))).toEqual(Buffer.from(spec('ada').content.data));
    // Members' pictures are easel's alone to read.
    expect(statSync(join(dir, 'inputs', running.id)).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'inputs', running.id, '0.rgb')).mode & 0o777).toBe(0o600);

    run.finish();
    await running.done;
    expect(journal.holds(running.id)).toBe(false);
    expect(inputsOf(dir, running.id)).toEqual([]);

    expect(queue.cancel(waiting.id, 'bob')).toBe('cancelled');
    await waiting.done;
    expect(journal.holds(waiting.id)).toBe(false);
    expect(inputsOf(dir, waiting.id)).toEqual([]);
    expect(journal.unfinished()).toEqual([]);
  });

  it('gives back what a crashed run left unfinished: the running job first, counted as a crash, images intact', async () => {
    const dir = await dirs.make();
    const journal = open(dir);
    const { queue, engine } = queueOn(journal);
    const photo = solidImage(40, 24, [1, 2, 3]);
    const recipe = { presetId: 'wave', settings: { strength: 7, preserveColors: true } };
    const first = track(queue, { ...spec('ada'), content: photo, replyTo: { channel: 'C1', threadTs: '1.2' }, recipe });
    const second = track(queue, spec('bob', { iterations: 7 }));
    const third = track(queue, spec('cy'));
    await engine.nextRun();
    await flush();
    crash(journal);

    const after = open(dir);
    const jobs = after.unfinished();
    expect(jobs.map((job) => job.id)).toEqual([first.id, second.id, third.id]);
    expect(jobs.map((job) => job.crashes)).toEqual([1, 0, 0]);
    const [ada, bob] = jobs;
    expect(ada?.requester).toEqual({ platform: 'test', userId: 'ada' });
    const restored = after.specOf({ ...ada!, request: ada!.request! });
    if (restored.kind !== 'gatys') throw new Error('a Gatys job came back as a network job');
    expect(restored.content).toEqual({ width: 40, height: 24, data: new Uint8Array(photo.data) });
    expect(restored.styles).toEqual([spec('ada').styles[0]]);
    expect(restored.replyTo).toEqual({ channel: 'C1', threadTs: '1.2' });
    // What the member asked for comes back too, for the result's "made with" line and its remix buttons.
    expect(restored.recipe).toEqual(recipe);
    expect(restored.label).toBe("ada's job");
    expect(after.specOf({ ...bob!, request: bob!.request! })).toMatchObject({
      kind: 'gatys',
      options: spec('bob', { iterations: 7 }).options,
    });
  });

  it("adds what a platform notes after queueing (its status message) to the job's replyTo, for after a restart", async () => {
    const dir = await dirs.make();
    const journal = open(dir);
    const { queue } = queueOn(journal);
    const noted = track(queue, { ...spec('ada'), replyTo: { channel: 'C1', status: 'old' } });
    const bare = track(queue, spec('bob'));
    queue.noteReplyTo(noted.id, { status: '1.5', statusIn: 'T1' });
    queue.noteReplyTo(bare.id, { status: '2.5' });
    queue.noteReplyTo('no-such-job', { status: '3.5' });
    crash(journal);

    const replyTos = open(dir)
      .unfinished()
      .map((job) => job.request?.replyTo);
    // Keys noted later replace those of the same name; the rest stay.
    expect(replyTos).toEqual([{ channel: 'C1', status: '1.5', statusIn: 'T1' }, { status: '2.5' }]);
  });

  it("keeps a preset's network job (its network, size, quiet flag and photo) and puts it back in the network lane", async () => {
    const dir = await dirs.make();
    const journal = open(dir);
    const lanes: string[] = [];
    const laneOf = { onQueued: (job: ObservedJob) => void lanes.push(job.lane) };
    const network = new HeldNetworkEngine();
    const engine = new ControlledEngine();
    const queue = new JobQueue({ engine, networkEngine: network, logger, observers: [journal, laneOf] });
    const photo = solidImage(40, 24, [9, 8, 7]);
    const job: NetworkJobSpec = {
      kind: 'network',
      requester: { platform: 'test', userId: 'ada' },
      content: photo,
      label: 'Great Wave',
      networkId: 'wave',
      size: 48,
      quiet: true,
      replyTo: { channel: 'C1' },
    };
    const first = track(queue, job);
    await flush();
    expect(network.asked).toEqual(['wave']);
    expect(inputsOf(dir, first.id)).toEqual(['0.rgb']);
    crash(journal);

    const after = open(dir);
    const [kept] = after.unfinished();
    expect(kept).toMatchObject({ id: first.id, crashes: 1, inputsKept: true });
    const restored = after.specOf({ ...kept!, request: kept!.request! });
    expect(restored).toEqual({ ...job, content: { width: 40, height: 24, data: new Uint8Array(photo.data) } });

    const network2 = new HeldNetworkEngine();
    const queue2 = new JobQueue({ engine, networkEngine: network2, logger, observers: [after, laneOf] });
    const events: string[] = [];
    const handle = queue2.restore(kept!, restored, (event) => void events.push(event.type));
    await flush();
    expect(handle.id).toBe(first.id);
    expect(network2.asked).toEqual(['wave']);
    expect(lanes).toEqual(['network', 'network']);
    expect(events).toEqual(['queued', 'started']);
    await Promise.all([queue.close(), queue2.close()]);
  });

  it("keeps none of easel's own jobs (the gallery's tiles): they are painted again at the next start", async () => {
    const dir = await dirs.make();
    const journal = open(dir, { ignore: [{ platform: 'easel', userId: 'gallery' }] });
    const { queue, engine } = queueOn(journal);
    const tile = track(queue, { ...spec('gallery'), requester: { platform: 'easel', userId: 'gallery' } });
    const member = track(queue, spec('gallery'));
    await engine.nextRun();

    expect(journal.holds(tile.id)).toBe(false);
    expect(inputsOf(dir, tile.id)).toEqual([]);
    expect(journal.unfinished().map((job) => job.id)).toEqual([member.id]);
    await queue.close();
  });

  it('refuses to put a network job back while there is no network lane, so that it stays journaled', async () => {
    const dir = await dirs.make();
    const journal = open(dir);
    const { queue } = queueOn(journal);
    const job: NetworkJobSpec = {
      kind: 'network',
      requester: { platform: 'test', userId: 'ada' },
      content: solidImage(32, 32, [1, 2, 3]),
      label: 'Great Wave',
      networkId: 'wave',
      size: 32,
    };
    const entry = { id: '00000000-0000-4000-8000-000000000001', submittedAt: 1 };
    expect(() => queue.restore(entry, job, () => undefined)).toThrow(EngineDownError);
  });

  it('journals a job past the size cap without its images: it runs, but could not resume', async () => {
    const dir = await dirs.make();
    const oneJob = 2 * 32 * 32 * 3;
    const { logger: log, lines } = recordingLogger();
    const journal = open(dir, { maxInputBytes: oneJob, logger: log });
    const { queue, engine } = queueOn(journal);
    const kept = track(queue, spec('ada'));
    const over = track(queue, spec('bob'));
    await engine.nextRun();

    expect(journal.holds(kept.id)).toBe(true);
    expect(journal.holds(over.id)).toBe(false);
    expect(inputsOf(dir, over.id)).toEqual([]);
    expect(journal.unfinished().map((job) => [job.id, job.inputsKept])).toEqual([
      [kept.id, true],
      [over.id, false],
    ]);
    expect(lines.some((line) => line.level === 40 && line.msg.includes('size cap') && line.jobId === over.id)).toBe(
      true,
    );
  });

  it('moves a file that is not a database aside as journal.db.corrupt-<time> and starts afresh, saying so', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, JOURNAL_FILE), 'this is not a database, it is a shopping list');
    const { logger: log, lines } = recordingLogger();
    const journal = open(dir, { logger: log });

    const aside = readdirSync(dir).filter((name) => /^journal\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(name));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toContain('shopping list');
    const logged = lines.find((line) => line.msg.includes('damaged'));
    expect(logged).toMatchObject({ level: 50, movedTo: join(dir, aside[0]!), lost: [] });
    expect(journal.unfinished()).toEqual([]);

    const { queue } = queueOn(journal);
    const job = track(queue, spec('ada'));
    expect(journal.holds(job.id)).toBe(true);
  });

  it('names the jobs a damaged journal still gives up, for their members to be told', async () => {
    const dir = await dirs.make();
    const journal = open(dir);
    const { queue } = queueOn(journal);
    const job = track(queue, { ...spec('ada'), replyTo: { channel: 'C9' } });
    crash(journal);
    await wreckBesideTheJobs(join(dir, JOURNAL_FILE));
    const { logger: log, lines } = recordingLogger();
    const after = open(dir, { logger: log });
    expect(after.salvaged).toEqual([
      {
        id: job.id,
        requester: { platform: 'test', userId: 'ada' },
        submittedAt: 0,
        crashes: 0,
        inputsKept: false,
        request: expect.objectContaining({ label: "ada's job", replyTo: { channel: 'C9' } }),
      },
    ]);
    expect(lines.find((line) => line.msg.includes('damaged'))?.lost).toEqual([
      { id: job.id, platform: 'test', userId: 'ada' },
    ]);
    expect(after.unfinished()).toEqual([]);
    expect(inputsOf(dir, job.id)).toEqual([]);
  });

  it('refuses a second easel on the same data directory, and a journal of a schema it does not know', async () => {
    const dir = await dirs.make();
    const first = open(dir);
    const second = (() => {
      try {
        return open(dir);
      } catch (err) {
        return err;
      }
    })();
    expect(second).toBeInstanceOf(JournalError);
    expect((second as JournalError).message).toMatch(/another easel is using it/);
    crash(first);

    const raw = new Database(join(dir, JOURNAL_FILE));
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => open(dir)).toThrow(/schema version 99, which this easel does not know/);
  });

  it('removes input images that no journaled job owns', async () => {
    const dir = await dirs.make();
    const stray = '0b9d3a4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
    await mkdir(join(dir, 'inputs', stray), { recursive: true });
    await writeFile(join(dir, 'inputs', stray, '0.rgb'), Buffer.alloc(12));
    const { logger: log, lines } = recordingLogger();
    open(dir, { logger: log });
    expect(inputsOf(dir, stray)).toEqual([]);
    expect(lines.find((line) => line.msg.includes('does not hold'))?.jobIds).toEqual([stray]);
  });

  it('says when the data directory cannot be used at all', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'not-a-folder'), '');
    expect(() => open(join(dir, 'not-a-folder'))).toThrow(JournalError);
    expect(() => open(join(dir, 'not-a-folder'))).toThrow(/The data directory .*not-a-folder could not be made/);
  });
});
