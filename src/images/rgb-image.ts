/**
 * Decoded 8-bit sRGB pixels, 3 interleaved channels, rows top to bottom. A leaf module: the images folder and the
 * engine both use it, and neither has to import the other for it.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}
