import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Ops, OpsPortError, type OpsServer } from '../../src/ops/index.js';
import { sample } from './scrape.js';

const logger = pino({ level: 'silent' });
const servers: OpsServer[] = [];

async function serve(ops: Ops): Promise<OpsServer> {
  const server = await ops.listen({ host: '127.0.0.1', port: 0 }, logger);
  servers.push(server);
  return server;
}

async function scrape(server: OpsServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('ops server', () => {
  it('answers /livez with 200 on 127.0.0.1, and only GET and HEAD anywhere', async () => {
    const server = await serve(new Ops());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const live = await fetch(`${server.url}/livez`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const head = await fetch(`${server.url}/livez`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    const post = await fetch(`${server.url}/livez`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const missing = await fetch(`${server.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ endpoints: ['/livez', '/readyz', '/metrics'] });
  });

  it('serves the default process metrics and moves the job counters as a job is recorded', async () => {
    const ops = new Ops();
    const server = await serve(ops);
    const before = await scrape(server);
    expect(sample(before, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(sample(before, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(before).toContain('# TYPE easel_jobs_total counter');
    expect(sample(before, 'easel_jobs_total', { outcome: 'done', platform: 'discord' })).toBeUndefined();

    ops.metrics.setBackend('onnx');
    ops.metrics.setPlatformConnected('discord', true);
    ops.metrics.jobQueued('standard', 'discord');
    ops.metrics.setQueueDepth('standard', 1);
    const queued = await scrape(server);
    expect(sample(queued, 'easel_jobs_queued_total', { lane: 'standard', platform: 'discord' })).toBe(1);
    expect(sample(queued, 'easel_queue_depth', { lane: 'standard' })).toBe(1);
    // Every outcome of a platform it has seen starts at 0.
    expect(sample(queued, 'easel_jobs_total', { outcome: 'done', platform: 'discord' })).toBe(0);
    expect(sample(queued, 'easel_jobs_total', { outcome: 'failed', platform: 'discord' })).toBe(0);

    ops.metrics.jobStarted('standard', 1_500);
    ops.metrics.setQueueDepth('standard', 0);
    ops.metrics.iterations(10);
    ops.metrics.iterations(5);
    ops.metrics.jobFinished('done', 'discord', 42_000);
    const after = await scrape(server);
    expect(sample(after, 'easel_queue_depth', { lane: 'standard' })).toBe(0);
    expect(sample(after, 'easel_jobs_total', { outcome: 'done', platform: 'discord' })).toBe(1);
    expect(sample(after, 'easel_jobs_total', { outcome: 'failed', platform: 'discord' })).toBe(0);
    expect(sample(after, 'easel_iterations_total')).toBe(15);
    expect(sample(after, 'easel_job_wait_seconds_count', { lane: 'standard' })).toBe(1);
    expect(sample(after, 'easel_job_wait_seconds_sum', { lane: 'standard' })).toBe(1.5);
    expect(sample(after, 'easel_job_duration_seconds_count', { outcome: 'done' })).toBe(1);
    expect(sample(after, 'easel_job_duration_seconds_sum', { outcome: 'done' })).toBe(42);
    expect(sample(after, 'easel_job_duration_seconds_bucket', { outcome: 'done', le: '30' })).toBe(0);
    expect(sample(after, 'easel_job_duration_seconds_bucket', { outcome: 'done', le: '60' })).toBe(1);
    expect(sample(after, 'easel_job_duration_seconds_bucket', { outcome: 'done', le: '1800' })).toBe(1);
    expect(sample(after, 'easel_engine_backend_info', { backend: 'onnx' })).toBe(1);
    expect(sample(after, 'easel_platform_connected', { platform: 'discord' })).toBe(1);
  });

  it('counts refusals, restarts, backend changes and disconnects', async () => {
    const ops = new Ops();
    const server = await serve(ops);
    ops.metrics.jobFinished('refused', 'slack');
    ops.metrics.jobFinished('cancelled', 'slack');
    ops.metrics.workerRestarted();
    ops.metrics.setBackend('onnx');
    ops.metrics.setBackend('wasm');
    ops.metrics.setPlatformConnected('slack', false);
    // Odd input is ignored rather than thrown at the queue.
    ops.metrics.iterations(-3);
    ops.metrics.iterations(Number.NaN);

    const text = await scrape(server);
    expect(sample(text, 'easel_jobs_total', { outcome: 'refused', platform: 'slack' })).toBe(1);
    expect(sample(text, 'easel_jobs_total', { outcome: 'cancelled', platform: 'slack' })).toBe(1);
    // Neither ran, so neither has a duration.
    expect(sample(text, 'easel_job_duration_seconds_count', { outcome: 'refused' })).toBeUndefined();
    expect(sample(text, 'easel_job_duration_seconds_count', { outcome: 'cancelled' })).toBeUndefined();
    expect(sample(text, 'easel_worker_restarts_total')).toBe(1);
    expect(sample(text, 'easel_engine_backend_info', { backend: 'wasm' })).toBe(1);
    expect(sample(text, 'easel_engine_backend_info', { backend: 'onnx' })).toBeUndefined();
    expect(sample(text, 'easel_platform_connected', { platform: 'slack' })).toBe(0);
    expect(sample(text, 'easel_iterations_total')).toBe(0);
  });

  it('keeps two instances in one process apart', async () => {
    const first = new Ops();
    const second = new Ops();
    first.metrics.jobFinished('done', 'discord', 1_000);
    const [a, b] = await Promise.all([serve(first), serve(second)]);
    expect(sample(await scrape(a), 'easel_jobs_total', { outcome: 'done', platform: 'discord' })).toBe(1);
    expect(sample(await scrape(b), 'easel_jobs_total', { outcome: 'done', platform: 'discord' })).toBeUndefined();
  });

  it('answers /readyz 503 naming the failing checks until every check passes, then 200', async () => {
    const ops = new Ops();
    let engineLoaded = false;
    ops.readiness.register('engine', () => engineLoaded);
    ops.readiness.register('discord', () => Promise.resolve(true));
    const server = await serve(ops);

    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      ready: false,
      failing: ['engine'],
      checks: { engine: false, discord: true },
    });

    engineLoaded = true;
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, failing: [], checks: { engine: true, discord: true } });
  });

  it('counts a check that throws as failing, and still answers', async () => {
    const ops = new Ops();
    ops.readiness.register('journal', () => {
      throw new Error('disk full');
    });
    const server = await serve(ops);
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ failing: ['journal'] });
  });

  it('says which setting to change when the port is taken, and closes cleanly twice', async () => {
    const taken = await serve(new Ops());
    const port = Number(new URL(taken.url).port);
    const clash = new Ops().listen({ host: '127.0.0.1', port }, logger);
    await expect(clash).rejects.toBeInstanceOf(OpsPortError);
    await expect(clash).rejects.toThrow(
      `The ops port 127.0.0.1:${port} is in use by another program. Set EASEL_OPS_PORT`,
    );

    await taken.close();
    await taken.close();
    await expect(fetch(`${taken.url}/livez`)).rejects.toThrow();
  });
});
