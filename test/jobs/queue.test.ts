import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import type { JobEvent, JobSpec } from '../../src/jobs/job.js';
import { JobQueue, QueueFullError, TooManyJobsError } from '../../src/jobs/queue.js';
import { Throughput } from '../../src/jobs/throughput.js';
import { solidImage } from '../fixtures/images.js';
import { FakeEngine } from './fake-engine.js';

const logger = pino({ level: 'silent' });

function spec(userId: string, iterations = 4): JobSpec {
  return {
    requester: { platform: 'test', userId },
    content: solidImage(32, 32, [200, 100, 50]),
    styles: [solidImage(32, 32, [10, 20, 30])],
    options: { ...DEFAULT_OPTIONS, size: 32, iterations },
    label: 'test',
  };
}

/** Submits a job and records every event it gets. */
function track(queue: JobQueue, job: JobSpec) {
  const events: JobEvent[] = [];
  const handle = queue.submit(job, (event) => events.push(event));
  return { ...handle, events, types: () => events.map((e) => e.type) };
}

function last(events: JobEvent[]): JobEvent | undefined {
  return events[events.length - 1];
}

describe('JobQueue', () => {
  it('runs jobs one at a time in order, telling each where it stands as the line moves', async () => {
    const engine = new FakeEngine(1);
    const queue = new JobQueue({ engine, logger });
    const jobs = ['a', 'b', 'c', 'd'].map((user) => track(queue, spec(user)));
    await Promise.all(jobs.map((job) => job.done));

    expect(engine.maxRunning).toBe(1);
    expect(engine.started.map((r) => r.content)).toHaveLength(4);
    for (const job of jobs) expect(last(job.events)?.type).toBe('done');
    expect(jobs.map((job) => job.events[0])).toMatchObject([
      { type: 'queued', position: 1 },
      { type: 'queued', position: 1 },
      { type: 'queued', position: 2 },
      { type: 'queued', position: 3 },
    ]);
    const moves = jobs[3]!.events.filter((e) => e.type === 'moved').map((e) => (e.type === 'moved' ? e.position : 0));
    expect(moves).toEqual([2, 1]);
    expect(jobs[3]!.types()).toEqual(['queued', 'moved', 'moved', 'started', 'progress', 'progress', 'progress', 'progress', 'done']);
    const done = last(jobs[0]!.events);
    expect(done?.type === 'done' && done.png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('runs as many jobs at once as the engine has slots', async () => {
    const engine = new FakeEngine(2);
    const queue = new JobQueue({ engine, logger });
    const jobs = ['a', 'b', 'c'].map((user) => track(queue, spec(user)));
    await Promise.all(jobs.map((job) => job.done));
    expect(engine.maxRunning).toBe(2);
  });

  it('estimates the wait from measured throughput', async () => {
    const throughput = new Throughput(1);
    const engine = new FakeEngine(1, 20);
    const queue = new JobQueue({ engine, logger, throughput });
    const prior = throughput.estimateMs(spec('x').content, spec('x').options);
    expect(prior).toBe(4 * 32 * 32);

    await track(queue, spec('a')).done;
    const learned = throughput.estimateMs(spec('x').content, spec('x').options);
    expect(learned).toBeGreaterThan(0);
    expect(learned).toBeLessThan(prior);

    track(queue, spec('b'));
    const third = track(queue, spec('c'));
    await third.done;
    const queued = third.events[0];
    expect(queued?.type).toBe('queued');
    // Behind one job whose remaining time is known: the estimate is about one job long, and never negative.
    expect(queued?.type === 'queued' && queued.etaMs).toBeGreaterThan(0);
  });

  it('limits jobs per user and in total, with friendly errors', async () => {
    const queue = new JobQueue({ engine: new FakeEngine(1), logger, maxPerUser: 2, maxWaiting: 3 });
    const first = track(queue, spec('a'));
    track(queue, spec('a'));
    expect(() => queue.submit(spec('a'), () => undefined)).toThrow(TooManyJobsError);
    expect(() => queue.submit(spec('a'), () => undefined)).toThrow('You already have 2 jobs in line');
    track(queue, spec('b'));
    track(queue, spec('c'));
    expect(queue.waiting).toBe(3);
    expect(() => queue.submit(spec('d'), () => undefined)).toThrow(QueueFullError);
    await first.done;
    await queue.close();
  });

  it('cancels a waiting job: it leaves the line and the jobs behind move up', async () => {
    const engine = new FakeEngine(1);
    const queue = new JobQueue({ engine, logger });
    const running = track(queue, spec('a'));
    const waiting = track(queue, spec('b'));
    const behind = track(queue, spec('c'));
    expect(queue.cancel(waiting.id, 'someone-else')).toBe('not-yours');
    expect(queue.cancel('no-such-job', 'b')).toBe('not-found');
    expect(queue.cancel(waiting.id, 'b')).toBe('cancelled');
    await Promise.all([running.done, waiting.done, behind.done]);

    expect(waiting.types()).toEqual(['queued', 'cancelled']);
    expect(last(waiting.events)).toEqual({ type: 'cancelled', reason: 'user' });
    expect(behind.events).toContainEqual(expect.objectContaining({ type: 'moved', position: 1 }));
    expect(last(behind.events)?.type).toBe('done');
    expect(engine.started).toHaveLength(2);
    expect(queue.cancel(waiting.id, 'b')).toBe('not-found');
  });

  it('cancels a running job within an iteration and starts the next', async () => {
    const engine = new FakeEngine(1, 10);
    const queue = new JobQueue({ engine, logger });
    const events: JobEvent[] = [];
    const running = queue.submit(spec('a', 1000), (event) => {
      events.push(event);
      if (event.type === 'progress' && event.progress.iteration === 2) queue.cancel(running.id, 'a');
    });
    const next = track(queue, spec('b'));
    await Promise.all([running.done, next.done]);
    expect(last(events)).toEqual({ type: 'cancelled', reason: 'user' });
    const iterations = events.filter((e) => e.type === 'progress').length;
    expect(iterations).toBeLessThanOrEqual(3);
    expect(last(next.events)?.type).toBe('done');
  });

  it('stops a job that runs past its timeout', async () => {
    const queue = new JobQueue({ engine: new FakeEngine(1, 10), logger, timeoutMs: 50 });
    const job = track(queue, spec('a', 10_000));
    await job.done;
    expect(last(job.events)).toEqual({ type: 'cancelled', reason: 'timeout' });
  });

  it('turns engine failures into a friendly message for that job only', async () => {
    const engine = new FakeEngine(1);
    engine.failWith = new Error('tensor shape mismatch at conv3');
    const queue = new JobQueue({ engine, logger });
    const failing = track(queue, spec('a'));
    await failing.done;
    expect(last(failing.events)).toEqual({ type: 'failed', message: expect.stringContaining('Sorry') });
    expect(JSON.stringify(failing.events)).not.toContain('tensor');

    engine.failWith = undefined;
    const next = track(queue, spec('b'));
    await next.done;
    expect(last(next.events)?.type).toBe('done');
  });

  it('keeps going when a listener throws or rejects', async () => {
    const queue = new JobQueue({ engine: new FakeEngine(1), logger });
    const throwing = queue.submit(spec('a'), () => {
      throw new Error('listener bug');
    });
    const rejecting = queue.submit(spec('b'), async () => {
      throw new Error('async listener bug');
    });
    const healthy = track(queue, spec('c'));
    await Promise.all([throwing.done, rejecting.done, healthy.done]);
    expect(last(healthy.events)?.type).toBe('done');
  });

  it('cancels everything on close and refuses new jobs', async () => {
    const queue = new JobQueue({ engine: new FakeEngine(1, 10), logger });
    const running = track(queue, spec('a', 1000));
    const waiting = track(queue, spec('b'));
    await queue.close();
    await Promise.all([running.done, waiting.done]);
    expect(last(running.events)).toEqual({ type: 'cancelled', reason: 'shutdown' });
    expect(last(waiting.events)).toEqual({ type: 'cancelled', reason: 'shutdown' });
    expect(() => queue.submit(spec('c'), () => undefined)).toThrow("I'm restarting");
  });
});
