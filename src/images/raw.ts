import sharp from 'sharp';
import type { OutputInfo, Sharp } from 'sharp';
import type { RgbImage } from './rgb-image.js';

/** A sharp pipeline reading an RgbImage's pixels. */
export function sharpFromRgb(img: RgbImage): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

/** Wraps the output of `.raw().toBuffer({ resolveWithObject: true })`, which must be 8-bit RGB. */
export function rgbFromRaw({ data, info }: { data: Buffer; info: OutputInfo }): RgbImage {
  if (info.channels !== 3 || data.byteLength !== info.width * info.height * 3) {
    throw new Error(
      `expected ${info.width}×${info.height} 8-bit RGB, got ${info.channels} channels in ${data.byteLength} bytes`,
    );
  }
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
