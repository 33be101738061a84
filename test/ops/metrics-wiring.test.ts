import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineCrashedError, startEngine, type StyleEngine } from '../../src/engine/index.js';
import { JobQueue, TooManyJobsError } from '../../src/jobs/queue.js';
import { jobMetrics, Ops, type OpsServer } from '../../src/ops/index.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { flush, logger, spec, track } from '../jobs/queue-support.js';
import { quickOptions, SHARED_VGG19, sharedImage } from '../support/engine.js';
import { sample } from './scrape.js';

const servers: OpsServer[] = [];
let engine: StyleEngine | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await engine?.close();
  engine = undefined;
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(
  ops: Ops,
): Promise<(name: string, labels?: Record<string, string>) => Promise<number | undefined>> {
  const server = await ops.listen({ host: '127.0.0.1', port: 0 }, logger);
  servers.push(server);
  return async (name, labels) => {
    const response = await fetch(`${server.url}/metrics`);
    return sample(await response.text(), name, labels);
  };
}

describe('metrics wired to the queue', () => {
  it('moves the job counters, lane depth, timings and iterations as jobs run, over real HTTP', async () => {
    const ops = new Ops();
    const controlled = new ControlledEngine();
    const queue = new JobQueue({ engine: controlled, logger, maxPerUser: 1, observers: [jobMetrics(ops.metrics)] });
    let connected = false;
    ops.metrics.setBackend(controlled.backend);
    ops.metrics.watchPlatform('test', () => connected);
    const scrape = await serve(ops);
    const lane = { lane: 'gatys' };
    const outcome = (name: string): Record<string, string> => ({ outcome: name, platform: 'test' });

    expect(await scrape('easel_jobs_queued_total', { ...lane, platform: 'test' })).toBeUndefined();
    expect(await scrape('easel_iterations_total')).toBe(0);
    expect(await scrape('easel_platform_connected', { platform: 'test' })).toBe(0);
    expect(await scrape('easel_engine_backend_info', { backend: 'controlled' })).toBe(1);

    const first = track(queue, spec('ada', { iterations: 6 }));
    const second = track(queue, spec('bob'));
    expect(() => queue.submit(spec('ada'), () => undefined)).toThrow(TooManyJobsError);
    connected = true;
    expect(await scrape('easel_jobs_queued_total', { ...lane, platform: 'test' })).toBe(2);
    expect(await scrape('easel_queue_depth', lane)).toBe(1);
    expect(await scrape('easel_job_wait_seconds_count', lane)).toBe(1);
    expect(await scrape('easel_jobs_total', outcome('refused'))).toBe(1);
    expect(await scrape('easel_jobs_total', outcome('done'))).toBe(0);
    expect(await scrape('easel_platform_connected', { platform: 'test' })).toBe(1);

    const run = await controlled.nextRun();
    run.progress(2);
    run.progress(6);
    run.finish();
    await first.done;
    expect(await scrape('easel_iterations_total')).toBe(6);
    expect(await scrape('easel_jobs_total', outcome('done'))).toBe(1);
    expect(await scrape('easel_job_duration_seconds_count', { outcome: 'done' })).toBe(1);
    expect(await scrape('easel_queue_depth', lane)).toBe(0);
    expect(await scrape('easel_job_wait_seconds_count', lane)).toBe(2);

    const third = track(queue, spec('cy'));
    expect(await scrape('easel_queue_depth', lane)).toBe(1);
    expect(queue.cancel(third.id, 'cy')).toBe('cancelled');
    const secondRun = await controlled.nextRun();
    secondRun.progress(3);
    secondRun.fail(new Error('the painter slipped'));
    await Promise.all([second.done, third.done]);
    await flush();
    expect(await scrape('easel_iterations_total')).toBe(9);
    expect(await scrape('easel_jobs_total', outcome('failed'))).toBe(1);
    expect(await scrape('easel_jobs_total', outcome('cancelled'))).toBe(1);
    // The job cancelled while waiting never ran, so it has no duration; the failed one has.
    expect(await scrape('easel_job_duration_seconds_count', { outcome: 'cancelled' })).toBeUndefined();
    expect(await scrape('easel_job_duration_seconds_count', { outcome: 'failed' })).toBe(1);
    expect(await scrape('easel_queue_depth', lane)).toBe(0);
  });

  it('counts a worker restart when an engine worker dies', async () => {
    vi.stubEnv('EASEL_WORKER_TEST_HOOKS', '1');
    const ops = new Ops();
    const scrape = await serve(ops);
    const layers = ['block1_conv1', 'block2_conv1', 'block2_conv2'] as const;
    engine = await startEngine(
      {
        weights: { location: SHARED_VGG19, cacheDir: join(tmpdir(), 'easel-test-weights') },
        backend: 'wasm',
        slots: 1,
        threads: 1,
        layers,
      },
      pino({ level: 'silent' }),
      { onWorkerRestart: () => ops.metrics.workerRestarted() },
    );
    expect(await scrape('easel_worker_restarts_total')).toBe(0);
    const image = await sharedImage('content/kitten.jpg', 32);
    // With the test hooks on, seed -2 makes the worker exit mid-job.
    const options = quickOptions({
      size: 32,
      seed: -2,
      contentLayer: 'block2_conv2',
      styleLayers: [{ layer: 'block1_conv1', weight: 1 }],
    });
    await expect(engine.stylize(0, { content: image, styles: [image], options })).rejects.toBeInstanceOf(
      EngineCrashedError,
    );
    expect(await scrape('easel_worker_restarts_total')).toBe(1);
  });
});
