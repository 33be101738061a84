import * as tf from '@tensorflow/tfjs-core';
import { IMAGENET_BGR_MEAN, VGG19_BLOCKS, VGG19_LAYERS, type LayerName } from '../../vgg19.js';
import type { ConvWeights } from '../../weights/types.js';
import { makeConv, maxPool2x2 } from './ops.js';

/** Last conv of each block, after which VGG19 max-pools. */
const POOL_AFTER = new Set<LayerName>(VGG19_BLOCKS.map((convs, b) => `block${b + 1}_conv${convs}` as LayerName));

/** VGG19's conv stack as tfjs ops, up to the deepest layer whose weights were loaded. */
export class TfjsVgg {
  private readonly convs: Array<{ layer: LayerName; apply: (x: tf.Tensor4D) => tf.Tensor4D; dispose: () => void }>;
  private readonly params: tf.Tensor[];
  private readonly mean: tf.Tensor1D;

  constructor(weights: ReadonlyMap<LayerName, ConvWeights>) {
    this.params = [];
    this.convs = [];
    for (const layer of VGG19_LAYERS) {
      const w = weights.get(layer);
      if (!w) break;
      const kernel = tf.tensor4d(w.kernel, [3, 3, w.inChannels, w.outChannels]);
      const bias = tf.tensor1d(w.bias);
      this.params.push(kernel, bias);
      this.convs.push({ layer, ...makeConv(kernel, bias) });
    }
    this.mean = tf.tensor1d([...IMAGENET_BGR_MEAN]);
  }

  get deepest(): LayerName | undefined {
    return this.convs.at(-1)?.layer;
  }

  /** Post-ReLU activations at `layers` for an RGB 0..255 image batch [1, H, W, 3]; stops at the deepest one asked for. */
  activations(rgb: tf.Tensor4D, layers: readonly LayerName[]): Map<LayerName, tf.Tensor4D> {
    const wanted = new Set(layers);
    const out = new Map<LayerName, tf.Tensor4D>();
    let x = tf.sub<tf.Tensor4D>(tf.reverse(rgb, -1), this.mean);
    for (const { layer, apply } of this.convs) {
      x = tf.relu(apply(x));
      if (wanted.has(layer)) out.set(layer, x);
      if (out.size === wanted.size) return out;
      if (POOL_AFTER.has(layer)) x = maxPool2x2(x);
    }
    const missing = layers.filter((l) => !out.has(l));
    throw new Error(
      `VGG19 weights were loaded only up to ${this.deepest ?? 'nothing'}, but ${missing.join(', ')} was requested`,
    );
  }

  dispose(): void {
    for (const conv of this.convs) conv.dispose();
    for (const p of this.params) p.dispose();
    this.mean.dispose();
  }
}
