import type { LossParts, StyleLayer } from '../../src/engine/types.js';
import { IMAGENET_BGR_MEAN, layersUpTo, type LayerName } from '../../src/engine/vgg19.js';
import type { ConvWeights } from '../../src/engine/weights/types.js';

/** losses.md written as plain float64 loops over HWC arrays: slow, obvious, and independent of ONNX. */

export interface Hwc {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Float64Array;
}

export function hwc(height: number, width: number, channels: number, data: ArrayLike<number>): Hwc {
  return { height, width, channels, data: Float64Array.from(data) };
}

export function preprocess(image: Hwc): Hwc {
  const out = new Float64Array(image.data.length);
  for (let p = 0; p < image.height * image.width; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = image.data[p * 3 + (2 - c)]! - IMAGENET_BGR_MEAN[c]!;
  }
  return { ...image, data: out };
}

/** 3×3 'same' conv with zero padding and bias; Keras kernel layout [3, 3, in, out]. */
export function conv(x: Hwc, { kernel, bias, inChannels, outChannels }: ConvWeights, relu = true): Hwc {
  const { height, width } = x;
  const out = new Float64Array(height * width * outChannels);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      for (let o = 0; o < outChannels; o++) {
        let sum = bias[o]!;
        for (let ky = 0; ky < 3; ky++) {
          const y = i + ky - 1;
          if (y < 0 || y >= height) continue;
          for (let kx = 0; kx < 3; kx++) {
            const xx = j + kx - 1;
            if (xx < 0 || xx >= width) continue;
            for (let c = 0; c < inChannels; c++) {
              sum +=
                x.data[(y * width + xx) * inChannels + c]! *
                kernel[((ky * 3 + kx) * inChannels + c) * outChannels + o]!;
            }
          }
        }
        out[(i * width + j) * outChannels + o] = relu ? Math.max(0, sum) : sum;
      }
    }
  }
  return { height, width, channels: outChannels, data: out };
}

export function maxPool(x: Hwc): Hwc {
  const height = Math.floor(x.height / 2);
  const width = Math.floor(x.width / 2);
  const out = new Float64Array(height * width * x.channels);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      for (let c = 0; c < x.channels; c++) {
        const at = (y: number, xx: number): number => x.data[(y * x.width + xx) * x.channels + c]!;
        out[(i * width + j) * x.channels + c] = Math.max(
          at(2 * i, 2 * j),
          at(2 * i, 2 * j + 1),
          at(2 * i + 1, 2 * j),
          at(2 * i + 1, 2 * j + 1),
        );
      }
    }
  }
  return { height, width, channels: x.channels, data: out };
}

/** Activations of each of `layers` for an HWC RGB image in 0..255. */
export function vgg(
  image: Hwc,
  weights: ReadonlyMap<LayerName, ConvWeights>,
  layers: readonly LayerName[],
): Map<LayerName, Hwc> {
  const out = new Map<LayerName, Hwc>();
  let x = preprocess(image);
  for (const layer of layersUpTo(layers)) {
    if (layer.endsWith('_conv1') && layer !== 'block1_conv1') x = maxPool(x);
    x = conv(x, weights.get(layer)!);
    out.set(layer, x);
  }
  return out;
}

export function gram(f: Hwc): Float64Array {
  const { channels: c } = f;
  const m = f.height * f.width;
  const g = new Float64Array(c * c);
  for (let p = 0; p < m; p++) {
    for (let a = 0; a < c; a++) {
      for (let b = 0; b < c; b++) g[a * c + b]! += (f.data[p * c + a]! * f.data[p * c + b]!) / m;
    }
  }
  return g;
}

/** losses.md §3 and §5: ‖a − target‖² / ‖target‖². */
export function relativeSquaredError(a: ArrayLike<number>, target: ArrayLike<number>): number {
  let sum = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    sum += (a[i]! - target[i]!) ** 2;
    norm += target[i]! ** 2;
  }
  return sum / norm;
}

export function totalVariation(image: Hwc): number {
  const { height, width, channels, data } = image;
  let sum = 0;
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      for (let c = 0; c < channels; c++) {
        const here = data[(i * width + j) * channels + c]!;
        if (j + 1 < width) sum += (data[(i * width + j + 1) * channels + c]! - here) ** 2;
        if (i + 1 < height) sum += (data[((i + 1) * width + j) * channels + c]! - here) ** 2;
      }
    }
  }
  return sum / data.length;
}

export interface ReferenceLoss {
  readonly contentLayer: LayerName;
  readonly contentTarget: ArrayLike<number>;
  readonly styleLayers: readonly StyleLayer[];
  readonly styleTargets: readonly ArrayLike<number>[];
  readonly weights: { readonly content: number; readonly style: number; readonly tv: number };
}

export function loss(image: Hwc, weights: ReadonlyMap<LayerName, ConvWeights>, spec: ReferenceLoss): LossParts {
  const features = vgg(image, weights, [spec.contentLayer, ...spec.styleLayers.map((s) => s.layer)]);
  const content = relativeSquaredError(features.get(spec.contentLayer)!.data, spec.contentTarget);
  const style = spec.styleLayers.reduce(
    (sum, { layer, weight }, i) =>
      sum + weight * relativeSquaredError(gram(features.get(layer)!), spec.styleTargets[i]!),
    0,
  );
  const tv = totalVariation(image);
  const total = spec.weights.content * content + spec.weights.style * style + spec.weights.tv * tv;
  return { total, content, style, tv };
}

/** Central differences of `f` at `x`, one coordinate at a time. */
export function numericGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, step: number): Float64Array {
  const probe = Float64Array.from(x);
  return Float64Array.from(probe, (value, i) => {
    probe[i] = value + step;
    const up = f(probe);
    probe[i] = value - step;
    const down = f(probe);
    probe[i] = value;
    return (up - down) / (2 * step);
  });
}

/** ‖a − b‖ / ‖b‖. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

/** HWC → CHW (the NCHW layout of a batch of one). */
export function toChw(x: Hwc): Float32Array {
  const { height, width, channels, data } = x;
  const out = new Float32Array(data.length);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) out[c * height * width + p] = data[p * channels + c]!;
  }
  return out;
}

export function fromChw(height: number, width: number, channels: number, data: ArrayLike<number>): Hwc {
  const out = new Float64Array(data.length);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = data[c * height * width + p]!;
  }
  return { height, width, channels, data: out };
}
