import type { RgbImage } from './types.js';

/** 8-bit pixels to the optimiser's float 0..255. */
export function toFloat(img: RgbImage): Float32Array {
  return Float32Array.from(img.data);
}

/** The optimiser's floats back to 8-bit pixels; values outside 0..255 are clipped. */
export function toRgb(data: Float32Array, width: number, height: number): RgbImage {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
  }
  return { width, height, data: out };
}
