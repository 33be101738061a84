import { describe, expect, it } from 'vitest';
import { loadDiscordConfig } from '../../src/config/discord.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const TOKEN = 'bot-token';
const GUILD = '123456789012345678';

describe('loadConfig', () => {
  it('has working defaults and leaves out platforms without tokens', () => {
    const config = loadConfig({});
    expect(config.discord).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.engine.slots).toBe(1);
    expect(config.queue).toEqual({ maxPerUser: 2, maxWaiting: 20, timeoutMs: 900_000, graceMs: 10_000 });
    expect(config.inputConcurrency).toBe(2);
    expect(config.engine.weights.location).toMatch(/shared\/models\/vgg19$/);
    expect(config.presets.file).toMatch(/config\/presets\.json$/);
  });

  it('reads the Discord settings when DISCORD_TOKEN is set', () => {
    const discord = loadDiscordConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      EASEL_DISCORD_CHANNELS: `${GUILD}, 223456789012345678`,
    });
    expect(discord).toMatchObject({
      token: TOKEN,
      applicationId: undefined,
      guildId: GUILD,
      apiUrl: 'http://127.0.0.1:9999/api',
      channels: [GUILD, '223456789012345678'],
      tokenTtlMs: 870_000,
      progressIntervalMs: 3000,
      previewIntervalMs: 15_000,
    });
  });

  it.each([
    [{ EASEL_SLOTS: 'two' }, 'EASEL_SLOTS must be a whole number from 1 to 16; got "two".'],
    [{ EASEL_QUEUE_PER_USER: '0' }, 'EASEL_QUEUE_PER_USER must be a whole number from 1 to 100; got "0".'],
    [{ EASEL_BACKEND: 'cuda' }, 'EASEL_BACKEND must be one of'],
    [{ EASEL_LOG_LEVEL: 'loud' }, 'EASEL_LOG_LEVEL must be one of'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: 'my-server' }, 'DISCORD_GUILD_ID must be a Discord id'],
    [{ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'discord.com' }, 'DISCORD_API_URL must be an http(s) URL'],
    [{ DISCORD_TOKEN: TOKEN, EASEL_DISCORD_CHANNELS: 'art' }, 'EASEL_DISCORD_CHANNELS takes channel ids separated by commas; "art" is not one.'],
  ])('names the variable at fault in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
