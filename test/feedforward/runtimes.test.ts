import { beforeAll, describe, expect, it } from 'vitest';
import { loadStyleNetwork } from '../../src/engine/feedforward/load.js';
import type { StyleNetwork } from '../../src/engine/feedforward/network.js';
import { createOnnxFeedForwardRuntime } from '../../src/engine/feedforward/onnx.js';
import { outputSide, type FeedForwardRuntime } from '../../src/engine/feedforward/runtime.js';
import { createTfjsFeedForwardRuntime } from '../../src/engine/feedforward/tfjs.js';
import { SHARED } from '../support/engine.js';
import { randomImage } from '../support/random-vgg.js';
import { referenceStylize } from './reference.js';

const source = { location: SHARED, cacheDir: '/nonexistent-cache' };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

let wave: StyleNetwork;
let udnie: StyleNetwork;
beforeAll(async () => {
  [wave, udnie] = await Promise.all([loadStyleNetwork(source, 'wave'), loadStyleNetwork(source, 'udnie')]);
});

const runtimes: Record<string, () => Promise<FeedForwardRuntime>> = {
  onnx: () => Promise.resolve(createOnnxFeedForwardRuntime(1)),
  cpu: () => createTfjsFeedForwardRuntime('cpu'),
  wasm: () => createTfjsFeedForwardRuntime('wasm'),
};

describe.each(Object.keys(runtimes))('the %s runtime', (name) => {
  let runtime: FeedForwardRuntime;
  beforeAll(async () => {
    runtime = await runtimes[name]!();
  });

  // 12×10 pads the stride-2 convs unevenly (10 → 5 → 3), so it comes back 12×12; 9×7 pads odd sides at both ends.
  it.each([
    [12, 10],
    [9, 7],
  ])('matches the plain-loop reference on a %i×%i image', async (width, height) => {
    const data = randomImage(width, height, width);
    for (const network of [wave, udnie]) {
      const reference = referenceStylize(network, width, height, data);
      const prepared = await runtime.prepare(network);
      const out = await prepared.run({ width, height, data });
      prepared.dispose();
      expect([out.width, out.height]).toEqual([reference.width, reference.height]);
      expect([out.width, out.height]).toEqual([outputSide(width), outputSide(height)]);
      // In 0..255 units. float32 runtimes land near 3e-4; instance norm's ε at 1e-5 instead of 1e-3 shows as ~0.1.
      expect(maxAbsDiff(out.data, reference.data)).toBeLessThan(0.01);
    }
  });
});
