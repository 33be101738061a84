import { describe, expect, it, vi } from 'vitest';
import type { JobResult, JobSpec } from '../../src/jobs/job.js';
import { measureGatys, type Lane, type LaneCallbacks } from '../../src/jobs/lanes.js';
import { EngineDownError, JobQueue } from '../../src/jobs/queue.js';
import { solidImage } from '../fixtures/images.js';
import { queueLine } from '../../src/jobs/messages.js';
import { flush, logger, spec, track } from '../jobs/queue-support.js';

/** A lane whose slots the test sets, as remote workers join and leave; each run waits until the test ends it. */
class ElasticLane implements Lane {
  readonly name = 'gatys';
  readonly rateKey = 'onnx';
  readonly measure = measureGatys;
  readonly runs: Array<{ slot: number; spec: JobSpec; finish: () => void }> = [];
  #slots: number;
  #listener: (() => void) | undefined;

  constructor(
    slots: number,
    readonly slotlessGraceMs?: number,
  ) {
    this.#slots = slots;
  }

  get slots(): number {
    return this.#slots;
  }

  set(slots: number): void {
    this.#slots = slots;
    this.#listener?.();
  }

  onSlotsChanged(listener: () => void): void {
    this.#listener = listener;
  }

  run(slot: number, spec: JobSpec, _callbacks: LaneCallbacks): Promise<JobResult> {
    return new Promise((resolve) => {
      const result = { image: solidImage(4, 4, [1, 2, 3]), ms: 1, backend: 'onnx' };
      this.runs.push({ slot, spec, finish: () => resolve(result) });
    });
  }

  replace(): Promise<void> {
    return Promise.resolve();
  }
}

describe('a lane whose slots change (the scale-out mode)', () => {
  it('starts waiting jobs when slots are added, and takes no more work on slots that went away', async () => {
    const lane = new ElasticLane(1);
    const queue = new JobQueue({ lanes: { gatys: lane }, logger, maxPerUser: 5 });
    const jobs = ['ada', 'bea', 'cal'].map((user) => track(queue, spec(user)));
    await vi.waitFor(() => expect(lane.runs).toHaveLength(1));
    expect(queue.waiting).toBe(2);

    lane.set(2);
    await vi.waitFor(() => expect(lane.runs).toHaveLength(2));
    expect(lane.runs.map((run) => run.slot)).toEqual([0, 1]);

    // Down to one slot while both run: slot 1 finishes its job and then stays idle.
    lane.set(1);
    lane.runs[1]!.finish();
    await jobs[1]!.done;
    expect(queue.running).toBe(1);
    expect(queue.waiting).toBe(1);
    lane.runs[0]!.finish();
    await vi.waitFor(() => expect(lane.runs).toHaveLength(3));
    expect(lane.runs[2]!.slot).toBe(0);
    lane.runs[2]!.finish();
    await Promise.all(jobs.map((job) => job.done));
    expect(jobs.map((job) => job.last()?.type)).toEqual(['done', 'done', 'done']);
  });

  it('keeps jobs waiting through a gap without slots shorter than its grace (a worker restarting)', async () => {
    const lane = new ElasticLane(1, 60_000);
    const queue = new JobQueue({ lanes: { gatys: lane }, logger, maxPerUser: 5 });
    const running = track(queue, spec('ada'));
    const waiting = track(queue, spec('bea'));
    await vi.waitFor(() => expect(lane.runs).toHaveLength(1));

    // The only worker goes; its job is BullMQ's to run again, the line is the queue's to keep.
    lane.set(0);
    const arriving = track(queue, spec('cal'));
    expect(queue.waiting).toBe(2);
    await flush();
    // No slot, no saying when: the waiting job is told so, the new one too.
    expect(waiting.events.map((event) => event.type)).toEqual(['queued', 'moved']);
    expect(waiting.last()).toEqual({ type: 'moved', position: 1 });
    expect(arriving.events[0]).toEqual({ type: 'queued', position: 2 });
    expect(queueLine(1, undefined)).toBe("You're next in line · waiting for a painter to connect");
    lane.runs[0]!.finish();
    await running.done;

    lane.set(1);
    await vi.waitFor(() => expect(lane.runs).toHaveLength(2));
    expect(lane.runs[1]!.spec.requester.userId).toBe('bea');
    // The one still waiting hears when it starts again.
    expect(arriving.last()).toMatchObject({ type: 'moved', position: 1, etaMs: expect.any(Number) });
    lane.runs[1]!.finish();
    await vi.waitFor(() => expect(lane.runs).toHaveLength(3));
    lane.runs[2]!.finish();
    await Promise.all([waiting.done, arriving.done]);
    expect([waiting.last()?.type, arriving.last()?.type]).toEqual(['done', 'done']);
    await queue.close();
  });

  it('past its grace without slots, tells waiting members and refuses new jobs until a slot is back', async () => {
    const lane = new ElasticLane(0, 50);
    const queue = new JobQueue({ lanes: { gatys: lane }, logger, maxPerUser: 5 });
    // A bot that starts before its workers takes jobs for them, for as long as the grace.
    const early = track(queue, spec('ada'));
    await early.done;
    expect(early.last()).toEqual({ type: 'failed', message: new EngineDownError().message });
    expect(() => queue.submit(spec('bea'), () => undefined)).toThrow(EngineDownError);

    lane.set(1);
    const later = track(queue, spec('bea'));
    await vi.waitFor(() => expect(lane.runs).toHaveLength(1));
    lane.runs[0]!.finish();
    await later.done;
    expect(later.last()?.type).toBe('done');
  });

  it('without a grace, tells waiting members when the last slot goes away, and refuses new jobs until one is back', async () => {
    const lane = new ElasticLane(1);
    const queue = new JobQueue({ lanes: { gatys: lane }, logger, maxPerUser: 5 });
    const running = track(queue, spec('ada'));
    const waiting = track(queue, spec('bea'));
    await vi.waitFor(() => expect(lane.runs).toHaveLength(1));

    lane.set(0);
    await waiting.done;
    expect(waiting.last()).toEqual({ type: 'failed', message: new EngineDownError().message });
    expect(() => queue.submit(spec('cal'), () => undefined)).toThrow(EngineDownError);
    // The job already running is not the lane's to drop: its worker may still finish it.
    lane.runs[0]!.finish();
    await running.done;
    expect(running.last()?.type).toBe('done');

    lane.set(1);
    const later = track(queue, spec('cal'));
    await vi.waitFor(() => expect(lane.runs).toHaveLength(2));
    lane.runs[1]!.finish();
    await later.done;
    expect(later.last()?.type).toBe('done');
  });
});
