import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxRuntime } from '../../src/engine/runtimes/onnx/index.js';
import type { EvaluatorSpec, Runtime } from '../../src/engine/runtimes/runtime.js';
import type { StyleLayer } from '../../src/engine/types.js';
import { randomImage, randomVgg } from '../support/random-vgg.js';
import { gram, hwc, loss, numericGradient, relativeError, vgg } from './reference.js';

// Channels for block1_conv1, block1_conv2, block2_conv1: two blocks, so one pool sits inside the graph.
const weights = randomVgg([4, 6, 8], 3);
const styleLayers: StyleLayer[] = [
  { layer: 'block1_conv1', weight: 0.3 },
  { layer: 'block1_conv2', weight: 0.2 },
  { layer: 'block2_conv1', weight: 0.5 },
];
// Chosen so that content, style and tv each move the gradient by a similar amount.
const lossWeights = { content: 1, style: 2e-3, tv: 0.3 };

let runtime: Runtime;
beforeAll(async () => {
  runtime = await createOnnxRuntime({ weights, threads: 1 });
});
afterAll(() => runtime.dispose());

async function specFor(width: number, height: number): Promise<EvaluatorSpec> {
  const target = { width, height, data: randomImage(width, height, 21) };
  return {
    width,
    height,
    contentLayer: 'block2_conv1',
    contentTarget: await runtime.features(target, 'block2_conv1'),
    styleLayers,
    styleTargets: await runtime.grams(
      target,
      styleLayers.map((s) => s.layer),
    ),
    weights: lossWeights,
  };
}

describe('onnx runtime on a tiny random VGG', () => {
  it('computes features and Gram matrices like the plain-loop VGG', async () => {
    const [width, height] = [12, 10];
    const data = randomImage(width, height, 5);
    const reference = vgg(hwc(height, width, 3, data), weights, ['block2_conv1']);
    const features = await runtime.features({ width, height, data }, 'block2_conv1');
    expect(features.length).toBe(5 * 6 * 8);
    expect(relativeError(features, reference.get('block2_conv1')!.data)).toBeLessThan(1e-5);
    const grams = await runtime.grams({ width, height, data }, ['block1_conv2', 'block2_conv1']);
    expect(relativeError(grams[0]!, gram(reference.get('block1_conv2')!))).toBeLessThan(1e-5);
    expect(relativeError(grams[1]!, gram(reference.get('block2_conv1')!))).toBeLessThan(1e-5);
  });

  // 12×10 pools evenly; 9×7 drops a row and a column at the pool. Both share one model.
  for (const [width, height] of [
    [12, 10],
    [9, 7],
  ] as const) {
    it(`gives losses.md's loss and its gradient at ${width}×${height}, matching finite differences`, async () => {
      const spec = await specFor(width, height);
      const image = randomImage(width, height, 8);
      const evaluator = await runtime.evaluator(spec);
      const { losses, gradient } = await evaluator.evaluate(image);
      evaluator.dispose();

      const objective = (x: Float64Array) => loss(hwc(height, width, 3, x), weights, spec);
      const expected = objective(Float64Array.from(image));
      for (const part of ['total', 'content', 'style', 'tv'] as const) {
        expect(losses[part] / expected[part]).toBeCloseTo(1, 5);
      }
      const numeric = numericGradient((x) => objective(x).total, image, 1e-3);
      expect(relativeError(gradient, numeric)).toBeLessThan(1e-4);
    });
  }

  it('refuses an image or a target of the wrong size', async () => {
    const spec = await specFor(12, 10);
    await expect(runtime.evaluator({ ...spec, contentTarget: spec.contentTarget.subarray(1) })).rejects.toThrow(
      /content target at block2_conv1 has 239 values; expected 5×6×8/,
    );
    const evaluator = await runtime.evaluator(spec);
    await expect(evaluator.evaluate(new Float32Array(12 * 9 * 3))).rejects.toThrow(/image has 324 values/);
    evaluator.dispose();
    await expect(evaluator.evaluate(randomImage(12, 10))).rejects.toThrow(/after dispose/);
  });
});
