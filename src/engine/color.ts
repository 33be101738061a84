import type { RgbImage } from './types.js';

/**
 * Colour preservation by luminance-only transfer (Gatys et al. 2016, "Preserving Color in Neural Artistic
 * Style Transfer"): style is transferred on luminance, and the content's chrominance is put back afterwards.
 * YIQ is the colour space the paper uses.
 */

function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

function lumaPlane(img: RgbImage): Float32Array {
  const out = new Float32Array(img.width * img.height);
  for (let i = 0; i < out.length; i++) out[i] = luma(img.data[3 * i]!, img.data[3 * i + 1]!, img.data[3 * i + 2]!);
  return out;
}

function meanStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** A grey RGB image of `img`'s luminance, optionally shifted to `reference`'s mean and spread (the paper's luminance matching). */
export function luminanceImage(img: RgbImage, reference?: RgbImage): RgbImage {
  const y = lumaPlane(img);
  if (reference) {
    const from = meanStd(y);
    const to = meanStd(lumaPlane(reference));
    const gain = from.std > 1e-6 ? to.std / from.std : 1;
    for (let i = 0; i < y.length; i++) y[i] = (y[i]! - from.mean) * gain + to.mean;
  }
  const data = new Uint8Array(y.length * 3);
  for (let i = 0; i < y.length; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = clampByte(y[i]!);
  return { width: img.width, height: img.height, data };
}

/** The luminance of `stylized` with the chrominance (I and Q) of `content`; both must be the same size. */
export function restoreColors(stylized: RgbImage, content: RgbImage): RgbImage {
  const data = new Uint8Array(stylized.data.length);
  for (let p = 0; p < data.length; p += 3) {
    const y = luma(stylized.data[p]!, stylized.data[p + 1]!, stylized.data[p + 2]!);
    const [r, g, b] = [content.data[p]!, content.data[p + 1]!, content.data[p + 2]!];
    const i = 0.596 * r - 0.274 * g - 0.322 * b;
    const q = 0.211 * r - 0.523 * g + 0.312 * b;
    data[p] = clampByte(y + 0.956 * i + 0.621 * q);
    data[p + 1] = clampByte(y - 0.272 * i - 0.647 * q);
    data[p + 2] = clampByte(y - 1.106 * i + 1.703 * q);
  }
  return { width: stylized.width, height: stylized.height, data };
}
