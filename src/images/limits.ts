/** What an input image may be before we refuse it. Checked before any pixels are decoded. */
export interface ImageLimits {
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** Largest width × height accepted; guards against decompression bombs. */
  readonly maxPixels: number;
  /** Smallest side accepted, in pixels; VGG19's pooling leaves nothing useful of tinier images. */
  readonly minSide: number;
}

/** 25 MiB, 50 megapixels, 16 px. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = Object.freeze({
  maxBytes: 25 * 1024 * 1024,
  maxPixels: 50_000_000,
  minSide: 16,
});
