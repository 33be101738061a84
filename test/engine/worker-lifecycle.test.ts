import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EngineCrashedError,
  EngineStoppedError,
  startEngine,
  WorkerKilledError,
  type StyleEngine,
} from '../../src/engine/index.js';
import type { Progress, RgbImage, StylizeOptions } from '../../src/engine/types.js';
import { JobAbortedError } from '../../src/errors.js';
import type { WeightsSource } from '../../src/engine/weights/types.js';
import { quickOptions, SHARED_VGG19, sharedImage } from '../support/engine.js';

/**
 * Shallow layers and tiny images: these tests are about the worker's life, not the painting. The photo is its own
 * style here, so the job starts from noise: from the photo it would start at the optimum and stop after one step.
 */
const LAYERS = ['block1_conv1', 'block2_conv1', 'block2_conv2'] as const;
function tiny(overrides: Partial<StylizeOptions> = {}): StylizeOptions {
  return quickOptions({
    size: 32,
    iterations: 2,
    init: 'noise',
    contentLayer: 'block2_conv2',
    styleLayers: [
      { layer: 'block1_conv1', weight: 1 },
      { layer: 'block2_conv1', weight: 1 },
    ],
    ...overrides,
  });
}
/** With EASEL_WORKER_TEST_HOOKS=1 the worker hangs in a synchronous loop on seed -1, and exits on seed -2. */
const HANG = tiny({ seed: -1, iterations: 50 });
const CRASH = tiny({ seed: -2, iterations: 50 });

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly restartInMs?: number;
  readonly retryInMs?: number;
}

let engine: StyleEngine | undefined;
let scratch: string;
let image: RgbImage;
const logs: LogLine[] = [];

function startTestEngine(weights: WeightsSource): Promise<StyleEngine> {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  return startEngine({ weights, backend: 'wasm', slots: 1, threads: 1, layers: LAYERS }, logger);
}

const messages = (text: string): LogLine[] => logs.filter((line) => line.msg.includes(text));

/** Lets the worker threads' real events in (setImmediate is not faked here) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(setImmediate);
}

beforeEach(async () => {
  vi.stubEnv('EASEL_WORKER_TEST_HOOKS', '1');
  logs.length = 0;
  scratch = await mkdtemp(join(tmpdir(), 'easel-lifecycle-'));
  image = await sharedImage('content/kitten.jpg', 48);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await engine?.close();
  engine = undefined;
  await rm(scratch, { recursive: true, force: true });
});

describe('the engine worker slots', () => {
  it('replace() ends a worker stuck in a synchronous loop, fails its job, and serves the next job on a fresh one', async () => {
    engine = await startTestEngine({ location: SHARED_VGG19, cacheDir: scratch });
    const seen: Progress[] = [];
    let stuck!: () => void;
    const hung = new Promise<void>((resolve) => (stuck = resolve));
    const onProgress = (p: Progress): void => (seen.push(p), stuck());
    const job = engine.stylize(0, { content: image, styles: [image], options: HANG }, { onProgress });
    const outcome = job.catch((error: unknown) => error);
    // The worker hangs right after its first progress event: no abort message can reach it any more.
    await hung;
    await engine.replace(0);
    expect(await outcome).toBeInstanceOf(WorkerKilledError);
    expect(seen).toHaveLength(1);

    const next = await engine.stylize(0, { content: image, styles: [image], options: tiny() });
    expect(next.iterations).toBe(2);
  });

  it('close() ends a stuck worker too, and its job is told it was stopped', async () => {
    engine = await startTestEngine({ location: SHARED_VGG19, cacheDir: scratch });
    let stuck!: () => void;
    const hung = new Promise<void>((resolve) => (stuck = resolve));
    const job = engine.stylize(0, { content: image, styles: [image], options: HANG }, { onProgress: () => stuck() });
    const outcome = job.catch((error: unknown) => error);
    await hung;
    await engine.close();
    engine = undefined;
    expect(await outcome).toBeInstanceOf(JobAbortedError);
  });

  it('restarts a crashed worker after 1 s, then 2 s and 4 s while it cannot start, and then stops the slot for good', async () => {
    // The weights sit behind a link that goes away once the engine has started, so every restart fails to load them.
    const link = join(scratch, 'vgg19');
    await symlink(SHARED_VGG19, link);
    engine = await startTestEngine({ location: link, cacheDir: scratch });
    await rm(link);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const crashing = engine.stylize(0, { content: image, styles: [image], options: CRASH });
    await expect(crashing).rejects.toBeInstanceOf(EngineCrashedError);
    expect(messages('engine worker died').map((line) => line.restartInMs)).toEqual([1000]);
    const starts = (): number => messages('engine worker starting').length;
    expect(starts()).toBe(1);

    for (const [waitMs, failures] of [
      [1000, 1],
      [2000, 2],
      [4000, 3],
    ] as const) {
      await vi.advanceTimersByTimeAsync(waitMs - 1);
      expect(starts()).toBe(failures);
      await vi.advanceTimersByTimeAsync(1);
      expect(starts()).toBe(failures + 1);
      await until(() => messages('could not start').length + messages('stopped').length === failures);
    }
    expect(messages('could not start').map((line) => line.retryInMs)).toEqual([2000, 4000]);
    const stopped = messages('engine slot 0 stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.level).toBe(50);

    // It does not loop: nothing is scheduled, and a job is refused with a message for its requester.
    expect(vi.getTimerCount()).toBe(0);
    const refused = engine.stylize(0, { content: image, styles: [image], options: tiny() });
    await expect(refused).rejects.toBeInstanceOf(EngineStoppedError);
    expect(starts()).toBe(4);
  });

  it('starts the backoff afresh once a restarted worker has finished a job', async () => {
    engine = await startTestEngine({ location: SHARED_VGG19, cacheDir: scratch });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const crash = (): Promise<unknown> =>
      engine!.stylize(0, { content: image, styles: [image], options: CRASH }).catch((e: unknown) => e);

    expect(await crash()).toBeInstanceOf(EngineCrashedError);
    // A job given to the slot while its worker restarts waits for the new one.
    const waiting = engine.stylize(0, { content: image, styles: [image], options: tiny() });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await waiting).iterations).toBe(2);

    expect(await crash()).toBeInstanceOf(EngineCrashedError);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await crash()).toBeInstanceOf(EngineCrashedError);
    expect(messages('engine worker died').map((line) => line.restartInMs)).toEqual([1000, 1000, 2000]);
  });
});
