/**
 * The quality yardstick of issue 13, fixed by definition (tune the engine, never this):
 * - F_l is layer l's post-ReLU activation viewed as an (h·w)×c matrix; G_l = F_lᵀF_l / (h·w).
 * - The photo is resized to exactly the output's W×H (Lanczos, as Pillow does: ./lanczos.ts); the painting so its
 *   longest side is max(W, H).
 * - style = mean over block1_conv1 … block5_conv1 of ‖G_l(O) − G_l(painting)‖² / ‖G_l(painting)‖²;
 *   content = ‖F(O) − F(photo)‖² / ‖F(photo)‖² at block4_conv2. Sums in float64.
 * Activations come from the runtime's forward-only features model; everything after that is float64 here.
 */
import { fitDimensions } from '../../src/engine/scales.js';
import { toFloat } from '../../src/engine/pixels.js';
import type { Runtime } from '../../src/engine/runtimes/runtime.js';
import type { RgbImage } from '../../src/engine/types.js';
import type { LayerName } from '../../src/engine/vgg19.js';
import { lanczosResize } from './lanczos.js';

export const YARDSTICK_STYLE_LAYERS: readonly LayerName[] = [
  'block1_conv1',
  'block2_conv1',
  'block3_conv1',
  'block4_conv1',
  'block5_conv1',
];
export const YARDSTICK_CONTENT_LAYER: LayerName = 'block4_conv2';
export const YARDSTICK_LAYERS: readonly LayerName[] = [...YARDSTICK_STYLE_LAYERS, YARDSTICK_CONTENT_LAYER];

export interface Score {
  readonly content: number;
  readonly style: number;
  /** Relative Gram error per style layer, in YARDSTICK_STYLE_LAYERS order. */
  readonly styleLayers: readonly number[];
}

/** Channels of a layer from the length of its HWC activations. */
function channelsOf(features: Float32Array, layer: LayerName, width: number, height: number): number {
  let w = width;
  let h = height;
  for (let b = 1; b < Number(layer[5]); b++) {
    w = Math.floor(w / 2);
    h = Math.floor(h / 2);
  }
  return features.length / (w * h);
}

/** G = FᵀF / M in float64 for HWC features F (M rows of c); upper triangle computed, mirrored. */
export function gram64(features: Float32Array, channels: number): Float64Array {
  const positions = features.length / channels;
  const g = new Float64Array(channels * channels);
  const row = new Float64Array(channels);
  for (let p = 0; p < positions; p++) {
    const offset = p * channels;
    for (let i = 0; i < channels; i++) row[i] = features[offset + i]!;
    for (let i = 0; i < channels; i++) {
      const fi = row[i]!;
      // Post-ReLU maps are sparse: a zero contributes nothing to its row of G.
      if (fi === 0) continue;
      const base = i * channels;
      for (let j = i; j < channels; j++) g[base + j]! += fi * row[j]!;
    }
  }
  for (let i = 0; i < channels; i++) {
    for (let j = i; j < channels; j++) {
      const v = g[i * channels + j]! / positions;
      g[i * channels + j] = v;
      g[j * channels + i] = v;
    }
  }
  return g;
}

/** ‖a − b‖² / ‖b‖² in float64. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    const d = a[i]! - b[i]!;
    difference += d * d;
    norm += b[i]! * b[i]!;
  }
  return difference / norm;
}

interface Activations {
  readonly grams: Float64Array[];
  readonly content: Float32Array;
}

/** Scores outputs against their photo and painting; targets are cached per image and size. */
export class Yardstick {
  private readonly targets = new Map<string, Promise<Activations>>();

  constructor(private readonly runtime: Runtime) {}

  async score(
    output: RgbImage,
    photo: RgbImage,
    painting: RgbImage,
    names: { photo: string; painting: string },
  ): Promise<Score> {
    const { width, height } = output;
    const photoTarget = this.cached(`photo:${names.photo}:${width}x${height}`, async () =>
      this.activations(lanczosResize(photo, width, height)),
    );
    const dims = fitDimensions(painting.width, painting.height, Math.max(width, height));
    const paintingTarget = this.cached(`painting:${names.painting}:${dims.width}x${dims.height}`, async () =>
      this.activations(lanczosResize(painting, dims.width, dims.height)),
    );
    // One after the other: the runtime already uses every core for one image.
    const p = await photoTarget;
    const s = await paintingTarget;
    const o = await this.activations(output);
    const styleLayers = o.grams.map((g, l) => relativeError(g, s.grams[l]!));
    return {
      content: relativeError(o.content, p.content),
      style: styleLayers.reduce((a, b) => a + b, 0) / styleLayers.length,
      styleLayers,
    };
  }

  private cached(key: string, compute: () => Promise<Activations>): Promise<Activations> {
    let found = this.targets.get(key);
    if (!found) {
      found = compute();
      this.targets.set(key, found);
    }
    return found;
  }

  private async activations(image: RgbImage): Promise<Activations> {
    const input = { width: image.width, height: image.height, data: toFloat(image) };
    const grams: Float64Array[] = [];
    for (const layer of YARDSTICK_STYLE_LAYERS) {
      const features = await this.runtime.features(input, layer);
      grams.push(gram64(features, channelsOf(features, layer, image.width, image.height)));
    }
    return { grams, content: await this.runtime.features(input, YARDSTICK_CONTENT_LAYER) };
  }
}
