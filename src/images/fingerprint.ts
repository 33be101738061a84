import type { RgbImage } from './rgb-image.js';
import { resizeExact } from './resize.js';

/** 9 × 8 samples give 8 × 8 left-to-right comparisons: a 64-bit difference hash. */
const WIDTH = 9;
const HEIGHT = 8;

/**
 * A difference hash of a picture (dHash): each bit says whether the light gets brighter from one sample to the next,
 * on a 9 × 8 greyscale thumbnail. The same photo decoded at another size, or re-encoded, hashes the same or a few
 * bits apart (see sameFingerprint); different photos differ in about half of them.
 */
export async function fingerprint(image: RgbImage): Promise<bigint> {
  const small = await resizeExact(image, WIDTH, HEIGHT);
  const grey = (x: number, y: number): number => {
    const i = (y * WIDTH + x) * 3;
    return 0.299 * small.data[i]! + 0.587 * small.data[i + 1]! + 0.114 * small.data[i + 2]!;
  };
  let bits = 0n;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH - 1; x++) bits = (bits << 1n) | (grey(x + 1, y) > grey(x, y) ? 1n : 0n);
  }
  return bits;
}

/** Bits that may differ for the same photo: resampling at another size moves a few near-equal neighbours. */
const SAME_PHOTO_BITS = 6;

export function sameFingerprint(a: bigint, b: bigint): boolean {
  let diff = a ^ b;
  let count = 0;
  while (diff > 0n) {
    count += Number(diff & 1n);
    diff >>= 1n;
  }
  return count <= SAME_PHOTO_BITS;
}
