import type { RgbImage } from '../engine/types.js';
import { fetchImage } from '../jobs/fetch-image.js';
import type { PlatformDeps } from '../jobs/platform.js';

export type InputRole = 'photo' | 'style image';

/** Slack's url_private files need the bot token. */
export function fetchSlackImage(deps: PlatformDeps, botToken: string, url: string, what: InputRole): Promise<RgbImage> {
  return fetchImage(deps, url, what, { Authorization: `Bearer ${botToken}` });
}
