import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Progress } from '../../src/engine/types.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { jobCost } from '../../src/engine/cost.js';
import { Throughput } from '../../src/jobs/throughput.js';
import { ControlledEngine, type ControlledRun } from './controlled-engine.js';
import { flush, logger, spec, track, type Tracked } from './queue-support.js';

let engine: ControlledEngine;
beforeEach(() => {
  // Real setImmediate, so flush() still lets promises run while the clock stands still.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  expect(engine.misuse).toEqual([]);
});

describe('JobQueue timeouts', () => {
  it('stops a job at its timeout; one that ends on the abort frees its slot with no replacement', async () => {
    engine = new ControlledEngine(1);
    const queue = new JobQueue({ engine, logger, timeoutMs: 60_000, graceMs: 10_000 });
    const slow = track(queue, spec('a'));
    const next = track(queue, spec('b'));
    const run = await engine.nextRun();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(run.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(run.aborted).toBe(true);
    await slow.done;
    expect(slow.last()).toEqual({ type: 'cancelled', reason: 'timeout' });
    (await engine.nextRun()).finish();
    await next.done;
    expect(engine.replaced).toEqual([]);
  });

  it('replaces a worker stuck past the grace period, tells the member, and only then runs the next job', async () => {
    engine = new ControlledEngine(1, 5_000);
    const queue = new JobQueue({ engine, logger, timeoutMs: 60_000, graceMs: 10_000 });
    const stuck = track(queue, spec('a'));
    const next = track(queue, spec('b'));
    const run = await engine.nextRun();
    run.stick();
    await vi.advanceTimersByTimeAsync(60_000 + 9_999);
    expect(run.aborted).toBe(true);
    expect(engine.replaced).toEqual([]);
    expect(stuck.last()?.type).toBe('started');

    await vi.advanceTimersByTimeAsync(1);
    expect(engine.replaced).toEqual([0]);
    await stuck.done;
    expect(stuck.last()).toEqual({ type: 'cancelled', reason: 'timeout' });
    // The fresh worker is not ready yet, so the slot is not handed on.
    expect(next.types()).not.toContain('started');
    expect(engine.runs).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(5_000);
    const second = await engine.nextRun();
    expect(second.slot).toBe(0);
    second.finish();
    await next.done;
    expect(next.last()?.type).toBe('done');
  });

  it('close() returns after the grace period even when a worker is stuck, without replacing it', async () => {
    engine = new ControlledEngine(1);
    const queue = new JobQueue({ engine, logger, graceMs: 10_000 });
    const stuck = track(queue, spec('a'));
    (await engine.nextRun()).stick();
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(stuck.last()).toEqual({ type: 'cancelled', reason: 'shutdown' });
    expect(engine.replaced).toEqual([]);
  });
});

/** Steps a run through its schedule, spending `msPerUnit(iteration)` per cost unit, and collects its progress. */
async function paint(run: ControlledRun, job: Tracked, msPerUnit: (iteration: number) => number) {
  const { content, options } = run.request;
  const setups = jobCost(content.width, content.height, options).perScale.map((scale) => scale.setup);
  const steps: Array<{ ms: number; iteration?: number }> = [];
  let iteration = 0;
  run.scales.forEach((scale, index) => {
    steps.push({ ms: Math.round(setups[index]! * msPerUnit(iteration + 1)) });
    for (let i = 0; i < scale.iterations; i++) {
      iteration++;
      steps.push({ ms: Math.round(scale.width * scale.height * msPerUnit(iteration)), iteration });
    }
  });
  const totalMs = steps.reduce((sum, step) => sum + step.ms, 0);
  const seen: Array<{ readonly progress: Progress; readonly elapsedMs: number }> = [];
  let elapsedMs = 0;
  for (const step of steps) {
    vi.advanceTimersByTime(step.ms);
    elapsedMs += step.ms;
    if (step.iteration === undefined) continue;
    run.progress(step.iteration);
    await flush();
    const event = job.last();
    if (event?.type !== 'progress') throw new Error(`expected progress, got ${event?.type}`);
    seen.push({ progress: event.progress, elapsedMs });
  }
  run.finish();
  await job.done;
  return { seen, totalMs };
}

describe('JobQueue progress and ETA', () => {
  // 256 px from 64 px content: a few iterations at 128², then the rest at 256², each 4× the cost of a coarse one.
  const job = () => spec('a', { size: 256, iterations: 100 }, 64);

  it('reports a share that follows the cost done, and an ETA within 20 % once a tenth is done', async () => {
    engine = new ControlledEngine(1);
    // The measured rate is half again too slow; the job's own pace must take over.
    const queue = new JobQueue({ engine, logger, throughput: new Throughput({ controlled: 0.015 }) });
    const tracked = track(queue, job());
    const run = await engine.nextRun();
    const { seen, totalMs } = await paint(run, tracked, () => 0.01);

    expect(seen).toHaveLength(100);
    let previous = 0;
    for (const { progress, elapsedMs } of seen) {
      expect(progress.fraction).toBeGreaterThanOrEqual(previous);
      previous = progress.fraction;
      // Time spent is cost done here, so the share is the share of the time.
      expect(progress.fraction).toBeCloseTo(elapsedMs / totalMs, 2);
      const truthMs = totalMs - elapsedMs;
      if (elapsedMs >= totalMs / 10) expect(Math.abs(progress.etaMs - truthMs)).toBeLessThanOrEqual(0.2 * truthMs + 1);
    }
    // The coarse iterations are done after well under their share of the count, and the share says so.
    const coarse = run.scales[0]!.iterations;
    expect(seen[coarse - 1]!.progress.fraction).toBeLessThan(coarse / 100 / 2);
    expect(seen.at(-1)!.progress.fraction).toBe(1);
  });

  it('never raises the ETA while the pace holds, and raises it when the job really slows', async () => {
    engine = new ControlledEngine(1);
    const queue = new JobQueue({ engine, logger, throughput: new Throughput({ controlled: 0.01 }) });
    const tracked = track(queue, job());
    const slowFrom = 80;
    const { seen } = await paint(await engine.nextRun(), tracked, (iteration) => (iteration < slowFrom ? 0.01 : 0.04));

    const etas = seen.map(({ progress }) => progress.etaMs);
    // Iterations after which the ETA went up: only once they had slowed.
    const rises = etas.flatMap((eta, index) => (index > 0 && eta > etas[index - 1]! ? [index + 1] : []));
    expect(rises.length).toBeGreaterThan(0);
    expect(Math.min(...rises)).toBeGreaterThanOrEqual(slowFrom);
  });

  it('estimates the wait in line from the measured throughput', async () => {
    engine = new ControlledEngine(1);
    const throughput = new Throughput({ controlled: 1 });
    const queue = new JobQueue({ engine, logger, throughput });
    const { content, options } = spec('x');
    const units = jobCost(content.width, content.height, options).total;
    expect(throughput.estimateMs('controlled', options.size, units)).toBe(units);

    const first = track(queue, spec('a'));
    vi.advanceTimersByTime(1_000);
    (await engine.nextRun()).finish();
    await first.done;
    expect(throughput.estimateMs('controlled', options.size, units)).toBeCloseTo(1_000);

    const running = track(queue, spec('b'));
    const behind = track(queue, spec('c'));
    const third = track(queue, spec('d'));
    await flush();
    expect(running.events[1]).toEqual({ type: 'started', etaMs: expect.closeTo(1_000) });
    expect(behind.events[0]).toEqual({ type: 'queued', position: 1, etaMs: expect.closeTo(1_000) });
    expect(third.events[0]).toEqual({ type: 'queued', position: 2, etaMs: expect.closeTo(2_000) });
    await queue.close();
  });
});
