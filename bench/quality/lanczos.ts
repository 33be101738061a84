/**
 * The yardstick's Lanczos resize, as Pillow's `Image.resize(size, LANCZOS)` computes it (the reference
 * numbers come from a PIL pipeline): separable lanczos3 whose support widens with the reduction factor, the
 * horizontal pass first, each pass rounded and clipped to 8 bits. sharp's lanczos3 (libvips) differs slightly: it
 * box-shrinks part of a large reduction first. On tubingen × starry night at 256×192 the photo's style distance
 * is 0.5431 with sharp and 0.5437 here, which is the 0.544.
 */
import type { RgbImage } from '../../src/engine/types.js';

const SUPPORT = 3;

function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (Math.abs(x) >= SUPPORT) return 0;
  const px = Math.PI * x;
  return (SUPPORT * Math.sin(px) * Math.sin(px / SUPPORT)) / (px * px);
}

interface Taps {
  readonly first: number;
  readonly weights: Float64Array;
}

/** For each output index along one axis, the input span it reads and the normalised weights (Pillow's precompute_coeffs). */
function taps(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  return Array.from({ length: outSize }, (_, o) => {
    const center = (o + 0.5) * scale;
    const first = Math.max(0, Math.trunc(center - support + 0.5));
    const last = Math.min(inSize, Math.trunc(center + support + 0.5));
    const weights = Float64Array.from({ length: last - first }, (_, k) =>
      lanczos3((first + k - center + 0.5) / filterScale),
    );
    const sum = weights.reduce((a, b) => a + b, 0);
    for (let k = 0; k < weights.length; k++) weights[k]! /= sum;
    return { first, weights };
  });
}

function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** One pass along x (stride 3) or y (stride 3·width) of an interleaved RGB buffer. */
function resample(
  src: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  axis: 'x' | 'y',
): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight * 3);
  const along = axis === 'x' ? taps(width, outWidth) : taps(height, outHeight);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const { first, weights } = along[axis === 'x' ? x : y]!;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) {
          const index = axis === 'x' ? (y * width + first + k) * 3 + c : ((first + k) * width + x) * 3 + c;
          sum += weights[k]! * src[index]!;
        }
        out[(y * outWidth + x) * 3 + c] = toByte(sum);
      }
    }
  }
  return out;
}

/** Resizes to exactly width × height. */
export function lanczosResize(image: RgbImage, width: number, height: number): RgbImage {
  if (image.width === width && image.height === height) return image;
  const across = resample(image.data, image.width, image.height, width, image.height, 'x');
  return { width, height, data: resample(across, width, image.height, width, height, 'y') };
}
