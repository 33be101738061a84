import type { AllMiddlewareArgs, SlackEventMiddlewareArgs, webApi } from '@slack/bolt';
import { userMessage } from '../../../jobs/messages.js';
import { whereIWork, worksIn, type SlackContext } from '../../context.js';
import { logRefusal } from '../../logging.js';
import { paint, settingsFor } from '../../paint.js';
import { imagesOf, type MessageLike } from '../../recent-images.js';

type Args = SlackEventMiddlewareArgs<'reaction_added'> & AllMiddlewareArgs;

/** Messages reacted to are remembered this many at a time; older ones could be painted again. */
const REMEMBERED_REACTIONS = 5000;

/** The message a reaction was added to, whether it is in the channel or in a thread. */
async function reactedMessage(client: webApi.WebClient, channel: string, ts: string): Promise<MessageLike | undefined> {
  const inChannel = await client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
  const found: MessageLike | undefined = inChannel.messages?.find((m) => m.ts === ts);
  if (found) return found;
  const inThread = await client.conversations.replies({ channel, ts });
  return inThread.messages?.find((m) => m.ts === ts);
}

/** A preset's emoji on a message with an image paints that image in the preset's style, once per message and emoji. */
export function reactionAdded(ctx: SlackContext) {
  const seen = new Set<string>();
  return async ({ event, client }: Args): Promise<void> => {
    // Skin tones arrive as "wave::skin-tone-2".
    const preset = ctx.deps.presets.bySlackName(event.reaction.split('::')[0] ?? '');
    if (!preset || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const key = `${channel}/${ts}/${preset.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > REMEMBERED_REACTIONS) seen.delete(seen.values().next().value ?? key);

    const log = ctx.log.child({ userId: event.user, channel, reaction: event.reaction });
    const tell = (text: string): Promise<unknown> => client.chat.postEphemeral({ channel, user: event.user, text });
    try {
      const message = await reactedMessage(client, channel, ts);
      const image = message === undefined ? undefined : imagesOf(message)[0];
      if (message === undefined || image === undefined) {
        seen.delete(key);
        return;
      }
      if (!worksIn(ctx.config, channel)) {
        await tell(whereIWork(ctx.config));
        return;
      }
      const jobId = await paint(ctx, {
        userId: event.user,
        place: { channel, threadTs: image.threadTs },
        contentUrl: image.url,
        style: { preset },
        options: settingsFor(ctx, preset, {}),
      });
      log.info({ jobId, preset: preset.name }, 'slack job requested');
    } catch (err) {
      // A refused request is not a job; removing and re-adding the reaction may try again.
      seen.delete(key);
      logRefusal(log, err);
      await tell(userMessage(err));
    }
  };
}
