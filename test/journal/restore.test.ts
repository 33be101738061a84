import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, restoreJobs, type Journal } from '../../src/jobs/journal/index.js';
import type { JobSpec } from '../../src/jobs/job.js';
import { JobQueue, QueueClosedError } from '../../src/jobs/queue.js';
import type { JobRestorer } from '../../src/jobs/restore.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { flush, logger, spec, track, type Tracked } from '../jobs/queue-support.js';
import { openJournal, RecordingRestorer, scratchDirs, wreckBesideTheJobs } from './support.js';

const dirs = scratchDirs();
const opened: Journal[] = [];
const oneJobBytes = 2 * 32 * 32 * 3;

/** One run of easel: a journal on `dir`, and a queue on a ControlledEngine that the journal follows. */
function boot(
  dir: string,
  maxInputBytes = 64 * oneJobBytes,
): { journal: Journal; queue: JobQueue; engine: ControlledEngine } {
  const journal = openJournal(dir, { maxInputBytes });
  opened.push(journal);
  const engine = new ControlledEngine();
  return { journal, engine, queue: new JobQueue({ engine, logger, observers: [journal] }) };
}

/** Ends a run the way SIGKILL does: whatever was waiting or running stays so in the journal. */
function kill(journal: Journal): void {
  journal.close();
  opened.splice(opened.indexOf(journal), 1);
}

function restore(run: ReturnType<typeof boot>, restorers: Record<string, JobRestorer>): ReturnType<typeof restoreJobs> {
  return restoreJobs(run.journal, run.queue, new Map(Object.entries(restorers)), logger);
}

const withReply = (userId: string, channel: string): JobSpec => ({ ...spec(userId), replyTo: { channel } });

afterEach(async () => {
  for (const journal of opened.splice(0)) journal.close();
  await dirs.cleanup();
});

describe('restoring jobs after a restart', () => {
  it('puts every unfinished job back in line under its old id and in its old order, each told it was restored', async () => {
    const dir = await dirs.make();
    const before = boot(dir);
    const jobs = ['ada', 'bob', 'cy'].map((user) => track(before.queue, withReply(user, `C${user.toUpperCase()}`)));
    await before.engine.nextRun();
    kill(before.journal);

    const after = boot(dir);
    const test = new RecordingRestorer();
    expect(await restore(after, { test })).toEqual({ restored: 3, lost: 0, kept: 0 });
    expect(test.restored.map(({ handle }) => handle.id)).toEqual(jobs.map((job) => job.id));
    expect(test.restored.map(({ spec: restored }) => restored.replyTo)).toEqual([
      { channel: 'CADA' },
      { channel: 'CBOB' },
      { channel: 'CCY' },
    ]);
    await flush();
    // ada's job was running, so it starts again at once; the others wait behind it.
    expect(test.restored.map(({ events }) => events[0])).toEqual([
      { type: 'queued', position: 1, etaMs: expect.any(Number), restored: true },
      { type: 'queued', position: 1, etaMs: expect.any(Number), restored: true },
      { type: 'queued', position: 2, etaMs: expect.any(Number), restored: true },
    ]);

    // The Cancel button on a message from before the restart names the old id, and still works.
    expect(after.queue.cancel(jobs[2]!.id, 'cy')).toBe('cancelled');
    const first = await after.engine.nextRun();
    expect(first.request.content).toEqual(spec('ada').content);
    first.finish();
    const second = await after.engine.nextRun();
    second.finish();
    await Promise.all(test.restored.map(({ handle }) => handle.done));
    expect(test.restored.map(({ events }) => events.at(-1)?.type)).toEqual(['done', 'done', 'cancelled']);
    expect(after.journal.unfinished()).toEqual([]);
  });

  it('tells the members of jobs that cannot run again why, and keeps those whose platform is not connected', async () => {
    const dir = await dirs.make();
    const before = boot(dir, 3 * oneJobBytes);
    const kept = track(before.queue, withReply('ada', 'C1'));
    const unreadable = track(before.queue, withReply('bob', 'C2'));
    const elsewhere = track(before.queue, {
      ...withReply('cy', 'C3'),
      requester: { platform: 'faraway', userId: 'cy' },
    });
    const notKept = track(before.queue, withReply('dee', 'C4'));
    await before.engine.nextRun();
    kill(before.journal);
    rmSync(join(dir, 'inputs', unreadable.id, '1.rgb'));

    const after = boot(dir, 3 * oneJobBytes);
    const test = new RecordingRestorer();
    expect(await restore(after, { test })).toEqual({ restored: 1, lost: 2, kept: 1 });
    expect(test.restored.map(({ handle }) => handle.id)).toEqual([kept.id]);
    expect(test.lost).toEqual([
      {
        id: unreadable.id,
        requester: { platform: 'test', userId: 'bob' },
        label: "bob's job",
        replyTo: { channel: 'C2' },
        reason: 'unreadable',
      },
      {
        id: notKept.id,
        requester: { platform: 'test', userId: 'dee' },
        label: "dee's job",
        replyTo: { channel: 'C4' },
        reason: 'not-kept',
      },
    ]);
    // Dropped jobs leave the journal; the one whose platform is away waits for it.
    expect(after.journal.unfinished().map((job) => job.id)).toEqual([kept.id, elsewhere.id]);
  });

  it('lets go of a job that was running each of the last two times easel went down', async () => {
    const dir = await dirs.make();
    const first = boot(dir);
    const poison = track(first.queue, withReply('ada', 'C1'));
    const bystander = track(first.queue, withReply('bob', 'C2'));
    await first.engine.nextRun();
    kill(first.journal);

    const second = boot(dir);
    await restore(second, { test: new RecordingRestorer() });
    await second.engine.nextRun();
    kill(second.journal);

    const third = boot(dir);
    const test = new RecordingRestorer();
    expect(await restore(third, { test })).toEqual({ restored: 1, lost: 1, kept: 0 });
    expect(test.lost.map(({ id, reason }) => [id, reason])).toEqual([[poison.id, 'crashed']]);
    expect(test.restored.map(({ handle }) => handle.id)).toEqual([bystander.id]);
  });

  it('tells the members of the jobs a damaged journal still named that they are lost', async () => {
    const dir = await dirs.make();
    const before = boot(dir);
    const job = track(before.queue, withReply('ada', 'C1'));
    kill(before.journal);
    await wreckBesideTheJobs(join(dir, JOURNAL_FILE));

    const after = boot(dir);
    const test = new RecordingRestorer();
    expect(await restore(after, { test })).toEqual({ restored: 0, lost: 1, kept: 0 });
    expect(test.lost).toEqual([
      {
        id: job.id,
        requester: { platform: 'test', userId: 'ada' },
        label: "ada's job",
        replyTo: { channel: 'C1' },
        reason: 'unreadable',
      },
    ]);
  });
});

