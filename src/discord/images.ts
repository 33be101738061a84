import type { Attachment, Message } from 'discord.js';

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
