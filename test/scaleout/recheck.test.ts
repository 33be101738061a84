import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LaneName } from '../../src/jobs/lanes.js';
import { JobLostError } from '../../src/scaleout/errors.js';
import { ImageStore } from '../../src/scaleout/image-store.js';
import { queueName } from '../../src/scaleout/keys.js';
import { RemoteLanes } from '../../src/scaleout/remote-lanes.js';
import type { WireOutcome } from '../../src/scaleout/wire.js';
import { solidImage } from '../fixtures/images.js';
import { spec } from '../jobs/queue-support.js';
import { skipWithoutRedis, startTestRedis, type TestRedis } from './redis.js';

/**
 * The bot's re-check of its pending jobs, with every event lost: BullMQ's own Worker and Queue, driven by the test,
 * stand in for `easel worker` and for a flushed Redis, and the lanes' events readers are left waiting for ids BullMQ
 * never writes. Each wait is for a result or a state, not for a time.
 */

const DB = 3;
const LANES: readonly LaneName[] = ['gatys', 'network'];
const eventsKey = (lane: LaneName): string => `bull:${queueName(lane)}:events`;

let redis: TestRedis;
let client: Redis;
let lanes: RemoteLanes;
const logLines: Array<Record<string, unknown>> = [];

/** Whether CLIENT LIST shows a lane's QueueEvents reader of this database blocked in XREAD. */
const blockedReader = (line: string): boolean =>
  /name=\S+:qe /.test(line) && line.includes(` db=${DB} `) && / flags=b /.test(line) && line.includes(' cmd=xread ');

/**
 * Loses every later event: once each reader is blocked, an entry with an id far in the future moves it past that
 * id, and the stream is deleted, so the ids BullMQ writes from now on (the current time) are all behind it.
 */
async function loseEvents(): Promise<void> {
  await vi.waitFor(async () => {
    const list = String(await client.client('LIST'));
    expect(list.split('\n').filter(blockedReader)).toHaveLength(LANES.length);
  });
  for (const lane of LANES) {
    await client.xadd(eventsKey(lane), '9999999999999-0', 'event', 'lost');
    await client.del(eventsKey(lane));
  }
}

const callbacks = (jobId: string) => ({ jobId, signal: new AbortController().signal, onProgress: () => undefined });

beforeAll(async () => {
  if (skipWithoutRedis) return;
  redis = await startTestRedis(DB);
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => logLines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  lanes = await RemoteLanes.start({
    redisUrl: redis.url,
    logger,
    maxInlineBytes: 1 << 20,
    lockMs: 60_000,
    workerWaitMs: 60_000,
    jobTimeoutMs: 60_000,
    networkMaxSide: 64,
    recheckMs: 50,
  });
  await loseEvents();
});

afterAll(async () => {
  if (skipWithoutRedis) return;
  await lanes?.close();
  client?.disconnect();
  await redis?.stop();
});

describe.skipIf(skipWithoutRedis)('the bot re-checks its pending jobs on BullMQ', () => {
  it('takes the result of a job whose completed event it never heard, once', async () => {
    const store = new ImageStore({ redis: client, maxInlineBytes: 1 << 20, ttlMs: 60_000 });
    const painted = solidImage(4, 3, [7, 8, 9]);
    const worker = new Worker(
      queueName('gatys'),
      async (job): Promise<WireOutcome> => {
        const image = await store.put(job.id ?? '', 'result', painted);
        const losses = {
          initial: { content: 1, style: 1, tv: 0, total: 2 },
          final: { content: 0, style: 0, tv: 0, total: 0 },
        };
        return { outcome: 'done', result: { kind: 'gatys', image, backend: 'test', iterations: 4, ms: 1, losses } };
      },
      { connection: client },
    );
    try {
      const result = await lanes.gatys.run(0, spec('ada'), callbacks('job-ada'));
      expect(result.backend).toBe('test');
      expect([...result.image.data]).toEqual([...painted.data]);
    } finally {
      await worker.close();
    }
    const taken = logLines.filter((line) => line.msg === 'job end taken' && line.jobId === 'job-ada');
    expect(taken).toEqual([expect.objectContaining({ via: 're-check', state: 'completed' })]);
  });

  it('fails, in words for the member, a job that BullMQ no longer knows', async () => {
    const queue = new Queue(queueName('gatys'), { connection: client });
    try {
      const run = lanes.gatys.run(0, spec('bea'), callbacks('job-bea'));
      const [job] = await vi.waitFor(async () => {
        const waiting = await queue.getJobs(['waiting']);
        expect(waiting).toHaveLength(1);
        return waiting;
      });
      await job!.remove();
      await expect(run).rejects.toThrow(new JobLostError().message);
    } finally {
      await queue.close();
    }
  });
});
