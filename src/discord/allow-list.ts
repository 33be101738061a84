import type { Channel } from 'discord.js';
import type { DiscordContext } from './context.js';

/** Whether the bot works in this channel; threads count as their parent channel. */
export function isAllowed(context: DiscordContext, channelId: string, channel: Channel | null): boolean {
  const { channels } = context.config;
  if (channels.length === 0) return true;
  const parentId = channel?.isThread() ? channel.parentId : null;
  return channels.includes(channelId) || (parentId !== null && channels.includes(parentId));
}

export function whereIWork(context: DiscordContext): string {
  const channels = context.config.channels.map((id) => `<#${id}>`);
  const list = channels.length > 1 ? `${channels.slice(0, -1).join(', ')} or ${channels.at(-1)}` : channels.join('');
  return `I only paint in ${list}. See you there! 🎨`;
}
