import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobAbortedError, OptionError } from '../../src/errors.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { createTfjsRuntime } from '../../src/engine/runtimes/tfjs/index.js';
import type { Runtime } from '../../src/engine/runtimes/runtime.js';
import { StyleTargetCache } from '../../src/engine/style-targets.js';
import { stylize } from '../../src/engine/stylize.js';
import type { Progress, RgbImage } from '../../src/engine/types.js';
import { loadConvWeights } from '../../src/engine/weights/load.js';
import { quickOptions, SHARED_VGG19, sharedImage } from '../support/engine.js';

let runtime: Runtime;
let content: RgbImage;
let style: RgbImage;

beforeAll(async () => {
  const layers = [DEFAULT_OPTIONS.contentLayer, ...DEFAULT_OPTIONS.styleLayers.map((s) => s.layer)];
  runtime = await createTfjsRuntime('wasm', await loadConvWeights({ location: SHARED_VGG19, cacheDir: '/nonexistent' }, layers));
  content = await sharedImage('content/tubingen.jpg', 96);
  style = await sharedImage('styles/vangogh_starry_night.jpg', 96);
});

function context(overrides: Partial<Parameters<typeof stylize>[1]> = {}) {
  return { runtime, styleCache: new StyleTargetCache(), ...overrides };
}

describe('stylize with the real VGG19 weights', () => {
  it('halves the total loss within 30 iterations and keeps the aspect ratio', async () => {
    const progress: Progress[] = [];
    const result = await stylize(
      { content, styles: [style], options: quickOptions({ iterations: 30 }) },
      context({ onProgress: (p) => progress.push(p) }),
    );
    expect(result.losses.final.total).toBeLessThan(result.losses.initial.total / 2);
    expect(Math.max(result.image.width, result.image.height)).toBe(64);
    expect(result.image.width / result.image.height).toBeCloseTo(content.width / content.height, 1);
    expect(result.image.data.length).toBe(result.image.width * result.image.height * 3);
    expect(progress.map((p) => p.iteration)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(progress.at(-1)!.etaMs).toBe(0);
    expect(result.iterations).toBe(30);
  });

  it('gives byte-identical output for the same seed and different output for another', async () => {
    const run = (seed: number) =>
      stylize({ content, styles: [style], options: quickOptions({ init: 'noise', seed, iterations: 3 }) }, context());
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
  });

  it('runs coarse-to-fine, reporting each scale, and sends previews at the interval', async () => {
    const progress: Progress[] = [];
    await stylize(
      { content, styles: [style], options: quickOptions({ scales: 2, iterations: 6, previewEvery: 3 }) },
      context({ onProgress: (p) => progress.push(p) }),
    );
    expect(new Set(progress.map((p) => p.scale))).toEqual(new Set([1, 2]));
    expect(Math.max(progress[0]!.width, progress[0]!.height)).toBe(32);
    expect(Math.max(progress.at(-1)!.width, progress.at(-1)!.height)).toBe(64);
    const previews = progress.filter((p) => p.preview);
    expect(previews.map((p) => p.iteration)).toEqual([3, 6]);
    expect(Math.max(previews[0]!.preview!.width, previews[0]!.preview!.height)).toBeLessThanOrEqual(256);
  });

  it("keeps the content's colours with preserveColors", async () => {
    const result = await stylize(
      { content, styles: [style], options: quickOptions({ preserveColors: true, iterations: 3 }) },
      context(),
    );
    // Chrominance comes from the content: a grey style cannot make the result grey.
    let chroma = 0;
    for (let p = 0; p < result.image.data.length; p += 3) {
      const [r, g, b] = [result.image.data[p]!, result.image.data[p + 1]!, result.image.data[p + 2]!];
      chroma += Math.max(r, g, b) - Math.min(r, g, b);
    }
    expect(chroma / (result.image.data.length / 3)).toBeGreaterThan(10);
  });

  it('blends several styles and reuses cached style targets', async () => {
    const second = await sharedImage('styles/hokusai_great_wave.jpg', 96);
    let gramCalls = 0;
    const counting: Runtime = { ...runtime, grams: (image, layers) => (gramCalls++, runtime.grams(image, layers)) };
    const styleCache = new StyleTargetCache();
    const request = { content, styles: [style, second], options: quickOptions({ styleBlend: [0.7, 0.3], iterations: 2 }) };
    await stylize(request, context({ runtime: counting, styleCache }));
    expect(gramCalls).toBe(2);
    await stylize(request, context({ runtime: counting, styleCache }));
    expect(gramCalls).toBe(2);
  });

  it('refuses a blend that does not match the style images', async () => {
    await expect(
      stylize({ content, styles: [style], options: quickOptions({ styleBlend: [0.5, 0.5] }) }, context()),
    ).rejects.toBeInstanceOf(OptionError);
  });

  it('stops within one iteration when aborted, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const seen: number[] = [];
    const job = stylize(
      { content, styles: [style], options: quickOptions({ iterations: 50 }) },
      context({
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p.iteration);
          if (p.iteration === 2) controller.abort();
        },
      }),
    );
    await expect(job).rejects.toBeInstanceOf(JobAbortedError);
    expect(seen).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors across three jobs', async () => {
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await stylize({ content, styles: [style], options: quickOptions({ iterations: 2, scales: 2 }) }, context());
      expect(tf.memory().numTensors).toBe(baseline);
    }
  });
});
