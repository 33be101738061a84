import type { Attachment, Message } from 'discord.js';
import type { RgbImage } from '../engine/types.js';
import type { DownloadPolicy } from '../jobs/download.js';
import { fetchImage } from '../jobs/fetch-image.js';
import type { DiscordContext } from './context.js';

const IMAGE_NAME = /\.(jpe?g|png|webp|gif|avif|tiff?)$/i;

/** Discord's CDN (attachments) and media proxies (attachments, and the images of embeds, fetched by Discord). */
const DISCORD_MEDIA_HOSTS = [/^cdn\.discordapp\.com$/, /^media\.discordapp\.net$/, /^images-ext-\d+\.discordapp\.net$/];

function isImage(attachment: Attachment): boolean {
  return attachment.contentType?.startsWith('image/') ?? IMAGE_NAME.test(attachment.name);
}

/**
 * The first image on a message: an attached image, else an embed's image or thumbnail as Discord's media proxy
 * serves it. An embed's own `url` is wherever the member's link points, so it is never used.
 */
export function firstImageUrl(message: Message): string | undefined {
  const attachment = message.attachments.find(isImage);
  if (attachment) return attachment.url;
  for (const embed of message.embeds) {
    const url = embed.image?.proxyURL ?? embed.thumbnail?.proxyURL;
    if (url) return url;
  }
  return undefined;
}

/** Where Discord images may be downloaded from: Discord's media hosts, or the configured API base. */
export function discordMediaPolicy(apiUrl: string | undefined): DownloadPolicy {
  return { hosts: DISCORD_MEDIA_HOSTS, apiBase: apiUrl };
}

/** Downloads an image from Discord's media hosts only, and decodes it at most `maxSide` px on its longest side. */
export function fetchDiscordImage(
  context: DiscordContext,
  url: string,
  what: string,
  maxSide: number,
): Promise<RgbImage> {
  return fetchImage(context.deps, discordMediaPolicy(context.config.apiUrl), url, what, maxSide);
}
