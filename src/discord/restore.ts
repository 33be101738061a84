import type { Client, SendableChannels, ThreadChannel } from 'discord.js';
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
}

const SNOWFLAKE = /^\d{15,21}$/;

/** The journal's note of where a job asked in `channelId` reports (in the thread of message `threadOf`, if given). */
export function discordReplyTo(channelId: string, threadOf?: string): ReplyTo {
  return threadOf === undefined ? { channelId } : { channelId, threadOf };
}

function readReplyTo(replyTo: ReplyTo | undefined): DiscordReplyTo {
  const { channelId, threadOf } = replyTo ?? {};
  if (channelId === undefined || !SNOWFLAKE.test(channelId) || (threadOf !== undefined && !SNOWFLAKE.test(threadOf))) {
    throw new Error(`not a Discord job's replyTo: ${JSON.stringify(replyTo)}`);
  }
  return { channelId, ...(threadOf === undefined ? {} : { threadOf }) };
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
 * Brings Discord jobs back after a restart: a fresh status message, posted with the bot token in the job's thread
 * (when it had one) or its channel, and the result in that thread or in one started from the new status message.
 */
export function discordRestorer(context: DiscordContext, client: Client): JobRestorer {
  return {
    restore(spec, submit) {
      const place = placeOf(client, readReplyTo(spec.replyTo));
      place.catch(() => undefined);
      const status = new ChannelMessageTarget(() =>
        place.catch((err: unknown) => {
          context.logger.warn({ err, replyTo: spec.replyTo }, "a restored job's channel is gone; nothing is posted");
          return undefined;
        }),
      );
      const resultThread = async (): Promise<ThreadChannel | undefined> => {
        const channel = await place;
        if (channel.isThread()) return channel;
        return status.message ? startResultThread(status.message, spec.label) : undefined;
      };
      return runJob(context, { spec, status, resultThread, reservation: { submit } });
    },

    async reportLost(job) {
      const place = await placeOf(client, readReplyTo(job.replyTo));
      const { requester } = job;
      const view = presentLost({ label: job.label, requesterId: requester.userId }, job.reason);
      await place.send({ content: statusText(view), allowedMentions: { users: [requester.userId] } });
    },
  };
}
