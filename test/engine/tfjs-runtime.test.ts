import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsRuntime } from '../../src/engine/runtimes/tfjs/index.js';
import { gram, makeConv, maxPool2x2 } from '../../src/engine/runtimes/tfjs/ops.js';
import type { Runtime } from '../../src/engine/runtimes/runtime.js';
import { randomImage, randomSource, randomVgg } from '../support/random-vgg.js';

let runtime: Runtime;
beforeAll(async () => {
  // Channels for block1_conv1, block1_conv2, block2_conv1, block2_conv2.
  runtime = await createTfjsRuntime('wasm', randomVgg([4, 4, 6, 6]));
});

describe('tfjs ops', () => {
  it('computes the Gram matrix FᵀF/M by hand', () => {
    // Two positions (M = 2), two channels: F = [[1, 2], [3, 4]] → FᵀF = [[10, 14], [14, 20]].
    const g = gram(tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]));
    expect(Array.from(g.dataSync())).toEqual([5, 7, 7, 10]);
  });

  it("gives the Gram matrix's stock gradient", () => {
    const f = tf.randomNormal<tf.Rank.R4>([1, 3, 4, 5], 0, 1, 'float32', 7);
    const w = tf.randomNormal([5, 5], 0, 1, 'float32', 8);
    const ours = tf.grad((x) => tf.sum(tf.mul(gram(x as tf.Tensor4D), w)))(f);
    const stock = tf.grad((x) => {
      const m = tf.reshape<tf.Rank.R2>(x, [12, 5]);
      return tf.sum(tf.mul(tf.div(tf.matMul(m, m, true, false), 12), w));
    })(f);
    expect(tf.max(tf.abs(tf.sub(ours, stock))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it("gives the max-pool's stock gradient after a ReLU, for odd sizes too", () => {
    for (const [h, w] of [
      [6, 8],
      [7, 5],
    ] as const) {
      const x = tf.relu(tf.randomNormal<tf.Rank.R4>([1, h, w, 3], 0, 1, 'float32', h));
      const dy = tf.randomNormal([1, Math.floor(h / 2), Math.floor(w / 2), 3], 0, 1, 'float32', w);
      const ours = tf.grad((input) => tf.sum(tf.mul(maxPool2x2(input as tf.Tensor4D), dy)))(x);
      const stock = tf.grad((input) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'), dy)))(x);
      expect(ours.shape).toEqual(x.shape);
      // Stock routes a window of all zeros to one position; ours to all four, which a ReLU before zeroes anyway.
      const live = tf.cast(tf.greater(x, 0), 'float32');
      expect(tf.max(tf.abs(tf.mul(tf.sub(ours, stock), live))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.sum(tf.mul(stock, live)).dataSync()[0]).not.toBe(0);
    }
  });

  it("gives the conv's stock input-gradient", () => {
    const kernel = tf.randomNormal<tf.Rank.R4>([3, 3, 4, 6], 0, 1, 'float32', 3);
    const bias = tf.randomNormal<tf.Rank.R1>([6], 0, 1, 'float32', 4);
    const x = tf.randomNormal<tf.Rank.R4>([1, 7, 9, 4], 0, 1, 'float32', 5);
    const dy = tf.randomNormal([1, 7, 9, 6], 0, 1, 'float32', 6);
    const conv = makeConv(kernel, bias);
    const ours = tf.grad((input) => tf.sum(tf.mul(conv.apply(input as tf.Tensor4D), dy)))(x);
    const stock = tf.grad((input) =>
      tf.sum(tf.mul(tf.add(tf.conv2d(input as tf.Tensor4D, kernel, 1, 'same'), bias), dy)),
    )(x);
    const err = tf.norm(tf.sub(ours, stock)).dataSync()[0]! / tf.norm(stock).dataSync()[0]!;
    expect(err).toBeLessThan(1e-6);
    conv.dispose();
  });
});

describe('tfjs runtime', () => {
  const width = 12;
  const height = 10;

  it('matches the loss definitions on hand-checkable targets', async () => {
    const image = { width, height, data: randomImage(width, height) };
    const content = await runtime.features(image, 'block2_conv2');
    const [g1, g2] = await runtime.grams(image, ['block1_conv1', 'block2_conv1']);
    expect(content.length).toBe(6 * 5 * 6);
    expect(g1!.length).toBe(16);
    expect(g2!.length).toBe(36);
    const evaluator = await runtime.evaluator({
      width,
      height,
      contentLayer: 'block2_conv2',
      contentTarget: content,
      styleLayers: [
        { layer: 'block1_conv1', weight: 0.5 },
        { layer: 'block2_conv1', weight: 0.5 },
      ],
      styleTargets: [g1!, g2!],
      weights: { content: 1, style: 1, tv: 1 },
    });
    // At the targets' own image, content and style losses are zero and only TV remains.
    const { losses } = await evaluator.evaluate(image.data);
    expect(losses.content).toBeCloseTo(0, 6);
    expect(losses.style).toBeCloseTo(0, 6);
    let tv = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          const v = image.data[(y * width + x) * 3 + c]!;
          if (x + 1 < width) tv += (image.data[(y * width + x + 1) * 3 + c]! - v) ** 2;
          if (y + 1 < height) tv += (image.data[((y + 1) * width + x) * 3 + c]! - v) ** 2;
        }
      }
    }
    expect(losses.tv).toBeCloseTo(tv / (width * height * 3), 0);
    expect(losses.total).toBeCloseTo(losses.tv, 0);
    evaluator.dispose();
  });

  it('matches finite differences of the full loss along random directions', async () => {
    const target = { width, height, data: randomImage(width, height, 11) };
    const styleLayers = [
      { layer: 'block1_conv1', weight: 0.3 },
      { layer: 'block2_conv1', weight: 0.7 },
    ] as const;
    const evaluator = await runtime.evaluator({
      width,
      height,
      contentLayer: 'block2_conv2',
      contentTarget: await runtime.features(target, 'block2_conv2'),
      styleLayers,
      styleTargets: await runtime.grams({ width, height, data: randomImage(width, height, 12) }, [
        'block1_conv1',
        'block2_conv1',
      ]),
      // Content and style are relative errors (about 1 here) and TV is in squared pixel units: each term counts.
      weights: { content: 1, style: 1, tv: 1e-4 },
    });
    const x = randomImage(width, height, 13);
    const { gradient } = await evaluator.evaluate(x);
    const rand = randomSource(14);
    for (let trial = 0; trial < 3; trial++) {
      const direction = Float32Array.from(x, () => rand());
      const h = 0.05;
      const plus = Float32Array.from(x, (v, i) => v + h * direction[i]!);
      const minus = Float32Array.from(x, (v, i) => v - h * direction[i]!);
      const numeric =
        ((await evaluator.evaluate(plus)).losses.total - (await evaluator.evaluate(minus)).losses.total) / (2 * h);
      const analytic = gradient.reduce((sum, g, i) => sum + g * direction[i]!, 0);
      expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(2e-2);
    }
    evaluator.dispose();
  });
});
