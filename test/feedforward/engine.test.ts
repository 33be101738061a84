import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobAbortedError } from '../../src/errors.js';
import {
  NETWORK_IDS,
  startFeedForwardEngine,
  UnknownNetworkError,
  type FeedForwardConfig,
  type FeedForwardEngine,
} from '../../src/engine/feedforward/index.js';
import type { RgbImage } from '../../src/engine/types.js';
import { meanAbsDiff } from '../fixtures/images.js';
import { resizeExact } from '../../src/images/resize.js';
import { SHARED, sharedImage } from '../support/engine.js';

const config: FeedForwardConfig = {
  assets: { location: SHARED, cacheDir: '/nonexistent-cache' },
  backend: 'onnx',
  threads: 2,
  maxSide: 48,
  preload: ['wave'],
};
const quiet = pino({ level: 'silent' });

let engine: FeedForwardEngine;
let photo: RgbImage;
beforeAll(async () => {
  [engine, photo] = await Promise.all([startFeedForwardEngine(config, quiet), sharedImage('content/tubingen.jpg', 64)]);
});
afterAll(() => engine.close());

describe('the feed-forward engine on onnx', () => {
  it('reports its backend and the configured cap', () => {
    expect(engine.backend).toBe('onnx');
    expect(engine.maxSide).toBe(48);
  });

  it.each(NETWORK_IDS)('paints with %s at the asked size, keeping the aspect ratio', async (networkId) => {
    expect([photo.width, photo.height]).toEqual([64, 48]);
    const result = await engine.stylize({ networkId, image: photo, size: 40 });
    expect([result.image.width, result.image.height]).toEqual([40, 30]);
    expect(result.image.data.length).toBe(40 * 30 * 3);
    expect(result.backend).toBe('onnx');
    expect(result.ms).toBeGreaterThan(0);
    // Stylized, not passed through.
    expect(meanAbsDiff(result.image, await resizeExact(photo, 40, 30))).toBeGreaterThan(10);
  });

  it('enlarges a small photo, keeps a portrait upright, and caps the size at maxSide', async () => {
    const portrait = await resizeExact(photo, 20, 30);
    const up = await engine.stylize({ networkId: 'wave', image: portrait, size: 45 });
    expect([up.image.width, up.image.height]).toEqual([30, 45]);
    const capped = await engine.stylize({ networkId: 'wave', image: photo, size: 4000 });
    expect([capped.image.width, capped.image.height]).toEqual([48, 36]);
  });

  it('rejects an unknown network with a UnknownNetworkError naming the known ones', async () => {
    const error = await engine.stylize({ networkId: 'starry', image: photo, size: 32 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownNetworkError);
    expect((error as Error).message).toContain('wave');
  });

  it('drops a job aborted while it waits, and still runs the one before it', async () => {
    const controller = new AbortController();
    const first = engine.stylize({ networkId: 'udnie', image: photo, size: 32 });
    const second = engine.stylize({ networkId: 'udnie', image: photo, size: 32 }, { signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(JobAbortedError);
    expect((await first).image.width).toBe(32);
    const late = engine.stylize({ networkId: 'udnie', image: photo, size: 32 }, { signal: AbortSignal.abort() });
    await expect(late).rejects.toBeInstanceOf(JobAbortedError);
  });
});

describe.each(['wasm', 'cpu'] as const)('the feed-forward engine on tfjs %s', (backend) => {
  it('paints like onnx does', async () => {
    const tfjs = await startFeedForwardEngine({ ...config, backend, preload: [] }, quiet);
    try {
      expect(tfjs.backend).toBe(backend);
      const [a, b] = await Promise.all([
        tfjs.stylize({ networkId: 'scream', image: photo, size: 32 }),
        engine.stylize({ networkId: 'scream', image: photo, size: 32 }),
      ]);
      expect([a.image.width, a.image.height]).toEqual([32, 24]);
      // Rounding to 8 bits may differ by one here and there.
      expect(meanAbsDiff(a.image, b.image)).toBeLessThan(0.05);
    } finally {
      await tfjs.close();
    }
  });
});
