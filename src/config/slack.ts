import { ConfigError, integer, list, optional, url, type Env } from './env.js';

export type SlackConnection =
  | { readonly mode: 'socket'; readonly appToken: string }
  | { readonly mode: 'http'; readonly signingSecret: string; readonly port: number };

export interface SlackConfig {
  readonly botToken: string;
  readonly connection: SlackConnection;
  /** Web API base ending in '/', e.g. a local stand-in; undefined means Slack itself. */
  readonly apiUrl: string | undefined;
  /** Channel ids the bot works in; empty means every channel it is in. */
  readonly channels: readonly string[];
  /** Least time between two edits of a progress message; Slack rate-limits chat.update to about one a second. */
  readonly progressIntervalMs: number;
}

/** Setting any of these means the operator wants Slack. */
const SECRETS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'] as const;
const DEFAULT_HTTP_PORT = 3000;
const DEFAULT_PROGRESS_INTERVAL_MS = 3000;

function required(env: Env, name: string, why: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(`${name} is not set; it is needed ${why}.`);
  return value;
}

function connection(env: Env): SlackConnection {
  const mode = optional(env, 'EASEL_SLACK_MODE')?.toLowerCase() ?? 'socket';
  if (mode === 'socket') {
    return { mode, appToken: required(env, 'SLACK_APP_TOKEN', 'for Socket Mode (or set EASEL_SLACK_MODE=http)') };
  }
  if (mode === 'http') {
    return {
      mode,
      signingSecret: required(env, 'SLACK_SIGNING_SECRET', 'to verify requests in HTTP mode'),
      port: integer(env, 'EASEL_SLACK_PORT', DEFAULT_HTTP_PORT, 1, 65535),
    };
  }
  throw new ConfigError(`EASEL_SLACK_MODE must be "socket" or "http"; got "${mode}".`);
}

/**
 * Reads the Slack settings. Returns undefined when no Slack secret is set, so the bot runs on other
 * platforms only; throws a ConfigError naming the variable when the settings are incomplete or malformed.
 */
export function loadSlackConfig(env: Env = process.env): SlackConfig | undefined {
  if (SECRETS.every((name) => optional(env, name) === undefined)) return undefined;
  const channels = list(env, 'EASEL_SLACK_CHANNELS');
  const badChannel = channels.find((id) => !/^[CGD][A-Z0-9]+$/.test(id));
  if (badChannel !== undefined) {
    throw new ConfigError(`EASEL_SLACK_CHANNELS takes channel ids like C0123ABCD, separated by commas; "${badChannel}" is not one.`);
  }
  const apiUrl = url(env, 'SLACK_API_URL', 'https://slack.com/api/');
  return {
    botToken: required(env, 'SLACK_BOT_TOKEN', 'to connect to Slack'),
    connection: connection(env),
    // The Web API client appends method names directly to this base.
    apiUrl: apiUrl === undefined ? undefined : `${apiUrl}/`,
    channels,
    progressIntervalMs: integer(env, 'EASEL_SLACK_PROGRESS_MS', DEFAULT_PROGRESS_INTERVAL_MS, 100, 60_000),
  };
}
