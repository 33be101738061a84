import { extname } from 'node:path';
import type { RgbImage } from './rgb-image.js';
import { OutputFormatError } from './errors.js';
import { sharpFromRgb } from './raw.js';

export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const DEFAULT_QUALITY = 90;

/** Encodes pixels as a file. `quality` (1–100) applies to JPEG and WebP; PNG is lossless and ignores it. */
export async function encodeImage(img: RgbImage, format: OutputFormat, quality = DEFAULT_QUALITY): Promise<Buffer> {
  const pipeline = sharpFromRgb(img);
  switch (format) {
    case 'png':
      return pipeline.png().toBuffer();
    case 'jpeg':
      return pipeline.jpeg({ quality }).toBuffer();
    case 'webp':
      return pipeline.webp({ quality }).toBuffer();
  }
}

// A Map, not an object, so names like "x.constructor" cannot match inherited keys.
const FORMAT_BY_EXTENSION: ReadonlyMap<string, OutputFormat> = new Map([
  ['.png', 'png'],
  ['.jpg', 'jpeg'],
  ['.jpeg', 'jpeg'],
  ['.webp', 'webp'],
]);

/** The output format a file name asks for, by its extension (case-insensitive). */
export function formatFromPath(path: string): OutputFormat {
  const format = FORMAT_BY_EXTENSION.get(extname(path).toLowerCase());
  if (format === undefined) throw new OutputFormatError(path);
  return format;
}
