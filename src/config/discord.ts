import type { Settings } from './settings.js';

export interface DiscordConfig {
  readonly token: string;
  /** Fetched from the API when not given. */
  readonly applicationId: string | undefined;
  /** Commands are registered in this guild only (instant), otherwise globally. */
  readonly guildId: string | undefined;
  /** API base such as https://discord.com/api, e.g. a local stand-in; undefined means Discord itself. */
  readonly apiUrl: string | undefined;
  /** Channel ids the bot works in; empty means everywhere. */
  readonly channels: readonly string[];
  /** How long an interaction token is used before switching to a normal message; Discord's die after 15 minutes. */
  readonly tokenTtlMs: number;
  /** Least time between two edits of a progress message. */
  readonly progressIntervalMs: number;
  /** Least time between two preview images on a progress message. */
  readonly previewIntervalMs: number;
}

/** The Discord settings; undefined when DISCORD_TOKEN is not set. */
export function discordConfig(settings: Settings): DiscordConfig | undefined {
  const { token, ...rest } = settings.discord;
  return token === undefined ? undefined : { token, ...rest };
}
