import { styleSide } from '../engine/scales.js';
import type { RgbImage, StylizeOptions } from '../engine/types.js';
import { decodeImage } from '../images/decode.js';
import { DownloadFailedError, downloadImage, type DownloadPolicy } from './download.js';
import type { PlatformDeps } from './platform.js';
import { biggerSize } from './remix/actions.js';

/** Enough of a URL for the log; the query can hold signatures. */
function forLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'not a URL';
  }
}

/** The longest side, in pixels, each input of one job need be decoded to. */
export interface InputSides {
  readonly content: number;
  readonly style: number;
}

/**
 * What the engine will make of a job's inputs at most, and of its Bigger remix, which paints the same decoded
 * images one size step up: the content at that size, and a style at that size × styleScale within `maxSide`, the
 * largest side it paints (see styleSide). Decoding to these sides keeps a queued job's pixels that small, whatever
 * was uploaded, and a Bigger result as sharp as the first (decoded at the job's own size, a 768 px remix of a 512
 * px job painted an upscaled photo and painting).
 */
export function inputSides(options: Pick<StylizeOptions, 'size' | 'styleScale'>, maxSide: number): InputSides {
  const size = biggerSize(options.size, maxSide) ?? options.size;
  return { content: size, style: styleSide(size, size, options.styleScale, maxSide) };
}

/**
 * Downloads an image from where `policy` allows, within the configured caps, and decodes it shrunk to `maxSide`
 * on its longest side (see inputSides). Every failure is a UserError naming `what`; why a download failed goes to
 * the log only.
 */
export async function fetchImage(
  deps: PlatformDeps,
  policy: DownloadPolicy,
  url: string,
  what: string,
  maxSide: number,
): Promise<RgbImage> {
  const { maxDownloadBytes, downloadTimeoutMs, image } = deps.limits;
  let bytes: Uint8Array;
  try {
    bytes = await downloadImage(url, { policy, maxBytes: maxDownloadBytes, timeoutMs: downloadTimeoutMs, what });
  } catch (err) {
    if (err instanceof DownloadFailedError) {
      deps.logger.warn({ reason: err.reason, url: forLog(url), err: err.cause }, 'download failed');
    }
    throw err;
  }
  return decodeImage(bytes, image, { what, maxSide });
}
