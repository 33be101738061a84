import type { FloatImage } from '../types.js';
import { DOWNSCALE } from './network.js';

/**
 * The networks pad with zeros, which to them looks like a black frame around the photo, and they paint one: a band
 * of colour or dark stripes some 10–30 px wide along every edge. So the photo is first mirrored outward by a margin
 * wider than that band (and up to a multiple of 4, which the network needs to give back the size it was given),
 * and the output is cropped back to the photo.
 */
export interface Framed {
  readonly image: FloatImage;
  /** Where the photo sits inside `image`. */
  readonly left: number;
  readonly top: number;
}

/** Mirrors `image` outward by `margin` px on every side, plus up to 3 px on the right and bottom. */
export function frame(image: FloatImage, margin: number): Framed {
  const width = roundUp(image.width + 2 * margin);
  const height = roundUp(image.height + 2 * margin);
  const data = new Float32Array(width * height * 3);
  const columns = Int32Array.from({ length: width }, (_, x) => mirror(x - margin, image.width));
  for (let y = 0; y < height; y++) {
    const sourceRow = mirror(y - margin, image.height) * image.width;
    for (let x = 0; x < width; x++) {
      const from = (sourceRow + columns[x]!) * 3;
      const to = (y * width + x) * 3;
      data[to] = image.data[from]!;
      data[to + 1] = image.data[from + 1]!;
      data[to + 2] = image.data[from + 2]!;
    }
  }
  return { image: { width, height, data }, left: margin, top: margin };
}

/** The `width` × `height` region of `image` at (left, top). */
export function crop(image: FloatImage, left: number, top: number, width: number, height: number): FloatImage {
  if (left + width > image.width || top + height > image.height) {
    throw new RangeError(`cannot crop ${width}×${height} at ${left},${top} from ${image.width}×${image.height}`);
  }
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const start = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(start, start + width * 3), y * width * 3);
  }
  return { width, height, data };
}

function roundUp(side: number): number {
  return Math.ceil(side / DOWNSCALE) * DOWNSCALE;
}

/** Reflection without repeating the edge pixel (…2 1 | 0 1 2 … n−1 | n−2 …), folded again past n. */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const folded = ((i % period) + period) % period;
  return folded < n ? folded : period - folded;
}
