import type { Client, Message, MessageEditOptions, SendableChannels, ThreadChannel } from 'discord.js';
import type { ReplyTo } from '../jobs/job.js';
import type { JobRestorer } from '../jobs/restore.js';
import { presentLost } from '../jobs/status/index.js';
import type { DiscordContext } from './context.js';
import { runJob, startResultThread } from './job-status.js';
import { ChannelMessageTarget } from './status-target.js';
import { statusText } from './status-view.js';

/**
 * Where a Discord job's messages go, as the journal keeps it (JobSpec.replyTo). Only the bot token is needed to
 * post there again: the interaction token of the command that asked may be long dead after a restart.
 */
interface DiscordReplyTo {
  /** The channel, or thread, the job was asked in. */
  readonly channelId: string;
  /** The message whose thread the job's messages go to; a thread started from a message has the message's id. */
  readonly threadOf?: string;
  /** The job's status message before the restart, once it was posted (see statusReplyTo). */
  readonly status?: MessageAt;
}

interface MessageAt {
  /** The channel, or thread, the message is in. */
  readonly channelId: string;
  readonly messageId: string;
}

const SNOWFLAKE = /^\d{15,21}$/;

/** The journal's note of where a job asked in `channelId` reports (in the thread of message `threadOf`, if given). */
export function discordReplyTo(channelId: string, threadOf?: string): ReplyTo {
  return threadOf === undefined ? { channelId } : { channelId, threadOf };
}

function readReplyTo(replyTo: ReplyTo | undefined): DiscordReplyTo {
  const { channelId, threadOf, statusIn, status } = replyTo ?? {};
  const optional = [threadOf, statusIn, status].filter((id) => id !== undefined);
  if (channelId === undefined || ![channelId, ...optional].every((id) => SNOWFLAKE.test(id))) {
    throw new Error(`not a Discord job's replyTo: ${JSON.stringify(replyTo)}`);
  }
  return {
    channelId,
    ...(threadOf === undefined ? {} : { threadOf }),
    ...(statusIn === undefined || status === undefined ? {} : { status: { channelId: statusIn, messageId: status } }),
  };
}

/** The job's thread when it is there, else the channel it was asked in. */
async function placeOf(client: Client, where: DiscordReplyTo): Promise<SendableChannels> {
  if (where.threadOf !== undefined) {
    const thread = await client.channels.fetch(where.threadOf).catch(() => null);
    if (thread?.isThread() && thread.isSendable()) return thread;
  }
  const channel = await client.channels.fetch(where.channelId);
  if (!channel?.isSendable()) throw new Error(`channel ${where.channelId} is not one the bot can post in`);
  return channel;
}

/**
 * Turns the job's status message from before the restart into a line that points to its message now, with no
 * buttons left to press (its Cancel died with the old process) and no preview, so that members see one status.
 */
async function retire(
  context: DiscordContext,
  client: Client,
  old: MessageAt | undefined,
  text: string,
): Promise<void> {
  if (old === undefined) return;
  try {
    const channel = await client.channels.fetch(old.channelId);
    if (!channel?.isTextBased()) return;
    await channel.messages.edit(old.messageId, { content: text, components: [], attachments: [] });
  } catch (err) {
    context.logger.warn({ err, status: old }, 'the status message from before the restart could not be updated');
  }
}

/** A restored job's status message: once it is posted, the one from before the restart points to it. */
class RestoredStatusTarget extends ChannelMessageTarget {
  constructor(
    place: ConstructorParameters<typeof ChannelMessageTarget>[0],
    private readonly retireOld: (now: Message) => Promise<void>,
  ) {
    super(place);
  }

  override async post(payload: MessageEditOptions): Promise<void> {
    await super.post(payload);
    if (this.message) await this.retireOld(this.message);
  }
}

/**
 * Brings Discord jobs back after a restart: a fresh status message, posted with the bot token in the job's thread
 * (when it had one) or its channel, and the result in that thread or in one started from the new status message.
 */
export function discordRestorer(context: DiscordContext, client: Client): JobRestorer {
  return {
    restore(spec, submit) {
      const where = readReplyTo(spec.replyTo);
      const place = placeOf(client, where);
      place.catch(() => undefined);
      const status = new RestoredStatusTarget(
        () =>
          place.catch((err: unknown) => {
            context.logger.warn({ err, replyTo: spec.replyTo }, "a restored job's channel is gone; nothing is posted");
            return undefined;
          }),
        (now) => retire(context, client, where.status, `easel restarted; this job carries on below: ${now.url}`),
      );
      const resultThread = async (): Promise<ThreadChannel | undefined> => {
        const channel = await place;
        if (channel.isThread()) return channel;
        return status.message ? startResultThread(status.message, spec.label) : undefined;
      };
      return runJob(context, { spec, status, resultThread, reservation: { submit } });
    },

    async reportLost(job) {
      const where = readReplyTo(job.replyTo);
      const place = await placeOf(client, where);
      const { requester } = job;
      const view = presentLost({ label: job.label, requesterId: requester.userId }, job.reason);
      const told = await place.send({ content: statusText(view), allowedMentions: { users: [requester.userId] } });
      await retire(context, client, where.status, `easel restarted; what became of this job is below: ${told.url}`);
    },
  };
}