describe('stopping for a restart (SIGTERM)', () => {
  async function twoJobs(
    maxInputBytes?: number,
  ): Promise<ReturnType<typeof boot> & { running: Tracked; waiting: Tracked }> {
    const run = boot(await dirs.make(), maxInputBytes);
    const running = track(run.queue, spec('ada'));
    const waiting = track(run.queue, spec('bob'));
    await run.engine.nextRun();
    return { ...run, running, waiting };
  }
  const resumable = (journal: Journal) => (jobId: string) => journal.holds(jobId);

  it('tells each waiting member at once that their job will resume, and lets the running job finish in the grace period', async () => {
    const { journal, queue, engine, running, waiting } = await twoJobs();
    const stopped = queue.suspend(60_000, resumable(journal));
    await flush();
    expect(waiting.last()).toEqual({ type: 'cancelled', reason: 'restart' });
    expect(() => queue.reserve({ platform: 'test', userId: 'cy' })).toThrow(QueueClosedError);

    engine.running[0]!.finish();
    await stopped;
    expect(running.last()?.type).toBe('done');
    expect(engine.runs).toHaveLength(1);
    expect(journal.unfinished().map((job) => [job.id, job.crashes])).toEqual([[waiting.id, 0]]);
  });

  it('stops a running job still going when the grace period ends, and keeps it to run first after the restart', async () => {
    const { journal, queue, engine, running, waiting } = await twoJobs();
    await queue.suspend(1, resumable(journal));
    expect(engine.runs[0]!.aborted).toBe(true);
    expect(running.last()).toEqual({ type: 'cancelled', reason: 'restart' });
    expect(waiting.last()).toEqual({ type: 'cancelled', reason: 'restart' });
    expect(journal.unfinished().map((job) => [job.id, job.crashes])).toEqual([
      [running.id, 0],
      [waiting.id, 0],
    ]);
  });

  it('asks a member to try again when nothing of their job could be kept', async () => {
    const { journal, queue, waiting } = await twoJobs(oneJobBytes);
    const stopped = queue.suspend(1, resumable(journal));
    await stopped;
    expect(waiting.last()).toEqual({ type: 'cancelled', reason: 'shutdown' });
  });
});
