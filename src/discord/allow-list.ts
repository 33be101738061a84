import type { Channel } from 'discord.js';
import type { DiscordContext } from './context.js';

/** Whether the bot works in this channel; a thread counts as its parent channel. */
export function worksIn(context: DiscordContext, channelId: string, channel: Channel | null): boolean {
  return context.allowList.allows(channelId, channel?.isThread() ? channel.parentId : null);
}
