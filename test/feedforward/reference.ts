import type { ConvLayer, StyleNetwork } from '../../src/engine/feedforward/network.js';

/**
 * The style network written out as plain float64 loops over HWC arrays, straight from TensorFlow's definitions of
 * conv2d and conv2d_transpose with padding 'SAME' and from shared/models/MANIFEST.md. Slow, obvious, and sharing
 * no code or constants with the runtimes.
 */

const EPSILON = 1e-3;

interface Hwc {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Float64Array;
}

/** TensorFlow 'SAME': out = ⌈in / s⌉, total padding max((out − 1)·s + k − in, 0), the odd pixel at the end. */
function samePadding(inSide: number, outSide: number, stride: number, size: number): number {
  return Math.floor(Math.max((outSide - 1) * stride + size - inSide, 0) / 2);
}

/** conv2d, kernel [k, k, in, out]: out[y, x] = Σ in[y·s + ky − pad, x·s + kx − pad] · w[ky, kx], 0 outside. */
function conv2d(x: Hwc, layer: ConvLayer): Hwc {
  const { size, stride, inChannels, outChannels, kernel } = layer;
  const height = Math.ceil(x.height / stride);
  const width = Math.ceil(x.width / stride);
  const padTop = samePadding(x.height, height, stride, size);
  const padLeft = samePadding(x.width, width, stride, size);
  const out = new Float64Array(height * width * outChannels);
  for (let i = 0; i < height; i++)
    for (let j = 0; j < width; j++)
      for (let ky = 0; ky < size; ky++) {
        const y = i * stride + ky - padTop;
        if (y < 0 || y >= x.height) continue;
        for (let kx = 0; kx < size; kx++) {
          const xx = j * stride + kx - padLeft;
          if (xx < 0 || xx >= x.width) continue;
          for (let c = 0; c < inChannels; c++) {
            const v = x.data[(y * x.width + xx) * inChannels + c]!;
            const w = ((ky * size + kx) * inChannels + c) * outChannels;
            const o = (i * width + j) * outChannels;
            for (let k = 0; k < outChannels; k++) out[o + k]! += v * kernel[w + k]!;
          }
        }
      }
  return { height, width, channels: outChannels, data: out };
}

/**
 * conv2d_transpose to an output `stride` times the input, kernel [k, k, out, in]: the gradient of the 'SAME' conv2d
 * from that output size back to the input's, so each input pixel spreads its kernel over the output.
 */
function conv2dTranspose(x: Hwc, layer: ConvLayer): Hwc {
  const { size, stride, inChannels, outChannels, kernel } = layer;
  const height = x.height * stride;
  const width = x.width * stride;
  const padTop = samePadding(height, x.height, stride, size);
  const padLeft = samePadding(width, x.width, stride, size);
  const out = new Float64Array(height * width * outChannels);
  for (let i = 0; i < x.height; i++)
    for (let j = 0; j < x.width; j++)
      for (let ky = 0; ky < size; ky++) {
        const y = i * stride + ky - padTop;
        if (y < 0 || y >= height) continue;
        for (let kx = 0; kx < size; kx++) {
          const xx = j * stride + kx - padLeft;
          if (xx < 0 || xx >= width) continue;
          for (let c = 0; c < inChannels; c++) {
            const v = x.data[(i * x.width + j) * inChannels + c]!;
            const o = (y * width + xx) * outChannels;
            const w = (ky * size + kx) * outChannels;
            for (let k = 0; k < outChannels; k++) out[o + k]! += v * kernel[(w + k) * inChannels + c]!;
          }
        }
      }
  return { height, width, channels: outChannels, data: out };
}

/** scale · (x − μ) / √(σ² + ε) + shift per channel, with μ and the biased σ² over all pixels. */
function instanceNorm(x: Hwc, layer: ConvLayer): Hwc {
  const pixels = x.height * x.width;
  const out = new Float64Array(x.data.length);
  for (let c = 0; c < x.channels; c++) {
    let sum = 0;
    for (let p = 0; p < pixels; p++) sum += x.data[p * x.channels + c]!;
    const mean = sum / pixels;
    let squares = 0;
    for (let p = 0; p < pixels; p++) squares += (x.data[p * x.channels + c]! - mean) ** 2;
    const factor = layer.scale[c]! / Math.sqrt(squares / pixels + EPSILON);
    for (let p = 0; p < pixels; p++) {
      out[p * x.channels + c] = (x.data[p * x.channels + c]! - mean) * factor + layer.shift[c]!;
    }
  }
  return { ...x, data: out };
}

function layer(x: Hwc, shape: ConvLayer): Hwc {
  const normed = instanceNorm(shape.transposed ? conv2dTranspose(x, shape) : conv2d(x, shape), shape);
  return shape.relu ? { ...normed, data: normed.data.map((v) => Math.max(v, 0)) } : normed;
}

/** The network on an HWC RGB 0..255 image; the output is clip(tanh(x)·150 + 127.5, 0, 255), HWC. */
export function referenceStylize(network: StyleNetwork, width: number, height: number, rgb: ArrayLike<number>): Hwc {
  let x: Hwc = { height, width, channels: 3, data: Float64Array.from(rgb) };
  for (const stage of network.stages) {
    if (stage.kind === 'layer') {
      x = layer(x, stage.layer);
    } else {
      const residual = layer(layer(x, stage.first), stage.second);
      x = { ...x, data: x.data.map((v, i) => v + residual.data[i]!) };
    }
  }
  return { ...x, data: x.data.map((v) => Math.min(255, Math.max(0, Math.tanh(v) * 150 + 127.5))) };
}
