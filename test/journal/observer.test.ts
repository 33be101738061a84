import { describe, expect, it } from 'vitest';
import type { JobObserver } from '../../src/jobs/observer.js';
import { JobQueue, TooManyJobsError } from '../../src/jobs/queue.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { logger, spec, track } from '../jobs/queue-support.js';

describe('the queue observers', () => {
  it('hear each job queued, started, progressing and finished, and each refusal, in order; one that throws hurts nothing', async () => {
    const heard: string[] = [];
    const broken: JobObserver = {
      onQueued: () => {
        throw new Error('observer bug');
      },
      onFinished: () => {
        throw new Error('observer bug');
      },
    };
    const recorder: JobObserver = {
      onQueued: (job, restored) =>
        heard.push(`queued ${job.spec.requester.userId} ${job.lane}${restored ? ' restored' : ''}`),
      onStarted: (job) => heard.push(`started ${job.spec.requester.userId}`),
      onProgress: (job, progress) => heard.push(`progress ${job.spec.requester.userId} ${progress.iteration}`),
      onFinished: (job, end) => heard.push(`${end} ${job.spec.requester.userId}`),
      onSuspended: (job) => heard.push(`suspended ${job.spec.requester.userId}`),
      onRefused: (requester, error) => heard.push(`refused ${requester.userId} ${error.code}`),
    };
    const engine = new ControlledEngine();
    const queue = new JobQueue({ engine, logger, maxPerUser: 1, observers: [broken, recorder] });

    const ada = track(queue, spec('ada'));
    const bob = track(queue, spec('bob'));
    expect(() => track(queue, spec('ada'))).toThrow(TooManyJobsError);
    const run = await engine.nextRun();
    run.progress(4);
    run.finish();
    await ada.done;
    await engine.nextRun();
    await queue.suspend(1, () => true);

    expect(ada.last()?.type).toBe('done');
    expect(bob.last()).toEqual({ type: 'cancelled', reason: 'restart' });
    expect(heard).toEqual([
      'queued ada gatys',
      'started ada',
      'queued bob gatys',
      'refused ada too-many-jobs',
      'progress ada 4',
      'done ada',
      'started bob',
      'suspended bob',
    ]);
  });
});
