import { describe, expect, it } from 'vitest';
import type { FeedForwardRequest, FeedForwardResult } from '../../src/engine/feedforward/index.js';
import { JobAbortedError } from '../../src/errors.js';
import type { NetworkJobSpec } from '../../src/jobs/job.js';
import { EngineDownError, JobQueue, TooManyJobsError, type QueueNetworkEngine } from '../../src/jobs/queue.js';
import { solidImage } from '../fixtures/images.js';
import { ControlledEngine } from '../jobs/controlled-engine.js';
import { flush, logger, spec, track } from '../jobs/queue-support.js';

/**
 * A feed-forward engine whose passes end when the test says, for exact orderings (the chat tests use the real one).
 * Like the real one it runs passes one at a time, in the order asked.
 */
class ControlledNetworkEngine implements QueueNetworkEngine {
  readonly backend = 'controlled';
  readonly maxSide = 1024;
  readonly asked: Array<{ request: FeedForwardRequest; finish: () => void }> = [];

  stylize(request: FeedForwardRequest, { signal }: { readonly signal?: AbortSignal } = {}): Promise<FeedForwardResult> {
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new JobAbortedError()), { once: true });
      const image = solidImage(request.size, request.size, [1, 2, 3]);
      this.asked.push({ request, finish: () => resolve({ image, ms: 5, backend: this.backend }) });
    });
  }
}

function networkSpec(userId: string, size = 32): NetworkJobSpec {
  return {
    kind: 'network',
    requester: { platform: 'test', userId },
    content: solidImage(64, 48, [200, 100, 50]),
    label: `${userId}'s preset`,
    networkId: 'wave',
    size,
    quiet: true,
  };
}

function queueWithLanes() {
  const engine = new ControlledEngine();
  const network = new ControlledNetworkEngine();
  const queue = new JobQueue({ engine, networkEngine: network, logger, maxPerUser: 2, maxWaiting: 10 });
  return { engine, network, queue };
}

describe('the network lane', () => {
  it('runs a network job while a Gatys job paints, and the Gatys job carries on', async () => {
    const { engine, network, queue } = queueWithLanes();
    const gatys = track(queue, spec('alice', { iterations: 40 }));
    const run = await engine.nextRun();
    const gatysWaiting = track(queue, spec('bob'));
    const preset = track(queue, networkSpec('carol'));
    await flush();

    expect(network.asked.map((job) => job.request.networkId)).toEqual(['wave']);
    network.asked[0]!.finish();
    await preset.done;
    expect(preset.types()).toEqual(['queued', 'started', 'done']);
    expect(preset.events[0]).toMatchObject({ type: 'queued', position: 1 });
    expect(run.settled).toBe(false);
    expect(gatysWaiting.types()).toEqual(['queued']);

    run.finish();
    await gatys.done;
    (await engine.nextRun()).finish();
    await gatysWaiting.done;
    expect(engine.misuse).toEqual([]);
  });

  it('gives the network engine one pass at a time, members taking turns, and tells each its place', async () => {
    const { network, queue } = queueWithLanes();
    const first = track(queue, networkSpec('alice'));
    const second = track(queue, networkSpec('alice'));
    const third = track(queue, networkSpec('bob'));
    await flush();
    expect(network.asked).toHaveLength(1);
    expect(second.positions()).toEqual([1, 2]);
    // Bob has had no turn yet, so he goes before Alice's second.
    expect(third.positions()).toEqual([1]);

    network.asked[0]!.finish();
    await first.done;
    await flush();
    expect(network.asked).toHaveLength(2);
    network.asked[1]!.finish();
    await third.done;
    await flush();
    network.asked[2]!.finish();
    await second.done;
    expect([first, second, third].map((job) => job.last()?.type)).toEqual(['done', 'done', 'done']);
    expect(second.events.findIndex((e) => e.type === 'started')).toBeGreaterThan(0);
  });

  it("counts a member's jobs and reservations over both lanes", async () => {
    const { engine, queue } = queueWithLanes();
    track(queue, spec('alice'));
    await engine.nextRun();
    const held = queue.reserve({ platform: 'test', userId: 'alice' }, undefined, 'network');
    expect(() => queue.reserve({ platform: 'test', userId: 'alice' }, undefined, 'network')).toThrow(TooManyJobsError);
    expect(() => queue.submit(networkSpec('alice'), () => undefined)).toThrow(TooManyJobsError);
    held.release();
    expect(() => queue.reserve({ platform: 'test', userId: 'alice' }, undefined, 'network').release()).not.toThrow();
    await queue.close();
  });

  it('stops a network job on cancel, and refuses network jobs where there is no network engine', async () => {
    const { network, queue } = queueWithLanes();
    const job = track(queue, networkSpec('alice'));
    await flush();
    expect(queue.cancel(job.id, 'alice')).toBe('cancelled');
    await job.done;
    expect(job.last()).toEqual({ type: 'cancelled', reason: 'user' });
    expect(network.asked).toHaveLength(1);

    const gatysOnly = new JobQueue({ engine: new ControlledEngine(), logger });
    expect(() => gatysOnly.reserve({ platform: 'test', userId: 'bob' }, undefined, 'network')).toThrow(EngineDownError);
    expect(() => gatysOnly.submit(networkSpec('bob'), () => undefined)).toThrow(EngineDownError);
  });
});
