import type { RgbImage } from './rgb-image.js';
import { rgbFromRaw, sharpFromRgb } from './raw.js';

/** Shrinks so the longest side is at most `longestSide`, keeping the aspect ratio; never enlarges. */
export async function resizeImage(img: RgbImage, longestSide: number): Promise<RgbImage> {
  assertSide(longestSide);
  if (Math.max(img.width, img.height) <= longestSide) return img;
  const resized = sharpFromRgb(img).resize({
    width: longestSide,
    height: longestSide,
    fit: 'inside',
    kernel: 'lanczos3',
  });
  return rgbFromRaw(await resized.raw().toBuffer({ resolveWithObject: true }));
}

/** Scales to exactly width × height, up or down, stretching if the aspect ratio differs. */
export async function resizeExact(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  assertSide(width);
  assertSide(height);
  if (img.width === width && img.height === height) return img;
  const resized = sharpFromRgb(img).resize({ width, height, fit: 'fill', kernel: 'lanczos3' });
  return rgbFromRaw(await resized.raw().toBuffer({ resolveWithObject: true }));
}

function assertSide(side: number): void {
  if (!Number.isInteger(side) || side < 1) throw new RangeError(`image side must be a positive integer, got ${side}`);
}
