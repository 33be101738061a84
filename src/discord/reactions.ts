import type { ThreadChannel, Message, MessageReaction, PartialMessageReaction, PartialUser, User } from 'discord.js';
import { UserError } from '../errors.js';
import type { JobHandle } from '../jobs/job.js';
import { userMessage } from '../jobs/messages.js';
import { planPreset, presetContentSide, presetJob, reservePreset } from '../jobs/presets.js';
import { RecentClaims } from '../jobs/recent-claims.js';
import type { Reservation } from '../jobs/queue.js';
import { presentRefusal, type Headline } from '../jobs/status/index.js';
import { worksIn } from './allow-list.js';
import type { DiscordContext } from './context.js';
import { fetchDiscordImage, firstImageUrl } from './images.js';
import { runJob, startResultThread } from './job-status.js';
import { discordReplyTo } from './restore.js';
import { ChannelMessageTarget } from './status-target.js';
import { statusText } from './status-view.js';

export const NO_THREADS =
  "I can't make threads here. Ask an admin to give me Create Public Threads, or use me in another channel.";

async function threadFor(message: Message, name: string): Promise<ThreadChannel> {
  if (message.channel.isThread()) return message.channel;
  return message.thread ?? startResultThread(message, name);
}

/** Answers on the message itself, for a request that has no thread (and gets none). */
async function answer(message: Message, headline: Headline, text: string): Promise<void> {
  await message.reply({
    content: statusText(presentRefusal(headline, text)),
    allowedMentions: { users: [], repliedUser: false },
  });
}

/**
 * A preset's emoji on a message with an image paints that image in the preset's style, in a thread on the
 * message: with its style network when it has one (under a second, so only the result is posted), else with its
 * painting. Each emoji is honoured once per message, however often it is added; a refused one may be tried
 * again. The thread is made only once the queue has taken the job, so a refused request leaves none behind.
 */
export function presetReactionHandler(context: DiscordContext) {
  const claims = new RecentClaims();

  return async (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): Promise<void> => {
    // A server's own emoji is known by its id, a unicode one by itself.
    const preset = context.deps.presets.byEmoji(reaction.emoji.id ?? reaction.emoji.name ?? '');
    if (!preset || user.bot) return;
    const message = reaction.message.partial ? await reaction.message.fetch() : reaction.message;
    if (!worksIn(context, message.channelId, message.channel)) return;
    const url = firstImageUrl(message);
    const claim = `${message.id}:${preset.id}`;
    if (url === undefined || !claims.claim(claim)) return;

    const requester = user.partial ? await user.fetch() : user;
    const log = context.logger.child({ userId: requester.id, messageId: message.id, preset: preset.id });
    log.info('preset reaction');
    const asker = { platform: 'discord', userId: requester.id };
    const headline: Headline = { label: preset.name, requesterId: requester.id };
    const refuse = async (text: string): Promise<void> => {
      claims.release(claim);
      await answer(message, headline, text).catch((err: unknown) => log.warn({ err }, 'could not answer the reaction'));
    };

    let thread: Promise<ThreadChannel> | undefined;
    const threadName = `${preset.name} for ${requester.displayName}`;
    const resultThread = (): Promise<ThreadChannel> => (thread ??= threadFor(message, threadName));
    let reservation: Reservation | undefined;
    let handle: JobHandle;
    try {
      const { deps } = context;
      const plan = planPreset(preset, {}, deps.limits.options, deps.presets.defaults);
      reservation = reservePreset(deps.queue, asker, plan);
      const side = presetContentSide(plan, deps.limits.options.maxSize);
      const content = await deps.inputs.run(() => fetchDiscordImage(context, url, 'image', side));
      handle = runJob(context, {
        spec: {
          ...(await presetJob(plan, asker, content)),
          replyTo: discordReplyTo(message.channelId, message.channel.isThread() ? undefined : message.id),
        },
        status: new ChannelMessageTarget(() => resultThread().catch(() => undefined)),
        resultThread,
        reservation,
      });
    } catch (err) {
      reservation?.release();
      if (!(err instanceof UserError)) log.error({ err }, 'preset reaction failed before queueing');
      await refuse(userMessage(err));
      return;
    }
    try {
      await resultThread();
    } catch (err) {
      log.warn({ err }, 'could not make a thread for the result; the job is cancelled');
      context.deps.queue.cancel(handle.id, requester.id);
      await refuse(NO_THREADS);
    }
  };
}
