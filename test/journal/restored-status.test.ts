import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobEvent, JobHandle, JobListener } from '../../src/jobs/job.js';
import { trackJob, type StatusView } from '../../src/jobs/status/index.js';
import { logger, spec } from '../jobs/queue-support.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A job tracked onto a surface that records what it posted and edited, with events the test sends. */
function tracked() {
  const shown: string[] = [];
  let listener: JobListener = () => undefined;
  const handle: JobHandle = { id: 'job-1', done: Promise.resolve() };
  trackJob({
    spec: spec('ada'),
    surface: {
      post: (view: StatusView) => Promise.resolve(void shown.push(`post: ${view.line}`)),
      edit: (view: StatusView) => Promise.resolve(void shown.push(`edit: ${view.line}`)),
      deliver: () => Promise.resolve({ kind: 'posted' }),
    },
    intervalMs: 1_000,
    logger,
    submit: (_spec, given) => {
      listener = given;
      return handle;
    },
  });
  return { shown, send: (event: JobEvent): void => void listener(event) };
}

describe("a restored job's status", () => {
  it('says easel restarted first, even when the job starts at once, then goes on as usual', async () => {
    vi.useFakeTimers();
    const { shown, send } = tracked();
    send({ type: 'queued', position: 1, etaMs: 0, restored: true });
    send({ type: 'started', etaMs: 30_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(shown).toEqual([
      'post: easel restarted; your job is back in line, #1 · starts in a few seconds',
      'edit: Starting to paint · about 30 s to go',
    ]);
  });

  it('reads like any other once it moves up', async () => {
    vi.useFakeTimers();
    const { shown, send } = tracked();
    send({ type: 'queued', position: 2, etaMs: 120_000, restored: true });
    await vi.advanceTimersByTimeAsync(0);
    send({ type: 'moved', position: 1, etaMs: 60_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(shown).toEqual([
      'post: easel restarted; your job is back in line, #2 · starts in about 2 min',
      "edit: You're next in line · starts in about 1 min",
    ]);
  });

  it('collapses an ordinary first view into the next, as before', async () => {
    vi.useFakeTimers();
    const { shown, send } = tracked();
    send({ type: 'queued', position: 1, etaMs: 0 });
    send({ type: 'started', etaMs: 30_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(shown).toEqual(['post: Starting to paint · about 30 s to go']);
  });
});
