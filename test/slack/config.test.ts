import { describe, expect, test } from 'vitest';
import type { Env } from '../../src/config/env.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import type { SlackConfig } from '../../src/config/slack.js';

const slackSettings = (env: Env): SlackConfig | undefined => loadConfig(env).slack;

const SOCKET = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };

describe('Slack configuration', () => {
  test('is off when no Slack secret is set', () => {
    expect(slackSettings({ EASEL_SLACK_CHANNELS: 'C1', EASEL_SLACK_MODE: 'http' })).toBeUndefined();
  });

  test('reads Socket Mode settings, the allow-list and an API base for stand-ins', () => {
    expect(
      slackSettings({ ...SOCKET, EASEL_SLACK_CHANNELS: ' C1, G2 ,', SLACK_API_URL: 'http://127.0.0.1:9/api' }),
    ).toEqual({
      botToken: 'xoxb-1',
      connection: { mode: 'socket', appToken: 'xapp-1' },
      apiUrl: 'http://127.0.0.1:9/api/',
      channels: ['C1', 'G2'],
      progressIntervalMs: 3000,
    });
  });

  test('reads HTTP mode settings', () => {
    const config = slackSettings({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      EASEL_SLACK_MODE: 'HTTP',
      EASEL_SLACK_PORT: '8080',
    });
    expect(config?.connection).toEqual({ mode: 'http', signingSecret: 's', port: 8080 });
    expect(config?.apiUrl).toBeUndefined();
  });

  test.each([
    [
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      'SLACK_APP_TOKEN is not set; it is needed for Socket Mode (or set EASEL_SLACK_MODE=http).',
    ],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_BOT_TOKEN is not set; it is needed to connect to Slack.'],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1', EASEL_SLACK_MODE: 'http' },
      'SLACK_SIGNING_SECRET is not set; it is needed to verify requests in HTTP mode.',
    ],
    [
      { ...SOCKET, EASEL_SLACK_MODE: 'webhook' },
      'EASEL_SLACK_MODE (slack.mode) must be one of socket, http; got "webhook".',
    ],
    [
      { ...SOCKET, EASEL_SLACK_CHANNELS: 'C1,#general' },
      'EASEL_SLACK_CHANNELS (slack.channels) must be channel ids like C0123ABCD, separated by commas; "#general" is not one.',
    ],
    [
      { ...SOCKET, SLACK_API_URL: 'slack.com/api' },
      'SLACK_API_URL (slack.apiUrl) must be an http(s) URL like https://slack.com/api/; got "slack.com/api".',
    ],
    [
      { ...SOCKET, EASEL_SLACK_PROGRESS_MS: '10' },
      'EASEL_SLACK_PROGRESS_MS (slack.progressIntervalMs) must be a whole number from 100 to 60000; got "10".',
    ],
  ])('refuses %j with a message naming the variable and the key', (env, message) => {
    expect(() => slackSettings(env)).toThrow(new ConfigError(message));
  });
});
