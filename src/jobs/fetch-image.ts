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
 * The largest output a job's kept inputs will be painted at: its own `size`, or the size its Bigger remix paints the
 * same decoded images at, one step up within `maxSide`. Decoded at the job's own size, a 768 px remix of a 512 px
 * job painted an upscaled photo and painting.
 */
export function paintedSide(size: number, maxSide: number): number {
  return Math.min(biggerSize(size, maxSide) ?? size, maxSide);
}

/**
 * What the engine will make of a job's inputs at most (see paintedSide): the content at that side, and a style at
 * that side × styleScale within `maxSide`, the largest side it paints (see styleSide). Decoding to these sides keeps
 * a queued job's pixels that small, whatever was uploaded.
 */
export function inputSides(options: Pick<StylizeOptions, 'size' | 'styleScale'>, maxSide: number): InputSides {
  const side = paintedSide(options.size, maxSide);
  return { content: side, style: styleSide(side, side, options.styleScale, maxSide) };
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
