import type { AllMiddlewareArgs, SlackEventMiddlewareArgs, webApi } from '@slack/bolt';
import { slackMessage } from '../../wording.js';
import { RecentClaims } from '../../../jobs/recent-claims.js';
import type { SlackContext } from '../../context.js';
import { logRefusal } from '../../logging.js';
import { planPreset } from '../../../jobs/presets.js';
import { paint } from '../../paint.js';
import { imagesOf, type MessageLike } from '../../recent-images.js';

type Args = SlackEventMiddlewareArgs<'reaction_added'> & AllMiddlewareArgs;

/** The message a reaction was added to, whether it is in the channel or in a thread. */
async function reactedMessage(client: webApi.WebClient, channel: string, ts: string): Promise<MessageLike | undefined> {
  const inChannel = await client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
  const found: MessageLike | undefined = inChannel.messages?.find((m) => m.ts === ts);
  if (found) return found;
  const inThread = await client.conversations.replies({ channel, ts });
  return inThread.messages?.find((m) => m.ts === ts);
}

/**
 * A preset's emoji on a message with an image paints that image in the preset's style (with its style network
 * when it has one: under a second, and only the result is posted), once per message and emoji; a refused one may
 * be tried again. Nothing of the channel is read outside the allow-list.
 */
export function reactionAdded(ctx: SlackContext) {
  const claims = new RecentClaims();
  return async ({ event, client }: Args): Promise<void> => {
    // Skin tones arrive as "wave::skin-tone-2".
    const preset = ctx.deps.presets.bySlackName(event.reaction.split('::')[0] ?? '');
    if (!preset || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const log = ctx.log.child({ userId: event.user, channel, reaction: event.reaction });
    const tell = (text: string): Promise<unknown> => client.chat.postEphemeral({ channel, user: event.user, text });
    if (!ctx.allowList.allows(channel)) {
      await tell(ctx.allowList.whereIWork).catch((err: unknown) => logRefusal(log, err));
      return;
    }
    const claim = `${channel}/${ts}/${preset.id}`;
    if (!claims.claim(claim)) return;

    try {
      const message = await reactedMessage(client, channel, ts);
      const image = message === undefined ? undefined : imagesOf(message)[0];
      if (image === undefined) {
        claims.release(claim);
        return;
      }
      const plan = planPreset(preset, {}, ctx.deps.limits.options, ctx.deps.presets.defaults);
      const jobId = await paint(ctx, {
        userId: event.user,
        place: { channel, threadTs: image.threadTs },
        contentUrl: image.url,
        style: { kind: 'preset', plan },
      });
      log.info({ jobId, preset: preset.id }, 'slack job requested');
    } catch (err) {
      // A refused request is not a job; removing and re-adding the reaction may try again.
      claims.release(claim);
      logRefusal(log, err);
      await tell(slackMessage(err)).catch((tellErr: unknown) => logRefusal(log, tellErr));
    }
  };
}
