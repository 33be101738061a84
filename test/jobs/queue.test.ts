import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { jobCost } from '../../src/engine/cost.js';
import { Throughput } from '../../src/jobs/throughput.js';
import { JobTooBigError } from '../../src/jobs/fit.js';
import {
  EngineDownError,
  JobQueue,
  QueueClosedError,
  QueueFullError,
  TooManyJobsError,
  type JobQueueOptions,
} from '../../src/jobs/queue.js';
import { ControlledEngine } from './controlled-engine.js';
import { flush, logger, spec, track } from './queue-support.js';

let engine: ControlledEngine;
afterEach(() => {
  // Whatever a test did, the queue never sent a job to a busy or unknown slot.
  expect(engine.misuse).toEqual([]);
});

function queueOn(slots: number, options: Partial<JobQueueOptions> = {}): JobQueue {
  engine = new ControlledEngine(slots);
  return new JobQueue({ engine, logger, ...options });
}

describe('JobQueue scheduling', () => {
  it('runs jobs one at a time in order, telling each where it stands as the line moves', async () => {
    const queue = queueOn(1);
    const specs = ['a', 'b', 'c', 'd'].map((user) => spec(user));
    const jobs = specs.map((job) => track(queue, job));
    for (const job of specs) {
      const run = await engine.nextRun();
      expect(run.request.content).toBe(job.content);
      expect(engine.running).toHaveLength(1);
      for (let iteration = 1; iteration <= 4; iteration++) run.progress(iteration);
      run.finish();
    }
    await Promise.all(jobs.map((job) => job.done));

    expect(engine.runs.map((run) => run.slot)).toEqual([0, 0, 0, 0]);
    expect(jobs.map((job) => job.positions())).toEqual([[1], [1], [2, 1], [3, 2, 1]]);
    const progress = Array.from({ length: 4 }, () => 'progress');
    expect(jobs[3]!.types()).toEqual(['queued', 'moved', 'moved', 'started', ...progress, 'done']);
    const done = jobs[0]!.last();
    expect(done?.type === 'done' && done.png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('runs as many jobs at once as the engine has slots, each on its own slot', async () => {
    const queue = queueOn(2);
    const jobs = ['a', 'b', 'c'].map((user) => track(queue, spec(user)));
    const [first, second] = [await engine.nextRun(), await engine.nextRun()];
    expect([first.slot, second.slot]).toEqual([0, 1]);
    expect(queue.running).toBe(2);
    expect(queue.waiting).toBe(1);

    second.finish();
    const third = await engine.nextRun();
    expect(third.slot).toBe(1);
    first.finish();
    third.finish();
    await Promise.all(jobs.map((job) => job.done));
    expect(queue.running + queue.waiting).toBe(0);
  });

  it('takes members round-robin: one member’s second job never starts before anyone else’s first', async () => {
    const queue = queueOn(1, { maxPerUser: 3 });
    const names = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'];
    const specs = names.map((name) => spec(name[0]!));
    const [a1, a2, a3, b1, b2, c1] = specs.map((job) => track(queue, job));
    await flush();
    // Positions follow the order jobs will start in: a newcomer's first job goes ahead of others' second.
    expect(a1!.positions()).toEqual([1]);
    expect(a2!.positions()).toEqual([1, 2, 3]);
    expect(a3!.positions()).toEqual([2, 3, 4, 5]);
    expect(b1!.positions()).toEqual([1]);
    expect(b2!.positions()).toEqual([3, 4]);
    expect(c1!.positions()).toEqual([2]);

    for (let i = 0; i < names.length; i++) (await engine.nextRun()).finish();
    await Promise.all([a1, a2, a3, b1, b2, c1].map((job) => job!.done));
    const started = engine.runs.map((run) => names[specs.findIndex((job) => job.content === run.request.content)]);
    // a's first job had started before anyone else asked, so a's second waits until b and c have had a turn.
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('keeps the other member’s first job ahead when jobs free up on two slots', async () => {
    const queue = queueOn(2, { maxPerUser: 3 });
    const jobs = [track(queue, spec('a')), track(queue, spec('a')), track(queue, spec('a')), track(queue, spec('b'))];
    const runs = [await engine.nextRun(), await engine.nextRun()];
    // a's first two run; b's first is next, before a's third.
    expect(jobs[3]!.positions()).toEqual([1]);
    expect(jobs[2]!.positions()).toEqual([1, 2]);
    runs[0]!.finish();
    const next = await engine.nextRun();
    expect(next.request).toBe(engine.runs[2]!.request);
    await flush();
    expect(jobs[3]!.types()).toContain('started');
    expect(jobs[2]!.types()).not.toContain('started');
    for (const run of [runs[1]!, next]) run.finish();
    (await engine.nextRun()).finish();
    await Promise.all(jobs.map((job) => job.done));
  });

  it('passes the preview interval a platform asks for to the engine', async () => {
    const queue = queueOn(1);
    const job = track(queue, { ...spec('a'), previewIntervalMs: 15_000 });
    const run = await engine.nextRun();
    expect(run.previewIntervalMs).toBe(15_000);
    run.finish();
    await job.done;
  });

  it('turns engine failures into a friendly message for that job only', async () => {
    const queue = queueOn(1);
    const failing = track(queue, spec('a'));
    const next = track(queue, spec('b'));
    (await engine.nextRun()).fail(new Error('tensor shape mismatch at conv3'));
    await failing.done;
    expect(failing.last()).toEqual({ type: 'failed', message: expect.stringContaining('Sorry') });
    expect(JSON.stringify(failing.events)).not.toContain('tensor');
    (await engine.nextRun()).finish();
    await next.done;
    expect(next.last()?.type).toBe('done');
  });

  it('keeps going when a listener throws or rejects', async () => {
    const queue = queueOn(1);
    const throwing = queue.submit(spec('a'), () => {
      throw new Error('listener bug');
    });
    const rejecting = queue.submit(spec('b'), () => Promise.reject(new Error('async listener bug')));
    const healthy = track(queue, spec('c'));
    for (let i = 0; i < 3; i++) {
      const run = await engine.nextRun();
      run.progress(1);
      run.finish();
    }
    await Promise.all([throwing.done, rejecting.done, healthy.done]);
    expect(healthy.types()).toEqual(['queued', 'moved', 'started', 'progress', 'done']);
  });
});

describe('JobQueue cancelling and closing', () => {
  it('cancels a waiting job: it leaves the line and the jobs behind move up', async () => {
    const queue = queueOn(1);
    const running = track(queue, spec('a'));
    const waiting = track(queue, spec('b'));
    const behind = track(queue, spec('c'));
    expect(queue.cancel(waiting.id, 'someone-else')).toBe('not-yours');
    expect(queue.cancel('no-such-job', 'b')).toBe('not-found');
    expect(queue.cancel(waiting.id, 'b')).toBe('cancelled');
    await waiting.done;
    expect(waiting.types()).toEqual(['queued', 'cancelled']);
    expect(waiting.last()).toEqual({ type: 'cancelled', reason: 'user' });
    expect(behind.positions()).toEqual([2, 1]);
    expect(queue.cancel(waiting.id, 'b')).toBe('not-found');

    (await engine.nextRun()).finish();
    (await engine.nextRun()).finish();
    await Promise.all([running.done, behind.done]);
    expect(engine.runs).toHaveLength(2);
  });

  it('cancels a running job: the engine is told at once and the next job starts on its slot', async () => {
    const queue = queueOn(1);
    const running = track(queue, spec('a', { iterations: 1000 }));
    const next = track(queue, spec('b'));
    const run = await engine.nextRun();
    run.progress(1);
    run.progress(2);
    expect(queue.cancel(running.id, 'a')).toBe('cancelled');
    expect(run.aborted).toBe(true);
    await running.done;
    expect(running.last()).toEqual({ type: 'cancelled', reason: 'user' });
    expect(running.types().filter((type) => type === 'progress')).toHaveLength(2);

    const second = await engine.nextRun();
    expect(second.slot).toBe(0);
    second.finish();
    await next.done;
    expect(next.last()?.type).toBe('done');
    expect(engine.replaced).toEqual([]);
  });

  it('cancels everything on close and refuses new jobs', async () => {
    const queue = queueOn(1);
    const running = track(queue, spec('a'));
    const waiting = track(queue, spec('b'));
    await engine.nextRun();
    await queue.close();
    expect(running.last()).toEqual({ type: 'cancelled', reason: 'shutdown' });
    expect(waiting.last()).toEqual({ type: 'cancelled', reason: 'shutdown' });
    expect(() => queue.submit(spec('c'), () => undefined)).toThrow(QueueClosedError);
    expect(() => queue.submit(spec('c'), () => undefined)).toThrow("I'm restarting");
    expect(engine.runs).toHaveLength(1);
  });
});

describe('JobQueue limits and reservations', () => {
  it('limits jobs per member and in total, with friendly errors', async () => {
    const queue = queueOn(1, { maxPerUser: 2, maxWaiting: 3 });
    track(queue, spec('a'));
    track(queue, spec('a'));
    expect(() => queue.submit(spec('a'), () => undefined)).toThrow(TooManyJobsError);
    expect(() => queue.submit(spec('a'), () => undefined)).toThrow('You already have 2 jobs in line');
    // The same id on another platform is another member.
    track(queue, { ...spec('a'), requester: { platform: 'other', userId: 'a' } });
    track(queue, spec('b'));
    expect(queue.waiting).toBe(3);
    expect(() => queue.submit(spec('c'), () => undefined)).toThrow(QueueFullError);
    await queue.close();
  });

  it('counts a reservation against the member’s and the global limit until it is used or released', async () => {
    const queue = queueOn(1, { maxPerUser: 2, maxWaiting: 2 });
    const member = (userId: string) => ({ platform: 'test', userId });
    const first = queue.reserve(member('a'));
    const second = queue.reserve(member('a'));
    expect(() => queue.reserve(member('a'))).toThrow(TooManyJobsError);
    expect(() => queue.reserve(member('b'))).toThrow(QueueFullError);

    // The download failed: the place is free again, once however often it is released.
    second.release();
    second.release();
    const third = queue.reserve(member('b'));
    expect(() => queue.reserve(member('c'))).toThrow(QueueFullError);
    third.release();

    // Submitting uses the place up: the job holds it now (running, so not waiting), and releasing frees nothing.
    const job = track(queue, spec('a'), first);
    first.release();
    expect(() => first.submit(spec('a'), () => undefined)).toThrow('already used or released');
    expect(() => queue.reserve(member('a'))).not.toThrow();
    expect(() => queue.reserve(member('a'))).toThrow(TooManyJobsError);
    expect(() => queue.reserve(member('b'))).not.toThrow();
    expect(() => queue.reserve(member('c'))).toThrow(QueueFullError);
    (await engine.nextRun()).finish();
    await job.done;
    expect(job.last()?.type).toBe('done');
  });

  it('refuses a reservation’s job once the queue has closed', async () => {
    const queue = queueOn(1);
    const reservation = queue.reserve({ platform: 'test', userId: 'a' });
    await queue.close();
    expect(() => reservation.submit(spec('a'), () => undefined)).toThrow(QueueClosedError);
    expect(() => queue.reserve({ platform: 'test', userId: 'a' })).toThrow(QueueClosedError);
    expect(engine.runs).toHaveLength(0);
  });
});

describe('JobQueue refuses what cannot finish in time', () => {
  const timeoutMs = 15 * 60_000;
  const square = (size: number, iterations: number): number =>
    jobCost(1, 1, { ...DEFAULT_OPTIONS, size, iterations }).total;

  const reserve = (queue: JobQueue, size: number, iterations: number) =>
    queue.reserve({ platform: 'test', userId: 'a' }, { ...DEFAULT_OPTIONS, size, iterations });

  function refusal(queue: JobQueue, size: number, iterations: number): JobTooBigError {
    try {
      reserve(queue, size, iterations);
    } catch (err) {
      if (err instanceof JobTooBigError) return err;
      throw err;
    }
    throw new Error('the job was accepted');
  }

  it('refuses 500 iterations at 1024 px before anything is downloaded, and says what would fit', () => {
    // The README's figure for ONNX Runtime on two cores: 10.8 min per 100 iterations at 1024 px.
    const msPerUnit = 648_000 / square(1024, 100);
    const queue = queueOn(1, { timeoutMs, throughput: new Throughput({ controlled: msPerUnit }) });
    const error = refusal(queue, 1024, 500);
    const { maxIterationsAtSize, suggestedSize } = error.fit;

    const fits = (size: number, iterations: number): boolean => square(size, iterations) * msPerUnit <= 0.9 * timeoutMs;
    expect(fits(1024, maxIterationsAtSize)).toBe(true);
    expect(fits(1024, maxIterationsAtSize + 1)).toBe(false);
    expect(maxIterationsAtSize).toBeGreaterThan(100);
    expect(suggestedSize).toBeDefined();
    expect(fits(suggestedSize!, 500)).toBe(true);
    expect(fits(suggestedSize! + 128, 500)).toBe(false);

    // One round number, said and suggested: never "about 130 … try 120".
    const fewer = Math.floor(maxIterationsAtSize / 10) * 10;
    expect(error.message).toBe(
      `At 1024 px I can do about ${fewer} iterations in the time I allow; ` +
        `try \`iterations:${fewer}\` or \`size:${suggestedSize}\`.`,
    );
    const cli = error.describe((key, value) => `--${key} ${value}`);
    expect(cli).toContain(`try --iterations ${fewer} or --size ${suggestedSize}.`);
    expect(queue.waiting + queue.running).toBe(0);
  });

  it('follows measured throughput: a faster engine takes the same job', () => {
    const throughput = new Throughput({ controlled: 0.0165 });
    const queue = queueOn(1, { timeoutMs, throughput });
    expect(refusal(queue, 1024, 300)).toBeInstanceOf(JobTooBigError);
    throughput.record('controlled', 1024, square(1024, 100), 60_000);
    expect(() => reserve(queue, 1024, 300).release()).not.toThrow();
  });

  it('says so when not even one iteration fits at the size asked for', () => {
    const queue = queueOn(1, { timeoutMs: 1_000, throughput: new Throughput({ controlled: 0.01 }) });
    const message = 'At 1024 px not even one iteration fits in the time I allow; try `size:64`.';
    expect(refusal(queue, 1024, 10).message).toBe(message);
  });

  it('checks the real picture on submit: a job that does not fit is refused and holds no place', () => {
    const queue = queueOn(1, { timeoutMs, throughput: new Throughput({ controlled: 0.0165 }) });
    expect(() => queue.submit(spec('a', { size: 1024, iterations: 500 }), () => undefined)).toThrow(JobTooBigError);
    expect(() => queue.submit(spec('a', { size: 1024, iterations: 500 }), () => undefined)).toThrow(JobTooBigError);
    expect(queue.waiting + queue.running).toBe(0);
  });
});

describe('JobQueue when a worker cannot be replaced', () => {
  it('takes the slot out of service and tells waiting members the painter is out of order', async () => {
    engine = new ControlledEngine(1);
    engine.replaceFails = true;
    const queue = new JobQueue({ engine, logger, graceMs: 0 });
    const stuck = track(queue, spec('a'));
    const waiting = track(queue, spec('b'));
    const run = await engine.nextRun();
    run.stick();
    queue.cancel(stuck.id, 'a');
    await Promise.all([stuck.done, waiting.done]);
    expect(engine.replaced).toEqual([0]);
    expect(stuck.last()).toEqual({ type: 'cancelled', reason: 'user' });
    expect(waiting.last()).toEqual({ type: 'failed', message: new EngineDownError().message });
    expect(() => queue.submit(spec('c'), () => undefined)).toThrow(EngineDownError);
  });
});
