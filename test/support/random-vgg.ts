import { VGG19_LAYERS, type LayerName } from '../../src/engine/vgg19.js';
import { seededRandom } from '../../src/engine/random.js';
import type { ConvWeights } from '../../src/engine/weights/types.js';

/** Pseudo-random numbers in [-1, 1) for fixtures. */
export function randomSource(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() * 2 - 1;
}

/** A tiny VGG19-shaped network: the first `layers` convs with `channels[i]` outputs, He-scaled random weights. */
export function randomVgg(channels: readonly number[], seed = 1): Map<LayerName, ConvWeights> {
  const rand = randomSource(seed);
  const weights = new Map<LayerName, ConvWeights>();
  let inChannels = 3;
  channels.forEach((outChannels, i) => {
    const layer = VGG19_LAYERS[i]!;
    const scale = Math.sqrt(6 / (9 * inChannels));
    const kernel = Float32Array.from({ length: 9 * inChannels * outChannels }, () => rand() * scale);
    const bias = Float32Array.from({ length: outChannels }, () => rand() * 0.1);
    weights.set(layer, { layer, inChannels, outChannels, kernel, bias });
    inChannels = outChannels;
  });
  return weights;
}

/** A smooth-ish random image in 0..255 so ReLU masks and pooling choices are stable under tiny perturbations. */
export function randomImage(width: number, height: number, seed = 2): Float32Array {
  const rand = randomSource(seed);
  return Float32Array.from({ length: width * height * 3 }, () => 128 + 100 * rand());
}
