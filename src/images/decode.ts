import sharp from 'sharp';
import type { FormatEnum, Metadata } from 'sharp';
import type { RgbImage } from './rgb-image.js';
import {
  CorruptImageError,
  FileTooLargeError,
  ImageTooLargeError,
  ImageTooSmallError,
  NotAnImageError,
} from './errors.js';
import { DEFAULT_IMAGE_LIMITS } from './limits.js';
import type { ImageLimits } from './limits.js';
import { rgbFromRaw } from './raw.js';
import { sniffFormat } from './sniff.js';
import type { InputFormat } from './sniff.js';

export interface DecodeOptions {
  /** A lower-case name for the input, used in error messages: 'style image' gives "The style image is …". */
  readonly what?: string;
  /**
   * The longest side the caller needs, in pixels: the image is shrunk while it is decoded (sharp's shrink-on-load
   * for JPEG and WebP, a streaming reduce for the rest), so its full-size pixels are never held. Smaller images keep
   * their size.
   */
  readonly maxSide?: number;
}

/** What sharp's metadata calls each format we sniff. */
const SHARP_FORMAT: Readonly<Record<InputFormat, keyof FormatEnum>> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  avif: 'heif',
  tiff: 'tiff',
};

/**
 * 'error' rejects truncated and corrupt pixel data but, unlike the stricter 'warning',
 * still accepts the harmless quirks many phones and editors write.
 */
const FAIL_ON = 'error';

/** Only the first frame of animations and the first page of multi-page files is used. */
const FIRST_PAGE = { pages: 1, page: 0 } as const;

/**
 * Turns untrusted bytes into upright 8-bit sRGB pixels, with alpha flattened onto white.
 * Every way the input can be unusable ends in an ImageInputError subclass; limits are checked from the header before
 * decoding, so a decompression bomb is refused before any of its pixels exist.
 */
export async function decodeImage(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  options: DecodeOptions = {},
): Promise<RgbImage> {
  const { what, maxSide } = options;
  if (maxSide !== undefined && !(Number.isInteger(maxSide) && maxSide >= 1)) {
    throw new RangeError(`maxSide must be a positive integer, got ${maxSide}`);
  }
  const format = sniffFormat(bytes);
  if (format === undefined) throw new NotAnImageError(what);
  if (bytes.byteLength > limits.maxBytes) throw new FileTooLargeError(bytes.byteLength, limits.maxBytes, what);

  const header = await readHeader(bytes, what);
  if (header.format !== SHARP_FORMAT[format]) throw new NotAnImageError(what);
  const { width, height } = header.autoOrient;
  if (width * height > limits.maxPixels) throw new ImageTooLargeError(width, height, limits.maxPixels, what);
  if (Math.min(width, height) < limits.minSide) throw new ImageTooSmallError(width, height, limits.minSide, what);

  let pipeline = sharp(bytes, { ...FIRST_PAGE, failOn: FAIL_ON, limitInputPixels: limits.maxPixels, autoOrient: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb');
  if (maxSide !== undefined) {
    pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  }
  try {
    return rgbFromRaw(await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true }));
  } catch (cause) {
    throw new CorruptImageError(what, { cause });
  }
}

/** Reads only the header, so the pixel limit is ours to check, with the image's size at hand for the message. */
async function readHeader(bytes: Uint8Array, what: string | undefined): Promise<Metadata> {
  try {
    return await sharp(bytes, { ...FIRST_PAGE, failOn: FAIL_ON, limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new CorruptImageError(what, { cause });
  }
}
