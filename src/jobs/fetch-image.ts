import type { RgbImage } from '../engine/types.js';
import { decodeImage } from '../images/decode.js';
import { DownloadFailedError, downloadImage, type DownloadPolicy } from './download.js';
import type { PlatformDeps } from './platform.js';

/** Enough of a URL for the log; the query can hold signatures. */
function forLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'not a URL';
  }
}

/**
 * Downloads an image from where `policy` allows, within the configured caps, and decodes it. Every failure is a
 * UserError naming `what`; why a download failed goes to the log only.
 */
export async function fetchImage(
  deps: PlatformDeps,
  policy: DownloadPolicy,
  url: string,
  what: string,
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
  return decodeImage(bytes, image, { what });
}
