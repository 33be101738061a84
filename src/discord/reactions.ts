import type { Message, MessageReaction, PartialMessageReaction, PartialUser, User } from 'discord.js';
import { UserError } from '../errors.js';
import { userMessage } from '../jobs/messages.js';
import type { Preset } from '../jobs/presets.js';
import { isAllowed } from './allow-list.js';
import type { DiscordContext } from './context.js';
import { fetchDiscordImage, firstImageUrl } from './images.js';
import { runJob, startResultThread, statusHeading } from './job-status.js';
import { messageTarget } from './status-target.js';

/** Enough to recognise repeats for days of traffic without growing forever. */
const REMEMBERED = 10_000;

async function threadFor(message: Message, name: string) {
  if (message.channel.isThread()) return message.channel;
  return message.thread ?? startResultThread(message, name);
}

/**
 * A preset's emoji on a message with an image paints that image in the preset's style, in a thread
 * on the message. Each emoji is honoured once per message, however often it is added.
 */
export function presetReactionHandler(context: DiscordContext) {
  const seen = new Set<string>();

  const claim = (messageId: string, preset: Preset): boolean => {
    const key = `${messageId}:${preset.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > REMEMBERED) seen.delete(seen.values().next().value ?? key);
    return true;
  };

  return async (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): Promise<void> => {
    const preset = context.deps.presets.byEmoji(reaction.emoji.name ?? '');
    if (!preset || user.bot) return;
    const message = reaction.message.partial ? await reaction.message.fetch() : reaction.message;
    if (!isAllowed(context, message.channelId, message.channel)) return;
    const url = firstImageUrl(message);
    if (url === undefined || !claim(message.id, preset)) return;

    const requester = user.partial ? await user.fetch() : user;
    const log = context.logger.child({ userId: requester.id, messageId: message.id, preset: preset.name });
    log.info('preset reaction');
    const thread = await threadFor(message, `${preset.title} for ${requester.displayName}`);
    const heading = statusHeading(preset.title, requester.id);
    const status = await thread.send({ content: `${heading}\n📥 Fetching the picture…`, allowedMentions: { users: [] } });
    try {
      const [content, style] = await Promise.all([fetchDiscordImage(context, url, 'image'), preset.loadStyle()]);
      runJob(context, {
        spec: { requester: { platform: 'discord', userId: requester.id }, content, styles: [style], options: preset.base, label: preset.title },
        status: messageTarget(status),
        resultThread: async () => thread,
      });
    } catch (err) {
      if (!(err instanceof UserError)) log.error({ err }, 'preset reaction failed before queueing');
      await status.edit({ content: `${heading}\n⚠️ ${userMessage(err)}` });
    }
  };
}
