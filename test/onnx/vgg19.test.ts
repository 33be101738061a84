import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { createOnnxRuntime } from '../../src/engine/runtimes/onnx/index.js';
import type { EvaluatorSpec, Runtime } from '../../src/engine/runtimes/runtime.js';
import { createTfjsRuntime } from '../../src/engine/runtimes/tfjs/index.js';
import type { LayerName } from '../../src/engine/vgg19.js';
import { loadConvWeights } from '../../src/engine/weights/load.js';
import type { ConvWeights } from '../../src/engine/weights/types.js';
import { randomImage } from '../support/random-vgg.js';
import { gram, hwc, loss, relativeError, vgg } from './reference.js';

const SHARED = new URL('../../../shared/', import.meta.url);
const SHARED_VGG19 = fileURLToPath(new URL('models/vgg19/', SHARED));
const { contentLayer, styleLayers } = DEFAULT_OPTIONS;
const width = 48;
const height = 40;

/** A shared image squeezed to width × height, as float RGB. */
async function sharedImage(path: string): Promise<Float32Array> {
  const pixels = await sharp(fileURLToPath(new URL(path, SHARED)))
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  return Float32Array.from(pixels);
}

let weights: Map<LayerName, ConvWeights>;
let onnx: Runtime;
beforeAll(async () => {
  weights = await loadConvWeights({ location: SHARED_VGG19, cacheDir: tmpdir() }, [
    contentLayer,
    ...styleLayers.map((s) => s.layer),
  ]);
  onnx = await createOnnxRuntime({ weights, threads: 2 });
});
afterAll(() => onnx.dispose());

describe('onnx runtime with the real VGG19 weights', () => {
  it('computes block1–2 features and Gram matrices like the plain-loop VGG', async () => {
    const data = randomImage(width, height, 31);
    const reference = vgg(hwc(height, width, 3, data), weights, ['block2_conv1']);
    const features = await onnx.features({ width, height, data }, 'block2_conv1');
    expect(relativeError(features, reference.get('block2_conv1')!.data)).toBeLessThan(1e-5);
    const grams = await onnx.grams({ width, height, data }, ['block1_conv1', 'block2_conv1']);
    expect(relativeError(grams[0]!, gram(reference.get('block1_conv1')!))).toBeLessThan(1e-5);
    expect(relativeError(grams[1]!, gram(reference.get('block2_conv1')!))).toBeLessThan(1e-5);
  });

  // Real pictures, not noise: the Gram matrices of two noise images nearly cancel, and float32 then decides the loss.
  it("gives the tfjs runtime's gradient and losses.md's loss with the default layers", async () => {
    const tfjs = await createTfjsRuntime('wasm', weights);
    try {
      const photo = { width, height, data: await sharedImage('images/content/tubingen.jpg') };
      const painting = { width, height, data: await sharedImage('images/styles/hokusai_great_wave.jpg') };
      const layers = styleLayers.map((s) => s.layer);
      const spec: EvaluatorSpec = {
        width,
        height,
        contentLayer,
        contentTarget: await tfjs.features(photo, contentLayer),
        styleLayers,
        styleTargets: await tfjs.grams(painting, layers),
        weights: {
          content: DEFAULT_OPTIONS.contentWeight,
          style: DEFAULT_OPTIONS.styleWeight,
          tv: DEFAULT_OPTIONS.tvWeight,
        },
      };
      expect(relativeError(await onnx.features(photo, contentLayer), spec.contentTarget)).toBeLessThan(1e-4);
      const onnxGrams = await onnx.grams(painting, layers);
      spec.styleTargets.forEach((g, i) => expect(relativeError(onnxGrams[i]!, g)).toBeLessThan(1e-4));

      const noise = randomImage(width, height, 33);
      const image = photo.data.map((v, i) => 0.7 * v + 0.3 * noise[i]!);
      const [ours, theirs] = await Promise.all([onnx.evaluator(spec), tfjs.evaluator(spec)]);
      const a = await ours.evaluate(image);
      const b = await theirs.evaluate(image);
      ours.dispose();
      theirs.dispose();
      expect(relativeError(a.gradient, b.gradient)).toBeLessThan(1e-4);
      const exact = loss(hwc(height, width, 3, image), weights, spec);
      for (const part of ['total', 'content', 'style', 'tv'] as const) {
        expect(Math.abs(a.losses[part] - exact[part]) / exact[part]).toBeLessThan(1e-4);
        expect(Math.abs(b.losses[part] - exact[part]) / exact[part]).toBeLessThan(1e-4);
        expect(Math.abs(a.losses[part] - b.losses[part]) / exact[part]).toBeLessThan(1e-4);
      }
    } finally {
      tfjs.dispose();
    }
  });
});
