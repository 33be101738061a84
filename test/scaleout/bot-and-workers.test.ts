import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageFrame } from '../../src/playground/index.js';
import { SHARED, sharedJpeg, Visitor } from '../playground/harness.js';
import { TEST_PRESETS } from '../presets/support.js';
import { SHARED_VGG19 } from '../support/engine.js';
import { EaselProcess, waitUntil } from './processes.js';
import { skipWithoutRedis, startTestRedis, type TestRedis } from './redis.js';

/**
 * The scale-out mode with every part real: Redis, one bot process (`npm start`, driven through its playground's HTTP
 * API) and two `easel worker` processes with the real engine, one slot each. Small pictures, few iterations for the
 * quick jobs; the long ones run Adam (which never stops early) for enough iterations that "mid-job" is certain once
 * the first progress is seen. Nothing waits a fixed time: every wait is for an event, with a generous timeout.
 */

/** Tiny settings: 48 px, shallow layers, so a worker loads fast and paints an iteration in milliseconds. */
const PRESETS = {
  defaults: {
    size: 48,
    iterations: 6,
    optimizer: 'adam',
    content_layer: 'block2_conv2',
    style_layers: ['block1_conv1', 'block2_conv1'],
  },
  gallery: { photo: 'images/content/kitten.jpg' },
  presets: { starry_night: TEST_PRESETS.starry_night },
};
const LONG_JOB = { preset: 'starry_night', iterations: '400' };
const READY = /easel is ready: open (http:\/\/127\.0\.0\.1:\d+\/) to paint\./;

let redis: TestRedis;
let dir: string;
let bot: EaselProcess;
let workers: EaselProcess[];
let base: string;
/** What every process starts with. */
let common: Record<string, string>;
const all = (): EaselProcess[] => [bot, ...workers];

beforeAll(async () => {
  if (skipWithoutRedis) return;
  redis = await startTestRedis(1);
  dir = await mkdtemp(join(tmpdir(), 'easel-scaleout-'));
  const presets = join(dir, 'presets.json');
  await writeFile(presets, JSON.stringify(PRESETS));
  common = {
    EASEL_REDIS_URL: redis.url,
    EASEL_PRESETS: presets,
    EASEL_ASSETS: SHARED,
    EASEL_VGG19: SHARED_VGG19,
    EASEL_MAX_SIZE: '64',
    // A killed worker's job runs again on the other within about 2 × 4 s; shorter locks risk a busy machine's
    // worker missing a renewal, and its job running twice (harmless to the member, but the counts below would vary).
    EASEL_WORKER_LOCK_MS: '4000',
    EASEL_CACHE_DIR: join(dir, 'cache'),
    EASEL_OPS_PORT: '0',
    EASEL_THREADS: '1',
    EASEL_LOG_LEVEL: 'info',
  };
  workers = ['worker-a', 'worker-b'].map((name) =>
    EaselProcess.worker(name, { ...common, EASEL_WORKER_LANES: 'gatys', EASEL_SLOTS: '1' }),
  );
  bot = EaselProcess.bot({ ...common, EASEL_DATA_DIR: join(dir, 'data'), PORT: '0' });
  base = await waitUntil('the playground', () => READY.exec(bot.output)?.[1], all());
  await waitUntil('both workers', () => bot.logs().some((line) => line.gatysSlots === 2), all());
});

