import type { RgbImage } from '../engine/types.js';
import { decodeImage } from '../images/decode.js';
import { downloadImage } from '../jobs/download.js';
import type { PlatformDeps } from '../jobs/platform.js';

export type InputRole = 'photo' | 'style image';

/** Downloads a Slack-hosted file (url_private needs the bot token) and decodes it, naming it in any error. */
export async function fetchSlackImage(deps: PlatformDeps, botToken: string, url: string, what: InputRole): Promise<RgbImage> {
  const { maxDownloadBytes, downloadTimeoutMs, image } = deps.limits;
  const bytes = await downloadImage(url, {
    maxBytes: maxDownloadBytes,
    timeoutMs: downloadTimeoutMs,
    headers: { Authorization: `Bearer ${botToken}` },
    what,
  });
  return decodeImage(bytes, image, { what });
}
