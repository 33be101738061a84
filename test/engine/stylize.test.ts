import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobAbortedError, OptionError } from '../../src/errors.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { createTfjsRuntime } from '../../src/engine/runtimes/tfjs/index.js';
import type { Runtime } from '../../src/engine/runtimes/runtime.js';
import { planScales } from '../../src/engine/scales.js';
import { StyleTargetCache } from '../../src/engine/style-targets.js';
import { stylize } from '../../src/engine/stylize.js';
import type { Progress, RgbImage } from '../../src/engine/types.js';
import { loadConvWeights } from '../../src/engine/weights/load.js';
import { resizeImage } from '../../src/images/resize.js';
import { quickOptions, SHARED_VGG19, sharedImage } from '../support/engine.js';

// Spied on, to show that a job that asks for no previews never renders one (stylize resizes only for previews).
vi.mock('../../src/images/resize.js', async (original) => {
  const actual = await original<typeof import('../../src/images/resize.js')>();
  return { ...actual, resizeImage: vi.fn(actual.resizeImage) };
});

let runtime: Runtime;
let content: RgbImage;
let style: RgbImage;

beforeAll(async () => {
  const layers = [DEFAULT_OPTIONS.contentLayer, ...DEFAULT_OPTIONS.styleLayers.map((s) => s.layer)];
  runtime = await createTfjsRuntime(
    'wasm',
    await loadConvWeights({ location: SHARED_VGG19, cacheDir: '/nonexistent' }, layers),
  );
  content = await sharedImage('content/tubingen.jpg', 96);
  style = await sharedImage('styles/vangogh_starry_night.jpg', 96);
});

afterEach(() => {
  vi.useRealTimers();
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

  it('reports the share of the cost done: rising to 1, and behind the iteration count at the cheap coarse scale', async () => {
    const progress: Progress[] = [];
    const options = quickOptions({ scales: 2, iterations: 6 });
    await stylize({ content, styles: [style], options }, context({ onProgress: (p) => progress.push(p) }));
    const fractions = progress.map((p) => p.fraction);
    for (const [i, fraction] of fractions.entries()) expect(fraction).toBeGreaterThan(fractions[i - 1] ?? 0);
    expect(fractions.at(-1)).toBe(1);
    // The coarse scale has a quarter of the pixels: its iterations are a smaller share of the cost than of the count.
    const endOfCoarse = progress.filter((p) => p.scale === 1).at(-1)!;
    expect(endOfCoarse.iteration).toBe(planScales(content.width, content.height, 64, 6, 2)[0]!.iterations);
    expect(endOfCoarse.fraction).toBeLessThan(endOfCoarse.iteration / 6);
  });

  it('ends a scale early once the optimizer has converged, and still reports the losses', async () => {
    // Starting from the content with only the content loss weighted, the coarse scale starts at its minimum.
    // 13 iterations over two scales leave the coarse one 2, so its skipped second step shows.
    const progress: Progress[] = [];
    const options = quickOptions({ scales: 2, iterations: 13, styleWeight: 0, tvWeight: 0 });
    const [coarse] = planScales(content.width, content.height, options.size, options.iterations, options.scales);
    expect(coarse!.iterations).toBe(2);
    const result = await stylize(
      { content, styles: [style], options },
      context({ onProgress: (p) => progress.push(p) }),
    );
    expect(progress.filter((p) => p.scale === 1).map((p) => p.iteration)).toEqual([2]);
    // The upsampled start of the fine scale is off its minimum, so it steps on from there.
    const fine = progress.filter((p) => p.scale === 2).map((p) => p.iteration);
    expect(fine[0]).toBe(3);
    expect(fine).toEqual(Array.from({ length: fine.length }, (_, i) => i + 3));
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(result.iterations).toBe(1 + fine.length);
    expect(result.losses.initial.total).toBe(0);
    expect(result.losses.final.total).toBeGreaterThan(0);
  });

  it('gives byte-identical output for the same seed and different output for another', async () => {
    const run = (seed: number) =>
      stylize({ content, styles: [style], options: quickOptions({ init: 'noise', seed, iterations: 3 }) }, context());
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
  });

  it('runs coarse-to-fine, reporting each scale, with a preview at most once per interval asked for', async () => {
    // Each iteration "takes" 400 ms on a fake clock; previews are asked for at most every 1000 ms.
    vi.useFakeTimers({ toFake: ['performance'] });
    const progress: Progress[] = [];
    await stylize(
      { content, styles: [style], options: quickOptions({ scales: 2, iterations: 8 }) },
      context({ previewIntervalMs: 1000, onProgress: (p) => (progress.push(p), vi.advanceTimersByTime(400)) }),
    );
    expect(new Set(progress.map((p) => p.scale))).toEqual(new Set([1, 2]));
    expect(Math.max(progress[0]!.width, progress[0]!.height)).toBe(32);
    expect(Math.max(progress.at(-1)!.width, progress.at(-1)!.height)).toBe(64);
    const previews = progress.filter((p) => p.preview);
    // Iteration k reports at 400·(k−1) ms: previews at 1200 ms (k = 4) and 2400 ms (k = 7).
    expect(previews.map((p) => p.iteration)).toEqual([4, 7]);
    expect(Math.max(previews[0]!.preview!.width, previews[0]!.preview!.height)).toBeLessThanOrEqual(256);
  });

  it('renders no preview at all for a job that asks for none', async () => {
    const progress: Progress[] = [];
    vi.mocked(resizeImage).mockClear();
    const options = quickOptions({ iterations: 3 });
    await stylize({ content, styles: [style], options }, context({ onProgress: (p) => progress.push(p) }));
    expect(progress.filter((p) => p.preview)).toEqual([]);
    expect(resizeImage).not.toHaveBeenCalled();
  });

  it("caps the style image's size at the runtime's largest side, for every scale alike", async () => {
    const sides: number[] = [];
    const small: Runtime = {
      ...runtime,
      maxSide: 96,
      grams: (image, layers) => (sides.push(Math.max(image.width, image.height)), runtime.grams(image, layers)),
    };
    const options = quickOptions({ scales: 2, iterations: 2, styleScale: 4 });
    await stylize({ content, styles: [style], options }, context({ runtime: small }));
    // Asked: 4 × 32 and 4 × 64 px. The final scale's style may be 96 px at most, so the style scale is 1.5 throughout.
    expect(sides).toEqual([48, 96]);
  });

  it("caps the style image's size at the operator's largest side too, which the platforms decode it to", async () => {
    const sides: number[] = [];
    const counting: Runtime = {
      ...runtime,
      grams: (image, layers) => (sides.push(Math.max(image.width, image.height)), runtime.grams(image, layers)),
    };
    const options = quickOptions({ scales: 2, iterations: 2, styleScale: 4 });
    await stylize({ content, styles: [style], options }, context({ runtime: counting, maxSide: 96 }));
    expect(sides).toEqual([48, 96]);
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
    const request = {
      content,
      styles: [style, second],
      options: quickOptions({ styleBlend: [0.7, 0.3], iterations: 2 }),
    };
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