afterAll(async () => {
  if (skipWithoutRedis) return;
  for (const process of all()) process.kill();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface PostedJob {
  readonly id: string;
  readonly frames: PageFrame[];
  /** Settles with every frame once the job's stream ends (done, failed or cancelled). */
  readonly ended: Promise<PageFrame[]>;
}

async function postJob(fields: Record<string, string>, photo: Buffer): Promise<PostedJob & { visitor: Visitor }> {
  const visitor = await new Visitor(base).open();
  const posted = await visitor.post(fields, { content: photo });
  expect(posted.status).toBe(201);
  const { id, events } = (await posted.json()) as { id: string; events: string };
  const frames: PageFrame[] = [];
  const ended = visitor.frames(events, (frame) => frames.push(frame));
  return { id, frames, ended, visitor };
}

/** A frame that says the engine has done at least one iteration. */
const iterated = (frame: PageFrame): boolean => /iteration [1-9]\d*\//.test(frame.line);

/** Where a process's /livez, /readyz and /metrics are. */
function opsUrl(process: EaselProcess): string {
  const line = process.logs().find((log) => typeof log.url === 'string' && log.component === 'ops');
  if (!line) throw new Error(`${process.name} has not logged its ops address`);
  return String(line.url);
}

/** The worker that logged the start of the job's first run. */
function holderOf(jobId: string): EaselProcess | undefined {
  return workers.find((worker) => worker.logged('job started', jobId).length > 0);
}

describe.skipIf(skipWithoutRedis)('one bot and two easel workers on Redis', () => {
  it('paints four jobs across both workers, each with its progress and its own result', async () => {
    // Four shapes of photo, so each member's result can only be their own.
    const shapes = [
      [48, 36],
      [36, 48],
      [48, 48],
      [48, 24],
    ] as const;
    const jobs = await Promise.all(
      shapes.map(async ([width, height]) => {
        const photo = await sharp(await sharedJpeg('content/tubingen.jpg', 64))
          .resize(width, height, { fit: 'fill' })
          .jpeg()
          .toBuffer();
        // Long enough that the page shows progress between its status updates (four a second).
        return { ...(await postJob(LONG_JOB, photo)), width, height };
      }),
    );
    for (const job of jobs) {
      const frames = await job.ended;
      const done = frames.at(-1);
      expect(done).toMatchObject({ stage: 'done', result: `/api/jobs/${job.id}/result.png` });
      expect(frames.filter((frame) => frame.stage === 'done')).toHaveLength(1);
      expect(frames.some(iterated)).toBe(true);
      const png = Buffer.from(await (await job.visitor.fetch(done?.result ?? '')).arrayBuffer());
      expect(await sharp(png).metadata()).toMatchObject({ width: job.width, height: job.height });
    }
    // Logs come through pipes, maybe after the result: waited for, not assumed.
    const paintedBy = (job: PostedJob): EaselProcess | undefined =>
      workers.find((worker) => worker.logged('job done', job.id).length > 0);
    await waitUntil("every job in a worker's log", () => jobs.every(paintedBy), all());
    const ran = workers.map((worker) => jobs.filter((job) => worker.logged('job done', job.id).length > 0).length);
    expect(ran.every((count) => count > 0)).toBe(true);

    // Each worker's /metrics counts its jobs and iterations (rate() makes them per second); the bot's /readyz
    // includes Redis and the workers.
    for (const [index, worker] of workers.entries()) {
      const metrics = await (await fetch(`${opsUrl(worker)}/metrics`)).text();
      const done = /^easel_worker_jobs_total\{lane="gatys",outcome="done"\} (\d+)$/m.exec(metrics)?.[1];
      expect(Number(done)).toBeGreaterThanOrEqual(ran[index]!);
      expect(metrics).toMatch(/^easel_iterations_total [1-9]\d*$/m);
    }
    const ready = await fetch(`${opsUrl(bot)}/readyz`);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { redis: true, workers: true, journal: true } });
  });

  it('passes a cancel on to the worker that holds the job, which stops it', async () => {
    const job = await postJob(LONG_JOB, await sharedJpeg('content/kitten.jpg'));
    await waitUntil('the first iteration', () => job.frames.find(iterated), all());
    const holder = await waitUntil('the worker holding the job', () => holderOf(job.id), all());
    const cancelled = await job.visitor.fetch(`/api/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(await cancelled.json()).toEqual({ outcome: 'cancelled' });
    expect((await job.ended).at(-1)).toMatchObject({ stage: 'cancelled' });
    await waitUntil('the worker to stop it', () => holder.logged('job cancelled', job.id)[0], all());
    expect(holder.logged('job done', job.id)).toEqual([]);
  });

  it('runs a job again on the other worker when its worker is SIGKILLed, and the member gets one result', async () => {
    const job = await postJob(LONG_JOB, await sharedJpeg('content/golden_gate.jpg'));
    await waitUntil('the first iteration', () => job.frames.find(iterated), all());
    const holder = await waitUntil('the worker holding the job', () => holderOf(job.id), all());
    const other = workers.find((worker) => worker !== holder)!;
    holder.kill('SIGKILL');

    const frames = await job.ended;
    expect(frames.at(-1)).toMatchObject({ stage: 'done', result: `/api/jobs/${job.id}/result.png` });
    expect(frames.filter((frame) => frame.stage === 'done')).toHaveLength(1);
    expect(frames.filter((frame) => frame.stage === 'failed')).toEqual([]);
    // The percentage a member sees never goes back, though the second run starts from the first iteration.
    const percents = frames.flatMap((frame) => (frame.percent === undefined ? [] : [frame.percent]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    await waitUntil('the other worker to log the job done', () => other.logged('job done', job.id)[0], all());
    // The bot's log comes through a pipe that may lag behind its HTTP answers, on a slow machine by a while.
    await waitUntil('the bot to log the job done', () => bot.logged('job done', job.id)[0], all());
    expect(bot.logged('job done', job.id)).toHaveLength(1);
  });

  it('keeps jobs in line while no worker is connected, and paints them on the next one to come', async () => {
    // The SIGKILLed worker's card has run out by now or soon will; the other stops as a redeploy stops it.
    for (const worker of workers) worker.kill('SIGTERM');
    const roster = (): number | undefined => bot.logged('workers changed').at(-1)?.gatysSlots as number | undefined;
    await waitUntil('the bot to see no worker', () => roster() === 0 || undefined, all());

    const job = await postJob({ preset: 'starry_night' }, await sharedJpeg('content/kitten.jpg'));
    const waiting = await waitUntil('its place in line', () => job.frames.find((f) => f.stage === 'waiting'), all());
    expect(waiting.line).toBe("You're next in line · waiting for a painter to connect");
    const next = EaselProcess.worker('worker-c', { ...common, EASEL_WORKER_LANES: 'gatys', EASEL_SLOTS: '1' });
    workers.push(next);

    const frames = await job.ended;
    expect(frames.at(-1)).toMatchObject({ stage: 'done', result: `/api/jobs/${job.id}/result.png` });
    expect(frames.filter((frame) => frame.stage === 'failed')).toEqual([]);
    await waitUntil('the new worker to log the job done', () => next.logged('job done', job.id)[0], all());
    expect(next.logged('job done', job.id)).toHaveLength(1);
  });
});
