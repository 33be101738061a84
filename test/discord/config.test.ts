import { describe, expect, it } from 'vitest';
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
    const { discord } = loadConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_GUILD_ID: GUILD,
      DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
      EASEL_DISCORD_CHANNELS: `${GUILD}, 223456789012345678`,
    });
    expect(discord).toEqual({
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
    [{ EASEL_SLOTS: 'two' }, 'EASEL_SLOTS (engine.slots) must be a whole number from 1 to 16; got "two".'],
    [
      { EASEL_QUEUE_PER_USER: '0' },
      'EASEL_QUEUE_PER_USER (queue.maxPerUser) must be a whole number from 1 to 100; got "0".',
    ],
    [
      { EASEL_BACKEND: 'cuda' },
      'EASEL_BACKEND (engine.backend) must be one of tfjs-node-gpu, onnx, tfjs-node, wasm, cpu; got "cuda".',
    ],
    [
      { EASEL_LOG_LEVEL: 'loud' },
      'EASEL_LOG_LEVEL (logLevel) must be one of fatal, error, warn, info, debug, trace, silent; got "loud".',
    ],
    [
      { DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: 'my-server' },
      'DISCORD_GUILD_ID (discord.guildId) must be a Discord id (a long number, "Copy ID" in Discord\'s developer mode); ' +
        'got "my-server".',
    ],
    [
      { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'discord.com' },
      'DISCORD_API_URL (discord.apiUrl) must be an http(s) URL like https://discord.com/api; got "discord.com".',
    ],
    [
      { DISCORD_TOKEN: TOKEN, EASEL_DISCORD_CHANNELS: 'art' },
      'EASEL_DISCORD_CHANNELS (discord.channels) must be channel ids (long numbers), separated by commas; ' +
        '"art" is not one.',
    ],
  ])('names the variable and the key at fault in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });
});
