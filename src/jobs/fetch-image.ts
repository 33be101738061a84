import type { RgbImage } from '../engine/types.js';
import { decodeImage } from '../images/decode.js';
import { downloadImage } from './download.js';
import type { PlatformDeps } from './platform.js';

/** Downloads an image within the configured caps and decodes it; every failure is a UserError naming `what`. */
export async function fetchImage(
  deps: PlatformDeps,
  url: string,
  what: string,
  headers?: Readonly<Record<string, string>>,
): Promise<RgbImage> {
  const { maxDownloadBytes, downloadTimeoutMs, image } = deps.limits;
  const bytes = await downloadImage(url, { maxBytes: maxDownloadBytes, timeoutMs: downloadTimeoutMs, what, ...(headers ? { headers } : {}) });
  return decodeImage(bytes, image, { what });
}
