import { ConfigError, integer, list, optional, url, type Env } from './env.js';

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

const SNOWFLAKE = /^\d{15,21}$/;

function snowflake(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !SNOWFLAKE.test(value)) {
    throw new ConfigError(`${name} must be a Discord id (a long number, "Copy ID" in Discord's developer mode); got "${value}".`);
  }
  return value;
}

/** Reads the Discord settings; undefined when DISCORD_TOKEN is not set. Throws ConfigError naming the variable at fault. */
export function loadDiscordConfig(env: Env): DiscordConfig | undefined {
  const token = optional(env, 'DISCORD_TOKEN');
  if (token === undefined) return undefined;
  const channels = list(env, 'EASEL_DISCORD_CHANNELS');
  const badChannel = channels.find((id) => !SNOWFLAKE.test(id));
  if (badChannel !== undefined) {
    throw new ConfigError(`EASEL_DISCORD_CHANNELS takes channel ids separated by commas; "${badChannel}" is not one.`);
  }
  return {
    token,
    applicationId: snowflake(env, 'DISCORD_APPLICATION_ID'),
    guildId: snowflake(env, 'DISCORD_GUILD_ID'),
    apiUrl: url(env, 'DISCORD_API_URL', 'https://discord.com/api'),
    channels,
    tokenTtlMs: integer(env, 'EASEL_DISCORD_TOKEN_TTL_MS', 14.5 * 60_000, 1_000, 15 * 60_000),
    progressIntervalMs: integer(env, 'EASEL_DISCORD_PROGRESS_MS', 3_000, 100, 60_000),
    previewIntervalMs: integer(env, 'EASEL_DISCORD_PREVIEW_MS', 15_000, 100, 10 * 60_000),
  };
}
