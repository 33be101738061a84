import type { webApi } from '@slack/bolt';
import { creditLines } from '../gallery/index.js';
import type { SlackContext } from './context.js';
import type { MessagePlace } from './slack-jobs.js';

/**
 * `/stylize presets`: uploads the gallery, one picture of every preset applied to the same photo, into the
 * channel (or the thread asked from), with the credits as its comment. Throws what the gallery or Slack throws.
 */
export async function postGallery(
  ctx: SlackContext,
  client: webApi.WebClient,
  userId: string,
  place: MessagePlace,
): Promise<void> {
  const { png, presets } = await ctx.deps.gallery.picture();
  const credits = creditLines(
    presets,
    (preset) => `:${preset.slackName}:`,
    (name) => `*${name}*`,
  );
  const howTo = 'React to a picture with one of these emoji, or type `/stylize preset=<name>` after posting one.';
  const { channel, threadTs } = place;
  const destination = threadTs ? { channel_id: channel, thread_ts: threadTs } : { channel_id: channel };
  await client.filesUploadV2({
    ...destination,
    file: png,
    filename: 'easel-presets.png',
    title: 'easel presets',
    initial_comment: [`<@${userId}> here are my presets. ${howTo}`, ...credits].join('\n'),
  });
}
