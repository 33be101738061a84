import type { SlackConfig } from '../config/slack.js';
import type { RgbImage } from '../engine/types.js';
import type { DownloadPolicy } from '../jobs/download.js';
import { fetchImage } from '../jobs/fetch-image.js';
import type { PlatformDeps } from '../jobs/platform.js';

export type InputRole = 'photo' | 'style image';

/** Slack serves every file a member uploads from here; url_private anywhere else is not Slack's. */
const SLACK_FILE_HOSTS = [/^files\.slack\.com$/];

/** Where the bot token may go: Slack's file host over https, or the configured API base. */
export function slackFilePolicy(config: Pick<SlackConfig, 'botToken' | 'apiUrl'>): DownloadPolicy {
  return { hosts: SLACK_FILE_HOSTS, apiBase: config.apiUrl, headers: { Authorization: `Bearer ${config.botToken}` } };
}

/**
 * Slack's url_private files need the bot token, which is sent only where slackFilePolicy allows. The image is
 * decoded at most `maxSide` px on its longest side.
 */
export function fetchSlackImage(
  deps: PlatformDeps,
  config: Pick<SlackConfig, 'botToken' | 'apiUrl'>,
  url: string,
  what: InputRole,
  maxSide: number,
): Promise<RgbImage> {
  return fetchImage(deps, slackFilePolicy(config), url, what, maxSide);
}
