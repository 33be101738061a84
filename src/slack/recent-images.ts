import type { webApi } from '@slack/bolt';
import { UserError } from '../errors.js';
import { slackErrorCode } from './logging.js';

/** An image file someone posted, and where: the message it came with and that message's thread. */
export interface PostedImage {
  readonly fileId: string;
  /** url_private_download when Slack gives one, else url_private; both need the bot token. */
  readonly url: string;
  readonly messageTs: string;
  /** The thread to answer in: the message's thread, or the message itself. */
  readonly threadTs: string;
}

/** The fields this module reads from Slack's message and file objects. */
interface FileLike {
  readonly id?: string;
  readonly mimetype?: string;
  readonly url_private?: string;
  readonly url_private_download?: string;
  /** A link to a file kept elsewhere (Google Drive, Dropbox …): not Slack's to serve, so never fetched. */
  readonly is_external?: boolean;
}
export interface MessageLike {
  readonly ts?: string;
  readonly user?: string;
  readonly thread_ts?: string;
  readonly latest_reply?: string;
  readonly files?: readonly FileLike[];
}

export class NotInChannelError extends UserError {
  constructor() {
    super(
      'not-in-channel',
      "I can't see the messages here yet. Add me to this channel (type `/invite @` and my name), then try again.",
    );
  }
}

/** How far back `/stylize` looks for the images to use. */
export const IMAGE_WINDOW_MS = 10 * 60_000;
const HISTORY_LIMIT = 100;
/** Threads with recent replies that are searched too; more would cost a call each. */
const MAX_THREADS = 5;

function seconds(ts: string | undefined): number {
  return ts === undefined ? Number.NaN : Number(ts);
}

/**
 * The image files of one message, in the order they were attached. Files from other workspaces carry no URL and
 * external files are not Slack's to serve; both are skipped.
 */
export function imagesOf(message: MessageLike): PostedImage[] {
  const { ts } = message;
  if (ts === undefined) return [];
  const images: PostedImage[] = [];
  for (const file of message.files ?? []) {
    const url = file.url_private_download ?? file.url_private;
    if (file.id === undefined || url === undefined || file.is_external === true || !file.mimetype?.startsWith('image/'))
      continue;
    images.push({ fileId: file.id, url, messageTs: ts, threadTs: message.thread_ts ?? ts });
  }
  return images;
}

/**
 * The images `userId` posted in `channel` in the last IMAGE_WINDOW_MS, oldest first, searching the
 * channel and the threads that had replies in that time.
 */
export async function recentImages(
  client: webApi.WebClient,
  channel: string,
  userId: string,
  now = Date.now(),
): Promise<PostedImage[]> {
  const cutoff = (now - IMAGE_WINDOW_MS) / 1000;
  const history = await client.conversations.history({ channel, limit: HISTORY_LIMIT }).catch((err: unknown) => {
    throw slackErrorCode(err) === 'not_in_channel' || slackErrorCode(err) === 'channel_not_found'
      ? new NotInChannelError()
      : err;
  });
  const topLevel: readonly MessageLike[] = history.messages ?? [];
  const threads = topLevel
    .filter((m) => seconds(m.latest_reply) >= cutoff)
    .sort((a, b) => seconds(b.latest_reply) - seconds(a.latest_reply))
    .slice(0, MAX_THREADS);
  const replies = await Promise.all(
    threads.map(async (parent) => {
      const thread = await client.conversations.replies({
        channel,
        ts: parent.ts ?? '',
        oldest: String(cutoff),
        limit: HISTORY_LIMIT,
      });
      const messages: readonly MessageLike[] = thread.messages ?? [];
      return messages.filter((m) => m.ts !== parent.ts);
    }),
  );
  const byFile = new Map<string, PostedImage>();
  for (const message of [...topLevel, ...replies.flat()]) {
    if (message.user !== userId || seconds(message.ts) < cutoff) continue;
    // A reply also sent to the channel shows up in both lists.
    for (const image of imagesOf(message)) byFile.set(image.fileId, image);
  }
  return [...byFile.values()].sort((a, b) => seconds(a.messageTs) - seconds(b.messageTs));
}
