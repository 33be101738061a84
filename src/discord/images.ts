import type { Attachment, Message } from 'discord.js';
import type { RgbImage } from '../engine/types.js';
import { decodeImage } from '../images/decode.js';
import { downloadImage } from '../jobs/download.js';
import type { PlatformDeps } from '../jobs/platform.js';

/** Downloads an image within the configured caps and decodes it; every failure is a UserError naming `what`. */
export async function fetchImage(deps: PlatformDeps, url: string, what: string): Promise<RgbImage> {
  const { maxDownloadBytes, downloadTimeoutMs, image } = deps.limits;
  const bytes = await downloadImage(url, { maxBytes: maxDownloadBytes, timeoutMs: downloadTimeoutMs, what });
  return decodeImage(bytes, image, { what });
}

const IMAGE_NAME = /\.(jpe?g|png|webp|gif|avif|tiff?)$/i;

function isImage(attachment: Attachment): boolean {
  return attachment.contentType?.startsWith('image/') ?? IMAGE_NAME.test(attachment.name);
}

/** The first image on a message: an attached image, else an embed's image or thumbnail. */
export function firstImageUrl(message: Message): string | undefined {
  const attachment = message.attachments.find(isImage);
  if (attachment) return attachment.url;
  for (const embed of message.embeds) {
    const url = embed.image?.url ?? embed.thumbnail?.url;
    if (url) return url;
  }
  return undefined;
}
