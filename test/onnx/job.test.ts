import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StyleEngine } from '../../src/engine/index.js';
import type { Progress } from '../../src/engine/types.js';
import {
  expectAbortWithinOneIteration,
  quickOptions,
  SHARED_VGG19,
  sharedImage,
  startTestEngine,
} from '../support/engine.js';

let engine: StyleEngine;

beforeAll(async () => {
  engine = await startTestEngine('onnx', { location: SHARED_VGG19, cacheDir: '/nonexistent' });
});

afterAll(async () => {
  await engine?.close();
});

describe('a whole job on the onnx runtime', () => {
  it('paints coarse-to-fine with colours kept, cutting the loss by a quarter, with progress to the end', async () => {
    const progress: Progress[] = [];
    const content = await sharedImage('content/golden_gate.jpg', 96);
    const result = await engine.stylize(
      0,
      {
        content,
        styles: [
          await sharedImage('styles/vangogh_starry_night.jpg', 96),
          await sharedImage('styles/hokusai_great_wave.jpg', 96),
        ],
        options: quickOptions({ iterations: 30, scales: 2, preserveColors: true, styleBlend: [0.5, 0.5] }),
      },
      { onProgress: (p) => progress.push(p) },
    );
    expect(engine.backend).toBe('onnx');
    expect(result.backend).toBe('onnx');
    // The style term is a relative error, and no one picture has the Gram matrices of a 50/50 blend of two paintings.
    expect(result.losses.final.total).toBeLessThan(result.losses.initial.total * 0.75);
    expect(Math.max(result.image.width, result.image.height)).toBe(64);
    expect(progress.at(-1)).toMatchObject({ iteration: 30, fraction: 1, etaMs: 0 });
    expect(new Set(progress.map((p) => p.scale))).toEqual(new Set([1, 2]));
  });

  it('aborts within one iteration', async () => {
    await expectAbortWithinOneIteration(
      engine,
      await sharedImage('content/kitten.jpg'),
      await sharedImage('styles/munch_the_scream.jpg'),
    );
  });
});
